"""Complex scripts shaped with HarfBuzz (``uharfbuzz``) before ReportLab sees the text.

Arabic letters join (each takes an initial, medial, final or isolated form, and lam with alef
makes one glyph); Bengali, Gurmukhi and Gujarati make conjuncts and move vowel signs. Most of
those glyphs have no character of their own in the font's cmap, and ReportLab draws characters,
not glyphs. So a font made for such a script gets, when it is loaded, a private-use character
(from U+F0000, plane 15, which no font maps) for every glyph its cmap does not reach, and a word
of the script is given to ReportLab as the characters of its shaped glyphs, in visual order
(``shaped``). Widths, line breaking, subsetting and the fixed encoding (``pdffont``) then work
unchanged: a shaped word is a word like any other. Each private-use character's ToUnicode entry
is the text its glyph stands for (``unicode_of``), found by shaping every letter of the script in
every joining position, so a PDF reader that extracts the text gets the letters, not private codes.

ReportLab's own shaping (a ParagraphStyle's ``shaping``) is not used: it numbers new glyphs in the
order a document meets them, which the fixed encoding cannot have, and it needs ``rlbidi``, which
is not on PyPI. Glyph positioning (GPOS mark offsets) is not applied: glyphs are drawn at their
advance widths, which joins letters correctly; vowel marks sit where the font draws them by default.
"""
from __future__ import annotations

import re
import threading
import unicodedata

import uharfbuzz

# Unicode blocks of the scripts shaped here: (first, last) code points.
SCRIPT_BLOCKS = {
    "Arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "Hebrew": ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    "Devanagari": ((0x0900, 0x097F),),
    "Bengali": ((0x0980, 0x09FF),),
    "Gurmukhi": ((0x0A00, 0x0A7F),),
    "Gujarati": ((0x0A80, 0x0AFF),),
    "Oriya": ((0x0B00, 0x0B7F),),
    "Tamil": ((0x0B80, 0x0BFF),),
    "Telugu": ((0x0C00, 0x0C7F),),
    "Kannada": ((0x0C80, 0x0CFF),),
    "Malayalam": ((0x0D00, 0x0D7F),),
    "Sinhala": ((0x0D80, 0x0DFF),),
}
_VIRAMA = {"Devanagari": 0x094D, "Bengali": 0x09CD, "Gurmukhi": 0x0A4D, "Gujarati": 0x0ACD, "Oriya": 0x0B4D,
           "Tamil": 0x0BCD, "Telugu": 0x0C4D, "Kannada": 0x0CCD, "Malayalam": 0x0D4D, "Sinhala": 0x0DCA}
_ZWJ = "\u200d"
PRIVATE_BASE = 0xF0000      # supplementary private use area A: the glyphs the cmap does not reach
_FEATURES = {"kern": True, "liga": True}
_lock = threading.RLock()
_SCRIPT_OF: dict[int, str] = {}
for _script, _blocks in SCRIPT_BLOCKS.items():
    for _first, _last in _blocks:
        for _c in range(_first, _last + 1):
            _SCRIPT_OF[_c] = _script


_SCRIPT_CHARS = frozenset(_SCRIPT_OF)


def script_of(char: str) -> str | None:
    """The complex script a character belongs to ('Arabic'), or None."""
    return _SCRIPT_OF.get(ord(char))


_COMPLEX = re.compile("[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for blocks in SCRIPT_BLOCKS.values()
                                   for first, last in blocks) + "]")


def needs_shaping(text: str) -> bool:
    """``text`` has a letter of a script shaped here (asked of every run of text: a regular expression)."""
    return _COMPLEX.search(text) is not None


def is_rtl_char(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def font_scripts(face) -> set[str]:
    """The complex scripts a font has letters for (at least 16 characters of the script)."""
    counts: dict[str, int] = {}
    for c in _SCRIPT_CHARS.intersection(face.charToGlyph):     # in C: most fonts have none
        script = _SCRIPT_OF[c]
        counts[script] = counts.get(script, 0) + 1
    return {s for s, n in counts.items() if n >= 16}


# ------------------------------------------------------------------------------ fonts
class _Glyphs:
    """A face's glyph -> character map, private-use characters added for the unmapped glyphs."""

    def __init__(self, face):
        self.face = face
        self.rtl = bool(font_scripts(face) & {"Arabic", "Hebrew"})
        self._hb_font = None
        self.char_of: dict[int, int] = {}
        for char, gid in sorted(face.charToGlyph.items()):
            self.char_of.setdefault(gid, char)
        self._text_of: dict[int, str] | None = None     # private character -> the text its glyph stands for
        scale = 1000.0 / face.unitsPerEm
        for gid in range(face.numGlyphs):
            if gid not in self.char_of:
                private = PRIVATE_BASE + gid
                self.char_of[gid] = private
                face.charToGlyph[private] = gid
                face.glyphToChar.setdefault(gid, []).append(private)
                face.charWidths[private] = round(face.hmetrics[gid][0] * scale)

    @property
    def text_of(self) -> dict[int, str]:
        """Learnt when first asked (thousands of shapings for an Indic font: a tenth of a second,
        which an edition that never draws the script should not pay for)."""
        if self._text_of is None:
            with _lock:
                if self._text_of is None:
                    self._learning: dict[int, str] = {}
                    self._learn_texts()
                    self._text_of = self._learning     # whole, for any other thread
        return self._text_of

    @property
    def hb_font(self):
        """HarfBuzz's font, made when a word is first shaped: a style's fonts that have an Arabic
        or Hebrew alphabet (Liberation Sans has Hebrew) are prepared in every build, and most
        never shape a word (HarfBuzz is imported then: ``rlcontract.import_reportlab``)."""
        if self._hb_font is None:
            self._hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(self.face._ttf_data)))
        return self._hb_font

    def shape(self, text: str):
        buf = uharfbuzz.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        uharfbuzz.shape(self.hb_font, buf, _FEATURES)
        return buf.glyph_infos

    def _learn_texts(self) -> None:
        """What each private glyph stands for: every letter shaped alone, joined on either side,
        and (Indic) joined to every consonant through the virama. Deterministic: the same font
        gives the same map in every process."""
        letters = sorted(c for c in self.face.charToGlyph if c in _SCRIPT_OF and c < 0xFB00
                         and unicodedata.category(chr(c))[0] == "L")
        samples = []
        for c in letters:
            ch = chr(c)
            samples += [ch, _ZWJ + ch, ch + _ZWJ, _ZWJ + ch + _ZWJ]
        for c in letters:        # lam-alef and the like
            if _SCRIPT_OF[c] == "Arabic" and c == 0x0644:
                samples += [chr(c) + chr(a) for a in (0x0627, 0x0622, 0x0623, 0x0625)]
        by_script: dict[str, list[int]] = {}
        for c in letters:
            by_script.setdefault(_SCRIPT_OF[c], []).append(c)
        for script, consonants in by_script.items():
            signs = [chr(c) for c in self.face.charToGlyph if _SCRIPT_OF.get(c) == script
                     and unicodedata.category(chr(c)) in ("Mn", "Mc")]
            if script in _VIRAMA:
                samples += [chr(a) + m for a in consonants for m in signs]
                samples += [chr(consonants[0]) + m + n for m in signs for n in signs]   # sign ligatures
            virama = _VIRAMA.get(script)
            if virama is not None and virama in self.face.charToGlyph:
                v = chr(virama)
                for a in consonants:
                    samples.append(chr(a) + v)
                    samples += [chr(a) + v + chr(b) for b in consonants]
        for sample in samples:
            self._learn(sample)

    def _learn(self, sample: str) -> None:
        infos = self.shape(sample)
        clusters: dict[int, list[int]] = {}
        for info in infos:
            clusters.setdefault(info.cluster, []).append(info.codepoint)
        starts = sorted(clusters) + [len(sample)]
        for start, end in zip(starts, starts[1:]):
            rest = sample[start:end].replace(_ZWJ, "")
            private = []
            for gid in clusters[start]:
                char = self.char_of.get(gid, 0)
                if char >= PRIVATE_BASE:
                    private.append(char)
                else:       # a glyph the cmap reaches stands for its own character
                    rest = rest.replace(chr(char), "", 1)
            for n, char in enumerate(private):
                if char not in self._learning and rest:
                    self._learning[char] = rest if n == 0 else "\u200c"


_GLYPHS: dict[int, _Glyphs] = {}     # id(face) -> its glyph map


def prepare_face(face) -> bool:
    """Give a face made for a complex script its private glyph characters (once); True if it is one.
    Called before ``pdffont.FixedTTFont`` numbers the face's characters."""
    with _lock:
        if id(face) in _GLYPHS:
            return True
        if not font_scripts(face):
            return False
        _GLYPHS[id(face)] = _Glyphs(face)
        return True


def rtl_face(face) -> bool:
    """The face is one of ours, made for a right-to-left script."""
    glyphs = _GLYPHS.get(id(face))
    return glyphs is not None and glyphs.rtl


def unicode_of(face, char: int) -> str | None:
    """The text a private glyph character stands for (None: not one of ours)."""
    glyphs = _GLYPHS.get(id(face))
    if glyphs is None:
        return None
    if char < PRIVATE_BASE:
        # a presentation form (an Arabic letter's joined form the cmap reaches): the letter itself
        if 0xFB50 <= char <= 0xFDFF or 0xFE70 <= char <= 0xFEFF:
            return unicodedata.normalize("NFKC", chr(char))
        return None
    return glyphs.text_of.get(char)


# ------------------------------------------------------------------------------ words
_SHAPED: dict[tuple[int, str], str] = {}
TYPED: dict[str, str] = {}       # a shaped left-to-right word (its glyphs' characters) -> the word as typed


def shaped(text: str, face) -> str:
    """``text`` (one word, or a run without spaces, in logical order) as the characters of its
    shaped glyphs in visual (left-to-right) order; ``text`` itself when the face is not one of ours
    or nothing needs shaping."""
    glyphs = _GLYPHS.get(id(face))
    if glyphs is None or not needs_shaping(text):
        return text
    key = (id(face), text)
    out = _SHAPED.get(key)
    if out is None:
        with _lock:
            out = "".join(chr(glyphs.char_of.get(info.codepoint, 0xFFFD)) for info in glyphs.shape(text))
            _SHAPED[key] = out
            if out != text and not any(is_rtl_char(c) for c in text):
                # a right-to-left word is not marked: its glyphs, drawn right to left, each stand for
                # their letters (ToUnicode), and a reader's bidirectional algorithm puts them in
                # typed order; an ActualText in typed order would be reversed a second time
                TYPED.setdefault(out, text)
    return out


def shape_run(text: str, face) -> str:
    """A run of words in one font: each word shaped on its own, spaces kept, words in logical
    order (the line they land on is put in visual order when it is drawn: ``bidi``)."""
    if _GLYPHS.get(id(face)) is None or not needs_shaping(text):
        return text
    return " ".join(shaped(word, face) if word else word for word in text.split(" "))


# ------------------------------------------------------------------------------ ActualText
_WORDS = re.compile(r"([^ \xa0]+)")
_FIRST_SHAPED = 0x0590      # no character below this is a shaped glyph's


def install_actual_text() -> None:
    """Once per process (``rlcontract.install``): a shaped word drawn in a text object is marked
    ``/Span <</ActualText (the word as typed)>> BDC ... EMC`` (ISO 32000-1 14.9.4), so text
    extracted from the PDF (a screen reader, copy and paste) reads the letters in the order they
    were typed, not the glyphs in the order they are drawn (a Bengali vowel sign drawn before its
    consonant, an Arabic word right to left). Text with no shaped word is untouched."""
    from reportlab.pdfgen.textobject import PDFTextObject

    if hasattr(PDFTextObject._formatText, "__wrapped_original__"):
        return
    original = PDFTextObject._formatText

    def format_text(self, text):
        if not TYPED or not text or max(text) < chr(_FIRST_SHAPED):
            return original(self, text)
        parts = _WORDS.split(text)
        if not any(part in TYPED for part in parts[1::2]):
            return original(self, text)
        out = []
        for n, part in enumerate(parts):
            if not part:
                continue
            typed = TYPED.get(part) if n % 2 else None
            drawn = original(self, part)
            out.append(f"/Span <</ActualText <FEFF{typed.encode('utf-16-be').hex().upper()}>>> BDC {drawn} EMC"
                       if typed else drawn)
        return " ".join(out)

    format_text.__wrapped_original__ = original
    PDFTextObject._formatText = format_text
