"""The EPUB's package: ebooklib writes the package document and the container from the named
items, then its zip is re-written so that equal inputs give byte-identical books.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from ebooklib import epub
from lxml import etree

from book.writers.epub import zipwrite
from book.writers.markup import html
from book.writers.epub.documents import Doc, Toc
from book.writers.epub.images import cover_bytes
from book.writers.epub.navigation import ncx_document
from book.writers.markup.xhtml import STYLESHEET

XHTML = "application/xhtml+xml"
EPUB_FOLDER = "EPUB"                # where ebooklib puts the book's files inside the archive


def add_items(book, loaded, docs: list[Doc], toc: list[Toc], images, uid: str = "") -> dict[str, bytes]:
    """ebooklib gets every document and image by name, with no content: it writes the package
    document and the container; ``repack`` then puts each file's content in the archive (most
    of them compressed by an earlier build). Returns file name -> content. ``images``: the
    book's ``epub.ImageStore``."""
    ed = loaded.publication.edition
    contents: dict[str, bytes] = {}
    cover, cover_mime, cover_ext = cover_bytes(loaded)
    contents["images/cover." + cover_ext] = cover
    cover_item = epub.EpubItem(uid="cover-image", file_name="images/cover." + cover_ext, media_type=cover_mime, content=b"")
    cover_item.properties = ["cover-image"]
    book.add_item(epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css", content=loaded.style.css().encode()))
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


def utc(moment: datetime) -> datetime:
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
    return zipwrite.write_zip(members, max(utc(build_time), datetime(1980, 1, 1, tzinfo=timezone.utc)))


def _package_language(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf, etree.XMLParser(resolve_entities=False, no_network=True))
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
