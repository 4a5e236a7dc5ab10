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
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics

from .pdfpage import Link, PageRecord, Recording, merge_fonts

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
class ObjectWriter:
    """Numbered objects; streams stay at the top level, everything else goes in object streams."""

    def __init__(self) -> None:
        self._bodies: list[bytes | None] = [None]
        self._streams: dict[int, bytes] = {}

    def reserve(self) -> int:
        self._bodies.append(None)
        return len(self._bodies) - 1

    def put(self, number: int, body: bytes) -> int:
        self._bodies[number] = body
        return number

    def add(self, body: bytes) -> int:
        return self.put(self.reserve(), body)

    def put_stream(self, number: int, entries: bytes, data: bytes) -> int:
        """A stream: ``entries`` are its dictionary's entries without /Length."""
        self._bodies[number] = b"<<" + entries + b"/Length %d>>" % len(data)
        self._streams[number] = data
        return number

    def add_stream(self, entries: bytes, data: bytes) -> int:
        return self.put_stream(self.reserve(), entries, data)

    def add_flate(self, entries: bytes, data: bytes) -> int:
        return self.add_stream(entries + b"/Filter/FlateDecode", zlib.compress(data))

    def serialize(self, root: int, info: int) -> bytes:
        missing = [n for n, body in enumerate(self._bodies) if n and body is None]
        if missing:
            raise ValueError(f"PDF objects reserved but never written: {missing[:5]}")
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        entries: dict[int, tuple[int, int, int]] = {}
        for number in sorted(self._streams):
            entries[number] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, self._bodies[number], self._streams[number]))
        plain = [n for n in range(1, len(self._bodies)) if n not in self._streams]
        next_number = len(self._bodies)
        for start in range(0, len(plain), OBJECTS_PER_STREAM):
            group = plain[start:start + OBJECTS_PER_STREAM]
            offsets, bodies, at = [], [], 0
            for index, number in enumerate(group):
                offsets.append(b"%d %d" % (number, at))
                bodies.append(self._bodies[number])
                at += len(self._bodies[number]) + 1
                entries[number] = (2, next_number, index)
            head = b" ".join(offsets) + b"\n"
            data = zlib.compress(head + b"\n".join(bodies) + b"\n")
            entries[next_number] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n%s\nendstream\nendobj\n"
                      % (next_number, len(group), len(head), len(data), data))
            next_number += 1
        xref_number = next_number
        entries[xref_number] = (1, out.tell(), 0)
        size = xref_number + 1
        rows = [struct.pack(">BIH", 0, 0, 65535)]
        rows += [struct.pack(">BIH", *entries[n]) for n in range(1, size)]
        data = zlib.compress(b"".join(rows))
        file_id = hashlib.sha256(out.getvalue()).hexdigest()[:32].encode("ascii")
        out.write(b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root %s/Info %s/ID[<%s><%s>]/Filter/FlateDecode/Length %d>>\n"
                  b"stream\n%s\nendstream\nendobj\n" % (xref_number, size, ref(root), ref(info), file_id, file_id, len(data), data))
        out.write(b"startxref\n%d\n%%%%EOF\n" % entries[xref_number][1])
        return out.getvalue()


# ------------------------------------------------------------------ images
_ENCODED: dict[str, tuple] = {}


def encode_image(path: str) -> tuple[bytes, bytes, tuple[bytes, bytes] | None]:
    """(dictionary entries, data, soft mask) of an image XObject. JPEGs are embedded as they are;
    other images as Flate-compressed samples, their transparency as a soft mask."""
    if path in _ENCODED:
        return _ENCODED[path]
    from PIL import Image

    with open(path, "rb") as f:
        raw = f.read()
    with Image.open(io.BytesIO(raw)) as img:
        img.load()
        size = b"/Width %d/Height %d/BitsPerComponent 8" % img.size
        if img.format == "JPEG" and img.mode in ("L", "RGB", "CMYK"):
            space = {"L": b"/DeviceGray", "RGB": b"/DeviceRGB", "CMYK": b"/DeviceCMYK"}[img.mode]
            decode = b"/Decode[1 0 1 0 1 0 1 0]" if img.mode == "CMYK" and "adobe" in img.info else b""
            result = (b"/Type/XObject/Subtype/Image" + size + b"/ColorSpace" + space + decode + b"/Filter/DCTDecode", raw, None)
        else:
            if img.mode == "P" and "transparency" in img.info:
                img = img.convert("RGBA")
            alpha = img.getchannel("A") if img.mode in ("RGBA", "LA", "PA") else None
            colour = img.convert("L" if img.mode in ("1", "L", "LA", "I", "F", "I;16") else "RGB")
            space = b"/DeviceGray" if colour.mode == "L" else b"/DeviceRGB"
            mask = None
            if alpha is not None and alpha.getextrema() != (255, 255):
                mask = (b"/Type/XObject/Subtype/Image" + size + b"/ColorSpace/DeviceGray/Filter/FlateDecode",
                        zlib.compress(alpha.tobytes()))
            result = (b"/Type/XObject/Subtype/Image" + size + b"/ColorSpace" + space + b"/Filter/FlateDecode",
                      zlib.compress(colour.tobytes()), mask)
    _ENCODED[path] = result
    return result


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
class _Page:
    record: PageRecord
    overlay: bytes                     # decoration drawn over the page's content (an artifact)
    number: int                        # its object number
    annots: list[int] = field(default_factory=list)


class Assembler:
    """Collects pages (and what they use), then writes the file with ``finish``."""

    def __init__(self, metadata: Metadata, print_marks=None, glyphs: dict[str, frozenset] | None = None):
        """``glyphs``: font -> characters its subsets hold whether drawn or not, so that the files
        of a series (the one-pagers) embed the same fonts, made and compressed once."""
        self.meta = metadata
        self.glyphs = glyphs or {}
        self.marks = print_marks
        self.w = ObjectWriter()
        self.pages: list[_Page] = []
        self.fonts: dict[str, set] = {}
        self.images: dict[str, str] = {}
        self.forms: dict[str, tuple[bytes, tuple]] = {}
        self.places: dict[str, tuple[int, float, float]] = {}
        self.outline: list[OutlineEntry] = []
        self.labels: list[tuple[int, str, int]] = []     # (first page, 'r' or 'D', number of that page)
        self._pages_node = self.w.reserve()
        self._resources = self.w.reserve()

    # ------------------------------------------------------------ input
    def add_recording(self, recording: Recording, overlays: list[bytes] | None = None) -> int:
        """Append a recording's pages (each with its overlay); returns the index of its first page."""
        first = len(self.pages)
        merge_fonts(self.fonts, recording.fonts)
        self.images.update(recording.images)
        for n, record in enumerate(recording.pages):
            self.add_page(record, overlays[n] if overlays else b"")
        return first

    def add_page(self, record: PageRecord, overlay: bytes = b"") -> int:
        index = len(self.pages)
        self.pages.append(_Page(record, overlay, self.w.reserve(), [self.w.reserve() for _ in record.links]))
        for place in record.places:
            self.places.setdefault(place.name, (index, place.left, place.top))
        return index

    def use_fonts(self, fonts: dict) -> None:
        """Characters drawn other than in the recordings (overlays): their glyphs are embedded too."""
        merge_fonts(self.fonts, fonts)

    def add_form(self, form_name: str, ops: bytes, bbox: tuple, fonts: dict) -> None:
        """A form XObject (a deferred page number): drawn where a page says ``/form_name Do``."""
        self.forms[form_name] = (ops, bbox)
        merge_fonts(self.fonts, fonts)

    # ------------------------------------------------------------ output
    def finish(self, structure=None, link_labels=None, references=frozenset(), page_mode: str = "") -> bytes:
        """The PDF. ``structure``: the tagged PDF's tree (``pdftags.Node``), see ``pdfstruct``."""
        from .pdfstruct import StructureWriter, xmp

        w = self.w
        page_refs = [p.number for p in self.pages]
        tree = None
        annot_tags: dict[int, tuple[int, str]] = {}
        if structure is not None:
            writer = StructureWriter(w, page_refs, [p.annots for p in self.pages], [p.record.links for p in self.pages],
                                     link_labels or {}, references)
            tree = writer.write(structure)
            annot_tags = writer.annotation_tags
        self._write_resources()
        for index, page in enumerate(self.pages):
            self._write_page(index, page, tagged=tree is not None)
            for number, link in zip(page.annots, page.record.links):
                self._write_annotation(number, link, index, annot_tags.get(number))
        w.put(self._pages_node, b"<</Type/Pages/Kids" + array(ref(n) for n in page_refs) + b"/Count %d>>" % len(page_refs))
        info = self._write_info()
        catalog = b"<</Type/Catalog/Pages " + ref(self._pages_node)
        outline = self._write_outline()
        if outline:
            catalog += b"/Outlines " + ref(outline)
        if page_mode or outline:
            catalog += b"/PageMode" + name(page_mode or "UseOutlines")
        if self.labels:
            nums = b" ".join(b"%d<</S/%s/St %d>>" % (page, style.encode(), start) for page, style, start in self.labels)
            catalog += b"/PageLabels<</Nums[" + nums + b"]>>"
        dests = self._write_destinations()
        if dests:
            catalog += b"/Names<</Dests " + ref(dests) + b">>"
        if tree is not None:
            catalog += b"/StructTreeRoot " + ref(tree) + b"/MarkInfo<</Marked true>>"
        if self.meta.lang:
            catalog += b"/Lang" + text(self.meta.lang)
        metadata = xmp(self._info_fields(), self.meta.lang).encode("utf-8")
        catalog += b"/ViewerPreferences<</DisplayDocTitle true>>/Metadata " + ref(
            w.add_stream(b"/Type/Metadata/Subtype/XML", metadata)) + b">>"
        return w.serialize(w.add(catalog), info)

    def _info_fields(self) -> dict[str, str]:
        m, stamp = self.meta, pdf_date(self.meta.created)
        fields = {"/Title": m.title, "/Author": m.author, "/Subject": m.subject, "/Keywords": ", ".join(m.keywords),
                  "/Creator": m.creator, "/Producer": "ohwb-book with ReportLab", "/CreationDate": stamp, "/ModDate": stamp}
        return {key: value for key, value in fields.items() if value}

    def _write_info(self) -> int:
        return self.w.add(b"<<" + b"".join(name(k[1:]) + text(v) for k, v in self._info_fields().items()) + b">>")

    def _write_resources(self) -> None:
        w = self.w
        fonts = []
        for font_name in sorted(self.fonts):
            font = pdfmetrics.getFont(font_name)
            for subset, sub in font.subset_fonts(self.fonts[font_name] | self.glyphs.get(font_name, frozenset())):
                fonts.append(name(f"{font.internal}+{subset}") + b" " + ref(self._font_objects(sub)))
        xobjects = []
        for image_name in sorted(self.images):
            xobjects.append(name(image_name) + b" " + ref(self._image_object(self.images[image_name])))
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

    def _font_objects(self, sub) -> int:
        w = self.w
        entries = _FONT_ENTRIES.get(sub)
        if entries is None:
            if len(_FONT_ENTRIES) > 200:
                _FONT_ENTRIES.clear()
            entries = _FONT_ENTRIES[sub] = _font_entries(sub)
        descriptor_entries, font_entries = entries
        program = w.add_stream(b"/Length1 %d/Filter/FlateDecode" % len(sub.program), _deflated(sub.program))
        descriptor = w.add(descriptor_entries + b"/FontFile2 " + ref(program) + b">>")
        cmap = w.add_stream(b"/Filter/FlateDecode", _deflated(sub.to_unicode))
        return w.add(font_entries + b"/FontDescriptor " + ref(descriptor) + b"/ToUnicode " + ref(cmap) + b">>")

    def _image_object(self, path: str) -> int:
        entries, data, mask = encode_image(path)
        if mask is not None:
            entries += b"/SMask " + ref(self.w.add_stream(*mask))
        return self.w.add_stream(entries, data)

    def _write_page(self, index: int, page: _Page, tagged: bool) -> None:
        w, record, marks = self.w, page.record, self.marks
        width, height = record.width, record.height
        contents = [w.add_stream(b"/Filter/FlateDecode", record.content)]
        if page.overlay:
            contents.append(w.add_flate(b"", b"/Artifact BMC\n" + page.overlay + b"\nEMC\n" if tagged else page.overlay))
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
        body = (b"<</Type/Page/Parent " + ref(self._pages_node) + b"/MediaBox" + array([b"0", b"0", num(width), num(height)])
                + boxes + b"/Resources " + ref(self._resources)
                + b"/Contents" + (b" " + ref(contents[0]) if len(contents) == 1 else array(ref(n) for n in contents)))
        if page.annots:
            body += b"/Annots" + array(ref(n) for n in page.annots)
        if tagged:
            body += b"/StructParents %d/Tabs/S" % index
        w.put(page.number, body + b">>")

    def _shift(self) -> float:
        return self.marks.borderWidth if self.marks is not None else 0.0

    def _write_annotation(self, number: int, link: Link, page: int, tag: tuple[int, str] | None) -> None:
        shift = self._shift()
        rect = array(num(v + shift) for v in link.rect)
        body = b"<</Type/Annot/Subtype/Link/Rect" + rect + b"/Border[0 0 0]/F 4"
        if link.target.startswith("#"):
            dest = self._destination(link.target[1:])
            if dest:
                body += b"/Dest" + dest
        else:
            body += b"/A<</S/URI/URI" + text(link.target) + b">>"
        if tag is not None:
            key, contents = tag
            body += b"/StructParent %d/Contents" % key + text(contents)
        self.w.put(number, body + b">>")

    def _destination(self, place: str) -> bytes | None:
        found = self.places.get(place)
        if found is None:
            return None
        page, left, top = found
        shift = self._shift()
        return b"[" + ref(self.pages[page].number) + b"/XYZ " + num(left + shift) + b" " + num(top + shift) + b" 0]"

    def _write_destinations(self) -> int | None:
        """Every named place, for links from outside the file (``compendium.pdf#nameddest=...``)."""
        if not self.places:
            return None
        names = b" ".join(text(key) + self._destination(key) for key in sorted(self.places, key=lambda k: k.encode("utf-8")))
        return self.w.add(b"<</Names[" + names + b"]>>")

    def _write_outline(self) -> int | None:
        entries = [e for e in self.outline if e.place in self.places]
        if not entries:
            return None
        w = self.w
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


_FONT_ENTRIES: dict = {}
_DEFLATED: dict[bytes, bytes] = {}


def _deflated(data: bytes) -> bytes:
    """Font programs and their maps, compressed once per process (files of a series share them),
    and quickly: a one-pager's fonts are most of what compressing it costs, and the best level
    saves 4 % of their size for twice the time."""
    found = _DEFLATED.get(data)
    if found is None:
        if len(_DEFLATED) > 500:
            _DEFLATED.clear()
        found = _DEFLATED[data] = zlib.compress(data, 1)
    return found


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
