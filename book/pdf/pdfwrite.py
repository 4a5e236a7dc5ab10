"""Recorded pages -> one PDF file: objects, fonts, images, links, outline, labels, metadata, tags.

ReportLab lays out and draws (``pdfpage.PageRecorder``); this module writes the file, once, from
the records. Every PDF the toolkit makes goes through it: the compendium (pages typeset in
parallel and cached, assembled here with their running heads and folios), each one-pager and
the one-pagers' combined file. Writing the file ourselves, rather than letting ReportLab write
one and rewriting it with pikepdf to add the structure tree, halves the cost of a page, and lets
cached pages be reused without being typeset again.

The file is PDF 1.7 with object streams and a cross-reference stream; its ID is a hash of its
content, and nothing depends on the clock, so equal inputs give equal bytes. Here the runs of
pages are collected and the file's own objects written (page tree, resources, outline, named
destinations, catalog); ``pdfobjects`` writes the syntax and the file, ``pdfsegments`` each run's
pages, ``pdfstruct`` the structure tree and ``pdfimages`` the pictures.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

from book.pdf.pdfimages import encode_image
from book.pdf.pdfobjects import OBJECTS_PER_STREAM, ObjectWriter, Part, array, name, num, pdf_date, ref, text, write_file
from book.pdf.pdfpage import Recording, merge_fonts
from book.pdf.pdfsegments import Run, Segment, SegmentStore, SegmentWriter, crop_marks
from book.pdf.pdfstruct import OpenElement, element_body, write_tree, xmp

__all__ = [
    "Assembler", "Metadata", "OutlineEntry",
    # the parts it is made of, by the names they had when they were here
    "OBJECTS_PER_STREAM", "ObjectWriter", "OpenElement", "Part", "Run", "Segment", "SegmentStore", "array",
    "crop_marks", "element_body", "encode_image", "name", "num", "pdf_date", "ref", "text", "write_file",
]


@dataclass(frozen=True)
class Metadata:
    title: str
    created: datetime
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = "ohwb-book"
    lang: str = ""


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    place: str          # a named place
    level: int          # 0 = top
    closed: bool = False


class Assembler:
    """Collects runs of pages (and what they use), then writes the file with ``finish``.

    Each run is written as a segment of its own: its pages, annotations, content streams and
    structure elements take a range of object numbers of their own, and refer outside it only to
    objects whose numbers are fixed (the page tree, the shared resources, the document element)
    or to an open element of an earlier run; links go to named destinations. So a segment that
    starts at the same number and is made from the same things is the same bytes, and a book's
    unchanged chunks are taken from the cache as they were written (``finish(segments=...)``).
    With ``grain``, each segment takes a multiple of that many numbers (the rest left free), so
    that a chunk that gains or loses an element rarely moves the numbers of those after it.
    The file's own objects (catalog, outline, destinations, fonts, the structure's root, the
    document and part elements) come after the segments, written afresh."""

    def __init__(self, metadata: Metadata, print_marks=None, glyphs: dict[str, frozenset] | None = None, grain: int = 1):
        """``glyphs``: font -> characters its subsets hold whether drawn or not, so that the files
        of a series (the one-pagers) embed the same fonts, made and compressed once."""
        self.meta = metadata
        self.glyphs = glyphs or {}
        self.marks = print_marks
        self.grain = grain
        self.runs: list[Run] = []
        self.page_count = 0
        self.fonts: dict[str, set] = {}
        self.images: dict[str, str] = {}
        self.forms: dict[str, tuple[bytes, tuple]] = {}
        self.places: dict[str, tuple[int, float, float]] = {}
        self.outline: list[OutlineEntry] = []
        self.labels: list[tuple[int, str, int]] = []     # (first page, 'r' or 'D', number of that page)
        self.reused = 0                                   # segments taken from the store by ``finish``

    # ------------------------------------------------------------ input
    def add_run(self, recording: Recording, overlays: list[bytes] | None = None, tree=None, inside: int | None = None,
                opens: str = "", key: str | None = None, contents=None) -> int:
        """Append a recording's pages (each with its overlay) and their structure elements:
        ``tree`` is a group (role "") of elements, or one element, or a function that gives it
        (called only if the run's segment is written; so is ``contents``, a function giving the
        pages' content streams when the recording's records were kept without them). Returns
        the run's number (for ``inside``: a later run whose elements go into this run's open
        element of role ``opens``)."""
        first = self.page_count
        merge_fonts(self.fonts, recording.fonts)
        self.images.update(recording.images)
        for n, record in enumerate(recording.pages):
            for place in record.places:
                self.places.setdefault(place.name, (first + n, place.left, place.top))
        self.page_count += len(recording.pages)
        self.runs.append(Run(recording, overlays or [b""] * len(recording.pages), tree, inside, opens, key, contents))
        return len(self.runs) - 1

    def use_fonts(self, fonts: dict) -> None:
        """Characters drawn other than in the recordings (overlays): their glyphs are embedded too."""
        merge_fonts(self.fonts, fonts)

    def add_form(self, form_name: str, ops: bytes, bbox: tuple, fonts: dict) -> None:
        """A form XObject (a deferred page number): drawn where a page says ``/form_name Do``."""
        self.forms[form_name] = (ops, bbox)
        merge_fonts(self.fonts, fonts)

    # ------------------------------------------------------------ output
    def finish(self, link_labels=None, references=frozenset(), page_mode: str = "",
               segments: SegmentStore | None = None) -> bytes:
        """The PDF. The structure tree (tagged PDF) is written when any run has elements.
        ``link_labels``: target -> an annotation's description where the link's text says too
        little (a note number); links to a target in ``references`` are wrapped in a Reference
        element (note references). ``segments``: where runs with a key are looked up and kept."""
        tagged = any(run.tree is not None for run in self.runs)
        head = ObjectWriter(1)
        self._pages_node, self._resources = head.reserve(), head.reserve()
        tree_root = document = None
        if tagged:
            tree_root, document = head.reserve(), head.reserve()
        writer = SegmentWriter(self, tagged, link_labels or {}, references)
        written = self._segments(writer, head.next, document, segments or SegmentStore())
        at = written[-1].part.first + written[-1].part.size if written else head.next
        self.page_numbers = [n for segment in written for n in segment.pages]

        w = ObjectWriter(at)
        if tagged:
            self._write_structure(w, tree_root, document, written)
        self._write_resources(w)
        w.put(self._pages_node, b"<</Type/Pages/Kids" + array(ref(n) for n in self.page_numbers)
              + b"/Count %d>>" % len(self.page_numbers))
        info = self._write_info(w)
        root = self._write_catalog(w, page_mode, tree_root)
        return write_file([head.pack(), *(s.part for s in written), w.pack()], root, info)

    def _write_structure(self, w: ObjectWriter, tree_root: int, document: int, written: list[Segment]) -> None:
        """The structure tree's own objects: each run's top elements go into the document, or into
        the open element of the run they are inside (a part's case studies into the part)."""
        tops: list[bytes] = []
        inner: dict[int, list[bytes]] = {}
        for run, segment in zip(self.runs, written):
            opener = written[run.inside].opened if run.inside is not None else None
            (inner.setdefault(run.inside, []) if opener is not None else tops).extend(segment.tops)
        opened = [(s.opened, inner.get(n, [])) for n, s in enumerate(written) if s.opened is not None]
        write_tree(w, tree_root, document, tops, opened, written)

    def _write_catalog(self, w: ObjectWriter, page_mode: str, tree_root: int | None) -> int:
        """The catalog, with the outline, the page labels, the named destinations, the structure
        tree's root (when tagged), the language and the XMP metadata."""
        catalog = b"<</Type/Catalog/Pages " + ref(self._pages_node)
        outline = self._write_outline(w)
        if outline:
            catalog += b"/Outlines " + ref(outline)
        if page_mode or outline:
            catalog += b"/PageMode" + name(page_mode or "UseOutlines")
        if self.labels:
            nums = b" ".join(b"%d<</S/%s/St %d>>" % (page, style.encode(), start) for page, style, start in self.labels)
            catalog += b"/PageLabels<</Nums[" + nums + b"]>>"
        dests = self._write_destinations(w)
        if dests:
            catalog += b"/Names<</Dests " + ref(dests) + b">>"
        if tree_root is not None:
            catalog += b"/StructTreeRoot " + ref(tree_root) + b"/MarkInfo<</Marked true>>"
        if self.meta.lang:
            catalog += b"/Lang" + text(self.meta.lang)
        metadata = xmp(self._info_fields(), self.meta.lang).encode("utf-8")
        catalog += b"/ViewerPreferences<</DisplayDocTitle true>>/Metadata " + ref(
            w.add_stream(b"/Type/Metadata/Subtype/XML", metadata)) + b">>"
        return w.add(catalog)

    def _segments(self, writer: "SegmentWriter", first: int, document: int | None, store: SegmentStore,
                  layout: dict | None = None) -> list[Segment]:
        """Every run's segment: from ``store`` when it holds one made from the same things at the
        same place, else written now. The keys are found in one pass (``layout``, by default the
        last file's, says where each segment it had ended), then the segments read at once."""
        layout = store.layout() if layout is None else layout
        runs = self.runs
        written: list[Segment | None] = [None] * len(runs)
        planned: dict[int, tuple[str, int, int | None]] = {}      # run -> (key, first number, parent)
        keys: list[str | None] = []
        opened: list[int | None] = []
        at = first
        for n, run in enumerate(runs):
            parent = document if run.inside is None or opened[run.inside] is None else opened[run.inside]
            key = writer.key(run, at, parent) if run.key is not None else None
            keys.append(key)
            if key in layout:
                planned[n] = (key, at, parent)
                size, open_number = layout[key]
            else:
                segment = written[n] = writer.write(run, at, parent)
                if key is not None:
                    store.put(key, segment)
                size, open_number = segment.part.size, segment.opened and segment.opened.number
            opened.append(open_number)
            at += size
        found = store.get_many([key for key, _, _ in planned.values()])
        self.reused = 0
        for n, (key, at, parent) in planned.items():
            segment = found.get(key)
            if segment is not None and segment.part.first == at:
                self.reused += 1
            else:           # no longer in the cache: written again, where the layout put it
                segment = writer.write(runs[n], at, parent)
                store.put(key, segment)
                if (segment.part.size, segment.opened and segment.opened.number) != layout[key]:
                    return self._segments(writer, first, document, store, layout={})   # it lied: start again
            written[n] = segment
        store.save({key: (s.part.size, s.opened and s.opened.number) for key, s in zip(keys, written) if key is not None})
        return written

    def _info_fields(self) -> dict[str, str]:
        m, stamp = self.meta, pdf_date(self.meta.created)
        fields = {"/Title": m.title, "/Author": m.author, "/Subject": m.subject, "/Keywords": ", ".join(m.keywords),
                  "/Creator": m.creator, "/Producer": "ohwb-book with ReportLab", "/CreationDate": stamp, "/ModDate": stamp}
        return {key: value for key, value in fields.items() if value}

    def _write_info(self, w: ObjectWriter) -> int:
        return w.add(b"<<" + b"".join(name(k[1:]) + text(v) for k, v in self._info_fields().items()) + b">>")

    def _fonts_once(self) -> dict[str, tuple]:
        """Each font once (by its name in the file), with every character drawn in it under any
        of its names. Two names can be one font: ReportLab gives a font file registered again
        under another name (a second style in a long-lived process) the first name's font."""
        merged: dict[str, tuple] = {}
        for font_name in sorted(self.fonts):
            font = pdfmetrics.getFont(font_name)
            chars = self.fonts[font_name] | self.glyphs.get(font_name, frozenset())
            if font.internal in merged:
                chars = chars | merged[font.internal][1]
            merged[font.internal] = (font, chars)
        return merged

    def _write_resources(self, w: ObjectWriter) -> None:
        fonts = []
        for font, chars in self._fonts_once().values():
            for subset, sub in font.subset_fonts(chars):
                fonts.append(name(f"{font.internal}+{subset}") + b" " + ref(_font_objects(w, sub)))
        xobjects = []
        for image_name in sorted(self.images):
            xobjects.append(name(image_name) + b" " + ref(_image_object(w, self.images[image_name])))
        for form_name in sorted(self.forms):
            ops, bbox = self.forms[form_name]
            number = w.add_flate(b"/Type/XObject/Subtype/Form/BBox" + array(num(v) for v in bbox)
                                 + b"/Resources " + ref(self._resources), ops)
            xobjects.append(name(form_name) + b" " + ref(number))
        body = b"<</ProcSet[/PDF/Text/ImageB/ImageC/ImageI]"
        if fonts:
            body += b"/Font<<" + b"".join(fonts) + b">>"
        if xobjects:
            body += b"/XObject<<" + b"".join(xobjects) + b">>"
        w.put(self._resources, body + b">>")

    def shift(self) -> float:
        return self.marks.borderWidth if self.marks is not None else 0.0

    def _destination(self, place: str) -> bytes | None:
        found = self.places.get(place)
        if found is None:
            return None
        page, left, top = found
        shift = self.shift()
        return b"[" + ref(self.page_numbers[page]) + b"/XYZ " + num(left + shift) + b" " + num(top + shift) + b" 0]"

    def _write_destinations(self, w: ObjectWriter) -> int | None:
        """Every named place: for the links (which name their destinations, so that a page's
        links do not depend on where the pages they go to are), and for links from outside the
        file (``compendium.pdf#nameddest=...``)."""
        if not self.places:
            return None
        names = b" ".join(text(key) + self._destination(key) for key in sorted(self.places, key=lambda k: k.encode("utf-8")))
        return w.add(b"<</Names[" + names + b"]>>")

    def _write_outline(self, w: ObjectWriter) -> int | None:
        entries = [e for e in self.outline if e.place in self.places]
        if not entries:
            return None
        root = w.reserve()
        items = [(e, w.reserve()) for e in entries]
        children: dict[int, list[int]] = {root: []}
        parent_of: dict[int, int] = {}
        stack: list[tuple[int, int]] = [(-1, root)]          # (level, object)
        for entry, number in items:
            while stack[-1][0] >= entry.level:
                stack.pop()
            parent = stack[-1][1]
            parent_of[number] = parent
            children[parent].append(number)
            children[number] = []
            stack.append((entry.level, number))
        closed = {number: entry.closed for entry, number in items}

        def visible(number: int) -> int:       # descendants shown when ``number`` is open
            return sum(1 + (0 if closed[kid] else visible(kid)) for kid in children[number])

        for entry, number in items:
            kids, siblings = children[number], children[parent_of[number]]
            at = siblings.index(number)
            body = b"<</Title" + text(entry.title) + b"/Parent " + ref(parent_of[number]) + b"/Dest" + self._destination(entry.place)
            if at > 0:
                body += b"/Prev " + ref(siblings[at - 1])
            if at + 1 < len(siblings):
                body += b"/Next " + ref(siblings[at + 1])
            if kids:
                count = visible(number)
                body += b"/First " + ref(kids[0]) + b"/Last " + ref(kids[-1]) + b"/Count %d" % (-count if entry.closed else count)
            w.put(number, body + b">>")
        top = children[root]
        w.put(root, b"<</Type/Outlines/First " + ref(top[0]) + b"/Last " + ref(top[-1]) + b"/Count %d>>" % visible(root))
        return root


@lru_cache(maxsize=200)
def _font_entries(sub) -> tuple[bytes, bytes]:
    """The entries of a subset's FontDescriptor and Font dictionaries but their references."""
    descriptor = (b"<</Type/FontDescriptor/FontName" + name(sub.base_font) + b"/Flags %d/FontBBox" % sub.flags
                  + array(num(v) for v in sub.bbox) + b"/ItalicAngle " + num(sub.italic_angle) + b"/Ascent " + num(sub.ascent)
                  + b"/Descent " + num(sub.descent) + b"/CapHeight " + num(sub.cap_height) + b"/StemV " + num(sub.stem_v)
                  + b"/MissingWidth " + num(sub.missing_width))
    last = sub.first_char + len(sub.widths) - 1
    font = (b"<</Type/Font/Subtype/TrueType/BaseFont" + name(sub.base_font) + b"/FirstChar %d/LastChar %d/Widths"
            % (sub.first_char, last) + array(num(v) for v in sub.widths))
    return descriptor, font


@lru_cache(maxsize=500)
def _deflated(data: bytes) -> bytes:
    """Font programs and their maps, compressed once per process (files of a series share them),
    and quickly: a one-pager's fonts are most of what compressing it costs, and the best level
    saves 4 % of their size for twice the time."""
    return zlib.compress(data, 1)


def _font_objects(w: ObjectWriter, sub) -> int:
    descriptor_entries, font_entries = _font_entries(sub)
    program = w.add_stream(b"/Length1 %d/Filter/FlateDecode" % len(sub.program), _deflated(sub.program))
    descriptor = w.add(descriptor_entries + b"/FontFile2 " + ref(program) + b">>")
    cmap = w.add_stream(b"/Filter/FlateDecode", _deflated(sub.to_unicode))
    return w.add(font_entries + b"/FontDescriptor " + ref(descriptor) + b"/ToUnicode " + ref(cmap) + b">>")


def _image_object(w: ObjectWriter, path: str) -> int:
    entries, data, mask = encode_image(path)
    if mask is not None:
        entries += b"/SMask " + ref(w.add_stream(*mask))
    return w.add_stream(entries, data)
