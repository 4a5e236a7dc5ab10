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

This module typesets and assembles the book; one chunk's document is ``chunkdoc``, its
flowables ``content`` (with ``frontback``, ``casestudy`` and ``flowables``), and what is kept in
the build cache besides the chunks, ``cached``.
"""
from __future__ import annotations

import zlib

from reportlab.platypus.doctemplate import LayoutError

from book.core.cache import BuildCache, digest
from book.core.errors import Problem
from book.model.publication import PageMap
from book.pdf import pdfcommon
from book.pdf.pdfnodes import pack_tree
from book.pdf.pdfimages import encode_ahead
from book.pdf.pdfpage import PageRecord, PageRecorder, Recording
from book.pdf.pdfpages import PageDecorator
from book.pdf.pdfstruct import adopt_orphans
from book.pdf.pdfwrite import Assembler, Metadata, OutlineEntry
from book.writers.compendium.cached import Overlays, SegmentCache, chunk_inputs
from book.writers.compendium.chunkdoc import ChunkDoc, ChunkResult, too_tall
from book.writers.compendium.content import ChunkSpec, ContentBuilder, chunk_specs
from book.writers.compendium.flowables import part_band_height


def page_decorator(loaded, print_marks) -> PageDecorator:
    """What is drawn around the text of the book's pages (``pdfpages``), its part band as high
    as the part opener's text is set for (``flowables.part_band_height``)."""
    return PageDecorator(loaded.style, loaded.publication.edition, print_marks, part_band=part_band_height(loaded.style))


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
        decorator = page_decorator(self.loaded, self.print_marks)
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
            tree = pack_tree(content.root)
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
        are) whose chapters' facts are taken, so that their keys are known. Their pictures are
        encoded now, while the workers typeset the others: the book's assembly, which waits for
        the last chunk, then finds them encoded (a PNG chart takes 15 ms)."""
        summaries, bodies = {}, {}
        for result in results:
            key = self.key_of(result.key) if result.chunk_bytes is not None else None
            if key is not None:
                summaries[key], bodies[key] = result.chunk_bytes, result.body_bytes
            if result.chunk is not None and result.chunk.recording is not None:
                encode_ahead(result.chunk.recording.images.values())
        self.cache.put_many("chunk", summaries)
        self.cache.put_many("chunk-body", bodies)

    def use(self, chunks: dict[str, ChunkResult]) -> PageMap:
        """The book from these chunks (one for every ChunkSpec): numbered, its page map made."""
        self.chunks = [chunks[spec.key] for spec in self.specs]
        self._number()
        return self.page_map

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
        decorator = page_decorator(loaded, self.print_marks)
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


def one_per_cause(problems: list[Problem], style_file: str) -> list[Problem]:
    """Each chunk stops at what it cannot lay out: a style too large for the page stops them all,
    and is one mistake (the first chunk's report names it); the others are the sources' own."""
    style = [p for p in problems if p.file == style_file]
    unique = list(dict.fromkeys(p for p in problems if p.file != style_file))
    return style[:1] + unique


def _roman(n: int) -> str:
    table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
             (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for value, numeral in table:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)
