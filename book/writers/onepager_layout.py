"""The one-pager's page: the fixed grid (band, body, footer) and the blocks set inside it.

Everything here measures before it draws: a block's height comes from ``wrap()`` at the width it
is drawn at, so the copy-fitting in ``onepager.py`` decides with the same numbers the page is
drawn with. Nothing is clipped or truncated: text that does not fit is reported, never cut.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from .pdfinline import InlineMarkup

TALL = 100_000           # "as much height as you like" when measuring


# ------------------------------------------------------------------ geometry
@dataclass(frozen=True)
class Grid:
    """Where the fixed elements sit on the trimmed page (points, origin bottom left).

    The band runs across the top; the body starts ``margin_top`` below it; the footer stands on
    the bottom margin. The body is ``columns`` columns: the story spans all but the last, which
    holds the quote and the facts (one column: everything in one)."""

    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    band_height: float
    footer_height: float
    gutter: float
    columns: int

    @classmethod
    def from_style(cls, style) -> "Grid":
        s, m = style.onepager, style.onepager["margins"]
        return cls(style.page.width, style.page.height, m["top"], m["bottom"], m["left"], m["right"],
                   s["band_height"], s["footer_height"], s["gutter"], s["columns"])

    @property
    def text_width(self) -> float:
        return self.width - self.margin_left - self.margin_right

    @property
    def band_bottom(self) -> float:
        return self.height - self.band_height

    @property
    def body_top(self) -> float:
        return self.band_bottom - self.margin_top

    @property
    def footer_top(self) -> float:
        return self.margin_bottom + self.footer_height

    @property
    def body_bottom(self) -> float:
        return self.footer_top + self.gutter

    @property
    def body_height(self) -> float:
        return self.body_top - self.body_bottom

    @property
    def column_width(self) -> float:
        return (self.text_width - (self.columns - 1) * self.gutter) / self.columns

    @property
    def main_width(self) -> float:
        spans = max(1, self.columns - 1)
        return spans * self.column_width + (spans - 1) * self.gutter

    @property
    def side_x(self) -> float:
        return self.margin_left + self.main_width + self.gutter


# ------------------------------------------------------------------ stacks of flowables
def stack_height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables set one under another (no space before the first or after the last)."""
    total = 0.0
    for n, f in enumerate(flowables):
        total += f.wrap(width, TALL)[1] + (f.getSpaceBefore() if n else 0)
        total += f.getSpaceAfter() if n < len(flowables) - 1 else 0
    return total


def draw_stack(canv, flowables: list[Flowable], x: float, top: float, width: float) -> None:
    y = top
    for n, f in enumerate(flowables):
        y -= f.wrap(width, TALL)[1] + (f.getSpaceBefore() if n else 0)
        f.drawOn(canv, x, y)
        y -= f.getSpaceAfter()


def paragraph(style, ps: ParagraphStyle, text: str, label: str = "") -> Paragraph:
    """Plain text (escaped, with glyph fallback), optionally after a bold label."""
    markup = InlineMarkup(style, ps.fontName)
    body = markup.text(text)
    return Paragraph(f"<b>{markup.text(label)}</b> {body}" if label else body, ps)


# ------------------------------------------------------------------ blocks
class Panel(Flowable):
    """Flowables on a tinted box with a rule along its top (the highlights)."""

    def __init__(self, content: list[Flowable], box: ParagraphStyle, space_before: float):
        super().__init__()
        self.content, self.box = content, box
        self.padding = box.borderPadding or box.fontSize
        self.spaceBefore = space_before

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = stack_height(self.content, avail_width - 2 * self.padding) + 2 * self.padding
        return self.width, self.height

    def draw(self):
        canv = self.canv
        canv.setFillColor(self.box.backColor)
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.box.borderColor and self.box.borderWidth:
            canv.setFillColor(self.box.borderColor)
            canv.rect(0, self.height - 2 * self.box.borderWidth, self.width, 2 * self.box.borderWidth, stroke=0, fill=1)
        draw_stack(canv, self.content, self.padding, self.height - self.padding, self.width - 2 * self.padding)


class RuledBlock(Flowable):
    """Flowables beside a vertical bar (the pull quote); the text keeps its own left indent."""

    def __init__(self, content: list[Flowable], color: str, bar_width: float, space_before: float):
        super().__init__()
        self.content, self.color, self.bar_width = content, colors.HexColor(color), bar_width
        self.spaceBefore = space_before

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = stack_height(self.content, avail_width)
        return self.width, self.height

    def draw(self):
        self.canv.setFillColor(self.color)
        self.canv.rect(0, 0, self.bar_width, self.height, stroke=0, fill=1)
        draw_stack(self.canv, self.content, 0, self.height, self.width)


class Pill(Flowable):
    """A short label on a rounded tint (the award), as wide as its text; a long one wraps."""

    def __init__(self, paragraph_: Paragraph, fill: str, space_before: float):
        super().__init__()
        self.paragraph, self.fill = paragraph_, colors.HexColor(fill)
        size = paragraph_.style.fontSize
        self.pad_x, self.pad_y = size * 0.7, size * 0.35
        self.spaceBefore = space_before

    def wrap(self, avail_width, avail_height):
        inner = avail_width - 2 * self.pad_x
        self.paragraph.wrap(inner, TALL)
        text_width = min(inner, max(self.paragraph.getActualLineWidths0()) + 0.5)
        self.height = self.paragraph.wrap(text_width, TALL)[1] + 2 * self.pad_y
        self.width = text_width + 2 * self.pad_x
        return self.width, self.height

    def draw(self):
        self.canv.setFillColor(self.fill)
        self.canv.roundRect(0, 0, self.width, self.height, self.height / 2 if self.height < 30 else self.pad_x, stroke=0, fill=1)
        self.paragraph.drawOn(self.canv, self.pad_x, self.pad_y)


# ------------------------------------------------------------------ type at a copy-fitting step
class TypeScale:
    """The house paragraph styles at one copy-fitting step: each ``steps`` x ``shrink_step``
    smaller than designed, never below the legible floor (styles designed smaller keep their
    size). Leading and spacing shrink in proportion, so the rhythm of the page stays."""

    def __init__(self, style, steps: int, lang: str):
        self.style, self.lang = style, lang
        self.step = float(style.onepager["shrink_step"])
        self.floor = float(style.onepager["min_font_size"])
        self.base = style.paragraph_style("onepager_body").fontSize
        self.steps = max(0, min(steps, self.max_steps))
        self._styles: dict[str, ParagraphStyle] = {}

    @property
    def max_steps(self) -> int:
        return max(0, math.ceil((self.base - self.floor) / self.step - 1e-9))

    @property
    def body_size(self) -> float:
        return self.size(self.base)

    def size(self, designed: float) -> float:
        return designed if designed <= self.floor else max(self.floor, designed - self.steps * self.step)

    def __call__(self, name: str) -> ParagraphStyle:
        if name not in self._styles:
            self._styles[name] = scaled(self.style, name, self.size, self.lang)
        return self._styles[name]


def scaled(style, name: str, size_for, lang: str | None, **overrides) -> ParagraphStyle:
    designed = style.paragraph_style(name, lang=lang)
    size = size_for(designed.fontSize)
    ratio = size / designed.fontSize
    keys = ("leading", "spaceBefore", "spaceAfter", "leftIndent", "bulletIndent", "bulletFontSize")
    return style.paragraph_style(name, lang=lang, **{"fontSize": size, **{k: getattr(designed, k) * ratio for k in keys}, **overrides})


# ------------------------------------------------------------------ a case study's section
@dataclass
class Section:
    """One case study: a full-width head (title, award), then the story in the main column
    beside the quote and facts in the side column."""

    case_id: str
    head: list[Flowable]
    main: list[Flowable]
    side: list[Flowable]
    head_gap: float

    def columns(self, grid: Grid) -> list[tuple[float, float, list[Flowable]]]:
        """(x, width, flowables) of each column."""
        if grid.columns == 1:
            return [(grid.margin_left, grid.text_width, self.main + self.side)]
        return [(grid.margin_left, grid.main_width, self.main), (grid.side_x, grid.column_width, self.side)]

    def height(self, grid: Grid) -> float:
        body = max(stack_height(flowables, width) for _, width, flowables in self.columns(grid))
        return stack_height(self.head, grid.text_width) + self.head_gap + body

    def draw(self, canv, grid: Grid, top: float) -> None:
        draw_stack(canv, self.head, grid.margin_left, top, grid.text_width)
        top -= stack_height(self.head, grid.text_width) + self.head_gap
        for x, width, flowables in self.columns(grid):
            draw_stack(canv, flowables, x, top, width)


def section_gap(grid: Grid) -> float:
    return 1.5 * grid.gutter


def sections_height(sections: list[Section], grid: Grid) -> float:
    return sum(s.height(grid) for s in sections) + section_gap(grid) * (len(sections) - 1)


def draw_side_panel(canv, grid: Grid, bleed: float, color: str) -> None:
    """The side column's tint, from the band to the footer and off the right edge: it holds
    every section's quote and facts, and gives a page with little text its shape."""
    canv.setFillColor(colors.HexColor(color))
    x = grid.side_x - grid.gutter / 2
    canv.rect(x, grid.footer_top + grid.gutter / 2, grid.width + bleed - x, grid.band_bottom - grid.footer_top - grid.gutter / 2, stroke=0, fill=1)


def draw_sections(canv, sections: list[Section], grid: Grid, rule_color: str, panel_color: str, bleed: float) -> None:
    """The side panel, then the sections from the top of the body down, a hairline between two."""
    if grid.columns > 1:
        draw_side_panel(canv, grid, bleed, panel_color)
    top = grid.body_top
    for n, section in enumerate(sections):
        if n:
            canv.setStrokeColor(colors.HexColor(rule_color))
            canv.setLineWidth(0.5)
            middle = top - section_gap(grid) / 2
            canv.line(grid.margin_left, middle, grid.margin_left + grid.text_width, middle)
            top -= section_gap(grid)
        section.draw(canv, grid, top)
        top -= section.height(grid)


# ------------------------------------------------------------------ the band
@dataclass
class Band:
    name: Paragraph
    meta: Paragraph
    series: Paragraph

    def meta_width(self, grid: Grid) -> float:
        return grid.text_width - self.series_width(grid) - grid.gutter

    def series_width(self, grid: Grid) -> float:
        self.series.wrap(grid.text_width, TALL)
        return max(self.series.getActualLineWidths0()) + 1


def fit_band(style, grid: Grid, name: str, meta: str, series: str) -> Band | None:
    """The organisation's name at the largest size that fits the band above the meta line,
    shrinking in steps down to the legible floor; None when even that does not fit (the band
    never grows)."""
    meta_style = style.paragraph_style("band_meta", lang=None)
    series_style = style.paragraph_style("band_meta", lang=None, fontName=style.fonts.font_name("sans", "bold"), alignment=2)
    band = Band(None, paragraph(style, meta_style, meta), paragraph(style, series_style, series))
    room = grid.band_height - 2 * grid.gutter - band.meta.wrap(band.meta_width(grid), TALL)[1] - band_gap(style)
    designed = style.paragraph_style("band_title", lang=None).fontSize
    step, floor = float(style.onepager["shrink_step"]), float(style.onepager["min_font_size"])
    for steps in range(max(0, math.ceil((designed - floor) / step)) + 1):
        ps = scaled(style, "band_title", lambda size: max(min(floor, size), size - steps * step), None)
        band.name = paragraph(style, ps, name)
        if band.name.wrap(grid.text_width, TALL)[1] <= room:
            return band
    return None


def band_gap(style) -> float:
    return style.paragraph_style("band_title", lang=None).spaceAfter


def draw_band(canv, grid: Grid, band: Band, bleed: float, fill: str) -> None:
    """The house-colour band, into the bleed on three sides. The name hangs from the band's
    top; the meta line and the series stand on its bottom: the same places on every page."""
    canv.setFillColor(colors.HexColor(fill))
    canv.rect(-bleed, grid.band_bottom, grid.width + 2 * bleed, grid.band_height + bleed, stroke=0, fill=1)
    height = band.name.wrap(grid.text_width, TALL)[1]
    band.name.drawOn(canv, grid.margin_left, grid.height - grid.gutter - height)
    band.meta.wrap(band.meta_width(grid), TALL)
    band.meta.drawOn(canv, grid.margin_left, grid.band_bottom + grid.gutter)
    band.series.wrap(grid.text_width, TALL)
    band.series.drawOn(canv, grid.margin_left, grid.band_bottom + grid.gutter)


# ------------------------------------------------------------------ the footer
FOOTER_TEXT_SHARE = 0.55        # of the text width; the QR codes have the rest


def draw_footer(canv, grid: Grid, lines: list[Paragraph], codes: list[tuple[str, str]], caption: str, style) -> None:
    """A rule; the edition's lines under it at the left; QR codes at the right edge."""
    canv.setStrokeColor(colors.HexColor(style.color("nhs-blue")))
    canv.setLineWidth(0.75)
    canv.line(grid.margin_left, grid.footer_top, grid.margin_left + grid.text_width, grid.footer_top)
    top = grid.footer_top - lines[0].style.leading * 0.6
    draw_stack(canv, lines, grid.margin_left, top, grid.text_width * FOOTER_TEXT_SHARE)
    if codes:
        draw_codes(canv, grid, codes, caption, style)


def draw_codes(canv, grid: Grid, codes: list[tuple[str, str]], caption: str, style) -> None:
    """QR codes from the right edge leftwards, each after its label; the caption before them all."""
    size = grid.footer_height - 3
    right = grid.margin_left + grid.text_width
    label_style = style.paragraph_style("onepager_footer", lang=None, alignment=2,
                                        fontName=style.fonts.font_name("sans", "bold"), textColor="nhs-dark-blue")
    for url, label in reversed(codes):
        right -= size
        draw_qr(canv, url, right, grid.margin_bottom, size, style.color("nhs-dark-blue"))
        right -= 3
        right = draw_right_aligned(canv, paragraph(style, label_style, label), right, grid, size) - grid.gutter / 2
    ps = style.paragraph_style("onepager_footer", lang=None, alignment=2)
    draw_right_aligned(canv, paragraph(style, ps, caption), right, grid, size)


def draw_right_aligned(canv, p: Paragraph, right: float, grid: Grid, size: float) -> float:
    """A short paragraph ending at ``right``, centred on the QR codes' height; returns its left."""
    if not p.text:
        return right
    p.wrap(grid.column_width / 2, TALL)
    width = max(p.getActualLineWidths0()) + 1
    height = p.wrap(width, TALL)[1]
    p.drawOn(canv, right - width, grid.margin_bottom + (size - height) / 2)
    return right - width


def draw_qr(canv, url: str, x: float, y: float, size: float, color: str) -> None:
    """A QR code for ``url`` with its bottom left at (x, y), linked to the same address."""
    widget = QrCodeWidget(url, barLevel="M", barFillColor=colors.HexColor(color), barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canv, x, y)
    canv.linkURL(url, (x, y, x + size, y + size), relative=1)
