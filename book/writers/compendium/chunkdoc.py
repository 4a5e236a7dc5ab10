"""Typesetting one chunk: the document it is laid out in (the book's page templates, a frame
that keeps a split block's identity), what it records of where things fell (``ChunkResult``),
and the problem reported when something cannot be laid out on any page.
"""
from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass, field, replace

from reportlab.platypus import Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate

from book.document import ast
from book.core.errors import Problem
from book.model.publication import PageMap
from book.pdf.pdfblocks import Anchor
from book.pdf.pdfpage import Recording
from book.pdf.pdfpages import PageDecorator, PageInfo
from book.pdf.pdfnodes import unpack_tree
from book.pdf.pdftags import Node, Tagger, inherit
from book.writers.compendium.content import ContentBuilder


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
                if n < len(pieces) - 1:     # (the last piece's count is not needed: counting the
                    words += words_in(piece)    # rest of a long paragraph on every page was quadratic)
        return pieces

    def __deepcopy__(self, memo):
        # ReportLab copies the frame to try a keep-with-next group in it: its state is numbers
        # and strings, and a list or two, so only those need copying (copy.deepcopy walks it all)
        twin = copy.copy(self)
        for name, value in self.__dict__.items():
            if isinstance(value, (list, dict, set)):
                setattr(twin, name, copy.deepcopy(value, memo))
        return twin


# ------------------------------------------------------------------ one chunk
@dataclass(frozen=True)
class PlacedAnchor:
    anchor: Anchor
    page: int           # in the chunk
    top: float


@dataclass
class ChunkResult:
    """A typeset chunk: its pages and what the book needs to know about them (chunk page numbers)."""

    key: str
    recording: Recording | None = None
    pages: list[PageInfo] = field(default_factory=list)
    anchors: list[PlacedAnchor] = field(default_factory=list)
    page_map: PageMap = field(default_factory=PageMap)
    page_refs: set[str] = field(default_factory=set)
    tree: bytes | None = None              # a group of the chunk's elements, packed (``structure``)
    link_labels: dict[str, str] = field(default_factory=dict)
    note_targets: set[str] = field(default_factory=set)
    problem: Problem | None = None

    def structure(self) -> Node | None:
        """The chunk's elements. Kept packed: the book's assembly needs them only for the chunks
        whose segment of the file it writes anew (``pdfwrite.Assembler``), a few after an edit,
        and a hundred thousand elements cost a third of a second to unpack (``pdfnodes.unpack_tree``)."""
        return None if self.tree is None else unpack_tree(self.tree)

    # the cache keeps a chunk in two entries: its summary, read by every build (for the page
    # map, the outline, the links), and its body, read only to write its segment of the file
    # again: its pages' content streams and its elements, four fifths of its bytes
    def pickled(self) -> tuple[bytes, bytes]:
        """(summary, body), pickled: the chunk without its pages' contents and elements, and those."""
        rec = self.recording
        light = replace(self, recording=Recording([replace(r, content=None) for r in rec.pages], rec.fonts, rec.images),
                        tree=None)
        return (pickle.dumps(light, protocol=pickle.HIGHEST_PROTOCOL),
                pickle.dumps(([r.content for r in rec.pages], self.tree), protocol=pickle.HIGHEST_PROTOCOL))

    @property
    def whole(self) -> bool:
        """Whether it has its body (it was typeset in this build, or ``restore`` was called)."""
        return not self.recording.pages or self.recording.pages[0].content is not None

    def restore(self, body: bytes) -> "ChunkResult":
        """The summary given its body back (``pickled``)."""
        contents, self.tree = pickle.loads(body)
        for record, content in zip(self.recording.pages, contents):
            record.content = content
        return self


class ChunkDoc(BaseDocTemplate):
    """The document one chunk is typeset in: the book's page templates, starting with the chunk's."""

    def __init__(self, loaded, decorator: PageDecorator, first_template: str, tagged: bool, sources: dict[str, str]):
        self.loaded = loaded
        self.style = loaded.style
        self.decorator = decorator
        self.tagged = tagged
        self.page_map = PageMap()
        self.pages: list[PageInfo] = []
        self.anchors: list[PlacedAnchor] = []
        self.running_org = ""
        self.suppress_head_on: set[int] = set()
        self.laying_out = None               # the flowable being laid out (named if it cannot be)
        self.chapter_source = ""             # the source of the chapter being laid out
        page = self.style.page
        super().__init__(
            None,
            pagesize=(page.width, page.height),
            leftMargin=page.margin_inner, rightMargin=page.margin_outer,
            topMargin=page.margin_top, bottomMargin=page.margin_bottom,
            invariant=1, initialFontName=self.style.paragraph_style("body").fontName, initialFontSize=10,
        )
        self.sources = sources         # chapter id -> its source, for messages
        self._make_templates(first_template)

    def _make_templates(self, first: str):
        d = self.decorator
        backgrounds = {"cover": d.cover, "part": d.part}
        templates = [PageTemplate(name, [self._frame(name)], onPage=backgrounds.get(name, _nothing),
                                  onPageEnd=self._page_ended(name.split("-")[0]))
                     for name in TEMPLATES]
        templates.sort(key=lambda t: t.id != first)       # a document starts with its first template
        self.addPageTemplates(templates)

    def _frame(self, name: str) -> "TrackingFrame":
        """The text column of a page template: mirrored on facing pages (inner margin at the
        spine), the side column on the outer edge; the cover takes the whole type area."""
        page = self.style.page
        if name == "cover":
            x, width = page.margin_inner, page.text_width
        elif name.endswith("-v"):
            x, width = page.margin_outer + page.text_width - page.text_column, page.text_column
        else:
            x, width = page.margin_inner, page.text_column
        # on a grid of 1/1024 pt: the frame's width (x2 - x1) is then exactly the same on both
        # sides, so a paragraph split over a verso and a recto breaks at one width throughout
        x, width = round(x * 1024) / 1024, round(width * 1024) / 1024
        return TrackingFrame(x, self.bottomMargin, width, self.height, id=name,
                             leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def _page_ended(self, kind: str):
        def note(canv, doc):
            page = self.page - 1
            self.pages.append(PageInfo(kind, self.running_org, page in self.suppress_head_on))
        return note

    def beforeDocument(self):
        self.tagger = Tagger(self.canv) if self.tagged else None

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

    def _anchor(self, anchor: Anchor, page: int, top: float):
        """Named places: chapters, parts, sections. Bookmarked here; outlined, numbered and put in
        the page map when the book is assembled."""
        self.anchors.append(PlacedAnchor(anchor, page, top))
        if anchor.running_head:
            self.running_org = anchor.running_head
        if anchor.kind in ("index", "part"):
            self.suppress_head_on.add(page)      # a page that opens with a band or a title of its own
        if anchor.kind in ("chapter", "front"):
            self.chapter_source = self.sources.get(anchor.name or anchor.key, "")
        if anchor.outline_level is not None:
            self.canv.bookmarkHorizontal(anchor.key, 0, top)


def _nothing(canv, doc):
    pass


# the page templates: a chunk starts on a recto (its first template), then its pages alternate
TEMPLATES = ("cover", "front-r", "front-v", "part", "body-r", "body-v", "index-r", "index-v")


def too_tall(doc: ChunkDoc, content: ContentBuilder) -> Problem:
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
