"""The compendium PDF: one book, typeset a chunk at a time and assembled once.

A chunk is a run of pages that starts on a new page (the cover, imprint and contents; each
front-matter chapter; each part opener; each case study; the indexes), and nothing in it depends
on where it falls in the book: the frame is the same on every page, and what does depend on the
page's place (the folio, the running head and which side it is on, the page numbers in the
contents and indexes) is drawn when the pages are assembled. So chunks are typeset in worker
processes, one per core, and kept in the build cache under the hash of what went into them: after
one source is edited, only its case study is typeset again, however many pages move.

While a chunk is typeset, its document records where every block, chapter and anchor fell; the
book's page map (for the EPUB's page list and the one-pagers' "page N") is these records, offset.

Chunks are drawn into ``pdfpage.PageRecorder``s and tagged as they are drawn (``pdftags``); the
book is written by ``pdfwrite.Assembler`` with one structure tree, one set of fonts, the outline,
the page labels and the page-number forms.
"""
from __future__ import annotations

import copy
import os
import pickle
import zlib
from dataclasses import dataclass, field, replace

from reportlab.platypus import Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from book.document import ast
from book.core.cache import BuildCache, digest
from book.core.errors import Problem, UserError
from book.model.publication import PageMap
from book.pdf import pdfcommon
from book.writers.compendium.content import ChunkSpec, ContentBuilder, chunk_specs
from book.pdf.pdfblocks import Anchor
from book.pdf.pdfpage import PageRecord, PageRecorder, Recording, Sketch
from book.pdf.pdfpages import PageDecorator, PageInfo
from book.pdf.pdfstruct import adopt_orphans
from book.pdf.pdftags import Node, Tagger, inherit
from book.pdf.pdfwrite import Assembler, Metadata, OutlineEntry, SegmentStore
from book.core.workers import run_parallel


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
    tree: bytes | None = None              # a group of the chunk's elements, pickled (``structure``)
    link_labels: dict[str, str] = field(default_factory=dict)
    note_targets: set[str] = field(default_factory=set)
    problem: Problem | None = None

    def structure(self) -> Node | None:
        """The chunk's elements. Kept pickled: the book's assembly needs them only for the chunks
        whose segment of the file it writes anew (``pdfwrite.Assembler``), a few after an edit,
        and a hundred thousand elements cost a tenth of a second to unpickle."""
        return None if self.tree is None else pickle.loads(self.tree)

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


class Typesetter:
    """Typesets chunks of one publication (one per process: its styles are made once)."""

    def __init__(self, loaded, options, tagged: bool = True):
        loaded.style.fonts.register()
        self.loaded = loaded
        self.tagged = tagged
        self.print_marks = pdfcommon.print_marks(loaded.style) if options.print_marks else None
        self.sources = {c.id: c.source for c in loaded.publication.chapters}
        page = loaded.style.page
        self.content = ContentBuilder(loaded, page.text_column, page.text_height)

    def typeset(self, spec: ChunkSpec) -> ChunkResult:
        decorator = PageDecorator(self.loaded.style, self.loaded.publication.edition, self.print_marks)
        doc = ChunkDoc(self.loaded, decorator, spec.template, self.tagged, self.sources)
        content = self.content
        try:
            flows = content.chunk(spec, decorator)
            doc.build(flows, canvasmaker=PageRecorder.for_doc_template)
        except LayoutError:
            return ChunkResult(spec.key, problem=too_tall(doc, content))
        tree = None
        if doc.tagger is not None:
            adopt_orphans(doc.tagger.mcids, content.root)
            tree = pickle.dumps(content.root, protocol=pickle.HIGHEST_PROTOCOL)
        return ChunkResult(spec.key, doc.canv.recording(), doc.pages, doc.anchors, doc.page_map, decorator.page_refs,
                           tree, content.link_labels, content.note_targets)


# ------------------------------------------------------------------ the book
class Compendium:
    """All chunks of the book: typeset (or taken from the cache), then numbered and assembled."""

    def __init__(self, loaded, options, cache: BuildCache | None = None, tagged: bool = True):
        self.loaded = loaded
        self.options = options
        self.tagged = tagged
        self.cache = cache or BuildCache(None)
        self.specs = chunk_specs(loaded.publication)
        pub = loaded.publication
        self._chapters, self._parts = {c.id: c for c in pub.chapters}, {p.id: p for p in pub.parts}
        self._chapter_spec = {spec.ref: spec.key for spec in self.specs if spec.kind == "front-chapter"}
        for spec in self.specs:          # a case study is typeset with its part
            if spec.kind == "part":
                self._chapter_spec.update({c.id: spec.key for c in self._parts[spec.ref].chapters})
        self._specs = {spec.key: spec for spec in self.specs}
        self.found: dict[str, ChunkResult] = {}       # the chunks the cache held
        self.print_marks = pdfcommon.print_marks(loaded.style) if options.print_marks else None
        self.chunks: list[ChunkResult] = []
        self.segments_written = 0                  # segments of the file written anew (not from the cache)
        self.page_map = PageMap()
        self.body_start: int | None = None
        self.places: dict[str, int] = {}          # the PDF's names of places (Anchor.key) -> page index
        self.firsts: list[int] = []                # each chunk's first page in the book
        self.blanks: list[int] = []                # blank pages put before each chunk (it starts on a recto)

    # ------------------------------------------------------------ typesetting
    def key(self, spec: ChunkSpec) -> str | None:
        """The chunk's key in the cache (None: a chapter not checked yet, whose inputs are not known)."""
        inputs = chunk_inputs(spec, self.loaded.publication, self._chapters, self._parts)
        return digest("chunk", self._salt, spec, inputs) if inputs else None

    @property
    def _salt(self):
        loaded = self.loaded
        return (loaded.style.fingerprint(), loaded.publication.edition.language, bool(self.options.print_marks), self.tagged)

    def key_of(self, spec_key: str) -> str | None:
        return self.key(self._specs[spec_key])

    def cached_chunk(self, spec_key: str):
        return self.found.get(spec_key)

    def part_chapters(self, part_id: str) -> list:
        return self._parts[part_id].chapters

    def spec_of(self, chapter_id: str) -> str:
        return self._chapter_spec[chapter_id]

    def cached(self) -> dict[str, ChunkResult]:
        """ChunkSpec.key -> the typeset chunk, for every chunk the cache holds."""
        keys = {spec.key: self.key(spec) for spec in self.specs}
        known = {k: v for k, v in keys.items() if v is not None}
        found = self.cache.load("chunk", list(known.values()))
        bodies = self.cache.present("chunk-body", list(known.values()))     # (marked used, as the summaries are)
        return {spec_key: chunk for spec_key, chunk in zip(known, found) if chunk is not None and known[spec_key] in bodies}

    def store(self, results: list) -> None:
        """Keep the chunks typeset now (``chapters.Result``: pickled in the worker, kept as they
        are) whose chapters' facts are taken, so that their keys are known."""
        summaries, bodies = {}, {}
        for result in results:
            key = self.key_of(result.key) if result.chunk_bytes is not None else None
            if key is not None:
                summaries[key], bodies[key] = result.chunk_bytes, result.body_bytes
        self.cache.put_many("chunk", summaries)
        self.cache.put_many("chunk-body", bodies)

    def use(self, chunks: dict[str, ChunkResult]) -> PageMap:
        """The book from these chunks (one for every ChunkSpec): numbered, its page map made."""
        self.chunks = [chunks[spec.key] for spec in self.specs]
        self._number()
        return self.page_map

    def typeset(self, jobs: int | None = None) -> PageMap:
        """Every chunk, from the cache or typeset now (in ``jobs`` processes); then the page map.
        (A build typesets chunks and checks chapters in one pass: ``pipeline.make_chapters``.)"""
        from book.build.jobs import Job, Workbench, do_jobs

        chunks = self.cached()
        todo = [spec for spec in self.specs if spec.key not in chunks]
        jobs_ = [Job(spec.ref if spec.kind == "front-chapter" else "", spec) for spec in todo]
        bench = Workbench(self.loaded, self.options, self.loaded.maker, self.tagged)
        results = run_parallel(do_jobs, jobs_, context=bench, jobs=jobs, weights=[_weight(spec) for spec in todo])
        problems = [p for r in results for p in r.problems]
        if problems:
            raise UserError(one_per_cause(problems, str(self.loaded.style.files[-1])))
        self.store(results)
        chunks.update({r.key: r.chunk for r in results})
        return self.use(chunks)

    def _number(self) -> None:
        """Where each chunk falls; the page map, the names of places and the page labels."""
        pm, page = self.page_map, 0
        for chunk in self.chunks:
            self.blanks.append(page % 2)        # every chunk starts on a right-hand page
            page += page % 2
            self.firsts.append(page)
            local = chunk.page_map
            for block_id, n in local.block_pages.items():
                pm.block_pages.setdefault(block_id, page + n)
            for n, block_id in local.page_first_block.items():
                pm.page_first_block[page + n] = block_id
            for n, where in local.page_continuation.items():
                pm.page_continuation[page + n] = where
            for placed in chunk.anchors:
                anchor, at = placed.anchor, page + placed.page
                self.places.setdefault(anchor.key, at)
                pm.anchors.setdefault(anchor.name or anchor.key, at)
                if anchor.kind == "chapter":
                    pm.chapter_pages.setdefault(anchor.name or anchor.key, at)
                if anchor.kind == "body-start" and self.body_start is None:
                    self.body_start = at
            page += len(chunk.recording.pages)
        total = page
        if self.print_marks is not None:
            total += -total % 4            # padded with blank pages for binding
        self.total = total
        start = self.body_start if self.body_start is not None else total
        pm.labels = [_roman(i + 1) for i in range(start)] + [str(i - start + 1) for i in range(start, total)]

    # ------------------------------------------------------------ the file
    def assemble(self) -> bytes:
        """The book's PDF. Each chunk is a run of the file (``pdfwrite.Assembler``): after an
        edit, the segments of the chunks that did not change are taken from the cache as they
        were written, unless what they show or link to moved."""
        loaded, pub = self.loaded, self.loaded.publication
        edition = pub.edition
        assembler = Assembler(Metadata(
            title=edition.title + (f": {edition.subtitle}" if edition.subtitle else ""), created=loaded.build_time,
            author=edition.publisher, subject="Case studies in NHS occupational health and wellbeing",
            keywords=tuple(pub.themes), lang=edition.language,
        ), self.print_marks, grain=SEGMENT_GRAIN)
        decorator = PageDecorator(loaded.style, edition, self.print_marks)
        overlays = Overlays(self, decorator)
        refs, link_labels, note_targets = set(), {}, set()
        for chunk, first, blanks in zip(self.chunks, self.firsts, self.blanks):
            refs |= chunk.page_refs
            link_labels.update(chunk.link_labels)
            note_targets |= chunk.note_targets
            if blanks:
                self._add_blank_pages(assembler, blanks)
            key = self.key_of(chunk.key)
            whole = self._whole(chunk, key)
            tree = (lambda whole=whole: whole().structure()) if self.tagged else None
            contents = lambda whole=whole: [r.content for r in whole().recording.pages]  # noqa: E731
            assembler.add_run(chunk.recording, [overlays.get(info, first + n) for n, info in enumerate(chunk.pages)],
                              tree, None, "", key, contents=contents)
        self._add_blank_pages(assembler, self.total - assembler.page_count)
        assembler.use_fonts(overlays.fonts())
        overlays.save()
        labels = {key: self._label(key) for key in refs}
        link_labels.update(self._link_pages(link_labels))
        for name, ops, bbox, fonts in decorator.page_ref_forms(labels):
            assembler.add_form(name, ops, bbox, fonts)
        assembler.outline = self._outline()
        assembler.labels = [(0, "r", 1)] + ([(self.body_start, "D", 1)] if self.body_start is not None else [])
        pdf = assembler.finish(link_labels, frozenset(note_targets), segments=SegmentCache(self.cache))
        self.segments_written = len(assembler.runs) - assembler.reused
        return pdf

    def _add_blank_pages(self, assembler: Assembler, count: int) -> None:
        """Blank pages, without folios: before a chunk that would start on a left-hand page, and
        at the end of a book printed in signatures of four."""
        if count <= 0:
            return
        record = self.chunks[0].recording.pages[0]
        pages = [PageRecord(record.width, record.height, _EMPTY, ()) for _ in range(count)]
        assembler.add_run(Recording(pages, {}, {}), key=digest("blank pages", count, record.width, record.height))

    def _whole(self, chunk: ChunkResult, key: str | None):
        """A function giving the chunk with its body, for when its segment of the file is written:
        read from the cache when the chunk is a summary from there; with the bodies of every later
        chunk read from there too, since a segment written again usually moves those after it."""
        def whole() -> ChunkResult:
            if not chunk.whole:
                later = [(c, k) for c, k in self._bodies_from(chunk) if not c.whole]
                found = self.cache.get_many("chunk-body", [k for _, k in later if k is not None])
                for other, other_key in later:
                    if other_key in found:
                        other.restore(found[other_key])
            if not chunk.whole:    # gone from the cache since it was read (another build evicted it): typeset again
                again = Typesetter(self.loaded, self.options, self.tagged).typeset(self._specs[chunk.key])
                chunk.recording, chunk.tree = again.recording, again.tree
            return chunk
        return whole

    def _bodies_from(self, chunk: ChunkResult):
        at = next(n for n, c in enumerate(self.chunks) if c is chunk)
        return [(c, self.key_of(c.key)) for c in self.chunks[at:]]

    def _link_pages(self, known: dict) -> dict:
        """target -> ("page", printed page) of every internal link with no description of its own:
        its annotation is described as "Go to page 12: <its words>" (``pdfstruct``)."""
        found = {}
        for chunk in self.chunks:
            for record in chunk.recording.pages:
                for link in record.links:
                    target = link.target
                    if target.startswith("#") and target not in known and target[1:] in self.places:
                        found[target] = ("page", self._label(target[1:]))
        return found

    def _label(self, ref: str) -> str:
        """The printed page numbers of a page reference (its keys joined by ';')."""
        pages = [self.places.get(key) for key in ref.split(";")]
        # case studies run on, so two of an index line's may start on one page: named once
        labels = ["?" if page is None else self.page_map.label(page) for page in pages]
        return ", ".join(dict.fromkeys(labels))

    def _outline(self) -> list[OutlineEntry]:
        entries, last = [], -1
        for chunk, first in zip(self.chunks, self.firsts):
            for placed in chunk.anchors:
                anchor = placed.anchor
                if anchor.outline_level is None:
                    continue
                level = min(anchor.outline_level, last + 1)     # PDF outlines cannot skip a level
                last = level
                entries.append(OutlineEntry(anchor.title, anchor.key, level, closed=level >= 1))
        return entries


_EMPTY = zlib.compress(b"")
SEGMENT_GRAIN = 64      # object numbers per chunk: a multiple of this (see ``pdfwrite.Assembler``)


class SegmentCache(SegmentStore):
    """The segments of the book's file (``pdfwrite.Segment``) kept in the build cache, with the
    layout of the last file."""

    def __init__(self, cache: BuildCache):
        self.cache = cache
        self.made: dict[str, object] = {}
        self._layout_key = digest("segment layout", "compendium")
        self._layout = cache.load("segment-layout", [self._layout_key])[0]

    def layout(self):
        return self._layout if isinstance(self._layout, dict) else {}

    def get_many(self, keys):
        return {key: segment for key, segment in zip(keys, self.cache.load("segment", keys)) if segment is not None}

    def put(self, key: str, segment) -> None:
        self.made[key] = segment

    def save(self, layout) -> None:
        self.cache.store("segment", self.made)
        if layout != self._layout:
            self.cache.store("segment-layout", {self._layout_key: layout})


class Overlays:
    """The running heads and folios drawn over the pages: each combination of what they show
    (page number, side, running head) drawn once, and kept from build to build, since after an
    edit most pages still show what they showed."""

    def __init__(self, book: Compendium, decorator: PageDecorator):
        loaded = book.loaded
        self.book, self.decorator, self.cache = book, decorator, loaded.cache
        self.sketch = Sketch(loaded.style.paragraph_style("body").fontName)
        self.key = digest("overlays", loaded.style.fingerprint(), repr(loaded.publication.edition), bool(book.print_marks))
        self.known = self.cache.load("overlay", [self.key])[0] or {}
        self.used: dict[tuple, tuple[bytes, dict]] = {}

    def get(self, info: PageInfo, page: int) -> bytes:
        if not self.decorator.decorated(info, page):
            return b""
        book = self.book
        verso = page % 2 == 1        # by its physical side: the cover is a right-hand page
        label = book.page_map.label(page)
        key = (info, page == 0, label, verso, bool(book.tagged))
        found = self.used.get(key) or self.known.get(key)
        if found is None:
            self.decorator.drawn = {}
            self.decorator.paginate = bool(book.tagged)     # running heads and folios marked as such
            ops = self.sketch.ops(lambda canv: self.decorator.overlay(canv, info, page, label, verso))
            found = (ops, self.decorator.drawn)
        self.used[key] = found
        return found[0]

    def fonts(self) -> dict[str, set[str]]:
        """What the overlays of this book draw in each font (whatever earlier books drew)."""
        fonts: dict[str, set[str]] = {}
        for _ops, drawn in self.used.values():
            for name, chars in drawn.items():
                fonts.setdefault(name, set()).update(chars)
        return fonts

    def save(self) -> None:
        if self.used != self.known:
            self.cache.store("overlay", {self.key: self.used})


def chunk_inputs(spec: ChunkSpec, pub, chapters: dict, parts: dict) -> str:
    """What a chunk's pages are made from (besides the style and the code): its cache key."""
    if spec.kind == "front-chapter":
        return chapters[spec.ref].fingerprint       # '' until the chapter has been checked
    if spec.kind == "part":
        part = parts[spec.ref]
        prints = [c.fingerprint for c in part.chapters]
        return repr((part.number, part.title, prints)) if all(prints) else ""
    edition = pub.edition
    front = (edition.title, edition.subtitle, edition.edition, edition.publisher, edition.long_date, edition.rights,
             edition.identifier, edition.cover_image and edition.cover_image.path)
    contents = ([(c.id, c.title) for c in pub.front],
                [(p.id, p.number, p.title, [(c.id, c.title, c.lead.name) for c in p.chapters]) for p in pub.parts],
                [(key, title) for key, title, _ in ContentBuilder.indexes_of(pub)])
    if spec.kind == "front":
        cover = edition.cover_image
        stamp = os.stat(cover.path) if cover is not None and os.path.exists(cover.path) else None
        return repr((front, contents, stamp and (stamp.st_size, stamp.st_mtime_ns)))
    return repr([(key, title, [(e.term, [c.id for c in e.chapters]) for e in entries])
                 for key, title, entries in ContentBuilder.indexes_of(pub)])


def one_per_cause(problems: list[Problem], style_file: str) -> list[Problem]:
    """Each chunk stops at what it cannot lay out: a style too large for the page stops them all,
    and is one mistake (the first chunk's report names it); the others are the sources' own."""
    style = [p for p in problems if p.file == style_file]
    unique = list(dict.fromkeys(p for p in problems if p.file != style_file))
    return style[:1] + unique


def _weight(spec: ChunkSpec) -> int:
    return 40 if spec.kind in ("front", "indexes") else 3


def write_compendium(loaded, options, tagged: bool = True, cache: BuildCache | None = None,
                     jobs: int | None = 1) -> tuple[bytes, PageMap]:
    """The compendium's PDF and where everything fell. ``tagged=False`` leaves the structure out
    (only to show that tagging changes nothing on the pages)."""
    book = Compendium(loaded, options, cache or loaded.cache, tagged)
    page_map = book.typeset(jobs)
    return book.assemble(), page_map


def _roman(n: int) -> str:
    table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
             (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for value, numeral in table:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


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


