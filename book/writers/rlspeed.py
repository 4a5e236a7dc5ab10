"""Three ReportLab hot spots, made cheaper without changing what is printed.

Installed once per process (``install``), like the tagging hooks in ``pdftags``:

* A paragraph of plain text gets the fragment ReportLab's markup parser (an HTMLParser run per
  paragraph) would make, made directly; so does one whose only markup is what the toolkit writes
  most (bold, italic, a fallback font, the four escaped characters). ``tests/test_rlspeed.py``
  compares the two.

* ``Paragraph.wrap`` called again with a width it was called with before, on a paragraph not
  changed since, gives back what that call computed and left. Frames and keep-with-next groups
  measure a paragraph, then place it; the one-pagers measure a block at several widths, then
  draw it at one: the line breaking was done two or three times for most paragraphs. (ReportLab itself, breaking a paragraph of several fragments
  again, works on the word list its last break left, which can move a line's word spacing in its
  last decimal; the break kept is the one the paragraph was measured with. The books and
  one-pagers of the sample and benchmark editions come out byte for byte as without it.)
* The widths of words: a paragraph's line breaker asks ``stringWidth`` for every word, and the
  same few thousand words recur on every page. Widths are a pure function of (text, font, size).
"""
from __future__ import annotations

import copy
import re

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph

_INSTALLED = False
# what ``Paragraph.wrap`` sets: restored as it was when the paragraph is wrapped again at a width
# it was wrapped at before (copy-fitting measures at several widths, then draws at one)
_WRAP_STATE = ("width", "height", "blPara", "frags", "_wrapWidths", "_width_max", "_hyphenations",
               "_splitLongWordCount")
_WIDTHS: dict[tuple, float] = {}
MAX_WIDTHS = 500_000


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    measure = pdfmetrics.stringWidth

    def string_width(text, font_name, font_size, encoding="utf8"):
        key = (text, font_name, font_size)
        width = _WIDTHS.get(key)
        if width is None:
            if len(_WIDTHS) > MAX_WIDTHS:
                _WIDTHS.clear()
            width = _WIDTHS[key] = measure(text, font_name, font_size, encoding)
        return width

    paragraph.stringWidth = string_width
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

    paragraph.Paragraph.wrap = wrap_once
    _install_plain_paragraphs()


def _install_plain_paragraphs() -> None:
    """A paragraph of plain text (no markup, no entities: most of the book) gets the one
    fragment ReportLab's markup parser would make for it, without running the parser; one with
    only simple markup gets the fragments the parser would make, made by ``simple_frags``."""
    setup = paragraph.Paragraph._setup
    transform = paragraph.textTransformFrags

    def plain_setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or bulletText or not isinstance(text, str) or "\r" in text:
            return setup(self, text, style, bulletText, frags, cleaner)
        text = cleaner(text)
        if "<" in text or "&" in text or ">" in text:
            frags = simple_frags(text, style)
            if frags is None:
                return setup(self, text, style, bulletText, None, lambda same: same)
        else:
            frags = [_data(_initial_frag(style), text)] if text else []
        transform(frags, style)
        self.text, self.frags, self.style, self.bulletText, self.debug = text, frags, style, None, 0

    plain_setup.__wrapped_original__ = setup      # for the tests, which compare the two
    paragraph.Paragraph._setup = plain_setup


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
            frag = copy.copy(stack[-1])
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

    frag = copy.copy(current)
    frag.fontName = tt2ps(frag.fontName, frag.bold, frag.italic)
    frag.text = text
    return frag
