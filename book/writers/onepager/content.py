"""What goes on one organisation's page, as plain data cheap to send to a worker: its case
studies (the featured one first), the case studies of others worth reading next, and the opening
of the featured one's full text (read in the worker that draws the page); and ``Context``, what
every page of the series shares.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from book.document import ast
from book.sources.index import Edition, Quote
from book.model.assemble import standfirst_differs
from book.model.publication import OrganisationSummary
from book.writers.onepager.layout import Grid

DROPPABLE = ("quote", "highlights", "themes", "partners")
STORY_DROPS = ("quote", "highlights")       # of the featured case study, in the story
FACT_DROPS = ("themes", "partners")         # of the facts panel
EXCERPT_CHARACTERS = 4000                   # of the full text: more than any story block holds


# ------------------------------------------------------------------ what goes on a page
@dataclass(frozen=True)
class CaseContent:
    """One case study as one organisation's page shows it: plain text, cheap to send to a worker."""

    id: str
    line: int | None
    title: str
    award: str
    summary: str
    highlights: tuple[str, ...]
    quote: Quote | None
    lead: str                   # the lead's name, when the page's organisation is a partner
    partners: tuple[str, ...]   # the other partners' names
    themes: tuple[str, ...]
    url: str
    # the featured one's full text: what it is made from (``text_key``), and its opening
    # paragraphs, read when the page is drawn (in a worker: ``with_excerpt``)
    text_key: str = ""
    excerpt: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageContent:
    key: str
    name: str
    region: str
    ics: str
    line: int | None
    cases: tuple[CaseContent, ...]      # the featured one first
    url: str = ""                       # the organisation's own web page
    # other organisations' case studies in the edition, nearest first (same ICS, region, themes):
    # 'Also in this edition' fills what room the organisation's own text leaves
    related: tuple[tuple[str, str, str], ...] = ()      # (case study id, title, lead's name)

    @property
    def meta(self) -> str:
        """'North West region · Cheshire and Merseyside ICS': the line under the name in the band."""
        ics = self.ics_name
        return "  \u00b7  ".join([f"{self.region} region"] + ([ics] if ics else []))

    @property
    def ics_name(self) -> str:
        ics = self.ics
        if ics and not ics.lower().endswith(("ics", "integrated care system")):
            ics += " ICS"
        return ics

    @property
    def qr_url(self) -> str:
        """The address the QR code takes: the featured case study's, else the organisation's,
        else the first case study's that has one."""
        return self.cases[0].url or self.url or next((c.url for c in self.cases if c.url), "")

RELATED_LIMIT = 40      # more than a story block holds


def related_cases(summary: OrganisationSummary, publication) -> tuple[tuple[str, str, str], ...]:
    """The edition's other case studies, nearest first: led from the same ICS, then the same
    region, then sharing a theme, then the rest, each in the edition's order."""
    return Neighbours(publication).nearest(summary)


class Neighbours:
    """The edition's case studies as ``related_cases`` compares them: read once for all the
    pages of a series. Each page wants only the nearest ``RELATED_LIMIT``: they are found in the
    case studies of its organisation's ICS, region and themes (indexed here), not by comparing
    every case study with every organisation (a million comparisons at a thousand case studies)."""

    def __init__(self, publication):
        self.cases = [(c.id, c.lead.ics, c.lead.region, frozenset(c.case_study.themes), (c.id, c.case_study.title, c.lead.name))
                      for c in publication.case_studies]
        self.by_ics: dict[str, list[int]] = {}
        self.by_region: dict[str, list[int]] = {}
        self.by_theme: dict[str, list[int]] = {}
        for n, (_id, ics, region, themes, _entry) in enumerate(self.cases):
            self.by_ics.setdefault(ics, []).append(n)
            self.by_region.setdefault(region, []).append(n)
            for theme in themes:
                self.by_theme.setdefault(theme, []).append(n)

    def nearest(self, summary: OrganisationSummary) -> tuple[tuple[str, str, str], ...]:
        """Led from the same ICS, then the same region, then sharing a theme, then the rest; each
        in the edition's order."""
        org = summary.organisation
        own = {c.id for c in summary.chapters}
        themes = {t for c in summary.chapters for t in c.case_study.themes}
        taken: set[int] = set()
        found: list[tuple[str, str, str]] = []

        def take(numbers) -> bool:
            """The case studies ``numbers`` (in the edition's order) not taken yet: False once
            there are enough."""
            for n in numbers:
                if n in taken:
                    continue
                taken.add(n)
                if self.cases[n][0] not in own:
                    found.append(self.cases[n][4])
                    if len(found) == RELATED_LIMIT:
                        return False
            return True

        # each kind of neighbour looked for only while there are not enough of the kinds before it
        nearer_first = (lambda: self.by_ics.get(org.ics, ()) if org.ics else (),
                        lambda: self.by_region.get(org.region, ()),
                        lambda: sorted({n for theme in themes for n in self.by_theme.get(theme, ())}),
                        lambda: range(len(self.cases)))
        all(take(numbers()) for numbers in nearer_first)
        return tuple(found)


def featured_order(chapters: list, featured: tuple[str, ...]) -> list:
    """The index's ``featured`` case studies first, in its order; then the awarded ones; then the
    rest, each group in the edition's order."""
    listed = [next(c for c in chapters if c.id == case_id) for case_id in featured if any(c.id == case_id for c in chapters)]
    rest = [c for c in chapters if c not in listed]
    return listed + [c for c in rest if c.case_study.award] + [c for c in rest if not c.case_study.award]


def case_content(chapter, org_key: str, featured: bool = False) -> CaseContent:
    cs = chapter.case_study
    return CaseContent(
        id=cs.id, line=cs.line, title=cs.title, award=cs.award, summary=cs.summary,
        highlights=cs.highlights, quote=cs.quote,
        lead=chapter.lead.name if chapter.lead.key != org_key else "",
        partners=tuple(p.name for p in chapter.partners if p.key != org_key),
        themes=cs.themes, url=cs.url, text_key=text_key(chapter) if featured else "",
    )


_CHAPTERS: dict = {}     # case study id -> its chapter: the texts workers read (forked, they inherit it)


def text_key(chapter) -> str:
    """What the chapter's text is made from (its converted source), so that a page drawn from it
    is drawn again when it changes; '' when it has no text to read."""
    if chapter.loader is None and chapter._text is None:
        return ""
    _CHAPTERS[chapter.id] = chapter
    source = getattr(getattr(chapter.loader, "__self__", None), "converter", None)
    return f"{chapter.id}:{(source.keys.get(chapter.source, '') if source is not None else '') or chapter.fingerprint}"


def with_excerpt(page: PageContent) -> PageContent:
    """The page with the opening of its featured case study's full text: read here (in the
    worker that draws the page), not while the build is starting, where it would take a source
    at a time."""
    featured = page.cases[0]
    chapter = _CHAPTERS.get(featured.id)
    if not featured.text_key or featured.excerpt or chapter is None:
        return page
    # (a text whose source opens with its summary in the index leaves that paragraph out)
    made_from = (featured.text_key, featured.summary)
    opening = _EXCERPTS.get(made_from)
    if opening is None:
        opening = _EXCERPTS[made_from] = opening_of(chapter)
    return _featuring(page, opening)


Opening = tuple[str, tuple[str, ...]]     # (the standfirst instead of the index's summary, or ''; paragraphs)


def _featuring(page: PageContent, opening: Opening) -> PageContent:
    """The page with ``opening`` as the opening of its featured case study."""
    standfirst, paragraphs = opening
    featured = replace(page.cases[0], excerpt=paragraphs, **({"summary": standfirst} if standfirst else {}))
    return replace(page, cases=(featured,) + page.cases[1:])


def with_opening(page: PageContent, openings: dict[str, Opening]) -> PageContent:
    """The page with the opening of its featured case study where ``openings`` has it (made in
    the build's jobs, from the same text ``with_excerpt`` would read): in the build's process, as
    the page is handed to a worker."""
    featured = page.cases[0]
    opening = openings.get(featured.id) if featured.text_key and not featured.excerpt else None
    return _featuring(page, opening) if opening and opening[1] else page


# (text key, summary) -> the opening read in this process: a case study featured on several
# organisations' pages (its lead's and its partners') is read once per worker, not once per
# page. Emptied when a build starts the one-pagers (``start_onepagers``).
_EXCERPTS: dict[tuple[str, str], Opening] = {}


def forget_excerpts() -> None:
    _EXCERPTS.clear()


def opening_of(chapter, limit: int = EXCERPT_CHARACTERS) -> Opening:
    """The first paragraphs of the case study's text (not its headings, lists, tables or
    figures), as plain text, up to about ``limit`` characters: what fills the story's room. And
    where the index's summary is only the beginning of the text's opening paragraph
    (``assemble.summary_begins_text``), that whole paragraph: the page shows it in the summary's
    place, as the case study's own page does."""
    if chapter.loader is None and chapter._text is None:
        return "", ()
    loaded_here = chapter._text is None
    try:
        blocks, summary_block = chapter.blocks, chapter.summary_block
    except RuntimeError:
        # a source with a problem (a missing image): its checking, which follows, reports it
        return "", ()
    standfirst = ""
    if standfirst_differs(chapter.case_study, summary_block):
        standfirst = " ".join(ast.stringify(summary_block.content).split())
    paragraphs, total = [], 0
    for block in blocks:
        if total >= limit:
            break
        if type(block) in (ast.Para, ast.Plain):
            text = " ".join(ast.stringify(block.content).split())
            if len(text) > 1:
                paragraphs.append(text)
                total += len(text)
    if loaded_here:
        chapter._text = None        # a build need not keep every text for the one-pagers
    return standfirst, tuple(paragraphs)


@lru_cache(maxsize=256)
def sentences(paragraphs: tuple[str, ...]) -> list[tuple[int, str]]:
    """(paragraph number, sentence) of every sentence, in order."""
    found = []
    for n, text in enumerate(paragraphs):
        for sentence in re.split(r"(?<=[.!?\u2019\u201d)])\s+(?=[A-Z0-9\u2018\u201c(])", text):
            if sentence.strip():
                found.append((n, sentence.strip()))
    return found


def without(case: CaseContent, element: str) -> CaseContent:
    return replace(case, **{element: None if element == "quote" else type(getattr(case, element))()})


# ------------------------------------------------------------------ what every page shares
@dataclass(frozen=True)
class Context:
    """Everything a worker needs besides its page: sent once per worker, not once per page."""

    style: object
    grid: Grid
    edition: Edition
    build_time: datetime
    print_marks: bool
    allow_drop: bool
    drop_order: tuple[str, ...]

    @property
    def lang(self) -> str:
        return self.edition.language
