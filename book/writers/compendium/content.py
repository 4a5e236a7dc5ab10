"""The compendium's story: the flowables of every page, in reading order.

Cover, imprint, contents, front matter, then per part an opener and its case studies (each with
its opener: organisations, title, award, region, themes, standfirst, highlights, pull quote),
then the indexes. Page numbers in the contents and indexes are deferred references (see
``pdfpages.PageRefParagraph``).

Beside the story it builds the tagged PDF's structure tree (``structure``): Document, a Sect per
front-matter section and index, a Part per part with a Sect per case study; the contents as a TOC.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import NextPageTemplate
from reportlab.platypus.flowables import Flowable, PageBreak, TopPadder

from book.document import ast
from book.build.editorial import and_list
from book.model.publication import highlight_parts
from book.pdf.pdfblocks import Anchor, BlockRenderer, chapter_key, tag, with_anchor
from book.pdf.pdfinline import InlineMarkup, escape
from book.pdf.pdfpages import NO_LEADERS, PageRefParagraph, ref_slot
from book.pdf.pdftags import Node


class Marker(Flowable):
    """Zero-size: marks a place (a chapter's start, a part's start) for the page map and outline."""

    def __init__(self, *anchors: Anchor):
        super().__init__()
        self._anchors = anchors
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        pass


class BottomAligned(Flowable):
    """Flowables set at the foot of the frame (the imprint), or of a box of a fixed height and
    width (the part's band, ``foot`` above its bottom edge), in reading order."""

    def __init__(self, flowables, height: float | None = None, width: float | None = None, foot: float | None = None):
        super().__init__()
        self.flowables, self.box_height, self.box_width, self.foot = flowables, height, width, foot

    def wrap(self, aw, ah):
        self._sizes = [f.wrap(self.box_width or aw, ah) for f in self.flowables]
        self.width, self.height = aw, self.box_height or ah
        return aw, self.height

    def draw(self):
        last = self.flowables[-1].getSpaceAfter()
        foot = last if self.foot is None else self.foot
        y = foot - last + sum(h + f.getSpaceAfter() for f, (_, h) in zip(self.flowables, self._sizes))
        for f, (_, h) in zip(self.flowables, self._sizes):
            y -= h
            f.drawOn(self.canv, 0, y)
            y -= f.getSpaceAfter()


MM = 72 / 25.4
# a chunk's pages after its first alternate verso, recto, ...: every chunk starts on a recto
BODY_CYCLE = ("body-v", "body-r")
FRONT_CYCLE = ("front-v", "front-r")
INDEX_CYCLE = ("index-v", "index-r")


def on_verso(canv) -> bool:
    """Whether the page being drawn is a left-hand page (its frame says: see ``ChunkDoc``)."""
    doc = getattr(canv, "_doctemplate", None)
    frame = getattr(doc, "frame", None)
    return bool(frame is not None and frame.id.endswith("-v"))


def part_band_height(style) -> float:
    """The part's band, from the head of the page: about 45 mm on A4."""
    return style.page.height * 0.152


class Span(Flowable):
    """A flowable set across the text column and the side column (on the outer edge: to the
    right of the text on a recto, to the left on a verso)."""

    def __init__(self, flowable, extra: float):
        super().__init__()
        self.flowable, self.extra = flowable, extra
        for name in ("_anchors", "_block_id", "_role", "_source", "_what", "_continues", "_words_before"):
            if hasattr(flowable, name):
                setattr(self, name, getattr(flowable, name))
        # its element is its flowable's (adopted by the section), marked as that flowable draws
        self._struct, self._struct_container = getattr(flowable, "_struct", None), True

    def wrap(self, aw, ah):
        self._clear = self._below_side_note()
        w, h = self.flowable.wrap(aw + self.extra, ah - self._clear)
        self.width, self.height = aw, h + self._clear
        return aw, self.height

    def _below_side_note(self) -> float:
        """How far down it must start to pass the side note beside the text above it, if any:
        a side note takes no room in the text column, so the frame does not know it is there."""
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        frame = getattr(doc, "frame", None)
        below = getattr(doc, "side_note_bottom", None)
        if frame is None or below is None or below[0] != doc.page:
            return 0.0
        return max(0.0, frame._y - self.flowable.getSpaceBefore() - below[1])

    def getSpaceBefore(self):
        return self.flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self.flowable.getSpaceAfter()

    def split(self, aw, ah):
        return [Span(piece, self.extra) for piece in self.flowable.split(aw + self.extra, ah)]

    def draw(self):
        self.flowable.drawOn(self.canv, -self.extra if on_verso(self.canv) else 0, 0)


class SideNote(Flowable):
    """Flowables set in the side column, level with what follows in the text column; it takes no
    room in the text column (``RoomFor`` before the case study keeps it on its page)."""

    def __init__(self, flowables, column: float, extra: float):
        super().__init__()
        self.flowables, self.column, self.extra = flowables, column, extra
        self.width = self.height = 0
        self._aw = 0.0
        self._struct, self._struct_container = Node("Aside", flowables), True

    def measure(self, ah: float) -> float:
        self._sizes = [f.wrap(self.column, ah) for f in self.flowables]
        return sum(h + f.getSpaceAfter() for f, (_, h) in zip(self.flowables, self._sizes))

    def wrap(self, aw, ah):
        self._aw = aw
        needed = self.measure(ah)
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        frame = getattr(doc, "frame", None)
        if frame is not None:       # what a spanning flowable that follows must clear (``Span``)
            doc.side_note_bottom = (doc.page, frame._y - needed)
        return 0, 0

    def draw(self):
        # the side column is on the outer edge: right of the text on a recto, left on a verso
        x = -self.extra if on_verso(self.canv) else self._aw + self.extra - self.column
        y = 0
        for f, (_, h) in zip(self.flowables, self._sizes):
            y -= h
            f.drawOn(self.canv, x, y)
            y -= f.getSpaceAfter()


class RoomFor(CondPageBreak):
    """A conditional page break whose height is measured when it is laid out (a case study's
    opening: its kicker and title, its side note, the first lines of its text), never more than
    most of a page (a break at the head of a page would only move it to the next)."""

    def __init__(self, needed):
        super().__init__(0)
        self.needed = needed

    def wrap(self, aw, ah):
        frame = self._doctemplateAttr("frame")
        full = frame._height if frame is not None else ah
        self.height = min(self.needed(aw, full), full * 0.8)
        return super().wrap(aw, ah)


class SeparatorRule(Flowable):
    """The short rule above a case study that runs on after another (none at the head of a page)."""

    def __init__(self, width: float, color: str):
        super().__init__()
        self.rule_width, self.color = width, color
        self.width, self.height = 0, 0

    def wrap(self, aw, ah):
        return aw, 34          # 26 pt above the rule, 8 pt below: it belongs to what follows

    def draw(self):
        from book.pdf.pdftags import artifact

        with artifact(self.canv):
            self.canv.saveState()
            self.canv.setStrokeColor(colors.HexColor(self.color))
            self.canv.setLineWidth(2)
            self.canv.line(0, 8, 36, 8)
            self.canv.restoreState()


@dataclass(frozen=True)
class ChunkSpec:
    """A run of pages typeset on its own: it starts on a new page and nothing in it depends on
    where it falls in the book (page numbers are drawn when the pages are assembled)."""

    key: str                # front, front:<id>, part:<id>, chapter:<id>, indexes
    kind: str               # front, front-chapter, part, chapter, indexes
    template: str           # the page template of its first page
    ref: str = ""           # the chapter's or part's id
    first: bool = False     # the first part: the book's body starts with it


def chunk_specs(pub) -> list[ChunkSpec]:
    """The book's chunks, in order."""
    specs = [ChunkSpec("front", "front", "cover")]
    specs += [ChunkSpec(f"front:{c.id}", "front-chapter", "front-r", c.id) for c in pub.front]
    for n, part in enumerate(pub.parts):
        # a part and its case studies are one run of pages: the case studies run on, one after
        # another, so that a short one does not take a page to itself
        specs.append(ChunkSpec(f"part:{part.id}", "part", "part", part.id, first=n == 0))
    if ContentBuilder.indexes_of(pub):
        specs.append(ChunkSpec("indexes", "indexes", "index-r"))
    return specs


class ContentBuilder:
    """The flowables of each chunk, and the chunk's part of the structure tree."""

    def __init__(self, loaded, width: float, height: float):
        self.loaded = loaded
        self.pub = loaded.publication
        self.style = loaded.style
        self.width, self.height = width, height
        self.full_width = loaded.style.page.text_width
        self.span_extra = self.full_width - width       # the side column and its gap (0: none)
        self.blocks = BlockRenderer(loaded.style, width, height, language=self.pub.edition.language)
        self.blocks.style_images = self.pub.images
        if self.span_extra:
            self.blocks.span, self.blocks.span_extra = (lambda flow: Span(flow, self.span_extra)), self.span_extra
        self.link = loaded.style.color("nhs-blue")
        self.chapters = {c.id: c for c in self.pub.chapters}
        self.parts = {p.id: p for p in self.pub.parts}
        self.decorator = None       # the chunk's (it notes the page numbers drawn)
        self.root = Node("")
        # for the tagged PDF: what a note link is, where the link text (a number) does not say it
        self.link_labels: dict[str, str] = {}
        self.note_targets: set[str] = set()

    def chunk(self, spec: ChunkSpec, decorator) -> list:
        """The flowables of one chunk; its structure is then in ``root`` (a group)."""
        self.decorator = decorator
        self.root = Node("")
        self.link_labels, self.note_targets = {}, set()
        if spec.kind == "front":
            flows = self.section(self.cover()) + self.imprint() + self.contents()
        elif spec.kind == "front-chapter":
            flows = self.front_chapter(self.chapters[spec.ref])
        elif spec.kind == "part":
            flows = self.part(self.parts[spec.ref], spec.first)
        else:
            flows = self.index_pages()
        while flows and isinstance(flows[0], (PageBreak, NextPageTemplate)):
            del flows[0]            # a chunk starts on a page of its own, in its own template
        return flows

    # ---------------------------------------------------------------- helpers
    def p(self, text: str, style: str, role: str = "P", **overrides):
        return self.blocks.text_para(text, style, role=role, **overrides)

    def _markup(self, text: str, style: str) -> str:
        return InlineMarkup(self.style, self.style.paragraph_style(style).fontName, self.link).text(text)

    def page_ref_line(self, markup: str, style: str, keys: list[str], href: str | None = None, leaders: bool = True):
        """A contents or index line: live link, dotted leaders, page number(s) at the right."""
        label = f"{self.width}|{style}{'' if leaders else NO_LEADERS}|{';'.join(keys)}"
        if href:
            markup = f'<a href="#{href}">{markup}</a>'
        base = self.style.paragraph_style(style)
        ps = self.blocks.pstyle(style, rightIndent=ref_slot(base.fontName, base.fontSize) * len(keys) + 12)
        para = PageRefParagraph(f'{markup}<onDraw name="notePosition" label="{escape(label)}"/>', ps, self.decorator)
        para._toc_key = href or ""
        return tag(para, None, "Link")     # the whole line is the link: text and page numbers

    def index_lines(self, term: str, keys: list[str]) -> list:
        """An index entry: its term, leaders and page numbers; an entry with more numbers than
        fit beside it (an organisation that leads twenty case studies) continues them on lines
        of their own, without leaders."""
        base = self.style.paragraph_style("index_entry")
        per_line = max(1, int((self.width * 0.45 - 12) // ref_slot(base.fontName, base.fontSize)))
        rows = [keys[n:n + per_line] for n in range(0, len(keys), per_line)]
        lines = [self.page_ref_line(self._markup(term, "index_entry"), "index_entry", rows[0], rows[0][0])]
        for row in rows[1:]:
            lines.append(self.page_ref_line("\u00a0", "index_entry", row, row[0], leaders=False))
        return lines

    def section(self, flows: list, role: str = "Sect", parent: Node | None = None) -> list:
        """Put the elements of ``flows`` in a new section of the structure tree; returns ``flows``."""
        (parent or self.root).add(Node(role, flows))
        return flows

    # ---------------------------------------------------------------- the book
    def cover(self) -> list:
        e = self.pub.edition
        flows = [Marker(Anchor("cover", "front", e.title, 0)), Spacer(0, self.height * 0.16)]
        flows.append(self.p(e.edition, "cover_edition"))
        flows.append(self.balanced(e.title, "cover_title", role="Title"))
        if e.subtitle:
            flows.append(self.balanced(e.subtitle, "cover_subtitle"))
        flows.append(TopPadder(self.p(e.publisher, "cover_publisher")))
        return flows + [NextPageTemplate(list(FRONT_CYCLE)), PageBreak()]

    def balanced(self, text: str, style: str, role: str = "P"):
        """A display paragraph broken into lines of even length (no word alone on the last line):
        the narrowest measure that keeps the number of lines the full measure gives."""
        width = self.full_width
        lines = lambda w: len(self.p(text, style, role=role).breakLines([w]).lines)  # noqa: E731
        count, low, high = lines(width), width * 0.4, width
        for _ in range(12):
            middle = (low + high) / 2
            low, high = (low, middle) if lines(middle) <= count else (middle, high)
        return self.p(text, style, role=role, rightIndent=max(0.0, width - high - 1))

    def imprint(self) -> list:
        e = self.pub.edition
        lines = [f"{e.title}" + (f": {e.subtitle}" if e.subtitle else ""), f"Edition {e.edition}"]
        lines += [f"Published by {e.publisher}" + (f", {e.long_date}" if e.date else "")]
        if e.rights:
            lines.append(e.rights)
        lines.append(f"Identifier: {e.identifier}")
        lines.append("This compendium is also available as an accessible EPUB and as one-page summaries for each organisation.")
        paras = self.section([self.p(line, "imprint") for line in lines])
        return [Marker(Anchor("imprint", "front")), BottomAligned(paras), PageBreak()]

    def contents(self) -> list:
        head = self.p("Contents", "toc_title", role="H1")
        flows = self._contents_lines()
        self.section([head, Node("TOC", [Node("TOCI", line) for line in flows if getattr(line, "_struct", None)])])
        return [Marker(Anchor("contents", "front", "Contents", 0)), head] + flows

    def _contents_lines(self) -> list:
        """The contents' lines, each known to the page map as ``toc:<key>`` (the EPUB's contents
        has a place holder at each entry, so a page of the contents opens where it does in print)."""
        flows = self._contents_line_flows()
        for line in flows:
            href = getattr(line, "_toc_key", "")
            if href:
                line._block_id = "toc:" + href
        return flows

    def _contents_line_flows(self) -> list:
        flows = []
        for chapter in self.pub.front:
            key = chapter_key(chapter.id)
            flows.append(self.page_ref_line(self._markup(chapter.title, "toc_entry"), "toc_entry", [key], key))
        for part in self.pub.parts:
            title = self._markup(f"Part {part.number}  \u00b7  {part.title}", "toc_part")
            flows.append(self.page_ref_line(title, "toc_part", [part.id], part.id))
            for chapter in part.chapters:
                org = self._markup(chapter.lead.name, "toc_organisation")
                org_ps = self.style.paragraph_style("toc_organisation")
                markup = (f'{self._markup(chapter.title, "toc_entry")}<br/><font name="{org_ps.fontName}" size="{org_ps.fontSize}"'
                          f' color="{org_ps.textColor.hexval().replace("0x", "#")}">{org}</font>')
                key = chapter_key(chapter.id)
                flows.append(self.page_ref_line(markup, "toc_entry", [key], key))
        flows.append(Spacer(0, 6))     # no element: skipped by the TOC
        for key, title, _entries in self.indexes():
            flows.append(self.page_ref_line(self._markup(title, "toc_part"), "toc_part", [key], key))
        return flows

    def indexes(self):
        return self.indexes_of(self.pub)

    @staticmethod
    def indexes_of(pub):
        """The back-matter indexes that have entries (an edition without themes has no theme index)."""
        return [(key, title, entries) for key, title, entries in (
            ("index-organisations", "Index of organisations", pub.organisation_index),
            ("index-themes", "Index of themes", pub.theme_index),
        ) if entries]

    def front_chapter(self, chapter) -> list:
        head = with_anchor(self.p(chapter.title, "h1", role="H1"),
                           Anchor(chapter_key(chapter.id), "front", chapter.title, 0, name=chapter.id))
        flows = [PageBreak(), head, NextPageTemplate(list(FRONT_CYCLE))]
        return self.section(flows + self.blocks.blocks(chapter.blocks) + self.endnotes(chapter))

    def part(self, part, first: bool) -> list:
        """A part: its opening, then its case studies, running on one after another."""
        flows = self.part_opener(part, first)
        node = Node("Part", [getattr(flow, "flowables", flow) for flow in flows])    # the band's label and title
        for n, chapter in enumerate(part.chapters):
            studied = self.case_study(chapter, first=n == 0)
            node.add(Node("Sect", studied))
            flows += studied
        self.root.add(node)
        return flows

    def part_opener(self, part, first: bool) -> list:
        """A band across the head of the part's first page (label and title on the part's
        colour), or, when the style asks for part pages, a page of its own."""
        anchors = [Anchor(part.id, "part", f"Part {part.number}: {part.title}", 0)]
        if first:
            anchors.insert(0, Anchor("body", "body-start"))
        label = self.p(f"Part {part.number}", "part_label")
        title = self.p(part.title, "part_title", role="H1")
        page = self.style.page
        if page.part_pages:
            flows = [Marker(*anchors), Spacer(0, self.height * 0.22), label, title]
            flows += [self.p(chapter.title, "part_entry") for chapter in part.chapters]
            return flows + [NextPageTemplate(list(BODY_CYCLE)), PageBreak()]
        band = BottomAligned([label, title], part_band_height(self.style) - page.margin_top, self.full_width, foot=18)
        return [Marker(*anchors), band, Spacer(0, 12 * MM), NextPageTemplate(list(BODY_CYCLE))]

    # ---------------------------------------------------------------- a case study
    def case_study(self, chapter, first: bool = False) -> list:
        """A case study: it runs on after the last one (after a short rule) when the page has
        room for its opening; else it starts at the head of the next page."""
        cs = chapter.case_study
        anchor = Anchor(chapter_key(chapter.id), "chapter", cs.title, 1, running_head=chapter.lead.name, name=chapter.id)
        opening = self.opener(chapter)
        flows = [RoomFor(self._room_for(opening))]
        if not first:
            flows.append(Span(SeparatorRule(self.full_width, self.style.color("nhs-warm-yellow")), self.span_extra))
        flows += [Marker(anchor)] + opening
        if chapter.blocks:
            flows += self.blocks.blocks(chapter.blocks)
        flows += self.endnotes(chapter)
        return flows

    def _room_for(self, opening: list):
        """What a case study's opening needs on its page: kicker and title, then its side note or
        the first lines of its text, whichever is taller."""
        leading = self.style.paragraph_style("standfirst").leading

        def needed(aw: float, full: float) -> float:
            height = 0.0
            for flow in opening[:2]:
                height += flow.wrap(aw, full)[1] + flow.getSpaceAfter()
            side = max((f.measure(full) for f in opening if isinstance(f, SideNote)), default=0.0)
            return height + max(side, 4 * leading)
        return needed

    def opener(self, chapter) -> list:
        """Title across the page (the side column too), then the facts in the side column beside
        the standfirst (or above it, when the style has no side column); highlights and quote."""
        cs = chapter.case_study
        flows = [Span(self.p(_organisations(chapter), "opener_org"), self.span_extra)]
        flows.append(Span(self.p(cs.title, "h1", role="H1", **self.spanning("h1")), self.span_extra))
        facts = self.facts(chapter)
        if self.span_extra:
            flows.append(SideNote(facts, self.style.page.side_column, self.span_extra))
        else:
            flows += facts
        if not chapter.blocks:
            # a case study with no text of its own: its summary is its text, set as body text
            flows.append(self.summary(chapter, "body"))
        else:
            flows.append(self.summary(chapter, "standfirst"))
        if cs.highlights:
            box = self.from_index(self.highlights(cs.highlights), f"the highlights of case study '{cs.id}'")
            flows += self.boxed(box, f"{chapter.id}--highlights")
        if cs.quote:
            box = self.from_index([self.pull_quote(cs.quote)], f"the quote of case study '{cs.id}'")
            flows += self.boxed(box, f"{chapter.id}--quote")
        return flows

    def summary(self, chapter, style: str):
        cs = chapter.case_study
        if chapter.summary_block is not None:
            return self.blocks.para(chapter.summary_block.content, style, chapter.summary_block)
        return self.p(cs.summary, style)

    def facts(self, chapter) -> list:
        """Who, where and what: the lead organisation and partners, region and ICS, award, themes."""
        cs, lead = chapter.case_study, chapter.lead
        rows = []           # the organisations are named above the title (or open it)
        rows.append(("Region", lead.region + (f" · {lead.ics}" if lead.ics else "")))
        if cs.award:
            rows.append(("Award", cs.award))
        if cs.themes:
            rows.append(("Themes", ", ".join(cs.themes)))
        if not self.span_extra:
            meta = [x for x in (cs.award, lead.region, ", ".join(cs.themes)) if x]
            return [self.p("  \u00b7  ".join(meta), "opener_meta")] if meta else []
        flows = []
        for label, text in rows:
            flows.append(self.p(label, "facts_label"))
            flows.append(self.p(text, "facts_text"))
        return flows

    def spanning(self, style: str) -> dict:
        """Overrides for a paragraph set across the text and side columns."""
        return {}

    @staticmethod
    def boxed(flows: list, key: str) -> list:
        """The highlights box or pull quote, known to the page map by a name of its own (the
        EPUB's page markers stand before it when a print page opens with it)."""
        if flows:
            flows[0]._block_id = key
        return flows

    def from_index(self, flows: list, what: str) -> list:
        """Flowables of text from the index: an error names the index file and what they are."""
        for flow in flows:
            flow._source, flow._what = self.loaded.index.label, what
        return flows

    def highlights(self, items) -> list:
        """The highlights box: one table row per highlight, so a long list can run over a page.
        A highlight taller than a page (a table row cannot hold a list that splits) is set as a
        plain list under its heading, without the box."""
        box = self.style.styles.get("highlight_box", {})
        pad = float(box.get("borderPadding", 10) or 10)
        rows = [[self.p("Highlights", "highlight_title", role="H2")]]
        paras = [self.highlight_item(item) for item in items]
        for para in paras:
            rows.append([ListFlowable(
                [ListItem(para)],
                bulletType="bullet", start="\u25a0", leftIndent=12, bulletFontSize=6,
                bulletFontName=self.style.paragraph_style("highlight_item").fontName,
                bulletColor=colors.HexColor(self.style.color("nhs-blue")), bulletOffsetY=-2,
            )])
        table = Table(rows, colWidths=[self.width])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.style.paragraph_style("body").fontName),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(box.get("backColor") or self.style.color("nhs-pale-grey"))),
            ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor(box.get("borderColor") or self.style.color("nhs-blue"))),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + 2), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, 0), pad), ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
        ]))
        table.spaceBefore, table.spaceAfter = 4, 14
        # one list in the structure, though each row holds a list of one item
        listing = Node("L", [Node("LI", para) for para in paras], attrs={"O": "List", "ListNumbering": "Square"})
        aside = Node("Aside", rows[0], listing)
        if self._surely_fits(items, "highlight_item") or self._rows_fit(table):
            # a box is not broken over a page turn: it goes whole to the next page if it must
            # (a box taller than a page would be set as the plain list below)
            if table.wrap(self.width, self.height)[1] < self.height * 0.6:
                table.splitByRow = 0
            return [tag(table, None, "Aside", node=aside)]
        title = rows[0][0]
        plain = ListFlowable(
            [ListItem(para) for para in paras],
            bulletType="bullet", start="\u25a0", leftIndent=12, bulletFontSize=6,
            bulletFontName=self.style.paragraph_style("highlight_item").fontName,
            bulletColor=colors.HexColor(self.style.color("nhs-blue")), bulletOffsetY=-2, spaceAfter=14,
        )
        return [title, plain]

    def highlight_item(self, item: str):
        label, rest = highlight_parts(item)
        ps = self.blocks.pstyle("highlight_item", leftIndent=0, firstLineIndent=0)
        markup = (f"<b>{self._markup(label + ':', 'highlight_item')}</b> " if label else "") + self._markup(rest, "highlight_item")
        return tag(Paragraph(markup, ps), None, "LBody")

    def _surely_fits(self, texts: list[str], style_name: str) -> bool:
        """Shorter than a page for certain, without laying it out: its lines counted as if every
        character were wide and the measure half what it is. (Measuring a table to find out
        cost more than setting it.)"""
        ps = self.style.paragraph_style(style_name)
        per_line = max(1.0, self.width / 2 / (ps.fontSize * 0.7))
        lines = sum(math.ceil(len(text) / per_line) + 2 for text in texts) + 4
        return lines * max(ps.leading, ps.fontSize) < self.height * 0.8

    def _rows_fit(self, table) -> bool:
        table.wrap(self.width, self.height)
        return max(table._rowHeights) <= self.height

    def pull_quote(self, quote) -> Flowable:
        """The quote with name and role, with the style's rule down its left side; never split,
        unless it is taller than a page."""
        spec = self.style.styles["pullquote"]
        flows = [self.p(f"\u201c{quote.text}\u201d", "pullquote", leftIndent=0)]
        who = ", ".join(x for x in (quote.name, quote.role) if x)
        if who:
            flows.append(self.p(f"\u2014 {who}", "pullquote_attribution", leftIndent=0))
        table = Table([[flows]], colWidths=[self.width])
        rule = spec.get("ruleColor")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.style.paragraph_style("body").fontName),
            ("LEFTPADDING", (0, 0), (-1, -1), float(spec.get("leftIndent") or 14)),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *([("LINEBEFORE", (0, 0), (0, -1), float(spec.get("ruleWidth") or 3), colors.HexColor(rule))] if rule else []),
        ]))
        table.spaceBefore, table.spaceAfter = 6, 16
        if not self._surely_fits([quote.text, who], "pullquote") and table.wrap(self.width, self.height)[1] > self.height:
            table.splitInRow = 1
        return tag(table, None, "BlockQuote", node=Node("BlockQuote", flows))

    def endnotes(self, chapter) -> list:
        """Notes at the end of the case study; number links back to the reference and vice versa."""
        if not chapter.notes:
            return []
        flows = [CondPageBreak(60), self.p("Notes", "h3", role="H2")]
        for note in chapter.notes:
            back = f'<a name="{note.id}"/><a href="#ref-{note.id}" color="{self.link}">{note.number}.</a>\u00a0'
            first, rest = (note.blocks[0], note.blocks[1:]) if note.blocks else (None, [])
            if isinstance(first, ast.Para):
                lead = self.blocks.para(first.content, "footnote", first, prefix=back)
            else:
                lead = tag(Paragraph(back, self.style.paragraph_style("footnote")), None)
                rest = note.blocks
            body = [lead] + self.blocks.blocks(rest, "note")
            Node("Note", body, id=note.id, title=f"Note {note.number}")
            flows += body
            self.link_labels["#" + note.id] = f"Note {note.number}"
            self.link_labels["#ref-" + note.id] = f"Back to the reference to note {note.number}"
            self.note_targets.add("#" + note.id)
        return flows

    # ---------------------------------------------------------------- back matter
    def index_pages(self) -> list:
        flows = []
        for key, title, entries in self.indexes():
            head = with_anchor(self.p(title, "index_title", role="H1"), Anchor(key, "index", title, 0, running_head="Index"))
            section = [PageBreak(), head] + ([] if flows else [NextPageTemplate(list(INDEX_CYCLE))])
            letter = ""
            group = None      # the entries under one letter: a list in the structure tree
            for number, entry in enumerate(entries):
                initial = entry.term[:1].upper()
                new_letter = initial != letter and initial.isalpha()
                if new_letter:
                    letter = initial
                    section.append(self.p(letter, "h4", role="H2"))
                    section[-1]._block_id = f"{key}:{letter}"
                if new_letter or group is None:
                    group = Node("L", attrs={"O": "List", "ListNumbering": "None"})
                lines = self.index_lines(entry.term, [chapter_key(c.id) for c in entry.chapters])
                lines[0]._block_id = f"{key}:{number}"      # html.index_document holds a place for it
                group.add(Node("LI", Node("LBody", lines)))
                section += lines
            flows += self.section(section)
        return flows


def _organisations(chapter) -> str:
    names = chapter.lead.name
    if chapter.partners:
        names += " with " + and_list([p.name for p in chapter.partners])
    return names
