"""The navigation documents: the contents page readers see (also the EPUB 3 navigation
document, with its landmarks and page list) and the EPUB 2 NCX for older reading systems.
"""
from __future__ import annotations

import itertools

from book.writers.epub.documents import Doc, Toc
from book.writers.epub.pagebreaks import PageMark
from book.writers.markup.xhtml import attr, document, el, framed, hold, text


PAGE_LIST = "\ue000\ue001"   # where the page list goes once the markers are placed


def nav_document(toc: list[Toc], docs: list[Doc], lang: str, cuts: dict[str, list[int]] | None = None) -> str:
    """The contents page readers see (it is in the spine) and the book's navigation document."""
    contents = el("nav", el("h1", "Contents", id="toc-title") + _toc_list(toc, cuts), id="toc", epub_type="toc",
                    role="doc-toc", aria_labelledby="toc-title")
    first: dict[str, str] = {}
    for d in docs:
        first.setdefault(d.kind, d.name)
    spots = [("cover", "cover", "Cover"), ("titlepage", "titlepage", "Title page"), ("toc", "toc", "Contents"),
             ("bodymatter", "part", "Start of content"), ("index", "index", "Indexes")]
    landmarks = "".join(
        el("li", el("a", text(label), href=first[kind] + ("#toc" if kind == "toc" else ""), epub_type=landmark))
        for landmark, kind, label in spots if kind in first)
    landmarks = el("nav", el("h2", "Landmarks") + el("ol", landmarks), epub_type="landmarks", hidden="hidden")
    return document("Contents", framed("contents", contents + "\n" + landmarks + "\n" + PAGE_LIST), lang)


def page_list(marks: list[PageMark]) -> str:
    if not marks:
        return ""
    pages = "".join(el("li", el("a", text(m.label), href=f"{m.doc}#{m.id}")) for m in marks)
    return el("nav", el("h2", "Pages") + el("ol", pages), epub_type="page-list", role="doc-pagelist", hidden="hidden")


def _cut_label(entry: Toc, cuts: dict[str, list[int]] | None) -> str:
    """A contents line's label with a place holder after each word count at which a printed page
    begins inside it (a long title broken over two pages of the contents)."""
    at = (cuts or {}).get(entry.key)
    if not at:
        return text(entry.label)
    words, out = entry.label.split(), []
    for n, word in enumerate(words, 1):
        out.append(text(word) + (hold("mid", f"{entry.key}@{n}") if n in at and n < len(words) else ""))
    return " ".join(out)


def _toc_list(entries: list[Toc], cuts: dict[str, list[int]] | None = None) -> str:
    # a contents line printed at the top of a page has that page's marker (inside its link: a
    # navigation list holds nothing but links and lists)
    items = [el("li", el("a", (hold("before", e.key) + _cut_label(e, cuts) + hold("after", e.key))
                                   if e.key else text(e.label), href=e.href)
                     + (_toc_list(e.children, cuts) if e.children else ""), class_=e.css) for e in entries]
    return el("ol", "".join(items))


def ncx_document(toc: list[Toc], title: str, uid: str, lang: str) -> str:
    """The EPUB 2 table of contents, for older reading systems."""
    order = itertools.count(1)

    def points(entries: list[Toc]) -> str:
        return "".join(
            f'<navPoint id="np-{(n := next(order))}" playOrder="{n}"><navLabel><text>{text(e.label)}</text></navLabel>'
            f'<content src="{attr(e.href)}"/>{points(e.children)}</navPoint>'
            for e in entries)

    def depth(entries: list[Toc]) -> int:
        return max((1 + depth(e.children) for e in entries), default=0)

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="{attr(lang)}"><head>'
        f'<meta name="dtb:uid" content="{attr(uid)}"/><meta name="dtb:depth" content="{depth(toc)}"/>'
        '<meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head>'
        f"<docTitle><text>{text(title)}</text></docTitle><navMap>{points(toc)}</navMap></ncx>\n"
    )
