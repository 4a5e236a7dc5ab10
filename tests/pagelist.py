"""Every marker of an EPUB's page list checked against the printed page it names (issue 20).

A marker is *misplaced* when the words that follow it are not on the page it names (it comes too
early), or when the words just before it are printed on that page and on no earlier one (it
comes too late: the highlights printed on page 19 before the marker "19"). The printed pages'
text comes from the PDF (pdfplumber), page by page, found by its page labels; text is compared
as letters and digits only, so line breaks and hyphens do not matter. A page with no text (a
blank left-hand page) cannot be checked: its marker only has to keep the order.

``python tests/pagelist.py BOOK.epub BOOK.pdf`` prints the misplaced markers.
"""
from __future__ import annotations

import html as htmllib
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

_TAG = re.compile(r"<[^>]+>")
_MARKER = re.compile(r'<span[^>]*epub:type="pagebreak"[^>]*/>|<span[^>]*epub:type="pagebreak"[^>]*></span>')
_HIDDEN = re.compile(r'<(nav|figure)\b[^>]*\bhidden="hidden"[^>]*>.*?</\1>|<head>.*?</head>|<img\b[^>]*>', re.S)


def squash(text: str) -> str:
    """Letters only: line breaks, hyphens and the contents' page numbers do not count."""
    return re.sub(r"[\W\d_]+", "", htmllib.unescape(text).replace("\xad", "")).lower()


@dataclass
class Misplaced:
    label: str
    doc: str
    why: str

    def __str__(self):
        return f"{self.label} in {self.doc}: {self.why}"


def pdf_pages(pdf: Path) -> tuple[list[str], dict[str, int]]:
    """Each page's text (squashed) and the page index of each printed label."""
    import pdfplumber
    import pikepdf

    with pikepdf.open(pdf) as doc:
        labels = {str(page.label): n for n, page in enumerate(doc.pages)}
    with pdfplumber.open(pdf) as doc:
        # invisible text squeezed to nothing (the contents' spoken ", page") is not printed
        texts = [squash(page.filter(lambda o: o.get("object_type") != "char" or o["x1"] - o["x0"] > 0.2).extract_text() or "")
                 for page in doc.pages]
    return texts, labels


def epub_markers(epub: Path):
    """(label, document, text before the marker, text after it) for each page-list entry, in order."""
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        nav_name = next(n for n in names if n.endswith("nav.xhtml"))
        nav = z.read(nav_name).decode("utf-8")
        page_list = re.search(r'<nav[^>]*epub:type="page-list".*?</nav>', nav, re.S).group(0)
        base = nav_name.rsplit("/", 1)[0] + "/" if "/" in nav_name else ""
        docs = {}
        out = []
        for href, label in re.findall(r'<a href="([^"]+)">(.*?)</a>', page_list):
            doc, _, ident = href.partition("#")
            if doc not in docs:
                docs[doc] = z.read(base + doc).decode("utf-8")
            xhtml = docs[doc]
            if 'epub:type="toc"' in xhtml:
                # the printed contents lists no headings within a case study: the EPUB's does
                xhtml = docs[doc] = _without_sub_entries(xhtml)
            m = re.search(r'<span[^>]*id="%s"[^>]*/?>' % re.escape(ident), xhtml)
            if m is None:
                out.append((htmllib.unescape(label), doc, None, None))
                continue
            before = _text(xhtml[:m.start()])
            after = _text(xhtml[m.end():])
            out.append((htmllib.unescape(label), doc, before, after))
    return out


def _without_sub_entries(xhtml: str) -> str:
    """The navigation document without the lists of headings under a case study's entry (an
    ``ol`` inside an ``li`` whose link is not a part's)."""
    text = xhtml
    pattern = re.compile(r'(<li>(?:(?!</li>|<ol).)*?</a>)<ol>(?:(?!<ol).)*?</ol>', re.S)
    while True:
        new = pattern.sub(r"\1", text)
        if new == text:
            return text
        text = new


def _text(fragment: str) -> str:
    fragment = _HIDDEN.sub(" ", fragment)
    fragment = re.sub(r'<span[^>]*class="[^"]*visually-hidden[^"]*"[^>]*>.*?</span>', " ", fragment, flags=re.S)
    return " ".join(htmllib.unescape(_TAG.sub(" ", fragment)).split())


def _probe(words: list[str], minimum: int = 14) -> str:
    """The squashed text of enough of ``words`` to be telling."""
    taken = ""
    for word in words:
        taken += squash(word)
        if len(taken) >= minimum:
            break
    return taken


def misplaced(epub: Path, pdf: Path) -> tuple[list[Misplaced], int]:
    """The misplaced markers, and how many markers were checked."""
    texts, labels = pdf_pages(pdf)
    found, checked = [], 0
    for label, doc, before, after in epub_markers(epub):
        page = labels.get(label)
        if page is None:
            found.append(Misplaced(label, doc, "no printed page has this label"))
            continue
        if after is None:
            found.append(Misplaced(label, doc, "its target is not in the document"))
            continue
        text = texts[page]
        if len(text) < 20:
            continue            # a blank page
        checked += 1
        head = _probe(after.split())
        words = after.split()
        if head and head not in text and not _word_over_pages(words, texts[page - 1] if page else "", text) \
                and not _apart_on_page(words, text):
            found.append(Misplaced(label, doc, f"the words after it ({after[:60]!r}) are not on page {label}"))
            continue
        tail = _tail(before)
        if tail and tail in text and not any(tail in t for t in texts[:page]):
            found.append(Misplaced(label, doc, f"the words before it ({before[-60:]!r}) are printed on page {label}"))
    return found, checked


def _apart_on_page(words: list[str], text: str) -> bool:
    """The first words after the marker are on the page, with print-only text between them (a
    contents line's organisation, which the EPUB's contents leaves out)."""
    if len(words) < 2 or len(squash(words[0])) < 4:
        return False
    first = squash(words[0])
    at = text.find(first)
    return at >= 0 and _probe(words[1:]) in text[at + len(first):]


def _word_over_pages(words: list[str], previous: str, text: str) -> bool:
    """The page opens inside a word hyphenated over the page break ("work-" / "force data"): the
    marker goes before that word, which the page then continues."""
    if len(words) < 2:
        return False
    first, rest = squash(words[0]), _probe(words[1:])
    return any(first[:k] in previous and first[k:] + rest in text for k in range(2, len(first) - 1))


def _tail(before: str, minimum: int = 14) -> str:
    taken = ""
    for word in reversed(before.split()):
        taken = squash(word) + taken
        if len(taken) >= minimum:
            break
    return taken


def main(argv=None) -> int:
    epub, pdf = (Path(a) for a in (argv or sys.argv[1:]))
    bad, checked = misplaced(epub, pdf)
    print(f"{len(bad)} misplaced of {checked} checked")
    for m in bad:
        print(" ", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
