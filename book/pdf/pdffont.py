"""TrueType fonts with one fixed encoding in every PDF the toolkit writes.

ReportLab numbers a font's characters in the order a document first uses them, so two documents
give one character different codes, and pages made in different processes (or cached from an
earlier build) cannot share a font. A ``FixedTTFont`` gives every character of its font the same
(subset, code) in every document, so pages typeset anywhere can be put in one file, and the file
embeds only the glyphs its pages use (``subset_fonts``).

Subset 0 holds ASCII and Latin-1 at their own codes (content streams stay readable) and, in the
codes those leave free, the punctuation and letters English and Welsh text uses most (curly
quotes, dashes, the euro, w and y with circumflex), so most lines are one run in one subset. The
rest of the font follows in code-point order, 255 characters a subset. In every subset code 32 is
the space (PDF word spacing applies to code 32) and code 0 the missing glyph.
"""
from __future__ import annotations

import hashlib
import re
import string
from bisect import bisect_left
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import lru_cache
from itertools import chain, count
from weakref import WeakKeyDictionary

from reportlab.pdfbase.ttfonts import TTEncoding, TTFont
from reportlab.rl_config import unShapedFontGlob

from book.pdf import shaping
from book.pdf.fontparse import QuickFace

PRIORITY = (
    "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d"
    "\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"      # what Windows-1252 adds to Latin-1
    "\u0174\u0175\u0176\u0177\u1e80\u1e81\u1e82\u1e83\u1e84\u1e85\u1ef2\u1ef3"   # Welsh w and y
    "\u2010\u2011\u2012\u2032\u2033\u2044\u2192\u2190\u2212\u2264\u2265\u2248\u2260"
    "\u0141\u0142\u0105\u0119\u0107\u0144\u015b\u017a\u017c\u2713\u2714\u25a0"
)
_FREE_IN_ZERO = [*range(1, 32), *range(127, 161)]      # 160 too: no-break space is drawn as code 32
_NBSP = 0xA0


@dataclass
class _DocState:
    used: set
    registered: bool = False


@dataclass(frozen=True, eq=False)
class SubsetFont:
    """One subset of a font as a PDF embeds it: what ``pdfwrite`` needs to write its objects."""

    base_font: str              # 'ABCDEF+LiberationSans'
    first_char: int
    widths: tuple[float, ...]   # for codes first_char .. last (as ReportLab measures them)
    to_unicode: bytes           # the ToUnicode CMap
    program: bytes              # the TrueType font program (FontFile2)
    flags: int
    bbox: tuple
    ascent: int
    descent: int
    cap_height: int
    italic_angle: float
    stem_v: int
    missing_width: int


class FixedTTFont(TTFont):
    """A ReportLab TrueType font whose character codes are the same in every document."""

    def __init__(self, name: str, filename: str, face=None):
        # what TTFont.__init__ does, with a face read by fontparse (faster than ReportLab's own
        # parser, the same result), or given: read already, when the style was checked
        self.fontName, self.face, self.encoding = name, face or QuickFace(filename), TTEncoding()
        self.state, self._asciiReadable = WeakKeyDictionary(), 1
        self.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)
        self.internal = "T" + re.sub(r"[^A-Za-z0-9-]", "_", name)
        shaping.prepare_face(self.face)     # a complex script's glyphs get characters (after all others)
        self.codes = _assign(set(self.face.charToGlyph))
        self._table0 = {c: chr(n) for c, n in self.codes.items() if n < 256 and n != c}
        for c in range(256):
            if c not in self.codes:
                self._table0[c] = "\0"
        self._programs: dict[tuple, bytes] = {}
        self._subsets: dict[frozenset, list] = {}

    # ------------------------------------------------------------ what ReportLab calls while drawing
    def _state(self, doc) -> _DocState:
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = _DocState(set())
        return state

    def splitString(self, text, doc, encoding="utf-8"):
        """(subset, bytes) runs of ``text``, and the characters noted as used in ``doc``."""
        if not isinstance(text, str):
            text = text.decode("utf-8")
        self._state(doc).used.update(text)
        try:
            return [(0, text.translate(self._table0).encode("latin-1"))]
        except UnicodeEncodeError:
            return self._split(text)

    def _split(self, text: str) -> list[tuple[int, bytes]]:
        runs: list[tuple[int, bytes]] = []
        current, codes = -1, []
        lookup = self.codes.get
        for char in text:
            n = lookup(ord(char), 0)
            if n >> 8 != current:
                if codes:
                    runs.append((current, bytes(codes)))
                current, codes = n >> 8, []
            codes.append(n & 0xFF)
        if codes:
            runs.append((current, bytes(codes)))
        return runs

    def getSubsetInternalName(self, subset, doc):
        state = self._state(doc)
        if not state.registered:
            state.registered = True
            doc.fontMapping[self.fontName] = "/" + self.internal
            doc.delayedFonts.append(self)
        return f"/{self.internal}+{subset}"

    def used_characters(self, doc) -> set:
        state = self.state.get(doc)
        return set(state.used) if state is not None and state.registered else set()

    def addObjects(self, doc):
        """Only for ReportLab's own PDF writer (``canvas.save``): the subsets this document used."""
        from reportlab.pdfbase import pdfdoc

        state = self.state.pop(doc, None)
        if state is None:
            return
        for subset, font in self.subset_fonts(state.used):
            internal = f"{self.internal}+{subset}"
            obj = pdfdoc.PDFTrueTypeFont()
            obj.Name, obj.BaseFont = internal, font.base_font
            obj.FirstChar, obj.LastChar = font.first_char, font.first_char + len(font.widths) - 1
            obj.Widths = pdfdoc.PDFArray(list(font.widths))
            cmap = pdfdoc.PDFStream(content=font.to_unicode.decode("ascii"), filters=[pdfdoc.PDFZCompress])
            obj.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + font.base_font)
            program = pdfdoc.PDFStream(content=font.program, filters=[pdfdoc.PDFZCompress])
            program.dictionary["Length1"] = len(font.program)
            descriptor = pdfdoc.PDFDictionary({
                "Type": "/FontDescriptor", "Ascent": font.ascent, "CapHeight": font.cap_height,
                "Descent": font.descent, "Flags": font.flags, "FontBBox": pdfdoc.PDFArray(list(font.bbox)),
                "FontName": pdfdoc.PDFName(font.base_font), "ItalicAngle": font.italic_angle, "StemV": font.stem_v,
                "FontFile2": doc.Reference(program, "fontFile:" + font.base_font), "MissingWidth": font.missing_width,
            })
            obj.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + font.base_font)
            doc.Reference(obj, internal)
            doc.idToObject["BasicFonts"].dict[internal] = obj

    # ------------------------------------------------------------ what a PDF embeds
    def subset_fonts(self, used_chars) -> list[tuple[int, SubsetFont]]:
        """(subset number, font) for every subset that ``used_chars`` touch, in order."""
        key = frozenset(used_chars)
        found = self._subsets.get(key)
        if found is None:
            if len(self._subsets) > 200:
                self._subsets.clear()
            found = self._subsets[key] = self._make_subset_fonts(key)
        return found

    def _make_subset_fonts(self, used_chars) -> list[tuple[int, SubsetFont]]:
        by_subset: dict[int, dict[int, int]] = {}
        for char in used_chars:
            c = ord(char)
            n = self.codes.get(c)
            if n is None:
                continue
            code = n & 0xFF
            by_subset.setdefault(n >> 8, {})[code] = 32 if c == _NBSP else c
        return [(s, self._subset_font(s, codes)) for s, codes in sorted(by_subset.items())]

    def _subset_font(self, subset: int, codes: dict[int, int]) -> SubsetFont:
        first, last = min(codes), max(codes)
        table = [codes.get(code, 0) for code in range(last + 1)]   # code -> character; 0: not used
        key = tuple(table)
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = self.face.makeSubset(table)
        tag = _subset_tag(self.fontName, subset, key)
        face = self.face
        base = f"{tag}+{face.name.decode('latin-1')}{face.subfontNameX.decode('latin-1')}"
        widths = tuple(face.getCharWidth(table[code]) if table[code] else 0 for code in range(first, last + 1))
        texts = {code: shaping.unicode_of(face, c) or c for code, c in codes.items()}   # a shaped glyph: its letters
        return SubsetFont(base, first, widths, _to_unicode(base, texts), program, (face.flags & ~32) | 4,
                          tuple(face.bbox), face.ascent, face.descent, face.capHeight, face.italicAngle, face.stemV,
                          face.defaultWidth)


# ------------------------------------------------------------ fonts registered when first asked for
_WHEN_ASKED: dict[str, object] = {}     # font name -> what registers it with ReportLab


def register_when_asked(name: str, register) -> None:
    """``register()`` registers the font ``name`` with ReportLab: called when ReportLab is first
    asked for it (``pdfmetrics.getFont``), not before. A style's fallback fonts (book.style.fonts)."""
    _WHEN_ASKED[name] = register


def install_font_loader() -> None:
    """Once per process (``rlcontract.install``): ReportLab, asked for a font it does not have,
    first registers it if it is one of ``register_when_asked``'s."""
    from reportlab.pdfbase import pdfmetrics

    if hasattr(pdfmetrics.findFontAndRegister, "__wrapped_original__"):
        return
    original = pdfmetrics.findFontAndRegister

    def find_font_and_register(fontName):
        register = _WHEN_ASKED.pop(fontName, None) if isinstance(fontName, str) else None
        if register is None:
            return original(fontName)
        try:
            register()
        except BaseException:
            _WHEN_ASKED.setdefault(fontName, register)     # asked again, it is tried again
            raise
        return pdfmetrics.getFont(fontName)     # registered now (or ReportLab's own error, from original)

    find_font_and_register.__wrapped_original__ = original
    pdfmetrics.findFontAndRegister = find_font_and_register


def _assign(chars: set[int]) -> dict[int, int]:
    """Every character of the font -> its (subset << 8 | code)."""
    codes = {c: c for c in sorted(_OWN_CODE.intersection(chars))}
    free = iter(_FREE_IN_ZERO)
    for char in PRIORITY:
        c = ord(char)
        if c in chars and c not in codes:
            codes[c] = next(free)
    if _NBSP in chars or 32 in chars:
        codes[_NBSP] = 32
    rest = sorted(chars.difference(codes))
    rest = rest[bisect_left(rest, 32):]
    # the rest in code-point order, 254 a subset (every code but 0 and 32) from subset 1 on
    codes.update(zip(rest, chain.from_iterable(map(_subset_codes, count(1)))))
    return codes


_OWN_CODE = frozenset([*range(32, 127), *range(161, 256)])    # ASCII and Latin-1 at their own codes


@lru_cache(maxsize=None)
def _subset_codes(subset: int) -> tuple[int, ...]:
    return tuple(subset << 8 | code for code in range(1, 256) if code != 32)


def _subset_tag(font_name: str, subset: int, table: tuple) -> str:
    """Six capital letters naming this selection of glyphs (the PDF convention for subsets)."""
    digest = hashlib.sha256(f"{font_name}:{subset}:{table}".encode()).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _to_unicode(base_font: str, codes: dict[int, int]) -> bytes:
    """The CMap from the codes a subset uses to their characters (at most 100 a block)."""
    entries = sorted(codes.items())
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
             "<< /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def", f"/CMapName /{_cmap_name(base_font)} def",
             "/CMapType 2 def", "1 begincodespacerange", "<00> <FF>", "endcodespacerange"]
    for start in range(0, len(entries), 100):
        block = entries[start:start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{code:02X}> <{_utf16(char)}>" for code, char in block]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _cmap_name(base_font: str) -> str:
    return re.sub(r"[^A-Za-z0-9+-]", "", base_font) + "-UCS"


def _utf16(c: int | str) -> str:
    """A character (or a shaped glyph's text, ``shaping.unicode_of``) as the CMap writes it."""
    return (c if isinstance(c, str) else chr(c)).encode("utf-16-be").hex().upper()
