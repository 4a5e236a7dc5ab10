"""The compendium PDF: one assembled book, typeset in a single ReportLab pass.

One pass, not ``multiBuild``: the contents and the indexes need page numbers that are only known
after the pages they point at are laid out. Every page number is therefore drawn as a PDF form
XObject that is referenced where it is needed and defined at the very end of the build, when all
numbers are known. The contents' length depends on the number of entries, not on their numbers,
so nothing moves.

While typesetting, the document records where every block, chapter and anchor fell (``PageMap``):
the EPUB's page list and the one-pagers' "page N" come from it.

The PDF is tagged (PDF/UA-1): a ``pdftags.Tagger`` on the canvas marks what is drawn as the content
of the flowables' structure elements (all else is an artifact), and ``pdfstruct`` then writes the
structure tree that ``ContentBuilder`` built alongside the story.
"""
from __future__ import annotations

from reportlab.platypus import Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError, PageBegin

from .. import ast
from ..errors import Problem, UserError
from ..model import PageMap
from . import pdfcommon
from .compendium_content import ContentBuilder
from .pdfpage import PageRecorder
from .pdfpages import PageDecorator
from .pdfstruct import adopt_orphans
from .pdftags import Tagger, inherit
from .pdfwrite import Assembler, Metadata, OutlineEntry


def words_in(piece) -> int:
    """Words of a split paragraph piece (the EPUB puts a page marker after this many). A word
    hyphenated across the page break is counted on the page where it ends."""
    frags = getattr(piece, "frags", None) or []
    if len(frags) == 1 and hasattr(frags[0], "words"):
        words = list(frags[0].words)      # a plain paragraph: ReportLab keeps the words themselves
    elif hasattr(piece, "getPlainText"):
        words = piece.getPlainText().split()
    else:
        return 0
    return len(words) - (1 if words and words[-1].endswith("-") else 0)


class TrackingFrame(Frame):
    """A frame that passes a block's identity on to the pieces it is split into, so the page map
    also knows which block a page starts in the middle of."""

    def split(self, flowable, canv):
        pieces = super().split(flowable, canv)
        inherit(flowable, pieces)       # a paragraph over two pages stays one structure element
        block_id = getattr(flowable, "_block_id", "") or getattr(flowable, "_continues", "")
        if block_id:
            words = getattr(flowable, "_words_before", 0)
            for n, piece in enumerate(pieces):
                if getattr(piece, "_block_id", "") and piece._block_id != block_id:
                    continue            # a block of its own (a list's item): it keeps its identity
                piece._role = getattr(flowable, "_role", "P")
                if n == 0 and getattr(flowable, "_block_id", ""):
                    piece._block_id = block_id
                else:
                    piece._continues = block_id
                    piece._words_before = words
                words += words_in(piece)
        return pieces


class CompendiumDoc(BaseDocTemplate):
    def __init__(self, buffer, loaded, options, tagged: bool = True):
        self.loaded = loaded
        self.tagged = tagged
        self.style = loaded.style
        self.page_map = PageMap()
        self.print_marks = pdfcommon.print_marks(self.style) if options.print_marks else None
        self.page_refs: set[str] = set()
        self.body_start: int | None = None
        self.running_org = ""
        self.suppress_head_on: set[int] = set()
        self.places: dict[str, int] = {}     # the PDF's names of places (Anchor.key) -> page index
        self.laying_out = None               # the flowable being laid out (named if it cannot be)
        self.chapter_source = ""             # the source of the chapter being laid out
        self._outline_level = -1
        self.outline: list[OutlineEntry] = []
        self.labels: list[tuple[int, str, int]] = [(0, "r", 1)]    # page labels: roman, then arabic
        page = self.style.page
        extra = self.print_marks.boxes(page.width, page.height) if self.print_marks else {}
        super().__init__(
            buffer,
            pagesize=(page.width, page.height),
            leftMargin=page.margin_inner,
            rightMargin=page.margin_outer,
            topMargin=page.margin_top,
            bottomMargin=page.margin_bottom,
            invariant=1,
            initialFontName=self.style.paragraph_style("body").fontName,
            initialFontSize=10,
            lang=loaded.publication.edition.language,
            **extra,
        )
        pub = loaded.publication
        self.sources = {c.id: c.source for c in pub.chapters}    # chapter id -> its source, for messages
        pdfcommon.set_metadata(self, pub.edition, "Case studies in NHS occupational health and wellbeing", pub.themes)
        self.decorator = PageDecorator(self)
        self._make_templates()

    # ---------------------------------------------------------------- page templates
    def _make_templates(self):
        frame = dict(x1=self.leftMargin, y1=self.bottomMargin, width=self.width, height=self.height,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        d = self.decorator
        self.addPageTemplates([
            PageTemplate("cover", [TrackingFrame(id="cover", **frame)], onPage=d.cover),
            PageTemplate("front", [TrackingFrame(id="front", **frame)], onPageEnd=d.front),
            PageTemplate("part", [TrackingFrame(id="part", **frame)], onPage=d.part, onPageEnd=d.part_end),
            PageTemplate("body", [TrackingFrame(id="body", **frame)], onPageEnd=d.body),
            PageTemplate("index", [TrackingFrame(id="index", **frame)], onPageEnd=d.body),
        ])

    # ---------------------------------------------------------------- hooks
    def beforeDocument(self):
        self.tagger = Tagger(self.canv) if self.tagged else None
        self.canv.drawPageRef = self.decorator.draw_page_ref

    def handle_flowable(self, flowables):
        self.laying_out = flowables[0] if flowables else None
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable):
        page = self.page - 1
        pm = self.page_map
        block_id = getattr(flowable, "_block_id", "")
        if block_id and block_id not in pm.block_pages:
            pm.block_pages[block_id] = page
            pm.page_first_block.setdefault(page, block_id)
        elif getattr(flowable, "_continues", "") and page not in pm.page_first_block:
            pm.page_continuation.setdefault(page, (flowable._continues, getattr(flowable, "_words_before", 0)))
        anchors = getattr(flowable, "_anchors", ())
        if anchors:
            top = self.frame._y + getattr(flowable, "height", 0) + 4
            for anchor in anchors:
                self._anchor(anchor, page, top)

    def _anchor(self, anchor, page: int, top: float):
        """Named places: chapters, parts, sections. Bookmarked, outlined and put in the page map."""
        pm = self.page_map
        name = anchor.name or anchor.key       # the page map keeps the model's names (chapter ids)
        self.places.setdefault(anchor.key, page)
        pm.anchors.setdefault(name, page)
        if anchor.running_head:
            self.running_org = anchor.running_head
        if anchor.kind in ("chapter", "index"):
            self.suppress_head_on.add(page)
        if anchor.kind in ("chapter", "front"):
            self.chapter_source = self.sources.get(name, "")
        if anchor.kind == "chapter":
            pm.chapter_pages.setdefault(name, page)
        if anchor.kind == "body-start" and self.body_start is None:
            self.body_start = page
            self.labels.append((page, "D", 1))
        if anchor.kind == "part":
            self.suppress_head_on.add(page)
        if anchor.outline_level is not None:
            self.canv.bookmarkHorizontal(anchor.key, 0, top)
            level = min(anchor.outline_level, self._outline_level + 1)   # PDF outlines cannot skip a level
            self._outline_level = level
            self.outline.append(OutlineEntry(anchor.title, anchor.key, level, closed=level >= 1))

    def _endBuild(self):
        # pad for binding, then define the page-number forms now that every number is known
        total = self._pad_to_multiple_of(4) if self.print_marks else self.page
        self.page_map.labels = self._labels(total)
        super()._endBuild()

    def _pad_to_multiple_of(self, n: int) -> int:
        """Show the last page now, then add blank pages; returns the page count."""
        if self._hanging and self._hanging[-1] is PageBegin:
            del self._hanging[-1]          # the story ended on a page break: no page is open
            self.clean_hanging()
        else:
            self.clean_hanging()
            self.handle_pageBreak()        # base _endBuild then finds no open page and adds none
        total = self.canv.getPageNumber() - 1
        while total % n:
            self.canv.showPage()
            total += 1
        return total

    def _labels(self, total: int) -> list[str]:
        start = self.body_start if self.body_start is not None else total
        return [_roman(i + 1) for i in range(start)] + [str(i - start + 1) for i in range(start, total)]

    def label_for(self, key: str) -> str:
        page = self.places.get(key)
        return "?" if page is None else self.label_for_index(page)

    def label_for_index(self, page: int) -> str:
        start = self.body_start if self.body_start is not None else 10**9
        return _roman(page + 1) if page < start else str(page - start + 1)


def _roman(n: int) -> str:
    table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
             (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for value, numeral in table:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def too_tall(doc: CompendiumDoc, content: ContentBuilder) -> Problem:
    """The problem to report when a flowable cannot be laid out on any page: what it is and the
    file it came from, as far as known (else the chapter being laid out)."""
    flowable = _named(doc.laying_out)
    style = _house_style(getattr(flowable, "style", None), doc.style.styles) if isinstance(flowable, Paragraph) else None
    if style is not None and style.leading > doc.height:
        return Problem(f"style '{style.name}': leading {style.leading:g}pt is taller than the page's text area "
                       f"({doc.height:.0f}pt): make it smaller", str(doc.style.files[-1]))
    block = content.blocks.rendered.get(getattr(flowable, "_block_id", "") or getattr(flowable, "_continues", ""))
    if block is not None:
        what, words, source = _BLOCK_NAMES.get(block.role, "a block"), ast.stringify([block]), block.source
    else:
        what = getattr(flowable, "_what", "") or "a paragraph"
        words = flowable.getPlainText() if isinstance(flowable, Paragraph) and not getattr(flowable, "_what", "") else ""
        source = getattr(flowable, "_source", "")
    words = " ".join(words.split()[:6])
    if words:
        what += f" ('{words}...')"
    return Problem(f"{what} is too tall for one page: shorten it or split it", source or doc.chapter_source or None)


_BLOCK_NAMES = {"P": "a paragraph", "Table": "a table", "BlockQuote": "a block quote", "Code": "a code block",
                "Figure": "a figure", "L": "a list"}


def _named(flowable):
    """``flowable``, or the first flowable inside it (a block kept with the next) that knows its block."""
    if flowable is None or _knows_block(flowable):
        return flowable
    for inner in getattr(flowable, "_content", None) or ():
        found = _named(inner)
        if _knows_block(found):
            return found
    return flowable


def _knows_block(flowable) -> bool:
    return any(getattr(flowable, name, "") for name in ("_block_id", "_continues", "_source"))


def _house_style(style, names):
    """The house style a paragraph style was derived from (its own, or an ancestor)."""
    while style is not None and style.name not in names:
        style = getattr(style, "parent", None)
    return style


def write_compendium(loaded, options, tagged: bool = True) -> tuple[bytes, PageMap]:
    """The compendium's PDF and where everything fell. ``tagged=False`` leaves the structure out
    (only to show that tagging changes nothing on the pages)."""
    loaded.style.fonts.register()
    doc = CompendiumDoc(None, loaded, options, tagged)
    content = ContentBuilder(doc, loaded)
    try:
        doc.build(content.story(), canvasmaker=PageRecorder.for_doc_template)
    except LayoutError:
        raise UserError(too_tall(doc, content)) from None
    pub = loaded.publication
    assembler = Assembler(Metadata(
        title=doc.title, created=loaded.build_time, author=doc.author, subject=doc.subject,
        keywords=tuple(doc.keywords), lang=pub.edition.language,
    ), doc.print_marks)
    assembler.add_recording(doc.canv.recording())
    for name, ops, bbox, fonts in doc.decorator.page_ref_forms():
        assembler.add_form(name, ops, bbox, fonts)
    assembler.outline = doc.outline
    assembler.labels = doc.labels
    structure = None
    if doc.tagger is not None:
        adopt_orphans(doc.tagger.mcids, content.structure)
        structure = content.structure
    pdf = assembler.finish(structure, content.link_labels, frozenset(content.note_targets))
    return pdf, doc.page_map
