"""The assembled publication: what every writer renders. Plain data, no I/O.

The compendium renders all of it; the EPUB renders the same chapters; each one-pager is a view
of one organisation (``summaries``). Writers never change it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from book.document import ast
from book.document.images import ImageInfo
from book.sources.index import CaseStudy, Edition, Organisation


@dataclass
class ChapterText:
    """A chapter's text, as the model's transforms left it."""

    blocks: list[ast.Block]
    notes: list[ast.Note]
    # When the text opens with the summary itself (as index-only case studies do), that paragraph
    # is taken out of ``blocks`` and shown once, as the standfirst; it keeps its id here.
    summary_block: ast.Para | None = None


class _TextPart:
    """A part of a chapter's text (``ChapterText``), read as if it were the chapter's own. Setting
    one changes the text in memory: what the cache and the checking found in it no longer hold."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, chapter, owner=None):
        return self if chapter is None else getattr(chapter.text(), self.name)

    def __set__(self, chapter, value) -> None:
        setattr(chapter.text(), self.name, value)
        chapter.fingerprint = ""
        chapter.block_ids = chapter.pictures = chapter.headings = None


@dataclass(eq=False)
class Chapter:
    """A front-matter chapter or a case study. Its text is made when first asked for
    (``loader``): a build that takes the chapter's pages and EPUB document from the cache never
    reads its source at all."""

    id: str
    title: str
    kind: str                        # "front" or "case-study"
    source: str                      # label of the source file, for messages
    case_study: CaseStudy | None = None
    lead: Organisation | None = None
    partners: list[Organisation] = field(default_factory=list)
    # What its pages are made from (the source's bytes, its entry in the index, its images): a
    # typeset chapter is reused from the build cache while this stays the same.
    fingerprint: str = ""
    # found when the chapter was checked (``chapters.Facts``), so that no writer has to read the
    # whole text for them; None: not known (the writers find them in the text)
    block_ids: set[str] | None = None                   # every id in it (# link targets)
    pictures: list[tuple[str, str]] | None = None       # (file, alt text) of each image shown
    headings: list[tuple[int, str, str]] | None = None  # (level, id, text), see ``toc_headings``
    loader: Callable[["Chapter"], ChapterText] | None = field(default=None, repr=False)
    _text: ChapterText | None = field(default=None, repr=False)

    @property
    def organisations(self) -> list[Organisation]:
        return [o for o in [self.lead, *self.partners] if o is not None]

    def text(self) -> ChapterText:
        if self._text is None:
            if self.loader is None:
                raise RuntimeError(f"chapter {self.id!r} has no text and no way to make it")
            self._text = self.loader(self)
        return self._text

    def set_text(self, text: ChapterText) -> None:
        self._text = text

    # the text's parts, read and set through ``text()``
    blocks = _TextPart()
    notes = _TextPart()
    summary_block = _TextPart()


def toc_headings(blocks: list[ast.Block]) -> list[tuple[int, str, str]]:
    """(level, id, text) of the headings among ``blocks``, for a table of contents."""
    return [(min(max(h.level, 2), 6), h.id, ast.stringify(h.content).strip()) for h in blocks if isinstance(h, ast.Header)]


@dataclass
class PartGroup:
    id: str
    number: int
    title: str
    chapters: list[Chapter]


@dataclass
class IndexEntry:
    term: str
    chapters: list[Chapter]


@dataclass
class OrganisationSummary:
    """One organisation's one-pager: the case studies it leads or takes part in."""

    organisation: Organisation
    chapters: list[Chapter]


@dataclass
class Publication:
    edition: Edition
    front: list[Chapter]
    parts: list[PartGroup]
    organisations: list[Organisation]          # every organisation named, in order of first appearance
    organisation_index: list[IndexEntry]
    theme_index: list[IndexEntry]
    images: dict[str, ImageInfo]

    @property
    def case_studies(self) -> list[Chapter]:
        return [c for part in self.parts for c in part.chapters]

    @property
    def chapters(self) -> list[Chapter]:
        return self.front + self.case_studies

    @property
    def themes(self) -> list[str]:
        return [entry.term for entry in self.theme_index]

    def summaries(self) -> list[OrganisationSummary]:
        taking_part: dict[str, list[Chapter]] = {}
        for chapter in self.case_studies:
            for org in dict.fromkeys(o.key for o in chapter.organisations):
                taking_part.setdefault(org, []).append(chapter)
        return [OrganisationSummary(org, taking_part.get(org.key, [])) for org in self.organisations]


def highlight_parts(item: str) -> tuple[str, str]:
    """'Service KPIs: a new dashboard...' -> ('Service KPIs', 'a new dashboard...'): the label
    every output sets in bold. ('', item) when the highlight has no such label."""
    label, sep, rest = item.partition(": ")
    if sep and len(label) <= 40 and "." not in label:
        return label, rest
    return "", item


@dataclass
class PageMap:
    """Where things fell in the typeset compendium: the PDF writer fills it, others read it.

    ``labels`` are the printed page labels (roman in the front matter); every other mapping gives
    0-based PDF page indexes. ``page_first_block`` names the first block that *begins* on a page.
    """

    labels: list[str] = field(default_factory=list)
    chapter_pages: dict[str, int] = field(default_factory=dict)
    block_pages: dict[str, int] = field(default_factory=dict)
    page_first_block: dict[int, str] = field(default_factory=dict)
    # pages that open in the middle of a block: page -> (block id, words of it on earlier pages)
    page_continuation: dict[int, tuple[str, int]] = field(default_factory=dict)
    anchors: dict[str, int] = field(default_factory=dict)

    def label(self, page_index: int) -> str:
        return self.labels[page_index] if page_index < len(self.labels) else str(page_index + 1)

    def chapter_label(self, chapter_id: str) -> str:
        return self.label(self.chapter_pages[chapter_id])


def cuts_of(page_map, chapter: "Chapter | None" = None) -> dict[str, list[int]]:
    """block id -> the word counts at which print pages begin inside it (for the EPUB's markers);
    of one chapter's blocks, when a chunk holds several chapters (a part)."""
    cuts: dict[str, list[int]] = {}
    for block_id, words in sorted(page_map.page_continuation.values()):
        if chapter is None or block_id in chapter.block_ids:
            cuts.setdefault(block_id, []).append(words)
    return cuts
