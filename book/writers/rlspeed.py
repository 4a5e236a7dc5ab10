"""Three ReportLab hot spots, made cheaper without changing a single result.

Installed once per process (``install``), like the tagging hooks in ``pdftags``:

* A paragraph of plain text gets the fragment ReportLab's markup parser (an HTMLParser run per
  paragraph) would make, made directly: ``tests/test_rlspeed.py`` compares the two.

* ``Paragraph.wrap`` called again with the same width, on a paragraph not changed since, returns
  what the last call computed (it is a function of the width alone, and the line breaks it made
  are still in place). Frames and keep-with-next groups measure a paragraph, then place it: the
  line breaking was done twice for most paragraphs of the book.
* The widths of words: a paragraph's line breaker asks ``stringWidth`` for every word, and the
  same few thousand words recur on every page. Widths are a pure function of (text, font, size).
"""
from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph

_INSTALLED = False
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
        key = (availWidth, id(self.style), id(self.frags))
        last = state.get("_last_wrap")
        if last is not None and last[0] == key and state.get("blPara") is last[2]:
            self.width, self.height = last[1]
            return last[1]
        result = wrap(self, availWidth, availHeight)
        self._last_wrap = (key, result, state.get("blPara"))
        return result

    paragraph.Paragraph.wrap = wrap_once
    _install_plain_paragraphs()


def _install_plain_paragraphs() -> None:
    """A paragraph of plain text (no markup, no entities: most of the book) gets the one
    fragment ReportLab's markup parser would make for it, without running the parser."""
    from reportlab.lib.fonts import ps2tt, tt2ps
    from reportlab.platypus.paraparser import ParaFrag

    setup = paragraph.Paragraph._setup
    transform = paragraph.textTransformFrags

    def plain_setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or bulletText or not isinstance(text, str) or "<" in text or "&" in text or ">" in text \
                or "\r" in text:
            return setup(self, text, style, bulletText, frags, cleaner)
        text = cleaner(text)
        frags = []
        if text:
            frag = ParaFrag()
            frag.rise, frag.greek, frag.link = 0, 0, []
            family, frag.bold, frag.italic = ps2tt(style.fontName)
            frag.fontName = tt2ps(family, frag.bold, frag.italic)
            frag.fontSize, frag.textColor, frag.us_lines = style.fontSize, style.textColor, []
            frag.__tag__ = "para"
            frag.text = text
            frags.append(frag)
            transform(frags, style)
        self.text, self.frags, self.style, self.bulletText, self.debug = text, frags, style, None, 0

    plain_setup.__wrapped_original__ = setup      # for the tests, which compare the two
    paragraph.Paragraph._setup = plain_setup
