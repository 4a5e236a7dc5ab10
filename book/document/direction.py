"""Whether a text may hold a right-to-left letter, answered with one regular-expression search
instead of asking ``unicodedata.bidirectional`` about every character.

Nearly every text of an NHS edition holds none, and then every question of direction a writer
asks (is this paragraph right-to-left? is this word?) has the answer "no". The writers ask this
first and do their character-by-character count only for a text that may hold one.
"""
from __future__ import annotations

import re

# The blocks that hold every character whose bidirectional class is R or AL (Hebrew, Arabic,
# Syriac, Thaana, N'Ko..., the right-to-left mark, the Hebrew and Arabic presentation forms, and
# the right-to-left scripts of the supplementary planes): a superset, so that a text with no match
# has no right-to-left letter. ``tests/test_direction.py`` checks it against unicodedata over all
# of Unicode (a later Unicode version that puts such a letter elsewhere fails there).
RTL_BLOCKS = "\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff"
_MAY_BE_RTL = re.compile(f"[{RTL_BLOCKS}]")


def may_be_rtl(text: str) -> bool:
    """False when ``text`` has no right-to-left letter; True when it may have one."""
    return _MAY_BE_RTL.search(text) is not None
