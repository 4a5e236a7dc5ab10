"""Tagged PDF, part two: the structure tree written into ReportLab's output with pikepdf.

From what ``pdftags.Tagger`` recorded while the pages were drawn (the element of every MCID on
every page, the element and target of every link annotation) and the tree the writer built
(``pdftags.Node``), this adds what PDF/UA-1 asks of the document:

* StructTreeRoot with the elements, a ParentTree, a RoleMap and an IDTree; ``/StructParents``
  and ``/Tabs /S`` on the pages; Link elements tied to their annotations (OBJR) and ``/Contents``
  on every annotation; ``/Alt`` on figures, ``/ID`` on notes, attributes (a TH's scope);
* MarkInfo, ViewerPreferences ``DisplayDocTitle``, ``/Lang`` and XMP metadata with the PDF/UA
  identification, built from the document information ReportLab wrote (so the dates are the
  build time, never the clock: equal inputs give equal bytes);
* ToUnicode maps without entries for U+0000 (ReportLab fills unused codes of a subset with it).

``merge_structure`` and ``mark_document`` do the same for a PDF that combines tagged PDFs page by
page (the one-pagers).
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .pdftags import MCR, ROLE_MAP, Annot, Node, Tagger

KEEP_EMPTY = {"TR", "TH", "TD"}   # a table keeps its grid regular even where a cell is empty


def write_structure(pdf_bytes: bytes, tagger: Tagger, root: Node, *, lang: str = "",
                    link_labels: dict[str, str] | None = None, references: frozenset[str] = frozenset()) -> bytes:
    """The tagged PDF. ``link_labels``: target ('#name' or URL) -> the annotation's description,
    where the link's own text says too little (a note number); links to a target in ``references``
    are wrapped in a Reference element (note references)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    _fix_to_unicode(pdf)
    tree = _TreeWriter(pdf, tagger, link_labels or {}, references)
    tree.write(root)
    mark_document(pdf, lang)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, min_version="1.7",
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def adopt_orphans(tagger: Tagger, root: Node) -> list[Node]:
    """Elements with marked content that no container adopted (a writer's omission): they are put
    at the end of ``root`` so that no content is left out of the tree. Returns them."""
    orphans: list[Node] = []
    for page in tagger.mcids:
        for node in page:
            top = node
            while top.parent is not None:
                top = top.parent
            if top is not root and top not in orphans:
                orphans.append(top)
    root.add(*orphans)
    return orphans


class _TreeWriter:
    def __init__(self, pdf, tagger: Tagger, link_labels: dict[str, str], references: frozenset[str]):
        self.pdf = pdf
        self.tagger = tagger
        self.pages = [page.obj for page in pdf.pages]
        self.labels = link_labels
        self.references = references
        self.parents: list[list] = [[None] * len(m) for m in tagger.mcids[: len(self.pages)]]
        self.annot_parents: list = []     # ParentTree entries after the pages': one per annotation
        self.ids: dict[str, object] = {}
        self.roles: set[str] = set()
        self._attribute_objects: dict[tuple, object] = {}

    def write(self, root: Node) -> None:
        adopt_orphans(self.tagger, root)
        tree_root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = self.element(root, tree_root)
        self._loose_annotations(document)
        nums: list = []       # (pikepdf arrays are built whole: appending to one is slow)
        for n, refs in enumerate(self.parents):
            self.pages[n].StructParents = n
            nums += [n, Array(refs)]
        for n, ref in enumerate(self.annot_parents):
            nums += [len(self.parents) + n, ref]
        for page in self.pages:
            page.Tabs = Name.S
        tree_root.K = document
        tree_root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))
        tree_root.ParentTreeNextKey = len(self.parents) + len(self.annot_parents)
        mapped = {r: ROLE_MAP[r] for r in sorted(self.roles) if r in ROLE_MAP}
        if mapped:
            tree_root.RoleMap = Dictionary({"/" + k: Name("/" + v) for k, v in mapped.items()})
        if self.ids:
            names: list = []
            for key in sorted(self.ids):
                names += [String(key), self.ids[key]]
            tree_root.IDTree = Dictionary(Names=Array(names))
        self.pdf.Root.StructTreeRoot = tree_root

    # ------------------------------------------------------------ elements
    def element(self, node: Node, parent) -> object:
        elem = Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent)
        ref = self.pdf.make_indirect(elem)
        self.roles.add(node.role)
        kids: list = []
        home = None      # the page of the element's first marked content: its /Pg
        for kid in node.kids:
            if isinstance(kid, Node):
                if kid.drawn or kid.role in KEEP_EMPTY:     # an element never drawn is left out
                    kids.append(self.element(kid, ref))
            elif isinstance(kid, MCR):
                self.parents[kid.page][kid.mcid] = ref
                if home is None:
                    home = kid.page
                    elem.Pg = self.pages[home]
                kids.append(kid.mcid if kid.page == home else
                            Dictionary(Type=Name.MCR, Pg=self.pages[kid.page], MCID=kid.mcid))
            elif isinstance(kid, Annot):
                kids.append(self.link(kid, node, ref))
        if kids:
            elem.K = Array(kids)
        if node.alt:
            elem.Alt = String(node.alt)
        if node.id:
            elem.ID = String(node.id)
            self.ids[node.id] = ref
        if node.attrs:
            elem.A = self._attributes(node.attrs)
        if node.role == "Link" and any(isinstance(k, Annot) and k.target in self.references for k in node.kids):
            return self._reference(ref, parent)
        return ref

    def _reference(self, link, parent):
        """A note reference: the Link inside a Reference element."""
        self.roles.add("Reference")
        reference = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Reference, P=parent, K=Array([link])))
        if "/Pg" in link:
            reference.Pg = link.Pg
        link.P = reference
        return reference

    def _attributes(self, attrs: dict):
        """An attribute dictionary; equal ones are one shared object (every TH has the same)."""
        key = tuple(sorted(attrs.items()))
        if key not in self._attribute_objects:
            self._attribute_objects[key] = self.pdf.make_indirect(
                Dictionary({"/" + k: (Name("/" + v) if isinstance(v, str) else v) for k, v in key}))
        return self._attribute_objects[key]

    def link(self, annot: Annot, node: Node, parent) -> object:
        """The annotation as an OBJR in a Link element (the element itself when it is a Link)."""
        page = self.pages[annot.page]
        obj = page.Annots[annot.index]
        obj.Contents = String(self.labels.get(annot.target) or _describe(annot))
        obj.F = int(obj.get("/F", 0)) | 4      # Print: screen and print readers get the same links
        objr = Dictionary(Type=Name.OBJR, Obj=obj, Pg=page)
        if node.role == "Link":
            holder = parent
            result = objr
        else:
            # the link's words are not marked apart (a link drawn on the canvas): a Link of its own
            holder = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=parent, Pg=page, K=Array([objr])))
            self.roles.add("Link")
            result = self._reference(holder, parent) if annot.target in self.references else holder
        obj.StructParent = len(self.parents) + len(self.annot_parents)
        self.annot_parents.append(holder)
        return result

    def _loose_annotations(self, document) -> None:
        """Annotations made outside any element (none, in the writers here): tagged all the same,
        as links at the end of the document."""
        claimed = {(a.page, a.index) for page in self.tagger.annots for a, _ in page}
        for n, page in enumerate(self.pages):
            for index, _ in enumerate(page.get("/Annots", ())):
                if (n, index) not in claimed:
                    kids = document.get("/K", Array())
                    document.K = Array([*kids, self.link(Annot(n, index, "", ""), Node("Document"), document)])


def _describe(annot: Annot) -> str:
    """An annotation's /Contents: the link's words, and where an external link goes."""
    text, target = annot.text, annot.target
    if not target or target.startswith("#"):
        return text or "Link"
    return f"{text} ({target})" if text and text != target else target


def merge_structure(combined, sources) -> None:
    """Join the structure trees of tagged PDFs whose pages were appended to ``combined`` in order
    (``combined.pages.extend(source.pages)``): one Document with a Sect per source, the parent
    tree keys renumbered. Then set the document information and call ``mark_document``."""
    tree_root = combined.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = combined.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=tree_root))
    kids, nums, names, role_map = [], [], {}, {}
    first_page = next_key = 0
    for source in sources:
        pages = combined.pages[first_page:first_page + len(source.pages)]
        first_page += len(source.pages)
        if "/StructTreeRoot" not in source.Root:
            continue
        tree = combined.copy_foreign(source.Root.StructTreeRoot)   # its /Pg: the pages copied already
        for page in pages:
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + next_key
            for annot in page.get("/Annots", ()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + next_key
        pairs = list(tree.ParentTree.Nums)
        for n in range(0, len(pairs), 2):
            nums += [int(pairs[n]) + next_key, pairs[n + 1]]
        next_key += int(tree.ParentTreeNextKey)
        for elem in tree.K if isinstance(tree.K, Array) else [tree.K]:
            elem.S, elem.P = Name.Sect, document
            kids.append(elem)
        names_array = list(tree.get("/IDTree", {}).get("/Names", ()))
        for n in range(0, len(names_array), 2):
            names.setdefault(str(names_array[n]), names_array[n + 1])
        role_map.update({str(k): v for k, v in tree.get("/RoleMap", {}).items()})
    document.K = Array(kids)
    tree_root.K = document
    tree_root.ParentTree = combined.make_indirect(Dictionary(Nums=Array(nums)))
    tree_root.ParentTreeNextKey = next_key
    if role_map:
        tree_root.RoleMap = Dictionary(role_map)
    if names:
        tree_root.IDTree = Dictionary(Names=Array([x for key in sorted(names) for x in (String(key), names[key])]))
    combined.Root.StructTreeRoot = tree_root


# ---------------------------------------------------------------- document-level entries
def mark_document(pdf, lang: str = "") -> None:
    """The catalog entries of a tagged PDF, and XMP metadata from its document information (set
    that first). ``write_structure`` calls it; call it again on a PDF that combines tagged ones."""
    root = pdf.Root
    root.MarkInfo = Dictionary(Marked=True)
    prefs = root.get("/ViewerPreferences", Dictionary())
    prefs.DisplayDocTitle = True
    root.ViewerPreferences = prefs
    lang = lang or str(root.get("/Lang", ""))
    if lang:
        root.Lang = String(lang)
    metadata = pikepdf.Stream(pdf, _xmp(pdf.docinfo, lang).encode("utf-8"))
    metadata.Type, metadata.Subtype = Name.Metadata, Name.XML
    root.Metadata = pdf.make_indirect(metadata)


def _xmp(info, lang: str) -> str:
    def text(key: str) -> str:
        return escape(str(info.get(key, "")))

    keywords = [k.strip() for k in str(info.get("/Keywords", "")).split(",") if k.strip()]
    fields = [
        "<dc:format>application/pdf</dc:format>",
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text("/Title")}</rdf:li></rdf:Alt></dc:title>',
    ]
    if info.get("/Author"):
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{text('/Author')}</rdf:li></rdf:Seq></dc:creator>")
    if info.get("/Subject"):
        fields.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text("/Subject")}</rdf:li></rdf:Alt></dc:description>')
    if keywords:
        fields.append("<dc:subject><rdf:Bag>" + "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in keywords) + "</rdf:Bag></dc:subject>")
        fields.append(f"<pdf:Keywords>{text('/Keywords')}</pdf:Keywords>")
    if lang:
        fields.append(f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>")
    if info.get("/Producer"):
        fields.append(f"<pdf:Producer>{text('/Producer')}</pdf:Producer>")
    if info.get("/Creator"):
        fields.append(f"<xmp:CreatorTool>{text('/Creator')}</xmp:CreatorTool>")
    for key, name in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        stamp = _iso_date(str(info.get(key, "")))
        if stamp:
            fields.append(f"<{name}>{stamp}</{name}>")
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


# ---------------------------------------------------------------- fonts
_NULL_MAPPING = re.compile(rb"^<[0-9A-Fa-f]+> <(?:0000|FEFF|FFFE)>\r?\n", re.MULTILINE)
_BFCHAR = re.compile(rb"(\d+) beginbfchar\r?\n(.*?)endbfchar", re.DOTALL)


def _fix_to_unicode(pdf) -> None:
    """ReportLab maps the unused codes of a font subset to U+0000; PDF/UA forbids that value.
    The codes are never drawn, so their entries are simply left out."""
    seen = set()
    for page in pdf.pages:
        for font in page.resources.get("/Font", {}).values():
            cmap = font.get("/ToUnicode")
            if cmap is None or cmap.objgen in seen:
                continue
            seen.add(cmap.objgen)
            data = cmap.read_bytes()
            fixed = _BFCHAR.sub(_drop_null_entries, data)
            if fixed != data:
                cmap.write(fixed)


def _drop_null_entries(m) -> bytes:
    entries = _NULL_MAPPING.sub(b"", m.group(2))
    count = len(re.findall(rb"^<", entries, re.MULTILINE))
    return b"%d beginbfchar\n" % count + entries + b"endbfchar"
