"""Right-to-left text put in visual order, line by line, when a paragraph is drawn.

The paragraph's text stays in logical order (the order it was typed) for everything before
drawing: the line breaker fills lines with words in that order, so the first line of an Arabic
paragraph holds its first words. Each word of a right-to-left script was shaped already
(``shaping``: its glyphs in visual order), so drawing needs only the words of each line reordered,
as the Unicode bidirectional algorithm's rule L2 does with resolved levels:

* a paragraph is right-to-left when most of its words are (``base_rtl``): set flush right, and its
  left-to-right words (an English name, a number) at level 2, so they read left to right inside it;
* in a left-to-right paragraph a right-to-left phrase is at level 1: its words reversed in place;
* spaces and punctuation between words take the level of the words either side when those agree,
  else the paragraph's.

Lines are reordered on a copy of the paragraph's lines for the drawing only (as ``pdfwords`` marks
line ends); nothing changes for a paragraph with no right-to-left word. Limits, said plainly: the
level of a word is that of its letters (no embedding controls, no mirrored brackets), which is
what running text in NHS materials needs.
"""
from __future__ import annotations

import copy
import re
import unicodedata

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.pdfbase import pdfmetrics

from book.document.direction import RTL_BLOCKS
from book.pdf.shaping import PRIVATE_BASE, needs_shaping, rtl_face, shape_run

_SPACES = " \xa0"
_SPLIT = re.compile(r"([ \xa0]+)")
# a right-to-left letter (``direction``), or a shaped glyph (``shaping``: one of an RTL face's is RTL)
_RTL_OR_SHAPED = re.compile(f"[{RTL_BLOCKS}{chr(PRIVATE_BASE)}-{chr(0x10FFFF)}]")
_STOP = re.compile(r"(?<=\w)([.,;:!?\u060c\u061b\u06d4]+)$")     # a word's closing punctuation: neutral


def word_direction(word: str, font_name: str | None) -> int | None:
    """1: a right-to-left word; 0: left-to-right; None: no strong letter (spaces, digits, punctuation)."""
    rtl_font = None
    for char in word:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return 1
        if ord(char) >= PRIVATE_BASE:
            if rtl_font is None:
                rtl_font = bool(font_name) and _rtl_font(font_name)
            if rtl_font:
                return 1
        elif bidi == "L" and unicodedata.category(char)[0] == "L":
            return 0
    return None


def _rtl_font(font_name: str) -> bool:
    try:
        return rtl_face(pdfmetrics.getFont(font_name).face)
    except (KeyError, AttributeError):
        return False


def base_rtl(directions) -> bool:
    """A paragraph is right-to-left when more of its words are right-to-left than not."""
    rtl = sum(1 for d in directions if d == 1)
    return rtl > sum(1 for d in directions if d == 0)


def reorder(tokens: list, directions: list[int | None], rtl_base: bool) -> list:
    """``tokens`` (a line, logical order) in visual order, by rule L2 over their resolved levels."""
    base = 1 if rtl_base else 0
    levels = _levels(directions, base)
    order = list(range(len(tokens)))
    for level in range(max(levels, default=0), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return [tokens[i] for i in order]


def _levels(directions, base: int) -> list[int]:
    strong = [None if d is None else (1 if d == 1 else (2 if base else 0)) for d in directions]
    levels = []
    for i, level in enumerate(strong):
        if level is None:
            before = next((s for s in reversed(strong[:i]) if s is not None), base)
            after = next((s for s in strong[i + 1:] if s is not None), base)
            level = before if before == after else base
        levels.append(level)
    return levels


# ------------------------------------------------------------------------- paragraph lines
def paragraph_is_rtl(para) -> bool | None:
    """None: the paragraph has no right-to-left word (nothing to do); else whether it is set RTL."""
    bl = getattr(para, "blPara", None)
    lines = getattr(bl, "lines", None)
    if not lines:
        return None
    if not _may_have_rtl_word(bl):
        return None
    directions = []
    if bl.kind == 0:
        font = getattr(bl, "fontName", None) or para.style.fontName
        for line in lines:
            directions += [word_direction(w, font) for w in line[1]]
    else:
        for line in lines:
            for frag in getattr(line, "words", ()) or ():
                text = getattr(frag, "text", "") or ""
                directions += [word_direction(w, getattr(frag, "fontName", None)) for w in text.split()]
    if 1 not in directions:
        return None
    return base_rtl(directions)


def _may_have_rtl_word(bl) -> bool:
    """Whether any word of the lines may be right-to-left (``word_direction`` 1): one search over
    their text for a right-to-left letter or a shaped glyph (nearly every paragraph has neither)."""
    if bl.kind == 0:
        text = "".join(["".join(line[1]) for line in bl.lines])
    else:
        text = "".join([getattr(frag, "text", "") or "" for line in bl.lines for frag in getattr(line, "words", ()) or ()])
    return _RTL_OR_SHAPED.search(text) is not None


def visual_lines(para, bl):
    """A copy of ``bl`` (the paragraph's lines, maybe already marked by ``pdfwords``) with each line
    in visual order, or None when the paragraph has no right-to-left word."""
    rtl = paragraph_is_rtl(para)
    if rtl is None:
        return None
    out = copy.copy(bl)
    if bl.kind == 0:
        font = getattr(bl, "fontName", None) or para.style.fontName
        out.lines = [_word_line(line, font, rtl) for line in bl.lines]
    else:
        out.lines = [_frag_line(line, rtl) for line in bl.lines]
    out._rtl = rtl
    return out


def _word_line(line, font: str, rtl: bool):
    words = list(line[1])
    if not any(word_direction(w, font) == 1 for w in words) and not rtl:
        return line
    trailing = bool(words) and isinstance(words[-1], str) and words[-1].endswith(" ")
    if trailing:
        words[-1] = words[-1][:-1]
    words = reorder(words, [word_direction(w, font) for w in words], rtl)
    if trailing:
        words[-1] = words[-1] + " "
    return (line[0], words, *line[2:])


def _frag_line(line, rtl: bool):
    frags = list(getattr(line, "words", ()) or ())
    if not rtl and not any(word_direction(getattr(f, "text", "") or "", getattr(f, "fontName", None)) == 1
                           for f in frags if not hasattr(f, "cbDefn")):
        return line
    tokens, directions = [], []
    for frag in frags:
        for piece in _pieces(frag):
            tokens.append(piece)
            text = "" if hasattr(piece, "cbDefn") else (getattr(piece, "text", "") or "")
            directions.append(word_direction(text, getattr(piece, "fontName", None)))
    end = len(tokens)
    while end and not hasattr(tokens[end - 1], "cbDefn") and not (getattr(tokens[end - 1], "text", "") or "").strip(_SPACES):
        end -= 1        # the line's trailing space is not measured: it stays at the end, past the margin
    line = copy.copy(line)
    line.words = reorder(tokens[:end], directions[:end], rtl) + tokens[end:]
    return line


def _pieces(frag):
    """A fragment split into its words and the spaces between them (each a clone of ``frag``): a
    space between a right-to-left and a left-to-right word takes the paragraph's level, not the
    level of the word it was typed after."""
    text = getattr(frag, "text", None)
    if hasattr(frag, "cbDefn") or not text:
        return [frag]
    pieces = [piece for word in _SPLIT.split(text) if word for piece in _STOP.split(word) if piece]
    return [frag] if len(pieces) == 1 else [frag.clone(text=piece) for piece in pieces]


def visual_runs(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One line drawn outside a paragraph (a running head, a cover line) as (text, font name) runs
    in typed order -> its words shaped and in visual order; the runs themselves when nothing needs it."""
    if not any(needs_shaping(text) for text, _font in runs):
        return runs
    tokens = []
    for text, font in runs:
        try:
            text = shape_run(text, pdfmetrics.getFont(font).face)
        except KeyError:
            pass
        tokens += [(piece, font) for word in _SPLIT.split(text) if word for piece in _STOP.split(word) if piece]
    directions = [word_direction(text, font) for text, font in tokens]
    if 1 not in directions:
        return tokens
    return reorder(tokens, directions, base_rtl(directions))


def rtl_alignment(style, rtl: bool):
    """The style a right-to-left paragraph is drawn with: flush right where it was flush left or
    justified (a right-to-left text's ragged edge is its left)."""
    if not rtl or style.alignment not in (TA_LEFT, TA_JUSTIFY):
        return style
    style = copy.copy(style)
    style.alignment = TA_RIGHT
    return style


__all__ = ["visual_lines", "visual_runs", "rtl_alignment", "paragraph_is_rtl", "reorder", "word_direction"]
