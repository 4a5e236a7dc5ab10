"""The EPUB 3: the XHTML writer's documents, page-break markers from the print edition, the
navigation document, an NCX, accessibility metadata, and packaging.

ebooklib only packages (container, OPF manifest and spine). Everything ebooklib would generate
itself is written here instead, because its versions are wrong for this book: it re-parses
content documents with an HTML parser (which turns the empty page-break ``<span/>`` into an
open tag), builds its page list from *any* element with an ``epub:type`` and an id, and writes
an NCX without depth. Its zip is then re-packed deterministically (fixed entry order, times from
the build time, fixed permissions), so equal inputs give byte-identical books.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ebooklib import epub
from lxml import etree
from PIL import Image as PILImage

from .. import ast
from ..model import PageMap
from . import html
from .cover import cover_png

XHTML = "application/xhtml+xml"
MIMES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}
A11Y_CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass
class Toc:
    label: str
    href: str
    children: list["Toc"] = field(default_factory=list)


@dataclass
class Doc:
    key: str            # the id the PDF's page map knows it by (chapter id, part id, 'cover'...)
    name: str           # file name inside the EPUB
    title: str
    xhtml: str


# ------------------------------------------------------------------ images
class ImageStore:
    """Images named by content hash under images/: the same picture twice is stored once."""

    def __init__(self, known: dict):
        self.known = known                      # Publication.images: path -> ImageInfo
        self.files: dict[str, tuple[bytes, str]] = {}
        self._names: dict[str, str] = {}

    def href(self, src: str) -> str | None:
        if src not in self._names:
            try:
                data = Path(src).read_bytes()
                mime, ext = _image_type(data)
            except (OSError, ValueError):
                return None
            name = f"images/{hashlib.sha256(data).hexdigest()[:24]}.{ext}"
            self.files[name] = (data, mime)
            self._names[src] = name
        return self._names[src]


def _image_type(data: bytes) -> tuple[str, str]:
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            fmt = img.format
    except OSError as exc:
        raise ValueError("not an image") from exc
    if fmt not in MIMES:
        raise ValueError(f"{fmt} is not an EPUB core image type")
    return MIMES[fmt]


# ------------------------------------------------------------------ the documents, in reading order
def build_documents(loaded, images: ImageStore, page_map: PageMap) -> tuple[list[Doc], list[Toc]]:
    pub, lang = loaded.publication, loaded.publication.edition.language
    cuts: dict[str, list[int]] = {}
    for block_id, words in sorted(page_map.page_continuation.values()):
        cuts.setdefault(block_id, []).append(words)
    href_of = lambda key: f"{key}.xhtml"  # noqa: E731 - chapter and part ids are file-name safe
    docs = [
        Doc("cover", "cover.xhtml", "Cover", html.cover_document(pub.edition, "images/cover." + _cover_ext(loaded), lang)),
        Doc("title-page", "title-page.xhtml", "Title page", html.title_page(pub.edition, lang)),
        Doc("contents", "nav.xhtml", "Contents", ""),   # written last, when the page list is known
    ]
    toc = []
    for chapter in pub.front:
        docs.append(Doc(chapter.id, href_of(chapter.id), chapter.title, html.chapter_document(chapter, lang, images.href, cuts)))
        toc.append(Toc(chapter.title, href_of(chapter.id), _heading_tree(chapter, href_of(chapter.id))))
    for part in pub.parts:
        docs.append(Doc(part.id, href_of(part.id), part.title, html.part_document(part, lang, href_of)))
        entry = Toc(f"Part {part.number}: {part.title}", href_of(part.id))
        for chapter in part.chapters:
            docs.append(Doc(chapter.id, href_of(chapter.id), chapter.title, html.chapter_document(chapter, lang, images.href, cuts)))
            entry.children.append(Toc(chapter.title, href_of(chapter.id), _heading_tree(chapter, href_of(chapter.id))))
        toc.append(entry)
    for key, title, entries in (("index-organisations", "Index of organisations", pub.organisation_index),
                                ("index-themes", "Index of themes", pub.theme_index)):
        if entries:
            docs.append(Doc(key, href_of(key), title, html.index_document(key, title, entries, href_of, lang)))
            toc.append(Toc(title, href_of(key)))
    return docs, toc


def _heading_tree(chapter, href: str) -> list[Toc]:
    """The chapter's headings nested by level (a deeper heading hangs under the one before)."""
    root: list[Toc] = []
    stack: list[tuple[int, list[Toc]]] = [(1, root)]
    for level, hid, label in html.headings(chapter):
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        node = Toc(label or "Section", f"{href}#{hid}")
        stack[-1][1].append(node)
        stack.append((level, node.children))
    return root


def _cover_ext(loaded) -> str:
    cover = loaded.publication.edition.cover_image
    return _image_type(cover.path.read_bytes())[1] if cover else "png"


def cover_bytes(loaded) -> tuple[bytes, str]:
    cover = loaded.publication.edition.cover_image
    if cover is not None:
        data = cover.path.read_bytes()
        return data, _image_type(data)[0]
    return cover_png(loaded.publication.edition, loaded.style), "image/png"


# ------------------------------------------------------------------ page-break markers
@dataclass
class PageMark:
    label: str
    id: str
    doc: str = ""


def place_page_breaks(docs: list[Doc], page_map: PageMap) -> list[PageMark]:
    """Turn the writer's place holders into page-break markers, one per page of the PDF, in order.

    A page goes, in order of preference: at the start of the document that begins on it; before
    the block the PDF says begins it; inside the paragraph it begins in the middle of, after the
    words printed on earlier pages; else (a page that only continues some other block, or a
    blank page) just before the next place whose page is later, or at the end of the document
    before it when that place opens a new document. Markers never go backwards."""
    events = [(d, m.group(1), m.group(2)) for d, doc in enumerate(docs) for m in html.HOLD.finditer(doc.xhtml)]
    page_of = [_event_page(kind, key, page_map) for _, kind, key in events]
    before = {key: i for i, (_, kind, key) in enumerate(events) if kind == "before"}
    mids = _continuations(events, page_map, before)
    starts = {}
    for i, (_, kind, key) in enumerate(events):
        if kind == "start" and page_of[i] is not None:
            starts.setdefault(page_of[i], i)
    at: dict[int, list[PageMark]] = {}
    marks, last, used = [], 0, set()
    for page in range(len(page_map.labels)):
        first = before.get(page_map.page_first_block.get(page, ""), mids.get(page))
        k = _choose(page, last, events, page_of, starts, first)
        mark = PageMark(page_map.label(page), _unique(f"page-{_id_safe(page_map.label(page))}", used), docs[events[k][0]].name)
        at.setdefault(k, []).append(mark)
        marks.append(mark)
        last = k
    counter = iter(range(len(events)))
    for doc in docs:
        doc.xhtml = html.HOLD.sub(lambda m: "".join(_marker(p) for p in at.get(next(counter), ())), doc.xhtml)
    return marks


# documents the PDF knows by another name: its imprint page faces the title
ALIASES = {"title-page": ("title-page", "imprint", "title")}


def _continuations(events, page_map: PageMap, before: dict[str, int]) -> dict[int, int]:
    """page -> the event where a page that opens mid-paragraph begins (after N of its words)."""
    mid = {key: i for i, (_, kind, key) in enumerate(events) if kind == "mid"}
    found = {}
    for page, (block_id, words) in page_map.page_continuation.items():
        k = before.get(block_id) if words <= 0 else mid.get(f"{block_id}@{words}")
        if k is not None:
            found[page] = k
    return found


def _event_page(kind: str, key: str, page_map: PageMap) -> int | None:
    if kind == "start":
        if key in page_map.chapter_pages:
            return page_map.chapter_pages[key]
        return next((page_map.anchors[k] for k in ALIASES.get(key, (key,)) if k in page_map.anchors), None)
    if kind == "before":
        return page_map.block_pages.get(key)
    return None


def _choose(page, last, events, page_of, starts, first_block) -> int:
    start = starts.get(page)
    if start is not None and start >= last:
        return start
    if first_block is not None and first_block >= last:
        return first_block
    following = next((i for i in range(last, len(events)) if page_of[i] is not None and page_of[i] > page), None)
    if following is None:
        return len(events) - 1 if events else 0
    if events[following][1] == "start" and following > last and events[following - 1][1] == "end":
        return following - 1   # a blank or continued page ends the document before, not opens the next
    return following


def _marker(mark: PageMark) -> str:
    return html.void("span", epub_type="pagebreak", role="doc-pagebreak", id=mark.id, aria_label=mark.label)


def _id_safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", label) or "x"


def _unique(candidate: str, used: set[str]) -> str:
    result, n = candidate, 2
    while result in used:
        result, n = f"{candidate}-{n}", n + 1
    used.add(result)
    return result


# ------------------------------------------------------------------ navigation
PAGE_LIST = "\ue000\ue001"   # where the page list goes once the markers are placed


def nav_document(toc: list[Toc], docs: list[Doc], lang: str, body_start: str) -> str:
    """The contents page readers see (it is in the spine) and the book's navigation document."""
    v = html
    contents = v.el("nav", v.el("h1", "Contents", id="toc-title") + _toc_list(toc), id="toc", epub_type="toc",
                    role="doc-toc", aria_labelledby="toc-title")
    names = {d.key: d.name for d in docs}
    spots = [("cover", "cover", "Cover"), ("titlepage", "title-page", "Title page"), ("toc", "contents", "Contents"),
             ("bodymatter", body_start, "Start of content"), ("index", "index-organisations", "Indexes")]
    landmarks = "".join(
        v.el("li", v.el("a", v.text(label), href=names[key] + ("#toc" if key == "contents" else ""), epub_type=kind))
        for kind, key, label in spots if key in names)
    landmarks = v.el("nav", v.el("h2", "Landmarks") + v.el("ol", landmarks), epub_type="landmarks", hidden="hidden")
    return v.document("Contents", v.framed("contents", contents + "\n" + landmarks + "\n" + PAGE_LIST), lang)


def page_list(marks: list[PageMark]) -> str:
    if not marks:
        return ""
    pages = "".join(html.el("li", html.el("a", html.text(m.label), href=f"{m.doc}#{m.id}")) for m in marks)
    return html.el("nav", html.el("h2", "Pages") + html.el("ol", pages), epub_type="page-list", role="doc-pagelist", hidden="hidden")


def _toc_list(entries: list[Toc], depth: int = 0) -> str:
    items = []
    for e in entries:
        children = _toc_list(e.children, depth + 1) if e.children else ""
        cls = "toc-part" if depth == 0 and e.children and e.label.startswith("Part ") else None
        items.append(html.el("li", html.el("a", html.text(e.label), href=e.href) + children, class_=cls))
    return html.el("ol", "".join(items))


def ncx_document(toc: list[Toc], title: str, uid: str, lang: str) -> str:
    """The EPUB 2 table of contents, for older reading systems."""
    order = iter(range(1, 10_000))

    def points(entries: list[Toc]) -> str:
        return "".join(
            f'<navPoint id="np-{(n := next(order))}" playOrder="{n}"><navLabel><text>{html.text(e.label)}</text></navLabel>'
            f'<content src="{html.attr(e.href)}"/>{points(e.children)}</navPoint>'
            for e in entries)

    def depth(entries: list[Toc]) -> int:
        return max((1 + depth(e.children) for e in entries), default=0)

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="{html.attr(lang)}"><head>'
        f'<meta name="dtb:uid" content="{html.attr(uid)}"/><meta name="dtb:depth" content="{depth(toc)}"/>'
        '<meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head>'
        f"<docTitle><text>{html.text(title)}</text></docTitle><navMap>{points(toc)}</navMap></ncx>\n"
    )


# ------------------------------------------------------------------ metadata
def accessibility(loaded, images: ImageStore, print_source: str) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 metadata, from what the book actually contains."""
    pub = loaded.publication
    pictures = [n for c in pub.chapters for n in ast.walk(c.blocks + [b for note in c.notes for b in note.blocks])
                if isinstance(n, ast.Image) and n.src and images.href(n.src)]
    described = all(p.alt for p in pictures)        # the cover always has its text alternative
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "pageNavigation", "printPageNumbers",
                "index", "displayTransformability"] + (["alternativeText"] if described else [])
    missing = sum(1 for p in pictures if not p.alt)
    summary = (
        f"{pub.edition.title} has {len(pub.case_studies)} case studies with headings in a logical order, a table of "
        f"contents, landmarks, indexes of organisations and themes, and page-break markers with a page list matching "
        f"the print edition ({print_source}). "
        + (f"All {len(pictures) + 1} images, the cover included, have text alternatives. " if described
           else f"{missing} of {len(pictures) + 1} images have no text alternative. ")
        + "Text can be resized and restyled, and there are no flashing, sound or motion hazards."
        + (f" It meets {A11Y_CONFORMANCE}." if described else "")
    )
    meta = [("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
            ("schema:accessModeSufficient", "textual" if described else "textual,visual")]
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", summary), ("pageBreakSource", print_source)]
    if described:
        meta += [("dcterms:conformsTo", A11Y_CONFORMANCE), ("a11y:certifiedBy", pub.edition.publisher)]
    return meta


def metadata(book: epub.EpubBook, loaded, images: ImageStore, print_source: str) -> None:
    ed = loaded.publication.edition
    book.set_identifier(ed.identifier)
    book.title = ed.title
    book.add_metadata("DC", "title", ed.title, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if ed.subtitle:
        book.add_metadata("DC", "title", ed.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(ed.language)
    book.add_author(ed.publisher)
    book.add_metadata("DC", "publisher", ed.publisher)
    for name, value in (("date", ed.date), ("rights", ed.rights), ("source", print_source)):
        if value:
            book.add_metadata("DC", name, value)
    for theme in loaded.publication.themes:
        book.add_metadata("DC", "subject", theme)
    for prop, value in accessibility(loaded, images, print_source):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})



# ------------------------------------------------------------------ packaging
def write_epub(loaded, page_map: PageMap, options) -> bytes:
    ed = loaded.publication.edition
    print_source = f"{ed.identifier} (print)"
    images = ImageStore(loaded.publication.images)
    docs, toc = build_documents(loaded, images, page_map)
    nav = next(d for d in docs if d.key == "contents")
    body_start = next((d.key for d in docs if d.key.startswith("part-")), docs[-1].key)
    nav.xhtml = nav_document(toc, docs, ed.language, body_start)
    marks = place_page_breaks(docs, page_map)
    nav.xhtml = nav.xhtml.replace(PAGE_LIST, page_list(marks))
    book = epub.EpubBook()
    metadata(book, loaded, images, print_source)
    _add_items(book, loaded, docs, toc, images)
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"raise_exceptions": True, "epub2_guide": False, "epub3_landmark": False,
                                   "epub3_pages": False, "mtime": _utc(loaded.build_time)})
    return repack(buffer.getvalue(), loaded.build_time, ed.language)


def _add_items(book, loaded, docs: list[Doc], toc: list[Toc], images: ImageStore) -> None:
    ed = loaded.publication.edition
    cover, cover_mime = cover_bytes(loaded)
    cover_item = epub.EpubItem(uid="cover-image", file_name="images/cover." + _cover_ext(loaded), media_type=cover_mime, content=cover)
    cover_item.properties = ["cover-image"]
    book.add_item(epub.EpubItem(uid="css", file_name=html.STYLESHEET, media_type="text/css", content=loaded.style.css().encode()))
    book.add_item(epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml",
                                content=ncx_document(toc, ed.title, ed.identifier, ed.language).encode()))
    spine = []
    for doc in docs:
        item = epub.EpubItem(uid="x-" + doc.key, file_name=doc.name, media_type=XHTML, content=doc.xhtml.encode())
        if doc.key == "contents":
            item.properties = ["nav"]
        book.add_item(item)
        spine.append(item)
    book.add_item(cover_item)
    for name, (data, mime) in sorted(images.files.items()):
        book.add_item(epub.EpubItem(uid="img-" + Path(name).stem, file_name=name, media_type=mime, content=data))
    book.spine = spine


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def repack(data: bytes, build_time: datetime, language: str) -> bytes:
    """ebooklib's zip, re-written so that equal inputs give equal bytes: mimetype first and
    stored, then the container, the package document and the rest by name, every entry with
    the build time and the same permissions. The package gets the xml:lang ebooklib omits."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    opf_name = next(n for n in entries if n.endswith(".opf"))
    entries[opf_name] = _package_language(entries[opf_name], language)
    first = ["mimetype", "META-INF/container.xml", opf_name]
    order = first + sorted(n for n in entries if n not in first)
    stamp = max(_utc(build_time), datetime(1980, 1, 1, tzinfo=timezone.utc)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3                       # unix, so the permissions below apply
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name], compresslevel=None if name == "mimetype" else 9)
    return out.getvalue()


def _package_language(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf, etree.XMLParser(resolve_entities=False, no_network=True))
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
