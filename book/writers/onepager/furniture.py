"""What the one-pager draws straight on the canvas, at fixed places of the grid: the band with
the organisation's name, the footer, the facts panel's tint and the QR code. All of it is
decoration (artifacts) but the text it holds, which the flowables' elements mark.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Paragraph

from book.writers.onepager.flowables import paragraph
from book.writers.onepager.layout import TALL, Grid, Box, draw_stack, stack_height

QUIET_MODULES = 4        # a QR code's quiet zone, in modules, on each side (ISO/IEC 18004)


# ------------------------------------------------------------------ the band
@dataclass
class Band:
    name: Paragraph
    meta: Paragraph
    shortened: bool = False         # the name was too long for the band's lines (the facts panel has it whole)


def make_band(style, grid: Grid, name: str, meta: str) -> Band:
    """The organisation's name at the band's one size, on up to ``name_lines`` lines; a longer name
    is shortened at a word, with an ellipsis (and the page says so in a warning)."""
    ps = style.paragraph_style("band_title", lang=None)
    band = Band(paragraph(style, ps, name), paragraph(style, style.paragraph_style("band_meta", lang=None), meta))
    if line_count(band.name, grid.text_width) <= grid.name_lines:
        return band
    words = name.split()
    low, high = 1, len(words) - 1       # the most words that fit with an ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if line_count(paragraph(style, ps, " ".join(words[:middle]) + "\u2026"), grid.text_width) <= grid.name_lines:
            low = middle
        else:
            high = middle - 1
    return Band(paragraph(style, ps, " ".join(words[:low]).rstrip(",;:") + "\u2026"), band.meta, shortened=True)


def line_count(p: Paragraph, width: float) -> int:
    p.wrap(width, TALL)
    return len(p.blPara.lines)


def draw_band(canv, grid: Grid, band: Band | None, bleed: float, fill: str) -> None:
    """The house-colour band, into the bleed on three sides. The name hangs from a fixed line
    under the band's top; the meta line stands on its bottom: the same places on every page."""
    canv.setFillColor(colors.HexColor(fill))
    canv.rect(-bleed, grid.band_bottom, grid.width + 2 * bleed, grid.band_height + bleed, stroke=0, fill=1)
    if band is None:
        return
    height = band.name.wrap(grid.text_width, TALL)[1]
    band.name.drawOn(canv, grid.margin_left, grid.height - grid.gutter - height)
    band.meta.wrap(grid.text_width, TALL)
    band.meta.drawOn(canv, grid.margin_left, grid.band_bottom + grid.gutter * 0.75)


# ------------------------------------------------------------------ the footer
def draw_footer(canv, grid: Grid, lines: list[Paragraph], style) -> None:
    """A rule; the edition's lines under it, across the page."""
    canv.setStrokeColor(colors.HexColor(style.color("nhs-blue")))
    canv.setLineWidth(0.75)
    canv.line(grid.margin_left, grid.footer_top, grid.margin_left + grid.text_width, grid.footer_top)
    draw_stack(canv, lines, grid.margin_left, grid.footer_top - footer_top_pad(lines), grid.text_width)


def footer_top_pad(lines: list[Paragraph]) -> float:
    return lines[0].style.leading * 0.6


def footer_height(lines: list[Paragraph], width: float) -> float:
    return stack_height(lines, width) + footer_top_pad(lines)


# ------------------------------------------------------------------ the facts panel
def draw_panel(canv, box: Box, fill: str, rule: str) -> None:
    """The facts panel's tint, with a rule along its top (decoration)."""
    canv.setFillColor(colors.HexColor(fill))
    canv.rect(box.x, box.y, box.width, box.height, stroke=0, fill=1)
    canv.setFillColor(colors.HexColor(rule))
    canv.rect(box.x, box.top - 2, box.width, 2, stroke=0, fill=1)


# ------------------------------------------------------------------ the QR code
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, dark or light, row by row from the top (no quiet zone): segno, error
    correction M, the smallest version that holds the address."""
    import segno

    code = segno.make_qr(url, error="m", boost_error=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def qr_module(size: float, url: str) -> float:
    return size / len(qr_matrix(url))


def draw_qr(canv, url: str, x: float, y: float, size: float, color: str, link: bool) -> None:
    """A QR code for ``url``, ``size`` square with its bottom left at (x, y), drawn as vector
    rectangles (one per run of dark modules in a row); its quiet zone is the caller's room."""
    matrix = qr_matrix(url)
    module = size / len(matrix)
    canv.setFillColor(colors.HexColor(color))
    path = canv.beginPath()
    for row_number, row in enumerate(matrix):
        top = y + size - row_number * module
        column = 0
        while column < len(row):
            if row[column]:
                end = column
                while end < len(row) and row[end]:
                    end += 1
                path.rect(x + column * module, top - module, (end - column) * module, module)
                column = end
            else:
                column += 1
    canv.drawPath(path, stroke=0, fill=1)
    if link:
        canv.linkURL(url, (x, y, x + size, y + size), relative=1)
