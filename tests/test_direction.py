"""The regular expression that answers 'no right-to-left letter here' for most texts at once
(``book.document.direction``) covers every right-to-left character Python's Unicode knows."""
import sys
import unicodedata

from book.document.direction import RTL_BLOCKS, may_be_rtl


def test_every_right_to_left_character_is_in_the_blocks():
    missing = [hex(cp) for cp in range(sys.maxunicode + 1)
               if unicodedata.bidirectional(chr(cp)) in ("R", "AL") and not may_be_rtl(chr(cp))]
    assert not missing, f"right-to-left characters outside RTL_BLOCKS ({unicodedata.unidata_version}): {missing[:20]}"


def test_latin_text_has_none():
    assert not may_be_rtl("Physiotherapy \u2013 \u201cfirst contact\u201d, na\u00efve caf\u00e9 \u00a312 \u2192 ok")
    assert may_be_rtl("the word \u0645\u0631\u062d\u0628\u0627 in Arabic")
    assert may_be_rtl("\u05e9\u05dc\u05d5\u05dd")
    assert RTL_BLOCKS
