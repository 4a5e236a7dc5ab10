"""Recorded pages -> one PDF file: objects, fonts, images, links, outline, labels, metadata, tags.

ReportLab lays out and draws (``pdfpage.PageRecorder``); this module writes the file, once, from
the records. Every PDF the toolkit makes goes through it: the compendium (pages typeset in
parallel and cached, assembled here with their running heads and folios), each one-pager and
the one-pagers' combined file. Writing the file ourselves, rather than letting ReportLab write
one and rewriting it with pikepdf to add the structure tree, halves the cost of a page, and lets
cached pages be reused without being typeset again.

The file is PDF 1.7 with object streams and a cross-reference stream; its ID is a hash of its
content, and nothing depends on the clock, so equal inputs give equal bytes.
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics

from book.pdf.pdfimages import encode_image
from book.pdf.pdfpage import Link, PageRecord, Recording, merge_fonts

OBJECTS_PER_STREAM = 200


# ------------------------------------------------------------------ PDF syntax
_NAME_OK = re.compile(rb"[^!-~]|[#()<>\[\]{}/%]")


def name(value: str) -> bytes:
    """/Name, with characters outside the regular set written #xx."""
    return b"/" + _NAME_OK.sub(lambda m: b"#%02X" % m.group()[0], value.encode("utf-8"))


def text(value: str) -> bytes:
    """A text string: literal when it is printable ASCII, else UTF-16 with a byte order mark."""
    if value.isascii() and value.isprintable():
        return b"(" + value.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def num(value: float) -> bytes:
    return fp_str(value).encode("ascii")


def ref(number: int) -> bytes:
    return b"%d 0 R" % number


def array(items) -> bytes:
    return b"[" + b" ".join(items) + b"]"


def pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


# ------------------------------------------------------------------ objects and the file
@dataclass(frozen=True)
class Part:
    """A run of numbered objects as they will sit in the file: their bytes and their
    cross-reference entries, with the entries' offsets counted from the start of ``data``
    (``write_file`` moves them to where the part lands)."""

    first: int                          # object numbers first .. first + size - 1 are this part's
    size: int
    data: bytes
    rows: bytes                         # 7 bytes per number (type, offset or object stream, index)
    located: tuple[int, ...]            # rows (from ``first``) holding an offset in ``data``
    unwritten: tuple[int, ...]          # numbers reserved here, written in a later part
    foreign: dict[int, tuple[int, int]] # numbers of earlier parts written here: (object stream, index)
    free: tuple[int, int]               # numbers left free at the end (padding), first and end


_ROW = struct.Struct(">BIH")


class ObjectWriter:
    """Numbered objects from ``first`` on; streams stay at the top level, everything else goes in
    object streams. An object reserved by an earlier writer may be written here (``put``)."""

    def __init__(self, first: int = 1) -> None:
        self.first = first
        self._bodies: list[bytes | None] = []
        self._streams: dict[int, bytes] = {}
        self._foreign: dict[int, bytes] = {}

    @property
    def next(self) -> int:
        return self.first + len(self._bodies)

    def reserve(self) -> int:
        self._bodies.append(None)
        return self.first + len(self._bodies) - 1

    def put(self, number: int, body: bytes) -> int:
        at = number - self.first
        if 0 <= at < len(self._bodies):
            self._bodies[at] = body
        else:
            self._foreign[number] = body
        return number

    def add(self, body: bytes) -> int:
        return self.put(self.reserve(), body)

    def put_stream(self, number: int, entries: bytes, data: bytes) -> int:
        """A stream: ``entries`` are its dictionary's entries without /Length."""
        self._bodies[number - self.first] = b"<<" + entries + b"/Length %d>>" % len(data)
        self._streams[number] = data
        return number

    def add_stream(self, entries: bytes, data: bytes) -> int:
        return self.put_stream(self.reserve(), entries, data)

    def add_flate(self, entries: bytes, data: bytes) -> int:
        return self.add_stream(entries + b"/Filter/FlateDecode", zlib.compress(data))

    def pack(self, grain: int = 1) -> Part:
        """The objects as a part of a file. ``grain``: the part takes a multiple of this many
        numbers (the rest left free), so that the parts after it keep their numbers when it
        gains or loses a few objects (see ``Assembler``)."""
        first, bodies, streams = self.first, self._bodies, self._streams
        count = len(bodies)
        objects = [(first + n, body) for n, body in enumerate(bodies) if body is not None and first + n not in streams]
        objects += sorted(self._foreign.items())
        groups = [objects[at:at + OBJECTS_PER_STREAM] for at in range(0, len(objects), OBJECTS_PER_STREAM)]
        used = count + len(groups)
        size = used + (-used % grain)
        rows = bytearray(7 * size)
        out, located, foreign = io.BytesIO(), [], {}
        for number in sorted(streams):
            _ROW.pack_into(rows, 7 * (number - first), 1, out.tell(), 0)
            located.append(number - first)
            out.write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, bodies[number - first], streams[number]))
        for n, group in enumerate(groups):
            stream_number = first + count + n
            offsets, at = [], 0
            for index, (number, body) in enumerate(group):
                offsets.append(b"%d %d" % (number, at))
                at += len(body) + 1
                if first <= number < first + count:
                    _ROW.pack_into(rows, 7 * (number - first), 2, stream_number, index)
                else:
                    foreign[number] = (stream_number, index)
            head = b" ".join(offsets) + b"\n"
            data = zlib.compress(head + b"\n".join(body for _, body in group) + b"\n")
            _ROW.pack_into(rows, 7 * (count + n), 1, out.tell(), 0)
            located.append(count + n)
            out.write(b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n%s\nendstream\nendobj\n"
                      % (stream_number, len(group), len(head), len(data), data))
        for number in range(first + used, first + size - 1):     # the padding: a chain of free entries
            _ROW.pack_into(rows, 7 * (number - first), 0, number + 1, 0)
        unwritten = tuple(first + n for n, body in enumerate(bodies) if body is None)
        return Part(first, size, out.getvalue(), bytes(rows), tuple(located), unwritten, foreign, (first + used, first + size))


def write_file(parts: list[Part], root: int, info: int) -> bytes:
    """The file: the parts' objects, then the cross-reference stream. Its ID is a hash of its
    content."""
    size = max(p.first + p.size for p in parts)
    rows = bytearray(7 * size)
    chunks = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    at = len(chunks[0])
    unwritten, written, free = set(), set(), []
    for part in parts:
        start = 7 * part.first
        rows[start:start + 7 * part.size] = part.rows
        for n in part.located:
            offset = start + 7 * n + 1
            rows[offset:offset + 4] = (int.from_bytes(rows[offset:offset + 4], "big") + at).to_bytes(4, "big")
        for number, (stream_number, index) in part.foreign.items():
            _ROW.pack_into(rows, 7 * number, 2, stream_number, index)
        written.update(part.foreign)
        unwritten.update(part.unwritten)
        if part.free[0] < part.free[1]:
            free.append(part.free)
        chunks.append(part.data)
        at += len(part.data)
    missing = sorted(unwritten - written)
    if missing:
        raise ValueError(f"PDF objects reserved but never written: {missing[:5]}")
    # the free entries: one list, from entry 0 through each part's padding
    _ROW.pack_into(rows, 0, 0, free[0][0] if free else 0, 65535)
    for (_, end), following in zip(free, free[1:] + [(0, 0)]):
        _ROW.pack_into(rows, 7 * (end - 1), 0, following[0], 0)
    body = b"".join(chunks)
    xref_number = size
    rows += _ROW.pack(1, at, 0)
    data = zlib.compress(_up_filtered(bytes(rows), _ROW.size))
    file_id = hashlib.sha256(body).hexdigest()[:32].encode("ascii")
    return body + (b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root %s/Info %s/ID[<%s><%s>]/Filter/FlateDecode"
                   b"/DecodeParms<</Predictor 12/Columns %d>>/Length %d>>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
                   % (xref_number, size + 1, ref(root), ref(info), file_id, file_id, _ROW.size, len(data), data, at))


def _up_filtered(rows: bytes, width: int) -> bytes:
    """The PNG 'Up' predictor (each byte less the one above it, a filter-type byte before each
    row), as PDF writers apply it to cross-reference streams: the rows then compress to a sixth
    of their size, five times faster. Computed on the rows as one integer, byte by byte without
    borrows (the SWAR subtraction), since a loop over a million bytes takes a second."""
    count, size = len(rows) // width, len(rows)
    x, y = int.from_bytes(rows, "big"), int.from_bytes(bytes(width) + rows[:-width], "big")
    high, mask = int.from_bytes(b"\x80" * size, "big"), (1 << (8 * size)) - 1
    diff = ((((x | high) - (y & (mask ^ high))) ^ ((x ^ (y ^ mask)) & high)) & mask).to_bytes(size, "big")
    out = bytearray((width + 1) * count)
    out[0::width + 1] = b"\x02" * count
    for column in range(width):
        out[column + 1::width + 1] = diff[column::width]
    return bytes(out)


# ------------------------------------------------------------------ the document
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


@dataclass
class Run:
    """Pages added together, with their structure elements: a chunk of the book, a one-pager."""

    recording: Recording
    overlays: list[bytes]               # per page: drawn over its content (an artifact), or b""
    tree: object                        # its elements (a group, or one element), a function giving them, or None
    inside: int | None                  # the run whose open element holds its elements (else the document)
    opens: str                          # the role of its top element that later runs go into ("Part")
    key: str | None                     # what it is made from (with the file's settings): its segment's cache key
    contents: object = None             # a function giving its pages' content streams, when the records lack them


@dataclass
class OpenElement:
    """A structure element whose children come from later runs too (a part's case studies): its
    number is reserved in its run's segment, its dictionary written when the file is."""

    number: int
    head: bytes                         # '<</Type/StructElem/S/Part/P '
    parent: int
    home: int | None                    # /Pg
    kids: list[bytes]                   # its own, in its run
    tail: bytes                         # /Alt, /ID, /A

    def body(self, more: list[bytes]) -> bytes:
        return element_body(self.head, self.parent, self.home, self.kids + more, self.tail)


def element_body(head: bytes, parent: int, home: int | None, kids: list[bytes], tail: bytes) -> bytes:
    """A structure element's dictionary: ``head`` (its type and role), /P, /Pg, /K, then ``tail``."""
    return (head + b"%d 0 R" % parent + (b"/Pg %d 0 R" % home if home is not None else b"")
            + (b"/K[" + b" ".join(kids) + b"]" if kids else b"") + tail + b">>")


@dataclass
class Segment:
    """A run as written: its part of the file, and what the file's own objects need of it."""

    part: Part
    pages: list[int]                    # the pages' object numbers
    tops: list[bytes]                   # what it puts in its parent element's /K
    leaf: int | None                    # its leaf of the ParentTree (keys: object numbers)
    last_key: int                       # the leaf's highest key
    ids: dict[str, int]                 # element /ID -> element
    roles: frozenset[str]
    opened: OpenElement | None


class SegmentStore:
    """Where the segments of earlier builds are kept (``compendium.SegmentCache``): each by its
    key, and the layout of the last file (key -> the numbers its segment took, and its open
    element's), so that the keys of a whole file are known before any segment is read."""

    def layout(self) -> dict[str, tuple[int, int | None]]:
        return {}

    def get_many(self, keys: list[str]) -> dict[str, Segment]:
        return {}

    def put(self, key: str, segment: Segment) -> None:
        pass

    def save(self, layout: dict[str, tuple[int, int | None]]) -> None:
        pass


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
        from book.pdf.pdfstruct import write_tree, xmp

        tagged = any(run.tree is not None for run in self.runs)
        head = ObjectWriter(1)
        self._pages_node, self._resources = head.reserve(), head.reserve()
        tree_root = document = None
        if tagged:
            tree_root, document = head.reserve(), head.reserve()
        writer = _SegmentWriter(self, tagged, link_labels or {}, references)
        written = self._segments(writer, head.next, document, segments or SegmentStore())
        at = written[-1].part.first + written[-1].part.size if written else head.next
        self.page_numbers = [n for segment in written for n in segment.pages]

        w = ObjectWriter(at)
        if tagged:
            tops: list[bytes] = []
            inner: dict[int, list[bytes]] = {}
            for run, segment in zip(self.runs, written):
                opener = written[run.inside].opened if run.inside is not None else None
                (inner.setdefault(run.inside, []) if opener is not None else tops).extend(segment.tops)
            opened = [(s.opened, inner.get(n, [])) for n, s in enumerate(written) if s.opened is not None]
            write_tree(w, tree_root, document, tops, opened, written)
        self._write_resources(w)
        w.put(self._pages_node, b"<</Type/Pages/Kids" + array(ref(n) for n in self.page_numbers)
              + b"/Count %d>>" % len(self.page_numbers))
        info = self._write_info(w)
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
        if tagged:
            catalog += b"/StructTreeRoot " + ref(tree_root) + b"/MarkInfo<</Marked true>>"
        if self.meta.lang:
            catalog += b"/Lang" + text(self.meta.lang)
        metadata = xmp(self._info_fields(), self.meta.lang).encode("utf-8")
        catalog += b"/ViewerPreferences<</DisplayDocTitle true>>/Metadata " + ref(
            w.add_stream(b"/Type/Metadata/Subtype/XML", metadata)) + b">>"
        root = w.add(catalog)
        return write_file([head.pack(), *(s.part for s in written), w.pack()], root, info)

    def _segments(self, writer: "_SegmentWriter", first: int, document: int | None, store: SegmentStore,
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

    def _write_resources(self, w: ObjectWriter) -> None:
        fonts = []
        for font_name in sorted(self.fonts):
            font = pdfmetrics.getFont(font_name)
            for subset, sub in font.subset_fonts(self.fonts[font_name] | self.glyphs.get(font_name, frozenset())):
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


class _SegmentWriter:
    """Writes runs as segments, for one file (``Assembler.finish``)."""

    def __init__(self, book: Assembler, tagged: bool, labels: dict[str, str], references: frozenset[str]):
        self.book, self.tagged, self.labels, self.references = book, tagged, labels, references
        marks = book.marks
        self._settings = repr((tagged, book.grain, marks and (marks.borderWidth, marks.bleed, marks.markLength, marks.markWidth),
                               book._pages_node, book._resources))

    def key(self, run: Run, first: int, parent: int | None) -> str:
        """Everything the run's segment is made from: its own inputs (``run.key``), where it
        starts, its parent element, the file's settings, and what its links say and go to."""
        from book.core.cache import digest

        places, labels, references = self.book.places, self.labels, self.references
        links = [(link.target, link.target[1:] in places, labels.get(link.target), link.target in references)
                 for record in run.recording.pages for link in record.links]
        return digest("segment", run.key, first, parent, self._settings, repr(links), b"\x00".join(run.overlays))

    def write(self, run: Run, first: int, parent: int | None) -> Segment:
        from book.pdf.pdfstruct import StructureWriter

        book, w = self.book, ObjectWriter(first)
        records = run.recording.pages
        pages, annots = [], []
        for record in records:
            pages.append(w.reserve())
            annots.append([w.reserve() for _ in record.links])
        structure, tops, opened = None, [], None
        tree = run.tree() if callable(run.tree) else run.tree
        if self.tagged and tree is not None:
            structure = StructureWriter(w, pages, annots, [r.links for r in records], self.labels, self.references)
            tops, opened = structure.write_run(tree, parent, run.opens)
        contents = run.contents() if run.contents is not None else [record.content for record in records]
        for record, content, overlay, number, numbers in zip(records, contents, run.overlays, pages, annots):
            self._write_page(w, record, content, overlay, number, numbers)
            for annot, link in zip(numbers, record.links):
                self._write_annotation(w, annot, link, structure)
        leaf, last_key = None, 0
        if self.tagged and pages:
            nums = []
            for n, (number, numbers) in enumerate(zip(pages, annots)):
                refs = structure.parents[n] if structure is not None else {}
                size = max(refs) + 1 if refs else 0
                nums.append(b"%d[" % number + b" ".join(b"%d 0 R" % refs[m] if m in refs else b"null" for m in range(size)) + b"]")
                last_key = number
                for annot in numbers:
                    holder = structure.holders.get(annot) if structure is not None else None
                    if holder is not None:
                        nums.append(b"%d %d 0 R" % (annot, holder))
                        last_key = annot
            leaf = w.add(b"<</Limits[%d %d]/Nums[" % (pages[0], last_key) + b" ".join(nums) + b"]>>")
        ids = structure.ids if structure is not None else {}
        roles = frozenset(structure.roles) if structure is not None else frozenset()
        return Segment(w.pack(book.grain), pages, tops, leaf, last_key, ids, roles, opened)

    def _write_page(self, w: ObjectWriter, record: PageRecord, content: bytes, overlay: bytes, number: int,
                    annots: list[int]) -> None:
        book, marks, tagged = self.book, self.book.marks, self.tagged
        width, height = record.width, record.height
        contents = [w.add_stream(b"/Filter/FlateDecode", content)]
        if overlay:
            # an overlay that marks its running heads and folios itself (pdfpages.pagination) is not wrapped
            wrap = tagged and not overlay.lstrip().startswith(b"/Artifact")
            contents.append(w.add_flate(b"", b"/Artifact BMC\n" + overlay + b"\nEMC\n" if wrap else overlay))
        boxes = b""
        if marks is not None:
            bw = marks.borderWidth
            contents.insert(0, w.add_stream(b"", b"q 1 0 0 1 %s %s cm\n" % (num(bw), num(bw))))
            drawn = crop_marks(marks, width, height)
            contents.append(w.add_flate(b"", b"Q\n" + (b"/Artifact BMC\n" + drawn + b"EMC\n" if tagged else drawn)))
            boxes = (b"/TrimBox" + array(num(v) for v in (bw, bw, bw + width, bw + height))
                     + b"/BleedBox" + array(num(v) for v in (bw - marks.bleed, bw - marks.bleed,
                                                            bw + width + marks.bleed, bw + height + marks.bleed)))
            width, height = width + 2 * bw, height + 2 * bw
        body = (b"<</Type/Page/Parent " + ref(book._pages_node) + b"/MediaBox" + array([b"0", b"0", num(width), num(height)])
                + boxes + b"/Resources " + ref(book._resources)
                + b"/Contents" + (b" " + ref(contents[0]) if len(contents) == 1 else array(ref(n) for n in contents)))
        if annots:
            body += b"/Annots" + array(ref(n) for n in annots)
        if tagged:
            body += b"/StructParents %d/Tabs/S" % number
        w.put(number, body + b">>")

    def _write_annotation(self, w: ObjectWriter, number: int, link: Link, structure) -> None:
        shift = self.book.shift()
        rect = array(num(v + shift) for v in link.rect)
        body = b"<</Type/Annot/Subtype/Link/Rect" + rect + b"/Border[0 0 0]/F 4"
        if link.target.startswith("#"):
            if link.target[1:] in self.book.places:
                body += b"/Dest" + text(link.target[1:])
        else:
            body += b"/A<</S/URI/URI" + text(link.target) + b">>"
        contents = structure.annotation_tags.get(number) if structure is not None else None
        if contents is not None:
            body += b"/StructParent %d/Contents" % number + text(contents)
        w.put(number, body + b">>")


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


def crop_marks(marks, width: float, height: float) -> bytes:
    """The eight crop marks at the trim corners, drawn in the slug (as ReportLab draws them)."""
    bw = marks.borderWidth
    ml = min(bw, max(0, marks.markLength))
    mg = 2 * bw - ml
    lines = [(bw, 0, bw, ml), (width + bw, 0, width + bw, ml), (bw, height + mg, bw, height + 2 * bw),
             (width + bw, height + mg, width + bw, height + 2 * bw), (0, bw, ml, bw), (width + mg, bw, width + 2 * bw, bw),
             (0, height + bw, ml, height + bw), (width + mg, height + bw, width + 2 * bw, height + bw)]
    ops = [b"q 0 0 0 RG %s w" % num(marks.markWidth)]
    ops += [b"%s %s m %s %s l S" % tuple(num(v) for v in line) for line in lines]
    return b"\n".join(ops) + b"\nQ\n"
