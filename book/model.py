"""The assembled publication: what every writer renders. Plain data, no I/O.

The compendium renders all of it; the EPUB renders the same chapters; each one-pager is a view
of one organisation (``summaries``). Writers never change it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import ast
from .images import ImageInfo
from .index import CaseStudy, Edition, Organisation


@dataclass
class Chapter:
    id: str
    title: str
    kind: str                        # "front" or "case-study"
    blocks: list[ast.Block]
    notes: list[ast.Note]
    source: str                      # label of the source file, for messages
    case_study: CaseStudy | None = None
    lead: Organisation | None = None
    partners: list[Organisation] = field(default_factory=list)
    # When the text opens with the summary itself (as index-only case studies do), that paragraph
    # is taken out of ``blocks`` and shown once, as the standfirst; it keeps its id here.
    summary_block: ast.Para | None = None
    # What its pages are made from (the source's bytes, its entry in the index, its images): a
    # typeset chapter is reused from the build cache while this stays the same.
    fingerprint: str = ""
    # found while the model is made, so that no writer has to walk the whole text for them
    block_ids: set[str] | None = None               # every id in it (the targets of its # links)
    pictures: list[ast.Image] = field(default_factory=list)      # the images it shows (with a file)

    @property
    def organisations(self) -> list[Organisation]:
        return [o for o in [self.lead, *self.partners] if o is not None]


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
