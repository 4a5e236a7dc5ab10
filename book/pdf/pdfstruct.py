"""Tagged PDF, part two: the structure tree, written as PDF objects by ``pdfwrite``.

From the tree the writers built (``pdftags.Node``, with the marked content and link annotations
``pdftags.Tagger`` recorded on each page), this writes what PDF/UA-1 asks of the document, a run
of pages at a time (each run's elements in its segment of the file, see ``pdfwrite.Assembler``):

* StructTreeRoot with the elements, a ParentTree, a RoleMap and an IDTree; Link elements tied to
  their annotations (OBJR), which get ``/StructParent`` and ``/Contents``; ``/Alt`` on figures,
  ``/ID`` on notes, attributes (a TH's scope); a note's reference wrapped in a Reference element;
* XMP metadata with the PDF/UA identification, from the document information (``xmp``).

``pdfwrite.Assembler.finish`` calls it and writes ``/StructParents`` and ``/Tabs /S`` on the
pages, MarkInfo, ``/Lang`` and ``DisplayDocTitle`` in the catalog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from book.core.textutil import xml_escape as escape
from book.pdf.pdfobjects import ObjectWriter, array, name, ref, text
from book.pdf.pdfnodes import MCR, ROLE_MAP, Annot, Node

KEEP_EMPTY = {"TR", "TH", "TD"}   # a table keeps its grid regular even where a cell is empty


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


def adopt_orphans(mcids: list[list[Node]], root: Node) -> list[Node]:
    """Elements with marked content (``mcids``: per page, the element of each MCID) that no
    container adopted (a writer's omission): they are put at the end of ``root`` so that no
    content is left out of the tree. Returns them."""
    orphans: list[Node] = []
    for page in mcids:
        for node in page:
            top = node
            while top.parent is not None:
                top = top.parent
            if top is not root and top not in orphans:
                orphans.append(top)
    root.add(*orphans)
    return orphans


def group_of(document: Node) -> Node:
    """A recording's Document as the elements of a run (``pdfwrite.Assembler.add_run``): a
    group, whose elements go straight into the file's tree. They are shared, not copied: the
    recording's own tree stays as it was (it may be cached)."""
    return section_of(document, role="")


def section_of(document: Node, role: str = "Sect") -> Node:
    """A recording's Document as one element (a Sect) of a larger file."""
    sect = Node(role)
    sect.kids, sect.drawn = list(document.kids), document.drawn
    return sect


class StructureWriter:
    """Writes one run's elements into ``w`` (its segment). ``pages``: the object numbers of its
    pages; ``annots``: per page, those of its link annotations; ``links``: the links
    themselves. ``link_labels``: target -> an annotation's description where the link's text
    says too little (a note number); links to a target in ``references`` are wrapped in a
    Reference element (note references)."""

    def __init__(self, w: ObjectWriter, pages: list[int], annots: list[list[int]], links: list[list], link_labels: dict[str, str],
                 references: frozenset[str]):
        self.w = w
        self.pages = pages
        self.annots = annots
        self.links = links
        self.labels = link_labels
        self.references = references
        self.parents: list[dict[int, int]] = [{} for _ in pages]     # per page: MCID -> element
        self.annotation_tags: dict[int, str] = {}                    # annotation -> its /Contents
        self.holders: dict[int, int] = {}                            # annotation -> its Link element
        self.ids: dict[str, int] = {}
        self.roles: set[str] = {"Document"}
        self._attribute_objects: dict[tuple, int] = {}

    def write_run(self, tree: Node, parent: int, opens: str = "") -> tuple[list[bytes], OpenElement | None]:
        """The run's elements (``tree``: a group, or one element) under ``parent``. Returns what
        goes in the parent's /K, and the element of role ``opens`` that later runs add to."""
        tops: list[bytes] = []
        opened = None
        loose = self._unclaimed(tree)
        for kid in _ungrouped(tree.kids if tree.role == "" else [tree]):
            kind = type(kid)
            if kind is Node:
                if not (kid.drawn or kid.role in KEEP_EMPTY):
                    continue
                if opens and opened is None and kid.role == opens:
                    opened = self.element(kid, parent, keep_open=True)
                    tops.append(b"%d 0 R" % opened.number)
                else:
                    tops.append(b"%d 0 R" % self.element(kid, parent))
            elif kind is MCR:            # content outside any element: the parent's
                self.parents[kid.page][kid.mcid] = parent
                tops.append(b"<</Type/MCR/Pg %d 0 R/MCID %d>>" % (self.pages[kid.page], kid.mcid))
            elif kind is Annot:
                tops.append(self.link(kid, None, parent))
        tops += [self.link(annot, None, parent) for annot in loose]
        return tops, opened

    def _unclaimed(self, tree: Node) -> list[Annot]:
        """Annotations made outside any element (none, in the writers here): tagged all the same,
        as links at the end of the run."""
        claimed, stack = set(), [tree]
        while stack:
            node = stack.pop()
            for kid in node.kids:
                if isinstance(kid, Node):
                    stack.append(kid)
                elif isinstance(kid, Annot):
                    claimed.add((kid.page, kid.index))
        return [Annot(page, index, link.target, "") for page, links in enumerate(self.links)
                for index, link in enumerate(links) if (page, index) not in claimed]

    # ------------------------------------------------------------ elements
    def element(self, node: Node, parent: int, keep_open: bool = False):
        """Writes ``node`` (under ``parent``); returns the object to put in the parent's /K (with
        ``keep_open``, the element unwritten, as an ``OpenElement``)."""
        # (the hot loop of writing a book's tree: a hundred thousand elements for a thousand
        # case studies, hence the plain code)
        w = self.w
        number = w.reserve()
        holder = number
        role = node.role
        if role == "Link" and any(type(k) is Annot and k.target in self.references for k in node.kids):
            holder = w.reserve()        # a note reference: the Link inside a Reference element
            self.roles.add("Reference")
        self.roles.add(role)
        kids: list[bytes] = []
        home = None      # the page of the element's first marked content: its /Pg
        parents, pages, element = self.parents, self.pages, self.element
        items = node.kids
        if any(type(k) is Node and k.role == "" for k in items):
            items = list(_ungrouped(items))
        for kid in items:
            kind = type(kid)
            if kind is MCR:
                page = kid.page
                parents[page][kid.mcid] = number
                if home is None:
                    home = page
                kids.append(b"%d" % kid.mcid if page == home else
                            b"<</Type/MCR/Pg %d 0 R/MCID %d>>" % (pages[page], kid.mcid))
            elif kind is Node:
                if kid.drawn or kid.role in KEEP_EMPTY:     # an element never drawn is left out
                    kids.append(b"%d 0 R" % element(kid, number))
            elif kind is Annot:
                kids.append(self.link(kid, node, number))
        head, tail = _element_head(role), self._tail(node, number)
        page = pages[home] if home is not None else None
        if keep_open:
            return OpenElement(number, head, parent, page, kids, tail)
        w.put(number, element_body(head, holder if holder != number else parent, page, kids, tail))
        if holder != number:
            w.put(holder, element_body(_element_head("Reference"), parent, page, [b"%d 0 R" % number], b""))
        return holder

    def _tail(self, node: Node, number: int) -> bytes:
        """An element's entries after /K: its /Alt, /T, /ID (noted for the IDTree) and /A."""
        tail = b""
        if node.alt:
            tail += b"/Alt" + text(node.alt)
        if getattr(node, "title", ""):
            tail += b"/T" + text(node.title)
        if node.id:
            tail += b"/ID" + text(node.id)
            self.ids[node.id] = number
        if node.attrs:
            tail += b"/A %d 0 R" % self._attributes(node.attrs)
        return tail

    def _attributes(self, attrs: dict) -> int:
        """An attribute dictionary; equal ones are one shared object (every TH has the same)."""
        key = tuple(sorted(attrs.items()))
        if key not in self._attribute_objects:
            entries = b"".join(name(k) + (name(v) if isinstance(v, str) else b" %d" % v) for k, v in key)
            self._attribute_objects[key] = self.w.add(b"<<" + entries + b">>")
        return self._attribute_objects[key]

    def link(self, annot: Annot, node: Node | None, element: int) -> bytes:
        """The annotation as an OBJR in a Link element (the element itself when it is a Link)."""
        obj = self.annots[annot.page][annot.index]
        page = ref(self.pages[annot.page])
        objr = b"<</Type/OBJR/Obj " + ref(obj) + b"/Pg " + page + b">>"
        if node is not None and node.role == "Link":
            holder, result = element, objr
        else:
            # the link's words are not marked apart (a link drawn on the canvas): a Link of its own
            self.roles.add("Link")
            holder = self.w.reserve()
            result = ref(holder)
            if annot.target in self.references:
                self.roles.add("Reference")
                reference = self.w.reserve()
                self.w.put(reference, b"<</Type/StructElem/S/Reference/P " + ref(element) + b"/Pg " + page
                           + b"/K[" + ref(holder) + b"]>>")
                result, container = ref(reference), reference
            else:
                container = element
            self.w.put(holder, b"<</Type/StructElem/S/Link/P " + ref(container) + b"/Pg " + page + b"/K[" + objr + b"]>>")
        label = self.labels.get(annot.target)
        if isinstance(label, tuple):        # ("page", printed page): an internal link
            label = f"Go to page {label[1]}: {annot.text}" if annot.text else f"Go to page {label[1]}"
        self.annotation_tags[obj] = label or _describe(annot)
        self.holders[obj] = holder
        return result


def write_tree(w: ObjectWriter, tree_root: int, document: int, tops: list[bytes], opened: list[tuple[OpenElement, list[bytes]]],
               segments: list) -> None:
    """The structure's own objects, after the segments (``pdfwrite.Segment``): the root, the
    document element (``tops``: its kids), the open elements with what later runs put in them,
    the ParentTree (one leaf per segment), the RoleMap and the IDTree."""
    for element, more in opened:
        w.put(element.number, element.body(more))
    body = _element_head("Document") + ref(tree_root)
    w.put(document, body + (b"/K[" + b" ".join(tops) + b"]" if tops else b"") + b">>")
    leaves = [s.leaf for s in segments if s.leaf is not None]
    parent_tree = w.add(b"<</Kids" + array(ref(n) for n in leaves) + b">>")
    next_key = max((s.last_key for s in segments if s.leaf is not None), default=0) + 1
    body = (b"<</Type/StructTreeRoot/K " + ref(document) + b"/ParentTree " + ref(parent_tree)
            + b"/ParentTreeNextKey %d" % next_key)
    roles = set().union(*(s.roles for s in segments))
    mapped = {r: ROLE_MAP[r] for r in sorted(roles) if r in ROLE_MAP}
    if mapped:
        body += b"/RoleMap<<" + b"".join(name(k) + name(v) for k, v in mapped.items()) + b">>"
    ids = {key: number for s in segments for key, number in s.ids.items()}
    if ids:
        body += b"/IDTree<</Names[" + b" ".join(text(key) + b" " + ref(ids[key]) for key in sorted(ids)) + b"]>>"
    w.put(tree_root, body + b">>")


@lru_cache(maxsize=None)
def _element_head(role: str) -> bytes:
    return b"<</Type/StructElem/S" + name(role) + b"/P "


def _ungrouped(kids: list):
    """``kids``, with what groups (role "") hold in their place."""
    for kid in kids:
        if isinstance(kid, Node) and kid.role == "":
            yield from _ungrouped(kid.kids)
        else:
            yield kid


def _describe(annot: Annot) -> str:
    """An annotation's /Contents: the link's words, and where an external link goes."""
    words, target = annot.text, annot.target
    if not target or target.startswith("#"):
        return words or "Link"
    return f"{words} ({target})" if words and words != target else target


# ---------------------------------------------------------------- document-level metadata
def xmp(info: dict[str, str], lang: str) -> str:
    """XMP metadata from the document information (keys as in the Info dictionary, '/Title')."""
    def value(key: str) -> str:
        return escape(str(info.get(key, "")))

    keywords = [k.strip() for k in str(info.get("/Keywords", "")).split(",") if k.strip()]
    fields = [
        "<dc:format>application/pdf</dc:format>",
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{value("/Title")}</rdf:li></rdf:Alt></dc:title>',
    ]
    if info.get("/Author"):
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{value('/Author')}</rdf:li></rdf:Seq></dc:creator>")
    if info.get("/Subject"):
        fields.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{value("/Subject")}</rdf:li></rdf:Alt></dc:description>')
    if keywords:
        fields.append("<dc:subject><rdf:Bag>" + "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in keywords) + "</rdf:Bag></dc:subject>")
        fields.append(f"<pdf:Keywords>{value('/Keywords')}</pdf:Keywords>")
    if lang:
        fields.append(f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>")
    if info.get("/Producer"):
        fields.append(f"<pdf:Producer>{value('/Producer')}</pdf:Producer>")
    if info.get("/Creator"):
        fields.append(f"<xmp:CreatorTool>{value('/Creator')}</xmp:CreatorTool>")
    for key, tag in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        stamp = _iso_date(str(info.get(key, "")))
        if stamp:
            fields.append(f"<{tag}>{stamp}</{tag}>")
    fields.append("<pdfuaid:part>1</pdfuaid:part>")
    body = "\n    ".join(fields)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
   <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
      xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
      xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
    {body}
   </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:([+-])(\d{2})'?(\d{2}))?")


def _iso_date(value: str) -> str:
    """'D:20251130000000+00'00'' -> '2025-11-30T00:00:00+00:00'."""
    m = _PDF_DATE.match(value)
    if not m:
        return ""
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    zone = f"{sign}{tzh}:{tzm}" if sign else "Z"
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s)).strftime("%Y-%m-%dT%H:%M:%S") + zone
