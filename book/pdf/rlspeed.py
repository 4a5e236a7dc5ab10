"""Three ReportLab hot spots, made cheaper without changing what is printed.

Installed once per process by ``book.pdf.rlcontract.install`` (which lists every patch):

* A paragraph of plain text gets the fragment ReportLab's markup parser (an HTMLParser run per
  paragraph) would make, made directly; so does one whose only markup is what the toolkit writes
  most (bold, italic, a fallback font, the four escaped characters). Other markup the toolkit
  writes (links, line breaks, page references) is read by ReportLab's parser without its
  HTMLParser (``rlmarkup``). ``tests/test_rlspeed.py`` compares them with the parser.

* ``Paragraph.wrap`` called again with a width it was called with before, on a paragraph not
  changed since, gives back what that call computed and left. Frames and keep-with-next groups
  measure a paragraph, then place it; the one-pagers measure a block at several widths, then
  draw it at one: the line breaking was done two or three times for most paragraphs. (ReportLab itself, breaking a paragraph of several fragments
  again, works on the word list its last break left, which can move a line's word spacing in its
  last decimal; the break kept is the one the paragraph was measured with. The books and
  one-pagers of the sample and benchmark editions come out byte for byte as without it.)
* The widths of words: a paragraph's line breaker asks ``stringWidth`` for every word, and the
  same few thousand words recur on every page. Widths are a pure function of (text, font, size).
* Long paragraphs (``_install_long_paragraphs``): ReportLab's line breaker takes each word off
  the front of a list (``pop(0)``, which moves every word after it), and a paragraph split over
  a page is broken again from its first remaining word on every page: both are quadratic in the
  paragraph's length (a 200,000-word paragraph took 156 s). The words are given to it in a list
  that takes from the front in constant time, and the part of a split paragraph that goes on to
  the next page, set at the same width, takes the lines the whole paragraph was broken into
  (line breaking is greedy: a line's break depends only on where the line starts and its width).
"""
from __future__ import annotations

import copy
import re

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph

from book.pdf.rlmarkup import parsed_frags

_INSTALLED = False
# what ``Paragraph.wrap`` sets: restored as it was when the paragraph is wrapped again at a width
# it was wrapped at before (copy-fitting measures at several widths, then draws at one)
_WRAP_STATE = ("width", "height", "blPara", "frags", "_wrapWidths", "_width_max", "_hyphenations",
               "_splitLongWordCount")
_WIDTHS: dict[tuple, float] = {}
MAX_WIDTHS = 500_000


def install() -> None:
    """Every shortcut, once per process (``book.pdf.rlcontract.install``)."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    _install_word_widths()
    _install_remembered_wraps()
    _install_plain_paragraphs()
    _install_long_paragraphs()


def _install_word_widths() -> None:
    """``stringWidth`` as the paragraph module calls it, remembered by (text, font, size)."""
    measure = pdfmetrics.stringWidth

    def string_width(text, font_name, font_size, encoding="utf8"):
        key = (text, font_name, font_size)
        width = _WIDTHS.get(key)
        if width is None:
            if len(_WIDTHS) > MAX_WIDTHS:
                _WIDTHS.clear()
            width = _WIDTHS[key] = measure(text, font_name, font_size, encoding)
        return width

    string_width.__wrapped_original__ = measure
    paragraph.stringWidth = string_width


def _install_remembered_wraps() -> None:
    """``Paragraph.wrap`` at a width it was wrapped at before gives back what that wrap left."""
    wrap = paragraph.Paragraph.wrap

    def wrap_once(self, availWidth, availHeight):
        state = self.__dict__
        known = state.get("_wraps")
        # valid while nothing but these calls changed the paragraph: its style, and the fragments
        # the last wrap left (breaking a paragraph of several fragments replaces them with its
        # word list, so the fragments of the first call are never there for the second)
        if known is None or known[0] is not self.style or known[1] is not state.get("frags"):
            known = self._wraps = [self.style, None, {}]
        hit = known[2].get(availWidth)
        if hit is not None:
            result, saved = hit
            state.update(saved)
        else:
            result = wrap(self, availWidth, availHeight)
            known[2][availWidth] = (result, {k: state[k] for k in _WRAP_STATE if k in state})
        known[1] = state.get("frags")
        return result

    wrap_once.__wrapped_original__ = wrap
    paragraph.Paragraph.wrap = wrap_once


LONG = 400          # words (or lines) from which a paragraph takes the long-paragraph paths


class FrontQueue:
    """The word list ``Paragraph.breakLines`` works through, taken from the front in constant
    time: kept reversed. It does what breakLines does to its list and nothing more (``pop(0)``,
    ``[0:0] = words``, ``insert(1, word)``, iteration, truth)."""

    __slots__ = ("_reversed",)

    def __init__(self, items):
        self._reversed = list(items)
        self._reversed.reverse()

    def __bool__(self) -> bool:
        return bool(self._reversed)

    def __len__(self) -> int:
        return len(self._reversed)

    def __iter__(self):
        return reversed(self._reversed)

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __getitem__(self, index):
        if isinstance(index, int) and 0 <= index < len(self._reversed):
            return self._reversed[-1 - index]
        return list(self)[index]

    def pop(self, index: int = -1):
        if index != 0:
            raise NotImplementedError("FrontQueue gives words from the front only")
        return self._reversed.pop()

    def __setitem__(self, key, words) -> None:
        if not (isinstance(key, slice) and key.start == 0 and key.stop == 0 and key.step is None):
            raise NotImplementedError("FrontQueue puts words back at the front only")
        self._reversed.extend(reversed(list(words)))

    def insert(self, index: int, word) -> None:
        self._reversed.insert(len(self._reversed) - index, word)


class _Copied(list):
    """A word list whose copy (``[:]``) is a FrontQueue."""

    def __getitem__(self, index):
        if index == slice(None):
            return FrontQueue(self)
        return list.__getitem__(self, index)


def _install_long_paragraphs() -> None:
    """Long paragraphs broken in linear time: their word lists taken from the front in constant
    time (``FrontQueue``), and a split paragraph's rest given the lines the whole was broken into."""
    break_lines = paragraph.Paragraph.breakLines
    split_paragraph = paragraph.Paragraph.split
    real_split, real_frag_words = paragraph.split, paragraph._getFragWords

    def queued_split(text, delim=None):
        words = real_split(text, delim)
        return FrontQueue(words) if delim is None and len(words) > LONG else words

    def queued_frag_words(frags, maxWidth=None):
        paragraph.split = real_split        # (it splits fragments' texts itself)
        try:
            words = real_frag_words(frags, maxWidth)
        finally:
            paragraph.split = queued_split
        return FrontQueue(words) if len(words) > LONG else words

    def fast_break_lines(self, width):
        # (kept after use: a remainder tried in the little room left on a page loses its lines)
        tail = self.__dict__.get("_tail_of")
        if tail is not None and _continues(_widths(width), tail[0]):
            return _tail_lines(tail[1], tail[2])
        frags = self.frags
        words = getattr(frags[0], "words", None) if len(frags) == 1 else None
        if words is not None and len(words) > LONG:
            frags[0].words = _Copied(words)     # breakLines copies it (``[:]``) and works on the copy
        paragraph.split, paragraph._getFragWords = queued_split, queued_frag_words
        try:
            return break_lines(self, width)
        finally:
            paragraph.split, paragraph._getFragWords = real_split, real_frag_words
            if words is not None:
                frags[0].words = words

    def fast_split(self, availWidth, availHeight):
        parts = split_paragraph(self, availWidth, availHeight)
        blPara = self.__dict__.get("blPara")
        if len(parts) == 2 and blPara is not None and len(blPara.lines) > LONG // 10 and "_broken_at" in self.__dict__:
            first, rest = parts
            rest._tail_of = (self._broken_at, blPara, len(first.blPara.lines))
        return parts

    def remember_widths(self, width):
        self._broken_at = _widths(width)
        return fast_break_lines(self, width)

    # ReportLab's own breaker, for tests that compare with it (whichever wrapper came first)
    remember_widths.__wrapped_original__ = getattr(break_lines, "__wrapped_original__", break_lines)
    fast_split.__wrapped_original__ = split_paragraph
    _split_processed.__wrapped_original__ = paragraph.Paragraph._split_blParaProcessed
    paragraph.Paragraph.breakLines = remember_widths
    paragraph.Paragraph.split = fast_split
    paragraph.Paragraph._split_blParaProcessed = _split_processed


def _widths(width) -> tuple:
    return tuple(width) if isinstance(width, (list, tuple)) else (width,)


def _continues(widths: tuple, broken_at: tuple) -> bool:
    """Whether a paragraph's remainder broken to ``widths`` breaks as the whole did after its
    first line: every line of both at one width (ReportLab takes the remainder's first-line
    indent away)."""
    later = set(broken_at[1:] or broken_at)
    return len(later) == 1 and set(widths) == later


def _tail_lines(blPara, start: int):
    """The lines from ``start`` on, as the remainder's own breaking would give them. Lines of
    several fragments say where they start in the word list the whole was broken into (``sFW``);
    the remainder's list is that list from its first line's word on (``_split_blParaProcessed``),
    so they are read less that offset (not copied: a copy per page was quadratic again)."""
    rest = copy.copy(blPara)
    rest.lines = blPara.lines[start:]
    if blPara.kind == 1:
        rest.sFW_offset = blPara.lines[start].sFW
    return rest


def _split_processed(self, blPara, start, stop):
    """``Paragraph._split_blParaProcessed``, reading the lines of a remainder less their offset."""
    if not stop:
        return []
    lines, offset = blPara.lines, getattr(blPara, "sFW_offset", 0)
    first = lines[start].sFW - offset
    last = lines[stop].sFW - offset if stop != len(lines) else len(self.frags)
    fragments = self.frags[first:last]
    while fragments and isinstance(fragments[-1], paragraph._InjectedFrag):
        del fragments[-1]
    if isinstance(fragments[-1], paragraph._SplitFragHY):
        fragments[-1].__class__ = (paragraph._SHYWordHS if isinstance(fragments[-1], paragraph._SHYWord)
                                   else paragraph._SplitFragLL)
    return fragments


def _install_plain_paragraphs() -> None:
    """A paragraph of plain text (no markup, no entities: most of the book) gets the one
    fragment ReportLab's markup parser would make for it, without running the parser; one with
    only simple markup gets the fragments the parser would make, made by ``simple_frags``."""
    setup = paragraph.Paragraph._setup
    transform = paragraph.textTransformFrags
    clean_block = paragraph.cleanBlockQuotedText

    def plain_setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or bulletText or not isinstance(text, str) or "\r" in text:
            return setup(self, text, style, bulletText, frags, cleaner)
        if cleaner is not clean_block or unclean(text):
            text = cleaner(text)        # (else the cleaner would give the text back as it is)
        if "<" in text or "&" in text or ">" in text:
            frags = simple_frags(text, style)
            if frags is None:
                frags = parsed_frags(text, style, self.caseSensitive)      # ReportLab's parser, without HTMLParser
            if frags is None:
                return setup(self, text, style, bulletText, None, lambda same: same)
        else:
            frags = [_data(_initial_frag(style), text)] if text else []
        transform(frags, style)
        self.text, self.frags, self.style, self.bulletText, self.debug = text, frags, style, None, 0

    plain_setup.__wrapped_original__ = setup      # for the tests, which compare the two
    paragraph.Paragraph._setup = plain_setup


# White space other than the space (Python's, and the zero-width space ReportLab counts as one)
_OTHER_SPACE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]")


def unclean(text: str) -> bool:
    """Whether ReportLab's cleaner (cleanBlockQuotedText: each line's words joined by one space,
    empty lines dropped) would change ``text``: a space at either end, two together, or any other
    white space. A text with none of these it gives back as it is."""
    return text.startswith(" ") or text.endswith(" ") or "  " in text or _OTHER_SPACE.search(text) is not None

# ReportLab's parser, for markup made of these alone: text runs, <b>, <i>, <font name="...">, their
# ends, and the entities the toolkit's escaping writes. Anything else goes to the parser.
_MARKUP = re.compile(r"[<>&]")
_TOKEN = re.compile(r'<(/?)(b|i|font)( name="[^"<>&]*")?>|&(amp|lt|gt|quot);')
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}


def simple_frags(text: str, style) -> list | None:
    """The fragments ReportLab's ``ParaParser`` makes of ``text`` (after its cleaner), made the
    way it makes them (a copy of the innermost tag's fragment per run of text, split where it
    splits: at every tag and entity); None when the markup is more than this handles."""
    from reportlab.lib.fonts import ps2tt

    try:
        stack = [_initial_frag(style)]
    except ValueError:
        return None
    frags: list = []
    pos, end = 0, len(text)
    while pos < end:
        mark = _MARKUP.search(text, pos)
        stop = mark.start() if mark else end
        if stop > pos:
            frags.append(_data(stack[-1], text[pos:stop]))
        if mark is None:
            break
        token = _TOKEN.match(text, stop)
        if token is None:
            return None
        closing, tag, name, entity = token.groups()
        if entity:
            frags.append(_data(stack[-1], _ENTITIES[entity]))
        elif closing:
            if name or len(stack) == 1 or stack[-1].__tag__ != tag:
                return None
            stack.pop()
        else:
            frag = _copied(stack[-1])
            frag.__tag__ = tag
            if tag == "font":
                if not name:
                    return None
                try:
                    frag.fontName, frag.bold, frag.italic = ps2tt(name[7:-1])
                except ValueError:
                    return None
            elif name:
                return None
            elif tag == "b":
                frag.bold = 1
            else:
                frag.italic = 1
            stack.append(frag)
        pos = token.end()
    return frags if len(stack) == 1 else None


def _initial_frag(style):
    """``ParaParser._initial_frag`` for a paragraph without attributes."""
    from reportlab.lib.fonts import ps2tt
    from reportlab.platypus.paraparser import ParaFrag

    frag = ParaFrag()
    frag.rise, frag.greek, frag.link = 0, 0, []
    frag.fontName, frag.bold, frag.italic = ps2tt(style.fontName)
    frag.fontSize, frag.textColor, frag.us_lines = style.fontSize, style.textColor, []
    frag.__tag__ = "para"
    return frag


def _data(current, text: str):
    """``ParaParser.handle_data``: a run of text in the innermost tag's fragment."""
    from reportlab.lib.fonts import tt2ps

    frag = _copied(current)
    frag.fontName = tt2ps(frag.fontName, frag.bold, frag.italic)
    frag.text = text
    return frag


def _copied(frag):
    """``copy.copy`` of a fragment (an ABag: all it holds is in its ``__dict__``), made as copy
    makes it (the class's ``__new__``, then the attributes), without copy's protocol (5x faster)."""
    twin = frag.__class__.__new__(frag.__class__)
    twin.__dict__.update(frag.__dict__)
    return twin
