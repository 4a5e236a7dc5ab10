"""The EPUB's content documents in the compendium's reading order, with the table of contents:
the cover, the title page, the contents (written last, by ``navigation``), the front matter,
each part's opening and its case studies (``html.chapter_document``), the indexes. The
documents that are not chapters are written here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from book.model.publication import cuts_of
from book.model.transforms import unique_id
from book.model.publication import PageMap
from book.pdf.pdfblocks import chapter_key
from book.writers.markup import html
from book.writers.epub.images import cover_ext
from book.writers.markup.xhtml import document, el, framed, hold, text, void


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


# ------------------------------------------------------------------ the documents, in reading order
INDEXES = (("index-organisations", "Index of organisations", "organisation_index"),
           ("index-themes", "Index of themes", "theme_index"))


def build_documents(loaded, images, page_map: PageMap,
                    written: dict[str, tuple[str, list[str]]] | None = None) -> tuple[list[Doc], list[Toc]]:
    """Every content document in the compendium's order, and the table of contents.
    ``written``: chapter id -> (its document, the image files it shows), for chapters written
    already (in the workers that typeset them, or taken from the cache). ``images``: the book's
    ``epub.ImageStore``, which stores each image a document shows."""
    pub, lang = loaded.publication, loaded.publication.edition.language
    chapters = ChapterDocs(lang, images, cuts_of(page_map), _file_names(pub), written or {})
    name = chapters.names
    docs = [
        Doc("cover", "cover.xhtml", "cover", cover_document(pub.edition, "images/cover." + cover_ext(loaded), lang)),
        Doc("title-page", "title-page.xhtml", "titlepage", title_page(pub.edition, lang)),
        Doc("contents", "nav.xhtml", "toc", ""),   # written last, when the page list is known
    ]
    toc = []
    for chapter in pub.front:
        doc, entry = chapters.document(chapter)
        docs.append(doc)
        toc.append(entry)
    for part in pub.parts:
        href = name[("part", part.id)]
        docs.append(Doc(part.id, href, "part", part_document(part, lang, chapters.href, loaded.style.page.part_pages)))
        toc.append(Toc(f"Part {part.number}: {part.title}", href, css="toc-part", key="toc:" + part.id))
        for chapter in part.chapters:
            doc, entry = chapters.document(chapter)
            docs.append(doc)
            toc[-1].children.append(entry)
    for key, title, attribute in INDEXES:
        entries = getattr(pub, attribute)
        if entries:
            docs.append(Doc(key, name[("index", key)], "index", index_document(key, title, entries, chapters.href, lang)))
            toc.append(Toc(title, name[("index", key)], key="toc:" + key))
    return docs, toc


@dataclass
class ChapterDocs:
    """Each chapter's document (written here, or as written already) and its contents entry."""

    lang: str
    images: object                  # the book's ``epub.ImageStore``
    cuts: dict
    names: dict[tuple[str, str], str]       # (kind, id) -> file name (``_file_names``)
    written: dict[str, tuple[str, list[str]]]

    def href(self, chapter_id: str) -> str:
        return self.names[("chapter", chapter_id)]

    def document(self, chapter) -> tuple[Doc, Toc]:
        href = self.href(chapter.id)
        if chapter.id in self.written:
            xhtml, sources = self.written[chapter.id]
            for source in sources:
                self.images.href(source)
        else:
            xhtml = html.chapter_document(chapter, self.lang, self.images.href, self.cuts)
        return (Doc(chapter.id, href, "chapter", xhtml),
                Toc(chapter.title, href, _heading_tree(chapter, href), key="toc:" + chapter_key(chapter.id)))


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


# ------------------------------------------------------------------ the documents that are not chapters
def part_document(part, lang: str, href_of, list_studies: bool = True) -> str:
    """A part's opening: its label and title, and the list of its case studies where the printed
    part has a page of its own that lists them (else print opens the part with a band over its
    first case study, and the EPUB follows it, so that page markers fall on the same text)."""
    title_id = f"{part.id}--title"
    studies = "".join(el("li", el("a", text(c.title), href=href_of(c.id))) for c in part.chapters)
    body = el("p", text(f"Part {part.number}"), class_="part-label") + el("h1", text(part.title), id=title_id, class_="part-title")
    if list_studies:
        body += el("ul", studies, class_="part-contents", aria_label=f"Case studies in {part.title}")
    section = el("section", body, id=part.id, epub_type="part", role="doc-part", aria_labelledby=title_id)
    return document(f"Part {part.number}: {part.title}", framed(part.id, section), lang)


def index_document(key: str, title: str, entries, href_of, lang: str) -> str:
    """A back-of-book index grouped by initial letter, as in print: each term on its line, then
    (hanging) one line per case study that names it, linked to it."""
    groups: dict[str, list[str]] = {}
    for number, entry in enumerate(entries):
        links = "".join(void("br") + el("a", text(c.title), href=href_of(c.id)) for c in entry.chapters)
        letter = (entry.term.strip()[:1] or "#").upper()
        # place holders where the printed index has its letters and entries (the page map's
        # "<key>:<letter>" and "<key>:<n>"), for the page-break markers
        groups.setdefault(letter, []).append(hold("before", f"{key}:{number}") + el("p", text(entry.term) + links, class_="index-entry"))
    body = el("h1", text(title), id=f"{key}--title", class_="index-title")
    body += "".join(hold("before", f"{key}:{letter}") + el("h2", text(letter)) + "".join(items) for letter, items in groups.items())
    section = el("section", body, id=key, role="doc-index", aria_labelledby=f"{key}--title")
    return document(title, framed(key, section), lang, epub_type="backmatter")


def title_page(edition, lang: str) -> str:
    # not the .cover-* classes: the style sets those for the coloured cover (white text)
    lines = [el("h1", text(edition.title))]
    if edition.subtitle:
        lines.append(el("p", text(edition.subtitle), class_="standfirst"))
    lines.append(el("p", text(f"{edition.edition} edition"), class_="opener-meta"))
    lines.append(el("p", text(edition.publisher), class_="opener-org"))
    imprint = [edition.rights, f"Published {edition.long_date}" if edition.date else "",
               f"Identifier: {edition.identifier}", "Page numbers in this edition are those of the printed compendium."]
    lines.extend(el("p", text(line), class_="imprint") for line in imprint if line)
    section = el("section", "".join(lines), id="title-page", class_="title-page", epub_type="titlepage", aria_label="Title page")
    return document(edition.title, framed("title-page", section), lang, epub_type="frontmatter")


def cover_document(edition, image_href: str, lang: str) -> str:
    alt = f"Cover: {edition.title}" + (f", {edition.subtitle}" if edition.subtitle else "") + f". {edition.edition} edition, {edition.publisher}."
    section = el("section", void("img", src=image_href, alt=alt, role="doc-cover"), id="cover", epub_type="cover", aria_label="Cover")
    return document(edition.title, framed("cover", section), lang)
