"""The one-pager's grid and the blocks set inside it.

The grid is the style's (``onepager.blocks``): the band across the top, the footer on the bottom
margin, and between them fixed blocks (the title area, the story, the facts panel, the QR code).
Every block sits at the same place, at the same size, on every page of the series; what is in it
is fitted to it, never the other way round.

Everything here measures before it draws: a block's height comes from ``wrap()`` at the width it
is drawn at, so the copy-fitting in ``onepager.py`` decides with the same numbers the page is
drawn with. Nothing is clipped: text that does not fit is shortened by the copy-fitting, which
says what it left out.

Tagged PDF: the flowables carry their structure elements (``pdftags``); boxes, bars, rules and
the band are decoration (artifacts); only their text is marked. On a canvas without a ``Tagger``
nothing of this changes what is drawn.
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from book.pdf.pdfinline import InlineMarkup
from book.pdf.pdfpages import DeferredDrawParagraph, form_name
from book.pdf.pdftags import Node, content

TALL = 100_000           # "as much height as you like" when measuring
QUIET_MODULES = 4        # a QR code's quiet zone, in modules, on each side (ISO/IEC 18004)


# ------------------------------------------------------------------ the grid
@dataclass(frozen=True)
class Box:
    """A block of the grid, in points, origin at the bottom left of the trimmed page."""

    name: str
    page: int           # 1-based
    x: float
    y: float            # its bottom
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Grid:
    """Where everything sits on the trimmed page (points). The band and the footer are on every
    page; the blocks where the style puts them."""

    width: float
    height: float
    pages: int
    margin_left: float
    margin_right: float
    margin_bottom: float
    band_height: float
    footer_height: float
    gutter: float
    name_lines: int
    qr_size: float
    boxes: tuple[Box, ...]

    @classmethod
    def from_style(cls, style) -> "Grid":
        s, m = style.onepager, style.onepager["margins"]
        width, height = s.get("size") or (style.page.width, style.page.height)
        boxes = tuple(Box(name, b["page"], b["x"], height - b["y"] - b["height"], b["width"], b["height"])
                      for name, b in s["blocks"].items())
        return cls(width, height, s["pages"], m["left"], m["right"], m["bottom"], s["band_height"], s["footer_height"],
                   s["gutter"], s["name_lines"], s["qr_size"], boxes)

    def box(self, name: str) -> Box | None:
        return next((b for b in self.boxes if b.name == name), None)

    @property
    def story_frames(self) -> list[Box]:
        """Where the story flows: its block, then (on a second page) its continuation."""
        return [b for b in (self.box("story"), self.box("more")) if b is not None]

    @property
    def text_boxes(self) -> list[Box]:
        """The grid's text area: the blocks that hold the page's words (the title area, the story
        and its continuation, the facts panel). The band, the QR block and the footer are not in it."""
        return [b for b in self.boxes if b.name in ("title", "story", "more", "facts")]

    @property
    def text_width(self) -> float:
        return self.width - self.margin_left - self.margin_right

    @property
    def band_bottom(self) -> float:
        return self.height - self.band_height

    @property
    def footer_top(self) -> float:
        return self.margin_bottom + self.footer_height


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
    the same width many times. Drawing always wraps again, so the flowable is drawn as wrapped
    for its place."""
    heights = flowable.__dict__.setdefault("_heights", {})
    height = heights.get(width)
    if height is None:
        height = heights[width] = flowable.wrap(width, TALL)[1]
    return height


def draw_stack(canv, flowables: list[Flowable], x: float, top: float, width: float) -> float:
    """Flowables one under another from ``top``; returns where the last one ends."""
    y = top
    for n, f in enumerate(flowables):
        y -= f.wrap(width, TALL)[1] + (f.getSpaceBefore() if n else 0)
        f.drawOn(canv, x, y)
        if n < len(flowables) - 1:
            y -= f.getSpaceAfter()
    return y


def keep_with_next(flowable: Flowable) -> Flowable:
    """Mark a flowable (a heading, a rule over a heading) to stand in the same frame as the one
    after it: a heading never ends a frame alone."""
    flowable._keep_with_next = True
    return flowable


def flow(flowables: list[Flowable], frames: list[Box]) -> list[list[Flowable]] | None:
    """The flowables poured into the frames in order, whole (a flowable that does not fit what is
    left of a frame starts the next one, and so does one kept with the next when the two do not
    fit together); None when they do not all fit."""
    placed: list[list[Flowable]] = [[] for _ in frames]
    frame, used = 0, 0.0
    for n, f in enumerate(flowables):
        while frame < len(frames):
            width, room = frames[frame].width, frames[frame].height
            gap = (placed[frame][-1].getSpaceAfter() + f.getSpaceBefore()) if placed[frame] else 0.0
            height = measured_height(f, width)
            kept = kept_height(flowables, n, width)
            fits_here = used + gap + height + kept <= room + 0.01
            if fits_here or (not placed[frame] and used + gap + height <= room + 0.01):
                placed[frame].append(f)
                used += gap + height
                break
            frame, used = frame + 1, 0.0
        else:
            return None
    return placed


def kept_height(flowables: list[Flowable], n: int, width: float) -> float:
    """The height the flowables after the n-th that it is kept with need beside it."""
    total, previous = 0.0, flowables[n]
    for f in flowables[n + 1:]:
        if not getattr(previous, "_keep_with_next", False):
            break
        total += previous.getSpaceAfter() + f.getSpaceBefore() + measured_height(f, width)
        previous = f
    return total


def flow_height(flowables: list[Flowable], frames: list[Box]) -> float | None:
    """How far down the last frame used the flowables reach (None: they do not fit)."""
    placed = flow(flowables, frames)
    if placed is None:
        return None
    last = max((n for n, column in enumerate(placed) if column), default=0)
    return sum(f.height for f in frames[:last]) + stack_height(placed[last], frames[last].width)


def paragraph(style, ps: ParagraphStyle, text: str, label: str = "", bold: bool = False) -> Paragraph:
    """Plain text (escaped, with glyph fallback), optionally after a bold label, or all bold."""
    markup = InlineMarkup(style, ps.fontName)
    body = markup.text(text)
    if bold:
        body = f"<b>{body}</b>"
    return Paragraph(f"<b>{markup.text(label)}</b> {body}" if label else body, ps)


def display_url(url: str) -> str:
    """A web address as printed: without its scheme (a phone's camera adds it back)."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme):]
    return url


def url_markup(style, ps: ParagraphStyle, url: str, width: float) -> str:
    """A printed web address broken into lines of ``width`` after a '/' or '.', never with a
    hyphen (a hyphen would read as part of the address)."""
    text = display_url(url)
    pieces, start = [], 0
    for n, char in enumerate(text):
        if char in "/." and n + 1 < len(text):
            pieces.append(text[start:n + 1])
            start = n + 1
    pieces.append(text[start:])
    lines, line = [], ""
    for piece in pieces:
        if line and stringWidth(line + piece, ps.fontName, ps.fontSize) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    markup = InlineMarkup(style, ps.fontName)
    return "<br/>".join(markup.text(line, wrap_long=False) for line in lines)


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


def page_number_paragraph(style, ps: ParagraphStyle, markup_text: str, case_id: str) -> PageNumberParagraph:
    """``markup_text`` then the case study's compendium page, in room kept at the right for four
    digits: the page is laid out and drawn the same whatever page the case study falls on."""
    room = stringWidth(" 0000", ps.fontName, ps.fontSize)
    ps = ParagraphStyle(ps.name, parent=ps, rightIndent=ps.rightIndent + room)
    return PageNumberParagraph(markup_text + f'<onDraw name="notePosition" label="{case_id}"/>', ps, case_id)


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
    return form_name(f"page-of:{case_id}@{ps.fontName}@{ps.fontSize:g}@{ps.textColor.hexval()}")


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


# ------------------------------------------------------------------ boxes inside the story
class Panel(Flowable):
    """Flowables on a tinted box with a rule along its top (the highlights). The box is decoration;
    ``nodes``: the elements of its content, for the section's structure."""

    def __init__(self, content_: list[Flowable], box: ParagraphStyle, space_before: float, nodes: list | None = None):
        super().__init__()
        self.content, self.box, self.nodes = content_, box, nodes or []
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

    def __init__(self, content_: list[Flowable], color: str, bar_width: float, space_before: float, nodes: list | None = None):
        super().__init__()
        self.content, self.color, self.bar_width = content_, colors.HexColor(color), bar_width
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


class Rule(Flowable):
    """A hairline across the column between two case studies (decoration)."""

    def __init__(self, color: str, space: float):
        super().__init__()
        self.color, self.spaceBefore, self.spaceAfter = colors.HexColor(color), space, space
        self._keep_with_next = True         # never a rule at the foot of a frame

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, 0.5
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 0.25, self.width, 0.25)


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

    def __call__(self, name: str, **overrides) -> ParagraphStyle:
        if overrides:
            return scaled(self.style, name, self.size, self.lang, **overrides)
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


def fitted_size(style, name: str, floor: float, grow: float = 0.0) -> list[float]:
    """The sizes a block's type may take, largest first: ``grow`` points over the designed size
    (a block with little in it sets it larger), then down by the style's step to ``floor`` (a
    style designed smaller keeps its size)."""
    designed = style.paragraph_style(name, lang=None).fontSize
    step = float(style.onepager["shrink_step"])
    sizes, size = [designed + grow], designed + grow
    while size - step >= floor - 1e-9:
        size -= step
        sizes.append(round(size, 4))
    return sizes


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
