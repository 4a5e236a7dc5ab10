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
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ebooklib import epub
from lxml import etree
from PIL import Image as PILImage

from book.document import svgimage
from book.build import variantid
from book.core.cache import digest
from book.build.jobs import cuts_of
from book.model.transforms import unique_id
from book.model.publication import PageMap
from book.writers.epub import html
from book.writers.epub import zipwrite
from book.pdf.pdfblocks import chapter_key
from book.writers.epub.cover import cover_png

XHTML = "application/xhtml+xml"
MIMES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}
A11Y_CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
EPUB_FOLDER = "EPUB"                # where ebooklib puts the book's files inside the archive


@dataclass
class Toc:
    label: str
    href: str
    children: list["Toc"] = field(default_factory=list)
    css: str | None = None      # the style sheet sets part lines apart (li.toc-part)
    key: str = ""               # the printed contents line's name in the page map ("toc:<key>")


@dataclass
class Doc:
    key: str            # the id the PDF's page map knows it by (chapter id, part id, 'cover'...)
    name: str           # file name inside the EPUB
    kind: str           # cover, titlepage, toc, chapter, part or index (its landmark, if any)
    xhtml: str


# ------------------------------------------------------------------ images
class ImageStore:
    """Images named by content hash under images/: the same picture twice is stored once."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}   # name in the EPUB -> (bytes, media type)
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

    def sources(self) -> list[str]:
        """The image files stored so far (those that could be read)."""
        return list(self._names)


def _image_type(data: bytes) -> tuple[str, str]:
    if svgimage.looks_like_svg(data):
        return "image/svg+xml", "svg"       # already sanitised when it was checked (book/svgimage.py)
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            fmt = img.format
    except OSError as exc:
        raise ValueError("not an image") from exc
    if fmt not in MIMES:
        raise ValueError(f"{fmt} is not an EPUB core image type")
    return MIMES[fmt]


# ------------------------------------------------------------------ the documents, in reading order
INDEXES = (("index-organisations", "Index of organisations", "organisation_index"),
           ("index-themes", "Index of themes", "theme_index"))


def build_documents(loaded, images: ImageStore, page_map: PageMap,
                    written: dict[str, tuple[str, list[str]]] | None = None) -> tuple[list[Doc], list[Toc]]:
    """Every content document in the compendium's order, and the table of contents.
    ``written``: chapter id -> (its document, the image files it shows), for chapters written
    already (in the workers that typeset them, or taken from the cache)."""
    pub, lang = loaded.publication, loaded.publication.edition.language
    written = written or {}
    cuts = cuts_of(page_map)
    name = _file_names(pub)
    chapter_href = lambda chapter_id: name[("chapter", chapter_id)]  # noqa: E731

    def chapter_doc(chapter) -> tuple[Doc, Toc]:
        href = chapter_href(chapter.id)
        if chapter.id in written:
            xhtml, sources = written[chapter.id]
            for source in sources:
                images.href(source)
        else:
            xhtml = html.chapter_document(chapter, lang, images.href, cuts)
        return (Doc(chapter.id, href, "chapter", xhtml),
                Toc(chapter.title, href, _heading_tree(chapter, href), key="toc:" + chapter_key(chapter.id)))

    docs = [
        Doc("cover", "cover.xhtml", "cover", html.cover_document(pub.edition, "images/cover." + _cover_ext(loaded), lang)),
        Doc("title-page", "title-page.xhtml", "titlepage", html.title_page(pub.edition, lang)),
        Doc("contents", "nav.xhtml", "toc", ""),   # written last, when the page list is known
    ]
    toc = []
    for chapter in pub.front:
        doc, entry = chapter_doc(chapter)
        docs.append(doc)
        toc.append(entry)
    for part in pub.parts:
        href = name[("part", part.id)]
        docs.append(Doc(part.id, href, "part", html.part_document(part, lang, chapter_href, loaded.style.page.part_pages)))
        toc.append(Toc(f"Part {part.number}: {part.title}", href, css="toc-part", key="toc:" + part.id))
        for chapter in part.chapters:
            doc, entry = chapter_doc(chapter)
            docs.append(doc)
            toc[-1].children.append(entry)
    for key, title, attribute in INDEXES:
        entries = getattr(pub, attribute)
        if entries:
            docs.append(Doc(key, name[("index", key)], "index", html.index_document(key, title, entries, chapter_href, lang)))
            toc.append(Toc(title, name[("index", key)], key="toc:" + key))
    return docs, toc


def _file_names(pub) -> dict[tuple[str, str], str]:
    """(kind, id) -> file name. Ids are the editors' (lower case, digits, hyphens): a case study
    called 'cover' or 'index-themes' must not overwrite the document of that name."""
    used = {"cover", "title-page", "nav", "toc"}
    keys = [("chapter", c.id) for c in pub.front]
    for part in pub.parts:
        keys += [("part", part.id)] + [("chapter", c.id) for c in part.chapters]
    keys += [("index", key) for key, _, _ in INDEXES]
    return {key: unique_id(re.sub(r"[^a-z0-9-]", "-", key[1].lower()) or "x", used) + ".xhtml" for key in keys}


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


def cover_bytes(loaded) -> tuple[bytes, str, str]:
    """The cover image: the edition's, or one drawn in the house style (kept in the build cache:
    drawing and compressing it costs more than the rest of an EPUB rebuild). With its media type
    and file extension."""
    cover = loaded.publication.edition.cover_image
    if cover is not None:
        data = cover.path.read_bytes()
        return (data, *_image_type(data))
    cache = getattr(loaded, "cache", None)
    key = digest("cover", repr(loaded.publication.edition), loaded.style.fingerprint())
    data = cache.get_many("cover", [key]).get(key) if cache is not None else None
    if data is None:
        data = cover_png(loaded.publication.edition, loaded.style)
        if cache is not None:
            cache.put_many("cover", {key: data})
    return data, "image/png", "png"


# ------------------------------------------------------------------ page-break markers
@dataclass
class PageMark:
    label: str
    id: str
    doc: str = ""


def place_page_breaks(docs: list[Doc], page_map: PageMap) -> list[PageMark]:
    """Turn the writer's place holders into page-break markers, one per page of the PDF, in order.

    A page's marker goes where the page opens, in order of preference: the start of the document
    that begins on it; inside the block it opens in the middle of (after the words printed on
    earlier pages, or at the block's end when that is unknown); before the first block that
    begins on it; else (a blank page, or one that only continues a block) just before the next
    place whose page is later, or at the end of the document before it when that place opens a
    new document. Markers never go backwards, and no page is left out."""
    events, pieces = [], []
    for d, doc in enumerate(docs):
        head, held = held_pieces(doc.xhtml)
        events += [(d, kind, key) for kind, key, _ in held]
        pieces.append((head, [rest for _, _, rest in held]))
    at, marks = _assign(events, page_map, [docs[d].name for d, _, _ in events])
    n = 0
    for doc, (head, rests) in zip(docs, pieces):
        if not rests:
            continue
        out = [head]
        for rest in rests:
            placed = at.get(n)
            if placed:
                out.extend(_marker(mark) for mark in placed)
            out.append(rest)
            n += 1
        doc.xhtml = "".join(out)
    return marks


def held_pieces(xhtml: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The text before the first place holder, then each holder's kind and key and the text after
    it: what ``html.HOLD`` finds, found by splitting at the delimiters (which no source can
    hold) rather than by the regular expression, five times faster over the seventy thousand
    place holders of a thousand case studies."""
    head, *parts = xhtml.split(html.HOLD_OPEN)
    held: list[tuple[str, str, str]] = []
    for part in parts:
        what, closed, rest = part.partition(html.HOLD_CLOSE)
        kind, colon, key = what.partition(":")
        if closed and colon and kind.isascii() and kind.isalpha() and kind.islower():
            held.append((kind, key, rest))
        elif held:         # not a place holder (the contents' mark for its page list): text
            held[-1] = (*held[-1][:2], held[-1][2] + html.HOLD_OPEN + part)
        else:
            head += html.HOLD_OPEN + part
    return head, held


def _assign(events, page_map: PageMap, doc_names: list[str]) -> tuple[dict[int, list[PageMark]], list[PageMark]]:
    """event index -> the markers placed there; and every marker in page order."""
    page_of = [_event_page(kind, key, page_map) for _, kind, key in events]
    before = {key: i for i, (_, kind, key) in enumerate(events) if kind == "before"}
    mids = _continuations(events, page_map)
    starts: dict[int, int] = {}
    for i, (_, kind, _key) in enumerate(events):
        if kind == "start" and page_of[i] is not None:
            starts.setdefault(page_of[i], i)
    at: dict[int, list[PageMark]] = {}
    marks, last, used = [], 0, set()
    for page in range(len(page_map.labels) if events else 0):
        # a page that opens inside a block opens there, even if a chapter starts lower down it
        # (case studies run on); else where a document, or the first block, starts on it
        opening = [mids.get(page), starts.get(page), before.get(page_map.page_first_block.get(page))]
        last = _choose(page, last, events, page_of, opening)
        label = page_map.label(page)
        mark = PageMark(label, unique_id(f"page-{_id_safe(label)}", used), doc_names[last])
        at.setdefault(last, []).append(mark)
        marks.append(mark)
    return at, marks


# documents the PDF knows by another name: its imprint page faces the title
ALIASES = {"title-page": ("title-page", "imprint", "title")}


def _continuations(events, page_map: PageMap) -> dict[int, int]:
    """page -> the event where a page that opens inside a block begins: after the words of the
    paragraph printed on earlier pages; without a word count (a table, a figure, a list), at
    the end of that block, the nearest place after the page's top."""
    index = {f"{kind}:{key}": i for i, (_, kind, key) in enumerate(events) if kind in ("mid", "after")}
    found = {}
    for page, (block_id, words) in page_map.page_continuation.items():
        # no words: a figure whose caption goes on to the page (html.figure holds its place)
        k = index.get(f"mid:{block_id}@{words}" if words > 0 else f"mid:{block_id}@caption")
        k = k if k is not None else index.get(f"after:{block_id}")
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


def _choose(page: int, last: int, events, page_of, opening) -> int:
    for k in opening:
        if k is not None and k >= last:
            return k
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


# ------------------------------------------------------------------ navigation
PAGE_LIST = "\ue000\ue001"   # where the page list goes once the markers are placed


def nav_document(toc: list[Toc], docs: list[Doc], lang: str, cuts: dict[str, list[int]] | None = None) -> str:
    """The contents page readers see (it is in the spine) and the book's navigation document."""
    v = html
    contents = v.el("nav", v.el("h1", "Contents", id="toc-title") + _toc_list(toc, cuts), id="toc", epub_type="toc",
                    role="doc-toc", aria_labelledby="toc-title")
    first: dict[str, str] = {}
    for d in docs:
        first.setdefault(d.kind, d.name)
    spots = [("cover", "cover", "Cover"), ("titlepage", "titlepage", "Title page"), ("toc", "toc", "Contents"),
             ("bodymatter", "part", "Start of content"), ("index", "index", "Indexes")]
    landmarks = "".join(
        v.el("li", v.el("a", v.text(label), href=first[kind] + ("#toc" if kind == "toc" else ""), epub_type=landmark))
        for landmark, kind, label in spots if kind in first)
    landmarks = v.el("nav", v.el("h2", "Landmarks") + v.el("ol", landmarks), epub_type="landmarks", hidden="hidden")
    return v.document("Contents", v.framed("contents", contents + "\n" + landmarks + "\n" + PAGE_LIST), lang)


def page_list(marks: list[PageMark]) -> str:
    if not marks:
        return ""
    pages = "".join(html.el("li", html.el("a", html.text(m.label), href=f"{m.doc}#{m.id}")) for m in marks)
    return html.el("nav", html.el("h2", "Pages") + html.el("ol", pages), epub_type="page-list", role="doc-pagelist", hidden="hidden")


def _cut_label(entry: Toc, cuts: dict[str, list[int]] | None) -> str:
    """A contents line's label with a place holder after each word count at which a printed page
    begins inside it (a long title broken over two pages of the contents)."""
    at = (cuts or {}).get(entry.key)
    if not at:
        return html.text(entry.label)
    words, out = entry.label.split(), []
    for n, word in enumerate(words, 1):
        out.append(html.text(word) + (html.hold("mid", f"{entry.key}@{n}") if n in at and n < len(words) else ""))
    return " ".join(out)


def _toc_list(entries: list[Toc], cuts: dict[str, list[int]] | None = None) -> str:
    # a contents line printed at the top of a page has that page's marker (inside its link: a
    # navigation list holds nothing but links and lists)
    items = [html.el("li", html.el("a", (html.hold("before", e.key) + _cut_label(e, cuts) + html.hold("after", e.key))
                                   if e.key else html.text(e.label), href=e.href)
                     + (_toc_list(e.children, cuts) if e.children else ""), class_=e.css) for e in entries]
    return html.el("ol", "".join(items))


def ncx_document(toc: list[Toc], title: str, uid: str, lang: str) -> str:
    """The EPUB 2 table of contents, for older reading systems."""
    order = itertools.count(1)

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
def conformance_gaps(loaded, images: ImageStore | None = None) -> list[str]:
    """What the build's own checks find short of ``A11Y_CONFORMANCE`` (empty: the claim holds as
    far as the build can tell; EPUBCheck, Ace and the tests check the rest). The claim is made
    only when this is empty; else the metadata says what is known and the build warns."""
    pub = loaded.publication
    pictures = [(src, alt) for c in pub.chapters for src, alt in html.pictures(c) if images is None or images.href(src)]
    gaps = []
    missing = sum(1 for _, alt in pictures if not alt)
    if missing:
        gaps.append(f"{missing} of {len(pictures) + 1} images {'has' if missing == 1 else 'have'} no text alternative")
    return gaps


def accessibility(loaded, images: ImageStore, print_source: str, paged: bool = True) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 metadata, from what the book actually contains."""
    pub = loaded.publication
    pictures = [(src, alt) for c in pub.chapters for src, alt in html.pictures(c) if images.href(src)]
    described = all(alt for _, alt in pictures)     # the cover always has its text alternative
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    features += ["pageNavigation", "printPageNumbers"] if paged else []
    indexes = [name for name, entries in (("organisations", pub.organisation_index), ("themes", pub.theme_index)) if entries]
    features += (["index"] if indexes else []) + ["displayTransformability"] + (["alternativeText"] if described else [])
    missing = sum(1 for _, alt in pictures if not alt)
    gaps = conformance_gaps(loaded, images)
    pages = f", and page-break markers with a page list matching the print edition ({print_source})" if paged else ""
    index_text = f" and indexes of {' and '.join(indexes)}" if indexes else ""
    summary = (
        f"{pub.edition.title} has {len(pub.case_studies)} case studies with headings in a logical order, a table of "
        f"contents, landmarks{index_text}{pages}. "
        + _alt_text_sentence(len(pictures) + 1, missing)
        + "Text can be resized and restyled, and there are no flashing, sound or motion hazards."
        + (f" It meets {A11Y_CONFORMANCE}." if described and not gaps else
           f" It does not claim {A11Y_CONFORMANCE}: {'; '.join(gaps)}." if gaps else "")
    )
    meta = [("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
            ("schema:accessModeSufficient", "textual" if described else "textual,visual")]
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", summary)]
    meta += [("pageBreakSource", print_source)] if paged else []
    if described and not gaps:      # claimed only when the build's checks say it holds
        meta += [("dcterms:conformsTo", A11Y_CONFORMANCE), ("a11y:certifiedBy", pub.edition.publisher)]
    return meta


def _alt_text_sentence(images: int, missing: int) -> str:
    if missing:
        return f"{missing} of {images} images {'has' if missing == 1 else 'have'} no text alternative. "
    return "The cover image has a text alternative. " if images == 1 else f"All {images} images, the cover included, have text alternatives. "


def metadata(book: epub.EpubBook, loaded, images: ImageStore, print_source: str, paged: bool, uid: str = "") -> None:
    ed = loaded.publication.edition
    book.set_identifier(uid or ed.identifier)     # a variant's own (book.build.variantid)
    book.title = ed.title
    book.add_metadata("DC", "title", ed.title, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if ed.subtitle:
        book.add_metadata("DC", "title", ed.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(ed.language)
    book.add_author(ed.publisher)
    book.add_metadata("DC", "publisher", ed.publisher)
    for name, value in (("date", ed.date), ("rights", ed.rights), ("source", print_source if paged else "")):
        if value:
            book.add_metadata("DC", name, value)
    for theme in loaded.publication.themes:
        book.add_metadata("DC", "subject", theme)
    for prop, value in accessibility(loaded, images, print_source, paged):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


# ------------------------------------------------------------------ packaging
def write_epub(loaded, page_map: PageMap, options, written: dict[str, tuple[str, list[str]]] | None = None) -> bytes:
    ed = loaded.publication.edition
    print_source = variantid.page_break_source(ed.identifier, options)
    uid = variantid.identifier(ed.identifier, options)
    images = ImageStore()
    docs, toc = build_documents(loaded, images, page_map, written)
    nav = next(d for d in docs if d.kind == "toc")
    nav.xhtml = nav_document(toc, docs, ed.language, cuts_of(page_map))
    marks = place_page_breaks(docs, page_map)
    nav.xhtml = nav.xhtml.replace(PAGE_LIST, page_list(marks))
    book = epub.EpubBook()
    metadata(book, loaded, images, print_source, paged=bool(marks), uid=uid)
    contents = _add_items(book, loaded, docs, toc, images, uid)
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"raise_exceptions": True, "epub2_guide": False, "epub3_landmark": False,
                                   "epub3_pages": False, "mtime": _utc(loaded.build_time)})
    return repack(buffer.getvalue(), loaded.build_time, ed.language, contents, getattr(loaded, "cache", None))


def _add_items(book, loaded, docs: list[Doc], toc: list[Toc], images: ImageStore, uid: str = "") -> dict[str, bytes]:
    """ebooklib gets every document and image by name, with no content: it writes the package
    document and the container; ``repack`` then puts each file's content in the archive (most
    of them compressed by an earlier build). Returns file name -> content."""
    ed = loaded.publication.edition
    contents: dict[str, bytes] = {}
    cover, cover_mime, cover_ext = cover_bytes(loaded)
    contents["images/cover." + cover_ext] = cover
    cover_item = epub.EpubItem(uid="cover-image", file_name="images/cover." + cover_ext, media_type=cover_mime, content=b"")
    cover_item.properties = ["cover-image"]
    book.add_item(epub.EpubItem(uid="css", file_name=html.STYLESHEET, media_type="text/css", content=loaded.style.css().encode()))
    book.add_item(epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml",
                                content=ncx_document(toc, ed.title, uid or ed.identifier, ed.language).encode()))
    spine = []
    for doc in docs:
        contents[doc.name] = doc.xhtml.encode()
        item = epub.EpubItem(uid="x-" + Path(doc.name).stem, file_name=doc.name, media_type=XHTML, content=b"")
        if doc.kind == "toc":
            item.properties = ["nav"]
        elif html.MATHML_NAMESPACE in doc.xhtml:
            item.properties = ["mathml"]      # EPUB 3: a document with MathML says so
        book.add_item(item)
        spine.append(item)
    book.add_item(cover_item)
    for name, (data, mime) in sorted(images.files.items()):
        contents[name] = data
        book.add_item(epub.EpubItem(uid="img-" + Path(name).stem, file_name=name, media_type=mime, content=b""))
    book.spine = spine
    return contents


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def repack(data: bytes, build_time: datetime, language: str, contents: dict[str, bytes] | None = None,
           cache=None) -> bytes:
    """ebooklib's zip, re-written so that equal inputs give equal bytes: mimetype first and
    stored, then the container, the package document and the rest by name, every entry with
    the build time and the same permissions. The package gets the xml:lang ebooklib omits.
    ``contents``: file name (inside the EPUB folder) -> the content ebooklib was not given;
    ``cache``: where members compressed by earlier builds are kept."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    for name, content in (contents or {}).items():
        entries[f"{EPUB_FOLDER}/{name}"] = content
    opf_name = next(n for n in entries if n.endswith(".opf"))
    entries[opf_name] = _package_language(entries[opf_name], language)
    first = ["mimetype", "META-INF/container.xml", opf_name]
    order = first + sorted(n for n in entries if n not in first)
    keys = {zipwrite.key_of(entries[name]) for name in order[1:]}
    compressed = cache.get_many("deflate", sorted(keys)) if cache is not None else {}
    known = set(compressed)
    members = [zipwrite.member(name, entries[name], store=name == "mimetype", compressed=compressed) for name in order]
    if cache is not None:
        cache.put_many("deflate", {k: v for k, v in compressed.items() if k not in known})
    return zipwrite.write_zip(members, max(_utc(build_time), datetime(1980, 1, 1, tzinfo=timezone.utc)))


def _package_language(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf, etree.XMLParser(resolve_entities=False, no_network=True))
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
