"""The printer's cover for ``--print``: back cover, spine and front cover as one spread, with bleed.

The spine is as wide as the book is thick: a leaf (two pages) per sheet of the style's paper
(``page.caliper``). Its title reads from top to bottom, as British and American books do, and is
left off a spine too thin to hold it (under 5 mm: about 100 pages of 0.1 mm paper). The front
repeats the book's cover; the back says what the book holds, in numbers taken from the edition.
"""
from __future__ import annotations

import io
import math

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph

MM = 72 / 25.4
MIN_SPINE_TEXT = 5 * MM


def spine_width(pages: int, caliper: float) -> float:
    """A sheet carries two pages: the spine is the thickness of ``pages / 2`` sheets."""
    return math.ceil(pages / 2) * caliper


def print_cover(loaded, pages: int) -> bytes:
    style, pub = loaded.style, loaded.publication
    page = style.page
    w, h, b = page.width, page.height, page.bleed
    spine = spine_width(pages, page.caliper)
    size = (2 * w + spine + 2 * b, h + 2 * b)
    buffer = io.BytesIO()
    canv = rl_canvas.Canvas(buffer, pagesize=size, invariant=1, pageCompression=1)
    canv.setTitle(f"{pub.edition.title}: cover ({pages} pages, spine {spine / MM:.1f} mm)")
    canv.setAuthor(pub.edition.publisher)
    canv.setTrimBox((b, b, size[0] - b, size[1] - b))
    canv.setBleedBox((0, 0, size[0], size[1]))
    style.fonts.register()
    _grounds(canv, style, size, w, h, b, spine)
    _front(canv, loaded, b + w + spine, b, w, h)
    _spine(canv, loaded, b + w, b, spine, h)
    _back(canv, loaded, b, b, w, h)
    canv.showPage()
    canv.save()
    return buffer.getvalue()


def _color(style, name: str):
    return colors.HexColor(style.color(name))


def _grounds(canv, style, size, w, h, b, spine) -> None:
    canv.setFillColor(_color(style, "nhs-blue"))
    canv.rect(0, 0, size[0], size[1], stroke=0, fill=1)
    canv.setFillColor(_color(style, "nhs-dark-blue"))
    canv.rect(0, 0, size[0], b + h * 0.22, stroke=0, fill=1)            # the band across the foot
    canv.rect(b + w, 0, spine, size[1], stroke=0, fill=1)                # the spine


def _para(loaded, text: str, style_name: str, width: float, **overrides) -> Paragraph:
    from book.pdf.pdfinline import escape

    ps = loaded.style.paragraph_style(style_name, **overrides) if overrides else loaded.style.paragraph_style(style_name)
    return Paragraph(escape(text), ps), width


def _stack(canv, items, x: float, top: float) -> float:
    """Paragraphs one under another from ``top`` down; returns where the last one ended."""
    y = top
    for para, width in items:
        _, height = para.wrap(width, 10_000)
        y -= height
        para.drawOn(canv, x, y)
        y -= para.style.spaceAfter
    return y


def _front(canv, loaded, x0: float, y0: float, w: float, h: float) -> None:
    page, e = loaded.style.page, loaded.publication.edition
    left, width = x0 + page.margin_inner, w - page.margin_inner - page.margin_outer
    items = [_para(loaded, e.edition, "cover_edition", width), _para(loaded, e.title, "cover_title", width)]
    if e.subtitle:
        items.append(_para(loaded, e.subtitle, "cover_subtitle", width))
    _stack(canv, items, left, y0 + h * 0.84)
    _stack(canv, [_para(loaded, e.publisher, "cover_publisher", width)], left, y0 + h * 0.22 - page.margin_bottom * 0.6)


def _spine(canv, loaded, x0: float, y0: float, spine: float, h: float) -> None:
    if spine < MIN_SPINE_TEXT:
        return
    e, style = loaded.publication.edition, loaded.style
    font = style.paragraph_style("cover_edition").fontName
    size = min(11.0, spine * 0.5)
    text = f"{e.title}  \u00b7  {e.edition}"
    room = h - 2 * style.page.margin_top
    while stringWidth(text, font, size) > room and size > 6:
        size -= 0.5
    canv.saveState()
    canv.translate(x0 + spine / 2, y0 + h - style.page.margin_top)
    canv.rotate(-90)                       # reads from the top of the spine down
    canv.setFillColor(colors.white)
    canv.setFont(font, size)
    canv.drawString(0, -size * 0.35, text)
    canv.restoreState()


def _back(canv, loaded, x0: float, y0: float, w: float, h: float) -> None:
    pub, page = loaded.publication, loaded.style.page
    left, width = x0 + page.margin_outer, w - page.margin_inner - page.margin_outer
    studies, organisations = len(pub.case_studies), len({o.name for c in pub.case_studies for o in c.organisations})
    regions = len({c.lead.region for c in pub.case_studies})
    about = (f"{studies} case {'study' if studies == 1 else 'studies'} in occupational health and wellbeing from "
             f"{organisations} organisation{'s' if organisations != 1 else ''} in {regions} "
             f"region{'s' if regions != 1 else ''}.")
    items = [_para(loaded, pub.edition.title, "cover_subtitle", width), _para(loaded, about, "cover_edition", width,
                                                                              fontName=loaded.style.paragraph_style("body").fontName)]
    _stack(canv, items, left, y0 + h * 0.84)
    _stack(canv, [_para(loaded, pub.edition.publisher, "cover_publisher", width)], left,
           y0 + h * 0.22 - page.margin_bottom * 0.6)
