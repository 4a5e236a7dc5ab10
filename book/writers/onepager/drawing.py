"""One page drawn: laid out as fitted, drawn once into a recording with its structure tree; its
file, and the combined file of the series, assembled from the recordings with the compendium's
page numbers, drawn from forms, and one set of fonts for the series.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from book.model.publication import PageMap
from book.pdf.pdfcommon import MM, print_marks
from book.pdf.pdfpage import PageRecorder, Recording, Sketch
from book.pdf.pdfstruct import adopt_orphans, group_of, section_of
from book.pdf.pdftags import Node, Tagger, set_node
from book.pdf.pdfwrite import Assembler, Metadata, OutlineEntry
from book.writers.onepager import furniture, layout
from book.writers.onepager.layout import Box
from book.writers.onepager.flowables import marked, paragraph, url_markup
from book.writers.onepager.blocks import Blocks, footer_lines
from book.writers.onepager.content import FACT_DROPS, Context, PageContent, with_excerpt
from book.writers.onepager.fitting import Fit, Overflow, facts_padding, fit_page


# ------------------------------------------------------------------ one page
@dataclass(frozen=True)
class Rendered:
    key: str
    dropped: tuple[tuple[str, str], ...] = ()
    listed: tuple[str, ...] = ()            # case studies listed by title and page only
    overflow: Overflow | None = None
    name_shortened: bool = False
    # the page as drawn (its file and the combined one are assembled from it): its recording and
    # structure, pickled, since a build that assembles no file of a page need not unpickle them
    drawing: bytes | None = None
    fonts: dict | None = None     # what the drawing draws in each font (``Recording.fonts``)
    numbers: tuple = ()           # flowables.NumberForm: the case studies' page numbers it shows

    @property
    def drawn(self) -> bool:
        return self.drawing is not None

    def page(self) -> tuple[Recording, Node | None]:
        """The recording and the structure of the page as drawn."""
        return pickle.loads(self.drawing)


def render(page: PageContent, ctx: Context, tagged: bool = True) -> Rendered:
    """The page drawn, or why it cannot be. ``tagged=False`` leaves the structure out (only to
    show that tagging changes nothing on the page)."""
    page = with_excerpt(page)
    band = furniture.make_band(ctx.style, ctx.grid, page.name, page.meta)
    fit = fit_page(page, ctx)
    if fit.overflow is not None:
        return Rendered(page.key, fit.dropped, fit.listed, fit.overflow, band.shortened)
    recording, root, numbers = draw_page(page, band, fit, ctx, tagged)
    return Rendered(page.key, fit.dropped, fit.listed, None, band.shortened,
                    drawing=pickle.dumps((recording, root), protocol=pickle.HIGHEST_PROTOCOL),
                    fonts=recording.fonts, numbers=numbers)


def assemble_page(rendered: Rendered, page: PageContent, labels: dict[str, str], ctx: Context,
                  glyphs: dict[str, frozenset] | None = None) -> bytes:
    """The page's file: its drawing, and the page numbers of its case studies (``labels``:
    case study id -> the compendium page it starts on). ``glyphs``: what the series' fonts hold
    (``series_glyphs``)."""
    assembler = Assembler(page_metadata(page, ctx), print_marks(ctx.style) if ctx.print_marks else None, glyphs)
    recording, structure = rendered.page()
    assembler.add_run(recording, tree=group_of(structure) if structure is not None else None)
    add_number_forms(assembler, rendered.numbers, labels)
    return assembler.finish()


def add_number_forms(assembler: Assembler, numbers, labels: dict[str, str]) -> None:
    """Each page number a page draws, as the form it draws it from (a space, then the number)."""
    for form in {n.name: n for n in numbers}.values():
        text = " " + labels.get(form.case_id, "?")
        ops, bbox = _number_drawing(form.font, form.size, form.color, text)
        assembler.add_form(form.name, ops, bbox, {form.font: set(text)})


@lru_cache(maxsize=4096)
def _number_drawing(font: str, size: float, color: str, text: str) -> tuple[bytes, tuple]:
    """A page number's drawing and its box: the same on every page that shows it, and in the
    combined file (a worker assembles many)."""
    from reportlab.lib.colors import HexColor

    def draw(canv):
        canv.setFont(font, size)
        canv.setFillColor(HexColor(int(color, 16)))
        canv.drawString(0, 0, text)

    width = stringWidth(text, font, size)
    return _sketch(font).ops(draw), (0, -size * 0.3, width + 1, size)


@lru_cache(maxsize=None)
def _sketch(font: str) -> Sketch:
    return Sketch(font)


def series_glyphs(results: list[Rendered], labels: dict[str, str]) -> dict[str, frozenset]:
    """Every character each font draws on any page of the series (and the page numbers): every
    page's file embeds these, so the files share their fonts, made and compressed once, at the
    cost of some glyphs a page does not use."""
    glyphs: dict[str, set] = {}
    for result in results:
        if result.drawn:
            for font, chars in result.fonts.items():
                glyphs.setdefault(font, set()).update(chars)
        for number in result.numbers:
            glyphs.setdefault(number.font, set()).update(" " + "".join(sorted(set("".join(labels.values())))))
    return {font: frozenset(chars) for font, chars in glyphs.items()}


def labels_of(pages: list[PageContent], page_map: PageMap) -> dict[str, str]:
    """Case study id -> the compendium page it starts on, for every case study the pages name."""
    return {case_id: page_map.chapter_label(case_id) for page in pages for case_id in named_cases(page)}


def named_cases(page: PageContent) -> list[str]:
    return [case.id for case in page.cases] + [case_id for case_id, _, _ in page.related]


@dataclass
class PageParts:
    """The flowables of a page's blocks, made (with their elements, in reading order) before
    anything is drawn."""

    title: list
    placed: list                # the story's flowables, by the frame they are set in
    facts: list
    url: str                    # the QR code's ('' for none: ``read_on`` instead)
    qr_node: Node | None
    address: Paragraph | None
    read_on: list
    lines: list                 # the footer's


def draw_page(page: PageContent, band: furniture.Band, fit: Fit, ctx: Context, tagged: bool = True):
    """(recording, structure, page-number forms) of the page (or pages)."""
    grid, style = ctx.grid, ctx.style
    body = style.paragraph_style("onepager_body")
    canv = PageRecorder((grid.width, grid.height), body.fontName, body.fontSize)
    canv.numbers_drawn = []
    # the structure, in reading order; what is drawn without an element is decoration
    tagger, root = (Tagger(canv) if tagged else None), Node("Document")
    parts = page_parts(page, band, fit, ctx, root)
    bleed = print_marks(style).bleed if ctx.print_marks else 0.0
    for number in range(1, grid.pages + 1):
        draw_sheet(canv, number, page, band, parts, ctx, bleed)
    numbers = tuple(canv.numbers_drawn)
    if tagger is None:
        return canv.recording(), None, numbers
    adopt_orphans(tagger.mcids, root)
    return canv.recording(), root, numbers


def page_parts(page: PageContent, band: furniture.Band, fit: Fit, ctx: Context, root: Node) -> PageParts:
    """The page's flowables as fitted, their elements added to ``root`` in reading order."""
    set_node(band.name, root.child("H1"))
    set_node(band.meta, root.child("P"))
    blocks = Blocks(page, ctx, fit.steps, fit.made)     # the flowables its fit measured
    featured = fit.cases[0]
    title = blocks.title(featured, len(fit.cases), fit.title_size)
    story, sects = blocks.story(fit.cases, fit.shown, fit.excerpt, fit.related)
    sects[0].add(title, blocks.featured_kids)
    root.add(sects)
    facts_node = root.child("Sect")
    facts = blocks.facts(fit.cases, fit.facts_size, tuple(e for _, e in fit.dropped if e in FACT_DROPS))
    facts_node.add(facts)
    url = page.qr_url
    qr_node = root.child("Figure", alt=f"QR code: {url}") if url else None
    read_on = [] if url else blocks.read_on(featured)
    address = qr_address(blocks, url) if url else None
    root.add(read_on, address or [])
    placed = layout.flow(story, ctx.grid.story_frames)
    lines = [set_node(line, root.child("P")) for line in footer_lines(ctx.style, ctx.edition, ctx.build_time)]
    return PageParts(title, placed, facts, url, qr_node, address, read_on, lines)


def draw_sheet(canv, number: int, page: PageContent, band: furniture.Band, parts: PageParts, ctx: Context,
               bleed: float) -> None:
    """Page ``number`` (1-based) of the one-pager: the band, its blocks, the footer."""
    grid, style = ctx.grid, ctx.style
    first = number == 1
    # the band and the footer again on a later page: decoration, read once
    furniture.draw_band(canv, grid, band if first else furniture.make_band(style, grid, page.name, page.meta), bleed,
                        style.onepager["band_color"])
    for box in grid.boxes:
        if box.page == number:
            draw_box(canv, box, parts, ctx)
    furniture.draw_footer(canv, grid, parts.lines if first else footer_lines(style, ctx.edition, ctx.build_time), style)
    if first:
        canv.bookmarkPage(place_name(page.key), left=0, top=grid.height)     # the combined file's bookmark
    canv.showPage()


def draw_box(canv, box: Box, parts: PageParts, ctx: Context) -> None:
    """One block of the grid with what is set in it."""
    grid, style = ctx.grid, ctx.style
    if box.name == "title":
        layout.draw_stack(canv, parts.title, box.x, box.top, box.width)
    elif box.name in ("story", "more"):
        layout.draw_stack(canv, parts.placed[grid.story_frames.index(box)], box.x, box.top, box.width)
    elif box.name == "facts":
        pad = facts_padding(ctx)
        furniture.draw_panel(canv, box, style.color("nhs-pale-grey"), style.color("nhs-blue"))
        layout.draw_stack(canv, parts.facts, box.x + pad, box.top - pad, box.width - 2 * pad)
    elif box.name == "qr":
        draw_qr_block(canv, box, ctx, parts.url, parts.qr_node, parts.address, parts.read_on)


def qr_address(blocks: Blocks, url: str) -> Paragraph:
    """The code's address, printed under it."""
    ps = layout.house_style(blocks.style, "onepager_meta", None, textColor="nhs-dark-blue")
    box = blocks.ctx.grid.box("qr")
    return set_node(Paragraph(f"<b>{url_markup(blocks.style, ps, url, box.width - 2)}</b>", ps), Node("P"))


def draw_qr_block(canv, box: Box, ctx: Context, url: str, figure: Node | None, address: Paragraph | None,
                  read_on: list) -> None:
    """The QR code at the block's top left inside its quiet zone, a line beside it, its address
    under it; without an address, where to read the full case study instead."""
    style, size = ctx.style, ctx.grid.qr_size
    if not url:
        layout.draw_stack(canv, read_on, box.x, box.top, box.width)
        return
    quiet = furniture.QUIET_MODULES * furniture.qr_module(size, url)
    x, y = box.x + quiet, box.top - quiet - size
    with marked(canv, figure, {url: f"Full case study online ({url})"}):
        furniture.draw_qr(canv, url, x, y, size, style.color("nhs-dark-blue"), link=not ctx.print_marks)
    caption_x = x + size + quiet
    if box.x + box.width - caption_x >= 12 * MM:
        caption = paragraph(style, style.paragraph_style("onepager_meta", lang=None), "Scan to read the case study online")
        set_node(caption, figure.child("Caption") if figure is not None else None)
        width = box.x + box.width - caption_x
        height = caption.wrap(width, layout.TALL)[1]
        caption.drawOn(canv, caption_x, y + size - height)
    layout.draw_stack(canv, [address], box.x, y - quiet, box.width)


def place_name(key: str) -> str:
    return f"onepager:{key}"


def page_metadata(page: PageContent, ctx: Context) -> Metadata:
    edition = ctx.edition
    return Metadata(
        title=f"{page.name}: one-page summary ({edition.title} {edition.edition})", created=ctx.build_time,
        author=edition.publisher, subject="; ".join(case.title for case in page.cases),
        keywords=tuple(sorted({theme for case in page.cases for theme in case.themes})), lang=edition.language,
    )


# ------------------------------------------------------------------ the combined file
def combine(results: list[Rendered], names: list[str], labels: dict[str, str], ctx: Context) -> bytes:
    """Every page in order in one file: one Document with a Sect per organisation, a bookmark
    per organisation. The pages are assembled from their recordings, not drawn again, and share
    one set of fonts."""
    edition = ctx.edition
    assembler = Assembler(Metadata(
        title=f"{edition.title} {edition.edition}: one-page summaries", created=ctx.build_time, author=edition.publisher,
        subject="One page per organisation: its case studies in brief", lang=edition.language,
    ), print_marks(ctx.style) if ctx.print_marks else None)
    for result, title in zip(results, names):
        if not result.drawn:
            continue        # a page that does not fit (a warning): the others go to the printer
        recording, structure = result.page()
        assembler.add_run(recording, tree=section_of(structure) if structure is not None else None)
        add_number_forms(assembler, result.numbers, labels)
        assembler.outline.append(OutlineEntry(title, place_name(result.key), 0))
    return assembler.finish()
