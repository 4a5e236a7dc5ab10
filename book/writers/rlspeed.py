"""Two ReportLab hot spots, made cheaper without changing a single result.

Installed once per process (``install``), like the tagging hooks in ``pdftags``:

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
