"""The EPUB 3: the XHTML writer's documents, page-break markers from the print edition, the
navigation document, an NCX, accessibility metadata, and packaging.

ebooklib only packages (container, OPF manifest and spine). Everything ebooklib would generate
itself is written here instead, because its versions are wrong for this book: it re-parses
content documents with an HTML parser (which turns the empty page-break ``<span/>`` into an
open tag), builds its page list from *any* element with an ``epub:type`` and an id, and writes
an NCX without depth. Its zip is then re-packed deterministically (fixed entry order, times from
the build time, fixed permissions), so equal inputs give byte-identical books.

This module writes the book from its parts and says what it claims of its accessibility: the
documents are ``documents`` (chapters by ``html``), the page-break markers ``pagebreaks``, the
contents and NCX ``navigation``, the images ``images``, the package ``package``.
"""
from __future__ import annotations

import io

from ebooklib import epub

from book.model import variantid
from book.model.publication import cuts_of
from book.model.publication import PageMap
from book.writers.markup import html
from book.writers.epub.documents import build_documents
from book.writers.markup.imagestore import ImageStore
from book.writers.epub.navigation import PAGE_LIST, nav_document, page_list
from book.writers.epub.package import add_items, repack, utc
from book.writers.epub.pagebreaks import place_page_breaks

A11Y_CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


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
    book.set_identifier(uid or ed.identifier)     # a variant's own (book.model.variantid)
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


# ------------------------------------------------------------------ the book
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
    contents = add_items(book, loaded, docs, toc, images, uid)
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"raise_exceptions": True, "epub2_guide": False, "epub3_landmark": False,
                                   "epub3_pages": False, "mtime": utc(loaded.build_time)})
    return repack(buffer.getvalue(), loaded.build_time, ed.language, contents, getattr(loaded, "cache", None))
