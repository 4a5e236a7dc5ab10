"""Page-break markers: the place holders the XHTML writer leaves (``xhtml.hold``) turned into
one marker per page of the print edition, where that page opens, and the list of them for the
navigation document's page list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from book.model.transforms import unique_id
from book.model.publication import PageMap
from book.writers.epub.documents import Doc
from book.writers.markup.xhtml import HOLD_CLOSE, HOLD_OPEN, void


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
    it: what ``xhtml.HOLD`` finds, found by splitting at the delimiters (which no source can
    hold) rather than by the regular expression, five times faster over the seventy thousand
    place holders of a thousand case studies."""
    head, *parts = xhtml.split(HOLD_OPEN)
    held: list[tuple[str, str, str]] = []
    for part in parts:
        what, closed, rest = part.partition(HOLD_CLOSE)
        kind, colon, key = what.partition(":")
        if closed and colon and kind.isascii() and kind.isalpha() and kind.islower():
            held.append((kind, key, rest))
        elif held:         # not a place holder (the contents' mark for its page list): text
            held[-1] = (*held[-1][:2], held[-1][2] + HOLD_OPEN + part)
        else:
            head += HOLD_OPEN + part
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
    return void("span", epub_type="pagebreak", role="doc-pagebreak", id=mark.id, aria_label=mark.label)


def _id_safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", label) or "x"
