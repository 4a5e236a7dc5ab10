"""The compendium's story: the flowables of every page, in reading order.

Cover, imprint, contents, front matter, then per part an opener and its case studies (each with
its opener: organisations, title, award, region, themes, standfirst, highlights, pull quote),
then the indexes. Page numbers in the contents and indexes are deferred references (see
``pdfpages.PageRefParagraph``).

Beside the story it builds the tagged PDF's structure tree (``structure``): Document, a Sect per
front-matter section and index, a Part per part with a Sect per case study; the contents as a TOC.

``ContentBuilder`` makes each chunk's flowables; the front and back matter's are in
``frontback``, a case study's in ``casestudy``, the compendium's own flowables in ``flowables``.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Spacer
from reportlab.platypus.doctemplate import NextPageTemplate
from reportlab.platypus.flowables import PageBreak

from book.pdf.pdfblocks import Anchor, BlockRenderer, chapter_key, with_anchor
from book.pdf.pdfinline import InlineMarkup
from book.pdf.pdftags import Node
from book.writers.compendium.casestudy import CaseStudyContent
from book.writers.compendium.flowables import BODY_CYCLE, FRONT_CYCLE, MM, BottomAligned, Marker, Span, part_band_height
from book.writers.compendium.frontback import FrontBackMatter


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


class ContentBuilder(FrontBackMatter, CaseStudyContent):
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

    def section(self, flows: list, role: str = "Sect", parent: Node | None = None) -> list:
        """Put the elements of ``flows`` in a new section of the structure tree; returns ``flows``."""
        (parent or self.root).add(Node(role, flows))
        return flows

    # ---------------------------------------------------------------- indexes, front chapters, parts
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
