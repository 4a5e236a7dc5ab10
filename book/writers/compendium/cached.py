"""What the compendium keeps in the build cache besides its chunks, and what a chunk's key is
made from: the segments of the book's file, with the layout of the last one, and the running
heads and folios drawn over its pages.
"""
from __future__ import annotations

import os

from book.core.cache import BuildCache, digest
from book.pdf.pdfpage import Sketch
from book.pdf.pdfpages import PageDecorator, PageInfo
from book.pdf.pdfwrite import SegmentStore
from book.writers.compendium.content import ChunkSpec, ContentBuilder


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
    edit most pages still show what they showed. ``book``: the ``compendium.Compendium`` whose
    pages they are (its page map, whether it is tagged or printed)."""

    def __init__(self, book, decorator: PageDecorator):
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
