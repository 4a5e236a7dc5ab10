"""The one-pager's page: the fixed grid (band, body, footer) and the blocks set inside it.

Everything here measures before it draws: a block's height comes from ``wrap()`` at the width it
is drawn at, so the copy-fitting in ``onepager.py`` decides with the same numbers the page is
drawn with. Nothing is clipped or truncated: text that does not fit is reported, never cut.

Tagged PDF: the blocks carry their structure elements (``pdftags``), built with them in reading
order (a case study's ``Section.node``), so the side-by-side columns read in the logical order.
Boxes, bars, pills, rules and the band are decoration (artifacts); only their text is marked.
On a canvas without a ``Tagger`` nothing of this changes what is drawn.
"""
from __future__ import annotations

import contextlib
import itertools
import math
from dataclasses import dataclass, replace

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from .pdfinline import InlineMarkup
from .pdfpages import DeferredDrawParagraph, form_name
from .pdftags import Node, container, content, set_node

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
    footer_text_width: float = 0.0      # set by ``with_footer``: the same on every page of an edition

    @classmethod
    def from_style(cls, style) -> "Grid":
        s, m = style.onepager, style.onepager["margins"]
        width, height = s.get("size") or (style.page.width, style.page.height)
        return cls(width, height, m["top"], m["bottom"], m["left"], m["right"],
                   s["band_height"], s["footer_height"], s["gutter"], s["columns"])

    def with_footer(self, lines: list[Paragraph], codes: bool) -> "Grid":
        """The grid with room for the edition's footer lines: beside the QR codes when any page
        has one, across the page otherwise; the footer grows when the style's height is too
        small for them (large print), for every page alike."""
        width = self.text_width * (FOOTER_TEXT_SHARE if codes else 1.0)
        needed = stack_height(lines, width) + footer_top_pad(lines)
        return replace(self, footer_text_width=width, footer_height=max(self.footer_height, needed))

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
        total += measured_height(f, width) + (f.getSpaceBefore() if n else 0)
        total += f.getSpaceAfter() if n < len(flowables) - 1 else 0
    return total


def measured_height(flowable: Flowable, width: float) -> float:
    """A flowable's height at ``width``, measured once: copy-fitting asks for the same block at
    the same width many times (every arrangement of the columns shares the blocks). Drawing
    always wraps again, so the flowable is drawn as wrapped for its place."""
    heights = flowable.__dict__.setdefault("_heights", {})
    height = heights.get(width)
    if height is None:
        height = heights[width] = flowable.wrap(width, TALL)[1]
    return height


def draw_stack(canv, flowables: list[Flowable], x: float, top: float, width: float) -> None:
    y = top
    for n, f in enumerate(flowables):
        y -= f.wrap(width, TALL)[1] + (f.getSpaceBefore() if n else 0)
        f.drawOn(canv, x, y)
        y -= f.getSpaceAfter()


def paragraph(style, ps: ParagraphStyle, text: str, label: str = "", bold: bool = False) -> Paragraph:
    """Plain text (escaped, with glyph fallback), optionally after a bold label, or all bold."""
    markup = InlineMarkup(style, ps.fontName)
    body = markup.text(text)
    if bold:
        body = f"<b>{body}</b>"
    return Paragraph(f"<b>{markup.text(label)}</b> {body}" if label else body, ps)


class PageNumberParagraph(DeferredDrawParagraph):
    """A paragraph that ends with a case study's page in the compendium, drawn from a form
    XObject (``number_form``) after the paragraph's text, as content of the paragraph's element."""

    def __init__(self, text, style, case_id: str = "", **kwargs):
        super().__init__(text, style, **kwargs)     # Paragraph.split calls this with frags=...
        self.case_id = case_id

    def draw_noted(self, canvas, x, y, noted):
        for case_id, px, py in noted:
            with content(canvas, getattr(self, "_struct", None)):
                canvas.saveState()
                canvas.translate(x + px, y + py)
                canvas.doForm(number_form(case_id, self.style))
                canvas.restoreState()
            canvas.numbers_drawn.append(NumberForm(number_form(case_id, self.style), case_id, self.style.fontName,
                                                   self.style.fontSize, self.style.textColor.hexval()))


@dataclass(frozen=True)
class NumberForm:
    """A form a page draws its case study's page number from: defined when the page is
    assembled, when the number is known."""

    name: str
    case_id: str
    font: str
    size: float
    color: str          # '0x005eb8'


def number_form(case_id: str, ps: ParagraphStyle) -> str:
    return form_name(f"page-of:{case_id}@{ps.fontSize:g}")


def marked(canv, node: Node | None, link_texts: dict[str, str] | None = None):
    """``with marked(canv, node):`` canvas drawing that is the content of ``node`` (links made
    inside belong to it); nothing on an untagged canvas or without a node."""
    tagger = getattr(canv, "_tagger", None)
    if tagger is None or node is None:
        return contextlib.nullcontext()
    return tagger.mark(node, link_texts=link_texts)


class BulletItem(Paragraph):
    """A list item's paragraph with its bullet (``bulletText``), drawn exactly as a Paragraph.
    Tagged, its element is the item's LBody (given with ``pdftags.container``, so that it is marked
    here, not around the whole drawing) and the bullet, which ReportLab draws as a text object of
    its own before the text's, is the item's Lbl."""

    def draw(self):
        canv = self.canv
        tagger = getattr(canv, "_tagger", None)
        body = getattr(self, "_struct", None)
        if tagger is None or body is None:
            return super().draw()
        owners = iter([self._label(body)] if self.bulletText else [])
        draw_text = canv.drawText           # the tagger's hook on this canvas

        def draw_marked(text):
            with tagger.mark(next(owners, body)):       # the bullet's text object first, then the text's
                draw_text(text)

        canv.drawText = draw_marked
        try:
            super().draw()
        finally:
            canv.drawText = draw_text

    @staticmethod
    def _label(body: Node) -> Node:
        """The Lbl before the LBody in its LI (a new element of its own when there is no LI)."""
        item = body.parent
        label = Node("Lbl")
        if item is None or item.role != "LI":
            return label
        label.parent = item
        item.kids.insert(item.kids.index(body), label)
        return label


# ------------------------------------------------------------------ blocks
class Panel(Flowable):
    """Flowables on a tinted box with a rule along its top (the highlights). The box is decoration;
    ``nodes``: the elements of its content, for the section's structure."""

    def __init__(self, content: list[Flowable], box: ParagraphStyle, space_before: float, nodes: list | None = None):
        super().__init__()
        self.content, self.box, self.nodes = content, box, nodes or []
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
    """Flowables beside a vertical bar (the pull quote); the text keeps its own left indent. The bar
    is decoration; ``nodes``: the elements of its content."""

    def __init__(self, content: list[Flowable], color: str, bar_width: float, space_before: float, nodes: list | None = None):
        super().__init__()
        self.content, self.color, self.bar_width = content, colors.HexColor(color), bar_width
        self.nodes = nodes or []
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
    """A short label on a rounded tint (the award), as wide as its text; a long one wraps. The tint
    is decoration, the paragraph's element is the Pill's (``nodes``)."""

    def __init__(self, paragraph_: Paragraph, fill: str, space_before: float):
        super().__init__()
        self.paragraph, self.fill = paragraph_, colors.HexColor(fill)
        self.nodes = [paragraph_]
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

    @property
    def max_steps(self) -> int:
        return max(0, math.ceil((self.base - self.floor) / self.step - 1e-9))

    @property
    def body_size(self) -> float:
        return self.size(self.base)

    def size(self, designed: float) -> float:
        return designed if designed <= self.floor else max(self.floor, designed - self.steps * self.step)

    def __call__(self, name: str) -> ParagraphStyle:
        # shared by every page set at this step (never changed: overrides make a copy)
        key = (self.style.fingerprint(), name, self.steps, self.lang)
        found = _SCALED.get(key)
        if found is None:
            found = _SCALED[key] = scaled(self.style, name, self.size, self.lang)
        return found


_SCALED: dict[tuple, ParagraphStyle] = {}


def scaled(style, name: str, size_for, lang: str | None, **overrides) -> ParagraphStyle:
    """A fresh copy of a house style at the size ``size_for`` gives its designed size."""
    designed = style.paragraph_style(name, lang=lang)
    size = size_for(designed.fontSize)
    ratio = size / designed.fontSize
    keys = ("leading", "spaceBefore", "spaceAfter", "leftIndent", "bulletIndent", "bulletFontSize")
    # the house style's hyphenator already breaks "under-resourced" after its own hyphen
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
    node: Node | None = None        # its Sect: the blocks' elements in reading order

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


def draw_sections(canv, sections: list[Section], grid: Grid, rule_color: str) -> None:
    """The sections from the top of the body down, a hairline between two."""
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


class SectionBuilder:
    """A case study's blocks at one type scale, and the ways they can share the columns."""

    def __init__(self, style, scale: TypeScale, lang: str, edition_title: str):
        self.style, self.ts, self.lang, self.edition_title = style, scale, lang, edition_title

    def para(self, style_name: str, text: str, label: str = "", bold: bool = False, **overrides) -> Paragraph:
        ps = scaled(self.style, style_name, self.ts.size, self.lang, **overrides) if overrides else self.ts(style_name)
        return paragraph(self.style, ps, text, label, bold)

    def arrangements(self, case, number: int, count: int) -> list[Section]:
        """The designed arrangement (highlights under the story, the quote beside it above the
        facts) first, then the others that keep every block in the grid."""
        head = self.head(case, number, count)
        summary = [self.para("onepager_body", case.summary)]
        boxes = {"h": self.highlights(case), "q": self.pull_quote(case)}
        boxes = {key: block for key, block in boxes.items() if block is not None}
        facts = self.facts(case)
        gap = self.ts("onepager_body").leading * 0.5
        set_node(summary[0], Node("P"))
        # one element tree for every arrangement: only the one drawn joins the document
        sect = Node("Sect", [getattr(f, "nodes", f) for f in head + summary + list(boxes.values()) + facts])
        return [
            Section(case.id, head, summary + [boxes[k] for k in in_main],
                    [block for k, block in boxes.items() if k not in in_main] + facts, gap, sect)
            for in_main in arrangements(list(boxes))
        ]

    def head(self, case, number: int, count: int) -> list[Flowable]:
        flowables = []
        if count > 1:
            flowables.append(set_node(self.para("onepager_meta", f"Case study {number} of {count}", bold=True,
                                                textColor="nhs-blue"), Node("P")))
        flowables.append(set_node(self.para("onepager_title", case.title), Node("H2")))
        if case.award:
            award = set_node(self.para("onepager_meta", case.award, bold=True, textColor="nhs-dark-blue"), Node("P"))
            flowables.append(Pill(award, self.style.color("nhs-warm-yellow"), space_before=self.ts.size(4)))
        return flowables

    def highlights(self, case) -> Flowable | None:
        if not case.highlights:
            return None
        items = [container(self.bullet(text), Node("LBody")) for text in case.highlights]
        heading = set_node(self.para("onepager_heading", "Highlights"), Node("H3"))
        items_node = Node("L", [Node("LI", item) for item in items], attrs={"O": "List", "ListNumbering": "Disc"})
        return Panel([heading, *items], self.ts("highlight_box"), space_before=self.ts("onepager_body").leading * 0.6,
                     nodes=[heading, items_node])

    def bullet(self, text: str) -> Paragraph:
        ps = self.ts("onepager_highlight")
        markup = InlineMarkup(self.style, ps.fontName)
        lead_in, colon, rest = text.partition(": ")
        # "Service KPIs: A new dashboard ..." reads best with its lead-in in bold
        if colon and len(lead_in) <= 40:
            return BulletItem(f"<b>{markup.text(lead_in + ':')}</b> {markup.text(rest)}", ps, bulletText="\u2022")
        return BulletItem(markup.text(text), ps, bulletText="\u2022")

    def pull_quote(self, case) -> Flowable | None:
        quote = case.quote
        if not quote:
            return None
        content = [self.para("onepager_quote", f"\u201c{quote.text}\u201d", spaceBefore=0)]
        if quote.name or quote.role:
            ps = scaled(self.style, "pullquote_attribution", self.ts.size, self.lang, spaceAfter=0,
                        leftIndent=self.ts("onepager_quote").leftIndent)
            markup = InlineMarkup(self.style, ps.fontName)
            lines = [f"<b>{markup.text(quote.name)}</b>" if quote.name else "", markup.text(quote.role)]
            content.append(Paragraph("<br/>".join(line for line in lines if line), ps))
        rule = self.style.styles["onepager_quote"]
        quote_node = Node("BlockQuote", [set_node(p, Node("P")) for p in content])     # the quote, then who said it
        return RuledBlock(content, self.style.color(rule["ruleColor"] or "nhs-blue"), rule["ruleWidth"] or 3,
                          space_before=self.ts("onepager_quote").spaceBefore, nodes=[quote_node])

    def facts(self, case) -> list[Paragraph]:
        """Who else took part, the themes, and where to read on: a label and its value a line.
        The space above the first counts only under a box (a column's first block has none)."""
        facts = [("Lead:", case.lead)] if case.lead else []
        if case.partners:
            facts.append(("Partners:" if len(case.partners) > 1 else "Partner:", "; ".join(case.partners)))
        if case.themes:
            facts.append(("Themes:", ", ".join(case.themes)))
        above = self.ts("onepager_quote").spaceBefore
        paragraphs = [self.para("onepager_meta", value, label=label, spaceBefore=above if n == 0 else 0)
                      for n, (label, value) in enumerate(facts)]
        paragraphs.append(self.where_to_read(case, spaceBefore=self.ts.size(6) if paragraphs else above))
        return [set_node(p, Node("P")) for p in paragraphs]

    def where_to_read(self, case, **overrides) -> "PageNumberParagraph":
        """'Full case study: <edition>, page N'. The number comes last and is drawn from a form
        that the page's file defines when it is assembled (``PageNumberParagraph``), in room kept
        for four digits: the page is laid out, drawn and cached the same whatever page the case
        study ends up on, and a change that moves the compendium's pages only reassembles it."""
        ps0 = self.ts("onepager_meta")
        room = stringWidth(" 0000", ps0.fontName, ps0.fontSize)
        ps = scaled(self.style, "onepager_meta", self.ts.size, self.lang, textColor="nhs-blue",
                    rightIndent=ps0.rightIndent + room, **overrides)
        markup = InlineMarkup(self.style, ps.fontName)
        text = f"<b>{markup.text('Full case study:')}</b> {markup.text(self.edition_title + ', page')}"
        return PageNumberParagraph(text + f'<onDraw name="notePosition" label="{case.id}"/>', ps, case.id)


def arrangements(boxes: list[str]) -> list[tuple[str, ...]]:
    """Which boxes ("h" highlights, "q" quote) go in the main column: the designed choice
    first (the highlights under the story, the quote beside it), then every other."""
    designed = tuple(b for b in boxes if b == "h")
    others = [c for r in range(len(boxes), -1, -1) for c in itertools.combinations(boxes, r) if c != designed]
    return [designed, *others]


# ------------------------------------------------------------------ the band
@dataclass
class Band:
    name: Paragraph
    meta: Paragraph
    series: Paragraph

    def meta_width(self, grid: Grid) -> float:
        return grid.text_width - self.series_width(grid) - grid.gutter

    def series_width(self, grid: Grid) -> float:
        return text_width(self.series, grid.text_width)


def fit_band(style, grid: Grid, name: str, meta: str, series: str) -> Band | None:
    """The organisation's name at the largest size that fits the band above the meta line,
    shrinking in steps down to the legible floor; None when even that does not fit (the band
    never grows)."""
    meta_style = style.paragraph_style("band_meta", lang=None)
    series_style = style.paragraph_style("band_meta", lang=None, alignment=2)
    band = Band(None, paragraph(style, meta_style, meta), paragraph(style, series_style, series, bold=True))
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


@dataclass(frozen=True)
class QrCode:
    """A case study's web page as a QR code in the footer."""

    url: str
    label: str                      # its case study's number on the page ('' when the page has one)
    figure: Node | None = None      # tagged: its Figure (with Alt), in its case study's Sect
    description: str = ""           # tagged: what its link annotation says (/Contents)


def draw_footer(canv, grid: Grid, lines: list[Paragraph], codes: list[QrCode], caption: str, style, links: bool,
                caption_node: Node | None = None) -> None:
    """A rule; the edition's lines under it at the left; QR codes at the right edge."""
    canv.setStrokeColor(colors.HexColor(style.color("nhs-blue")))
    canv.setLineWidth(0.75)
    canv.line(grid.margin_left, grid.footer_top, grid.margin_left + grid.text_width, grid.footer_top)
    draw_stack(canv, lines, grid.margin_left, grid.footer_top - footer_top_pad(lines), grid.footer_text_width)
    if codes:
        draw_codes(canv, grid, codes, caption, style, links, caption_node)


def footer_top_pad(lines: list[Paragraph]) -> float:
    return lines[0].style.leading * 0.6


def draw_codes(canv, grid: Grid, codes: list[QrCode], caption: str, style, links: bool, caption_node: Node | None = None) -> None:
    """QR codes from the right edge leftwards, each after its label, then the caption if there
    is room for it beside the footer's text. Tagged, a code and its label are the content of the
    code's Figure, and its link belongs to it."""
    zone_left = grid.margin_left + grid.footer_text_width + grid.gutter
    right = grid.margin_left + grid.text_width
    # a code, its quiet zone, its label and a gap take about 1.6 times its size
    size = min(grid.footer_height - 3, (right - zone_left) / (1.6 * len(codes)))
    label_style = style.paragraph_style("onepager_footer", lang=None, textColor="nhs-dark-blue")
    for code in reversed(codes):
        with marked(canv, code.figure, {code.url: code.description}):
            right -= size
            draw_qr(canv, code.url, right, grid.margin_bottom, size, style.color("nhs-dark-blue"), links)
            right -= size * 0.15         # the code's quiet zone: four modules or more
            if code.label:
                right = draw_right_aligned(canv, grid, paragraph(style, label_style, code.label, bold=True), right, size)
        right -= grid.gutter / 2
    note = paragraph(style, style.paragraph_style("onepager_footer", lang=None), caption) if caption else None
    if note is not None and right - text_width(note, grid.column_width / 2) >= zone_left:
        draw_right_aligned(canv, grid, set_node(note, caption_node), right, size)


def text_width(p: Paragraph, limit: float) -> float:
    """The width of a short paragraph's longest line, wrapped at ``limit``."""
    p.wrap(limit, TALL)
    return max(p.getActualLineWidths0()) + 1


def draw_right_aligned(canv, grid: Grid, p: Paragraph, right: float, size: float) -> float:
    """A short paragraph ending at ``right``, centred on the QR codes' height; returns its left."""
    width = text_width(p, grid.column_width / 2)
    height = p.wrap(width, TALL)[1]
    p.drawOn(canv, right - width, grid.margin_bottom + (size - height) / 2)
    return right - width


def draw_qr(canv, url: str, x: float, y: float, size: float, color: str, link: bool) -> None:
    """A QR code for ``url``, ``size`` square with its bottom left at (x, y).

    The widget's modules are drawn as plain rectangles: renderPDF would set its default font,
    Times-Roman, and so put an unembedded font in the file."""
    widget = QrCodeWidget(url, barLevel="M", barBorder=0, barWidth=size, barHeight=size)
    canv.setFillColor(colors.HexColor(color))
    for module in widget.draw().contents:
        if module.fillColor is not None:
            canv.rect(x + module.x, y + module.y, module.width, module.height, stroke=0, fill=1)
    if link:
        canv.linkURL(url, (x, y, x + size, y + size), relative=1)
