"""Runs of pages written as segments of a PDF file, each in a range of object numbers of its own.

A run (``Run``: a chunk of the book, a one-pager) is written by ``SegmentWriter`` as its pages,
their content streams, link annotations, structure elements and its leaf of the ParentTree,
referring outside its range only to objects whose numbers are fixed (the page tree, the shared
resources, the document element) or to an open element of an earlier run; links go to named
destinations. A segment made from the same things at the same first number is the same bytes, so
``pdfwrite.Assembler`` takes unchanged ones from a ``SegmentStore`` (the build cache) by their key.
"""
from __future__ import annotations

from dataclasses import dataclass

from book.core.cache import digest
from book.pdf.pdfobjects import ObjectWriter, Part, array, num, ref, text
from book.pdf.pdfpage import Link, PageRecord, Recording
from book.pdf.pdfstruct import OpenElement, StructureWriter


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


class SegmentWriter:
    """Writes runs as segments, for one file (``book``: its ``pdfwrite.Assembler``, in ``finish``)."""

    def __init__(self, book, tagged: bool, labels: dict[str, str], references: frozenset[str]):
        self.book, self.tagged, self.labels, self.references = book, tagged, labels, references
        marks = book.marks
        self._settings = repr((tagged, book.grain, marks and (marks.borderWidth, marks.bleed, marks.markLength, marks.markWidth),
                               book._pages_node, book._resources))

    def key(self, run: Run, first: int, parent: int | None) -> str:
        """Everything the run's segment is made from: its own inputs (``run.key``), where it
        starts, its parent element, the file's settings, and what its links say and go to."""
        places, labels, references = self.book.places, self.labels, self.references
        links = [(link.target, link.target[1:] in places, labels.get(link.target), link.target in references)
                 for record in run.recording.pages for link in record.links]
        return digest("segment", run.key, first, parent, self._settings, repr(links), b"\x00".join(run.overlays))

    def write(self, run: Run, first: int, parent: int | None) -> Segment:
        """The run's segment: numbers reserved for its pages and their annotations first, then its
        structure elements, pages and annotations, and its leaf of the ParentTree last."""
        w, records = ObjectWriter(first), run.recording.pages
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
        leaf, last_key = self._write_leaf(w, pages, annots, structure) if self.tagged and pages else (None, 0)
        ids = structure.ids if structure is not None else {}
        roles = frozenset(structure.roles) if structure is not None else frozenset()
        return Segment(w.pack(self.book.grain), pages, tops, leaf, last_key, ids, roles, opened)

    @staticmethod
    def _write_leaf(w: ObjectWriter, pages: list[int], annots: list[list[int]], structure) -> tuple[int, int]:
        """The run's leaf of the ParentTree: each page's marked content -> its elements, each link
        annotation -> the element holding it, keyed by their object numbers. Returns the leaf and
        its highest key."""
        nums, last_key = [], 0
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
        return w.add(b"<</Limits[%d %d]/Nums[" % (pages[0], last_key) + b" ".join(nums) + b"]>>"), last_key

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
