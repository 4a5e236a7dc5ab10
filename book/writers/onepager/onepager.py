"""One page per organisation (two in large print, when its style says so): a summary of the case
studies it leads or takes part in, set in the style's fixed grid.

Fifty of these side by side must read as one series, so every block of the grid (band, title
area, story, facts panel, QR code, footer: ``onepager_layout``) sits at the same place at the
same size on every page, and only what is inside is fitted. The organisation's name takes the
band's one size on up to two lines. The first case study (the index's ``featured`` order, else
the awarded ones first, else the index's order) is shown in full: title, summary, highlights,
quote; then the others, each with its summary while there is room; the rest are listed by title,
web address and compendium page. Whatever room is left is filled with the opening of the full
case study, cut at a sentence and pointing to its page: no page has an empty lower half.

Copy-fitting goes in a fixed order: the opening of the full text is shortened (to nothing); the
other case studies' summaries are left out, from the last (they stay in the list); the type
shrinks by the style's step to its floor; then the style's ``drop_order`` (the quote, the
highlights, the themes, the partners) is left out. Each thing left out is a warning naming the
organisation; a page that still does not fit is a warning too, and is not made (with
``--strict``, an error): it never stops the other outputs.

Pages are laid out and drawn in worker processes, one per core, from the start of the build:
each returns its drawing or why it does not fit, and the parent reports and warns. The page
numbers of the case studies in the compendium are drawn from forms, so a page is drawn before
they are known; once the compendium is typeset, each page's file is assembled with them, and
the combined file from the same drawings.

Every page is a tagged PDF (PDF/UA-1), and so is the combined file: the organisation's name (H1)
and region, a Sect per case study shown (its title as H2, the summary, the highlights as a list,
the quote, where to read on), the list of the others, the facts, the QR code as a Figure with
its link, then the footer's text. Each page is drawn once, into a recording (``pdfpage``); its
own file and the combined one are assembled from that recording (``pdfwrite``).
"""
from __future__ import annotations

import hashlib
import math
import pickle
import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from book.document import ast
from book.core.cache import BuildCache, digest
from book.core.errors import Problem, Reporter, UserError
from book.sources.index import Edition, Quote
from book.sources.index import long_date as format_date
from book.model.publication import OrganisationSummary, PageMap, highlight_parts
from book.writers.onepager import layout as layout
from book.pdf.pdfcommon import MM, print_marks
from book.pdf.pdfinline import InlineMarkup
from book.pdf.pdfpage import PageRecorder, Recording, Sketch
from book.pdf.pdfstruct import adopt_orphans, group_of, section_of
from book.pdf.pdftags import Node, Tagger, container, set_node
from book.pdf.pdfwrite import Assembler, Metadata, OutlineEntry
from book.core.workers import Running, start_parallel

DROPPABLE = ("quote", "highlights", "themes", "partners")
STORY_DROPS = ("quote", "highlights")       # of the featured case study, in the story
FACT_DROPS = ("themes", "partners")         # of the facts panel
EXCERPT_CHARACTERS = 4000                   # of the full text: more than any story block holds
WIDE_FACTS = 100 * MM                       # a facts panel this wide sets each label beside its value


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


def page_content(summary: OrganisationSummary, page_map: PageMap | None = None, publication=None) -> PageContent:
    """What the page shows, the featured case study first. Where its case studies are in the
    compendium is not part of it: that is filled in when the page is assembled (``page_pdf``).
    ``publication``: the edition, for the case studies of others worth reading next."""
    org = summary.organisation
    chapters = featured_order(summary.chapters, org.featured)
    cases = tuple(case_content(chapter, org.key, featured=(n == 0)) for n, chapter in enumerate(chapters))
    related = related_cases(summary, publication) if publication is not None else ()
    return PageContent(org.key, org.name, org.region, org.ics, org.line, cases, org.url, related)


RELATED_LIMIT = 40      # more than a story block holds


def related_cases(summary: OrganisationSummary, publication) -> tuple[tuple[str, str, str], ...]:
    """The edition's other case studies, nearest first: led from the same ICS, then the same
    region, then sharing a theme, then the rest, each in the edition's order."""
    org = summary.organisation
    own = {c.id for c in summary.chapters}
    themes = {t for c in summary.chapters for t in c.case_study.themes}

    def distance(chapter) -> int:
        lead = chapter.lead
        if org.ics and lead.ics == org.ics:
            return 0
        if lead.region == org.region:
            return 1
        return 2 if themes & set(chapter.case_study.themes) else 3

    others = [c for c in publication.case_studies if c.id not in own]
    nearest = sorted(others, key=distance)[:RELATED_LIMIT]
    return tuple((c.id, c.case_study.title, c.lead.name) for c in nearest)


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
    return replace(page, cases=(replace(featured, excerpt=opening_paragraphs(chapter)),) + page.cases[1:])


def opening_paragraphs(chapter, limit: int = EXCERPT_CHARACTERS) -> tuple[str, ...]:
    """The first paragraphs of the case study's text (not its headings, lists, tables or
    figures), as plain text, up to about ``limit`` characters: what fills the story's room."""
    if chapter.loader is None and chapter._text is None:
        return ()
    loaded_here = chapter._text is None
    try:
        blocks = chapter.blocks
    except RuntimeError:
        # a source with a problem (a missing image): its checking, which follows, reports it
        return ()
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
    return tuple(paragraphs)


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
    grid: layout.Grid
    edition: Edition
    build_time: datetime
    print_marks: bool
    allow_drop: bool
    drop_order: tuple[str, ...]

    @property
    def lang(self) -> str:
        return self.edition.language


def make_context(loaded, options) -> Context:
    style, edition = loaded.style, loaded.publication.edition
    drop_order = tuple(style.onepager["drop_order"])
    unknown = [e for e in drop_order if e not in DROPPABLE]
    if unknown:
        raise UserError(Problem(f"onepager.drop_order: a one-pager cannot leave out {', '.join(unknown)}; "
                                f"it can leave out {', '.join(DROPPABLE)}", f"{style.files[-1].parent.name}/{style.files[-1].name}"))
    grid = layout.Grid.from_style(style)
    return Context(style, grid, edition, loaded.build_time, options.print_marks,
                   style.onepager["allow_drop"], drop_order)


def long_date(edition: Edition, build_time: datetime) -> str:
    """The edition's date (else the build's) as '30 November 2025'."""
    return edition.long_date or format_date(build_time.date())


def footer_lines(style, edition: Edition, build_time: datetime) -> list:
    ps = style.paragraph_style("onepager_footer", lang=None)
    title = edition.title + (f": {edition.subtitle}" if edition.subtitle else "")
    return [layout.paragraph(style, ps, f"\u00b7 {edition.edition} edition", label=title),
            layout.paragraph(style, ps, f"Published by {edition.publisher}, {long_date(edition, build_time)}")]


# ------------------------------------------------------------------ the blocks' content
class Blocks:
    """The flowables of one page's blocks at one type scale. Each method makes fresh flowables
    (a flowable is drawn once), with their structure elements."""

    def __init__(self, page: PageContent, ctx: Context, steps: int = 0, memo: dict | None = None):
        self.page, self.ctx, self.style = page, ctx, ctx.style
        self.ts = layout.TypeScale(ctx.style, steps, ctx.lang)
        self.memo = memo

    def once(self, key, make):
        """``make()``, or, while copy-fitting (``memo``), what it made for ``key`` before: the
        arrangements tried share their paragraphs, each broken into lines once. (A page is drawn
        from fresh flowables: a flowable is drawn once.)"""
        if self.memo is None:
            return make()
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def para(self, style_name: str, text: str, label: str = "", bold: bool = False, **overrides) -> Paragraph:
        return layout.paragraph(self.style, self.ts(style_name, **overrides), text, label, bold)

    def where_to_read(self, case: CaseContent, style_name: str = "onepager_meta", lead: str = "Full case study:"):
        """'Full case study: <edition>, page N', the number drawn from a form when the page's file is
        assembled (``layout.PageNumberParagraph``)."""
        ps = self.ts(style_name, textColor="nhs-blue", spaceBefore=self.ts.size(6))
        markup = InlineMarkup(self.style, ps.fontName)
        text = f"<b>{markup.text(lead)}</b> {markup.text(self.ctx.edition.title + ', page')}"
        return layout.page_number_paragraph(self.style, ps, text, case.id)

    # the story ------------------------------------------------------------------------------
    def story(self, cases: tuple[CaseContent, ...], shown: int, excerpt: int, related: int = 0) -> tuple[list, list[Node]]:
        """(flowables, elements) of the story: the featured case study in full, then ``shown``
        others with their summaries, the rest as a list; ``excerpt`` sentences of the featured
        one's full text after its own blocks; last, ``related`` case studies of others."""
        featured, others = cases[0], cases[1:]
        flowables, nodes = self.featured(featured, excerpt, len(cases))
        for n, case in enumerate(others[:shown], 2):
            more, sect = self.once(("other", case.id, n), lambda case=case, n=n: self.other(case, n, len(cases)))
            flowables += more
            nodes.append(sect)
        if others[shown:]:
            more, sect = self.once(("listed", shown), lambda: self.listed(others[shown:]))
            flowables += more
            nodes.append(sect)
        if related:
            more, sect = self.also(self.page.related[:related])
            flowables += more
            nodes.append(sect)
        return flowables, nodes

    def also(self, related) -> tuple[list, Node]:
        """'Also in this edition': other organisations' case studies, by title, lead and page."""
        rule = layout.Rule(self.style.color("nhs-mid-grey"), self.ts.size(9))
        heading = layout.keep_with_next(set_node(self.para("onepager_heading", "Also in this edition", spaceBefore=0), Node("H3")))
        entries, items = [], []
        for case_id, title, lead in related:
            entry = self.once(("also", case_id), lambda case_id=case_id, title=title, lead=lead: self.also_entry(case_id, title, lead))
            entries.append(entry)
            items.append(Node("LI", entry))
        return [rule, heading, *entries], Node("Sect", [heading, Node("L", items, attrs={"O": "List", "ListNumbering": "None"})])

    def also_entry(self, case_id: str, title: str, lead: str) -> Paragraph:
        ps = self.ts("onepager_list")
        markup = InlineMarkup(self.style, ps.fontName)
        text = f"<b>{markup.text(title)}</b><br/>{markup.text(lead + ', page')}"
        return set_node(layout.page_number_paragraph(self.style, ps, text, case_id), Node("LBody"))

    def featured(self, case: CaseContent, excerpt: int, count: int) -> tuple[list, list[Node]]:
        sect = Node("Sect")
        summary = self.once(("summary", case.id), lambda: set_node(self.para("onepager_body", case.summary), Node("P")))
        flowables, kids = [summary], [summary]
        if case.highlights:
            panel = self.once(("highlights", case.id), lambda: self.highlights(case))
            flowables.append(panel)
            kids += panel.nodes
        if case.quote:
            quote = self.once(("quote", case.id), lambda: self.pull_quote(case))
            flowables.append(quote)
            kids += quote.nodes
        chosen = sentences(case.excerpt)[:excerpt]
        if chosen:
            heading = layout.keep_with_next(set_node(self.para("onepager_heading", "From the full case study"), Node("H3")))
            flowables.append(heading)
            kids.append(heading)
            for n in sorted({number for number, _ in chosen}):
                text = " ".join(s for number, s in chosen if number == n)
                if n == chosen[-1][0] and len(chosen) < len(sentences(case.excerpt)):
                    text += " \u2026"
                p = self.once(("excerpt", text), lambda text=text: set_node(self.para("onepager_body", text, textColor="nhs-dark-grey"), Node("P")))
                flowables.append(p)
                kids.append(p)
        lead = "Continues in" if chosen else "Full case study:"
        where = self.once(("where", case.id, lead), lambda: set_node(self.where_to_read(case, lead=lead), Node("P")))
        flowables.append(where)
        kids.append(where)
        self.featured_kids = kids
        return flowables, [sect]

    def highlights(self, case: CaseContent) -> layout.Panel:
        items = [container(self.bullet(text), Node("LBody")) for text in case.highlights]
        heading = set_node(self.para("onepager_heading", "Highlights", spaceBefore=0), Node("H3"))
        items_node = Node("L", [Node("LI", item) for item in items], attrs={"O": "List", "ListNumbering": "Disc"})
        return layout.Panel([heading, *items], self.ts("highlight_box"), space_before=self.ts("onepager_body").leading * 0.6,
                            nodes=[heading, items_node])

    def bullet(self, text: str) -> Paragraph:
        ps = self.ts("onepager_highlight")
        markup = InlineMarkup(self.style, ps.fontName)
        label, rest = highlight_parts(text)
        if label:
            # "Service KPIs: A new dashboard ..." reads best with its lead-in in bold
            return layout.BulletItem(f"<b>{markup.text(label + ':')}</b> {markup.text(rest)}", ps, bulletText="\u2022")
        return layout.BulletItem(markup.text(text), ps, bulletText="\u2022")

    def pull_quote(self, case: CaseContent) -> layout.RuledBlock:
        quote = case.quote
        content = [self.para("onepager_quote", f"\u201c{quote.text}\u201d", spaceBefore=0)]
        if quote.name or quote.role:
            ps = layout.scaled(self.style, "pullquote_attribution", self.ts.size, self.ctx.lang, spaceAfter=0,
                               leftIndent=self.ts("onepager_quote").leftIndent)
            markup = InlineMarkup(self.style, ps.fontName)
            lines = [f"<b>{markup.text(quote.name)}</b>" if quote.name else "", markup.text(quote.role)]
            content.append(Paragraph("<br/>".join(line for line in lines if line), ps))
        rule = self.style.styles["onepager_quote"]
        quote_node = Node("BlockQuote", [set_node(p, Node("P")) for p in content])     # the quote, then who said it
        return layout.RuledBlock(content, self.style.color(rule["ruleColor"] or "nhs-blue"), rule["ruleWidth"] or 3,
                                 space_before=self.ts("onepager_quote").spaceBefore, nodes=[quote_node])

    def other(self, case: CaseContent, number: int, count: int) -> tuple[list, Node]:
        """Another case study with its summary, under a hairline."""
        rule = layout.Rule(self.style.color("nhs-mid-grey"), self.ts.size(9))
        kicker = layout.keep_with_next(set_node(self.para("onepager_meta", f"Case study {number} of {count}", bold=True,
                                                          textColor="nhs-blue", spaceBefore=0), Node("P")))
        title = layout.keep_with_next(set_node(self.para("onepager_heading", case.title, spaceBefore=0), Node("H2")))
        summary = set_node(self.para("onepager_body", case.summary), Node("P"))
        where = set_node(self.where_to_read(case), Node("P"))
        return [rule, kicker, title, summary, where], Node("Sect", [kicker, title, summary, where])

    def listed(self, cases: tuple[CaseContent, ...]) -> tuple[list, Node]:
        """The case studies without room for their summaries: title, web address, page. When
        three or more addresses share a beginning, it is printed once, above them."""
        rule = layout.Rule(self.style.color("nhs-mid-grey"), self.ts.size(9))
        heading = layout.keep_with_next(set_node(self.para("onepager_heading", "More case studies", spaceBefore=0), Node("H3")))
        prefix = shared_prefix([c.url for c in cases if c.url])
        flowables, kids = [rule, heading], [heading]
        if prefix:
            note = layout.keep_with_next(set_node(self.para(
                "onepager_list", f"Web addresses below begin {layout.display_url(prefix)}", textColor="nhs-dark-grey"), Node("P")))
            flowables.append(note)
            kids.append(note)
        items = []
        for case in cases:
            entry = set_node(self.list_entry(case, prefix), Node("LBody"))
            flowables.append(entry)
            items.append(Node("LI", entry))
        return flowables, Node("Sect", kids + [Node("L", items, attrs={"O": "List", "ListNumbering": "None"})])

    def list_entry(self, case: CaseContent, prefix: str = "") -> Paragraph:
        ps = self.ts("onepager_list")
        markup = InlineMarkup(self.style, ps.fontName)
        if case.url and prefix and case.url.startswith(prefix):
            rest = markup.text("\u2026/" + case.url[len(prefix):], wrap_long=False)
            text = f"<b>{markup.text(case.title)}</b> \u00b7 {rest} \u00b7 {markup.text('page')}"
        elif case.url:
            width = self.ctx.grid.box("story").width - stringWidth(" \u00b7 page 0000", ps.fontName, ps.fontSize)
            text = f"<b>{markup.text(case.title)}</b><br/>{layout.url_markup(self.style, ps, case.url, width)} \u00b7 {markup.text('page')}"
        else:
            text = f"<b>{markup.text(case.title)}</b> \u00b7 {markup.text('page')}"
        return layout.page_number_paragraph(self.style, ps, text, case.id)

    # the title area ---------------------------------------------------------------------------
    def title(self, case: CaseContent, count: int, size: float) -> list:
        kicker_text = "Case study" if count == 1 else f"Featured case study \u00b7 1 of {count}"
        kicker = set_node(layout.paragraph(self.style, self.style.paragraph_style(
            "onepager_meta", lang=None, textColor="nhs-blue", spaceAfter=3), kicker_text, bold=True), Node("P"))
        designed = self.style.paragraph_style("onepager_title", lang=None)
        ps = self.style.paragraph_style("onepager_title", lang=None, fontSize=size, leading=designed.leading * size / designed.fontSize)
        title = set_node(layout.paragraph(self.style, ps, case.title), Node("H2"))
        return [kicker, title]

    # the facts panel -------------------------------------------------------------------------
    def facts(self, cases: tuple[CaseContent, ...], size: float, dropped: tuple[str, ...] = ()) -> list:
        """A label above each value: who, where, with whom, what it won, what about."""
        page = self.page
        facts = [("Organisation", page.name), ("Region", page.region)]
        if page.ics:
            facts.append(("Integrated care system", page.ics_name))
        leads = unique(c.lead for c in cases if c.lead)
        if leads:
            facts.append(("Led by", "; ".join(leads)))
        partners = unique(p for c in cases for p in c.partners)
        if partners and "partners" not in dropped:
            facts.append(("Partner" if len(partners) == 1 else "Partners", "; ".join(partners)))
        awards = unique(c.award for c in cases if c.award)
        if awards:
            facts.append(("Award" if len(awards) == 1 else "Awards", "; ".join(awards)))
        themes = unique(t for c in cases for t in c.themes)
        if themes and "themes" not in dropped:
            facts.append(("Themes", ", ".join(themes)))
        if len(cases) > 1:
            facts.append(("In this edition", f"{len(cases)} case studies"))
        designed = self.style.paragraph_style("onepager_facts", lang=None)
        ratio = size / designed.fontSize
        ps = self.style.paragraph_style("onepager_facts", lang=None, fontSize=size, leading=designed.leading * ratio,
                                        spaceAfter=designed.spaceAfter * ratio, backColor=None)
        label = self.style.paragraph_style("onepager_facts", lang=None, fontSize=size, textColor="nhs-dark-blue", backColor=None)
        flowables = []
        # a label above its value in a narrow panel; beside it in a wide one (large print's)
        between = "<br/>" if self.ctx.grid.box("facts").width < WIDE_FACTS else ": "
        for name, value in facts:
            markup = InlineMarkup(self.style, label.fontName)
            p = Paragraph(f"<font color='{label.textColor.hexval().replace('0x', '#')}'><b>{markup.text(name)}</b></font>"
                          f"{between}{InlineMarkup(self.style, ps.fontName).text(value)}", ps)
            flowables.append(set_node(p, Node("P")))
        return flowables

    # the QR block ---------------------------------------------------------------------------------
    def read_on(self, case: CaseContent) -> list:
        """Where to read the featured case study, when there is no web address for a QR code."""
        lead = set_node(layout.paragraph(self.style, self.style.paragraph_style(
            "onepager_meta", lang=None, textColor="nhs-dark-blue", spaceAfter=2), "Read the full case study", bold=True), Node("P"))
        where = set_node(layout.paragraph(self.style, self.style.paragraph_style("onepager_meta", lang=None, spaceAfter=4),
                                          f"{self.ctx.edition.title} \u00b7 {self.ctx.edition.edition}"), Node("P"))
        ps = self.style.paragraph_style("onepager_callout", lang=None)
        number = set_node(layout.page_number_paragraph(self.style, ps, InlineMarkup(self.style, ps.fontName).text("page"),
                                                       case.id), Node("P"))
        return [lead, where, number]


def shared_prefix(urls: list[str]) -> str:
    """The beginning (up to a '/') that three or more addresses share, when it is long enough to
    be worth printing once; else ''."""
    if len(urls) < 3:
        return ""
    first, last = min(urls), max(urls)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    prefix = first[:first.rfind("/", 0, n) + 1] if "/" in first[:n] else ""
    return prefix if len(layout.display_url(prefix)) >= 15 else ""


def unique(values) -> list[str]:
    return list(dict.fromkeys(values))


# ------------------------------------------------------------------ copy-fitting
@dataclass(frozen=True)
class Overflow:
    case_id: str
    line: int | None
    points: float
    body_size: float
    block: str = "story"


@dataclass(frozen=True)
class Fit:
    cases: tuple[CaseContent, ...]
    steps: int = 0                  # the story's type scale
    shown: int = 0                  # other case studies shown with their summaries
    excerpt: int = 0                # sentences of the featured one's full text
    related: int = 0                # other organisations' case studies listed ('Also in this edition')
    title_size: float = 0.0
    facts_size: float = 0.0
    dropped: tuple[tuple[str, str], ...] = ()       # (case study id, element): left out, with a warning
    overflow: Overflow | None = None

    @property
    def listed(self) -> tuple[str, ...]:
        """The case studies listed by title and page only (their summaries left out)."""
        return tuple(c.id for c in self.cases[1 + self.shown:])


def fit_page(page: PageContent, ctx: Context) -> Fit:
    """The page's blocks fitted to the grid: the title area, the facts panel and the story each
    on their own (none of them moves or grows for another)."""
    title_size = fit_title(page, ctx)
    facts_size, facts_dropped = fit_facts(page, ctx)
    fit = fit_story(page, ctx)
    fit = replace(fit, title_size=title_size or 0.0, facts_size=facts_size or 0.0,
                  dropped=fit.dropped + tuple((page.cases[0].id, e) for e in facts_dropped))
    if fit.overflow is None and title_size is None:
        fit = replace(fit, overflow=Overflow(page.cases[0].id, page.cases[0].line, 0, 0, "title"))
    if fit.overflow is None and facts_size is None:
        fit = replace(fit, overflow=Overflow(page.cases[0].id, page.cases[0].line, 0, 0, "facts"))
    return fit


def fit_title(page: PageContent, ctx: Context) -> float | None:
    """The largest size of the featured title at which it fits the title area."""
    box = ctx.grid.box("title")
    blocks = Blocks(page, ctx)
    sizes = layout.fitted_size(ctx.style, "onepager_title", ctx.style.onepager["min_font_size"])
    return largest(sizes, lambda size: layout.stack_height(blocks.title(page.cases[0], len(page.cases), size), box.width)
                   <= box.height)


def fit_facts(page: PageContent, ctx: Context) -> tuple[float | None, tuple[str, ...]]:
    """The largest size of the facts at which they fit the panel; if none, the facts of the
    drop order left out until they do."""
    box = ctx.grid.box("facts")
    pad = facts_padding(ctx)
    blocks = Blocks(page, ctx)
    drops = [e for e in ctx.drop_order if e in FACT_DROPS] if ctx.allow_drop else []
    sizes = layout.fitted_size(ctx.style, "onepager_facts", ctx.style.onepager["min_font_size"], grow=2)
    for n in range(len(drops) + 1):
        size = largest(sizes, lambda size: layout.stack_height(blocks.facts(page.cases, size, tuple(drops[:n])),
                                                                box.width - 2 * pad) <= box.height - 2 * pad)
        if size is not None:
            return size, tuple(drops[:n])
    return None, ()


def largest(sizes: list[float], fits) -> float | None:
    """The first of ``sizes`` (largest first) at which ``fits``, by halving (text only gets
    shorter as its type gets smaller); None if not even the last."""
    if fits(sizes[0]):
        return sizes[0]
    if not fits(sizes[-1]):
        return None
    low, high = 1, len(sizes) - 1       # sizes[high] fits
    while low < high:
        middle = (low + high) // 2
        if fits(sizes[middle]):
            high = middle
        else:
            low = middle + 1
    return sizes[high]


def facts_padding(ctx: Context) -> float:
    return ctx.style.paragraph_style("onepager_facts", lang=None).fontSize * 0.9


def fit_story(page: PageContent, ctx: Context) -> Fit:
    """The story in its frames: as many of the other case studies with their summaries as fit at
    the designed size; else the type shrunk; else the drop order; then the opening of the full
    text fills what is left."""
    frames = ctx.grid.story_frames
    others = len(page.cases) - 1

    memos: dict[tuple, dict] = {}

    def fits(cases, shown: int, steps: int, excerpt: int = 0, related: int = 0) -> float | None:
        memo = memos.setdefault((steps, cases), {})
        flowables, _ = Blocks(page, ctx, steps, memo).story(cases, shown, excerpt, related)
        return layout.flow_height(flowables, frames)

    cases = page.cases
    max_steps = layout.TypeScale(ctx.style, 0, ctx.lang).max_steps
    found = next(((shown, 0) for shown in range(others, -1, -1) if fits(cases, shown, 0) is not None), None)
    if found is None:
        found = smallest_steps(lambda steps: fits(cases, 0, steps) is not None, max_steps)
        found = None if found is None else (0, found)
    dropped = []
    drops = [e for e in ctx.drop_order if e in STORY_DROPS] if ctx.allow_drop else []
    for element in drops:
        if found is not None:
            break
        if not getattr(cases[0], element):
            continue
        cases = (without(cases[0], element),) + cases[1:]
        dropped.append((cases[0].id, element))
        steps = smallest_steps(lambda steps: fits(cases, 0, steps) is not None, max_steps)
        found = None if steps is None else (0, steps)
    if found is None:
        flowables, _ = Blocks(page, ctx, max_steps).story(cases, 0, 0)
        over = layout.stack_height(flowables, frames[0].width) - sum(f.height for f in frames)
        scale = layout.TypeScale(ctx.style, max_steps, ctx.lang)
        return Fit(cases, max_steps, dropped=tuple(dropped),
                   overflow=Overflow(cases[0].id, cases[0].line, max(over, 1.0), scale.body_size))
    shown, steps = found
    # the opening of the full text, as many sentences as the frames still hold
    excerpt = most(lambda n: fits(cases, shown, steps, n) is not None, len(sentences(cases[0].excerpt)))
    # then other organisations' case studies, when the text runs out before the room does
    related = most(lambda n: fits(cases, shown, steps, excerpt, n) is not None, len(page.related))
    return Fit(cases, steps, shown, excerpt, related, dropped=tuple(dropped))


def most(fits, limit: int) -> int:
    """The largest n <= limit with ``fits(n)`` (``fits(0)`` holds; more only gets longer): by
    doubling, then halving, so that no more is made and measured than twice what fits."""
    low, high = 0, 1
    while high <= limit and fits(high):
        low, high = high, high * 2
    high = min(high - 1, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def smallest_steps(fits, max_steps: int) -> int | None:
    """The fewest shrink steps at which ``fits(steps)``, by binary search (text only gets
    shorter as the type gets smaller); None if not even at the floor."""
    if not fits(max_steps):
        return None
    low, high = 1, max_steps
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


# ------------------------------------------------------------------ one page
@dataclass(frozen=True)
class Rendered:
    key: str
    dropped: tuple[tuple[str, str], ...] = ()
    listed: tuple[str, ...] = ()            # case studies listed by title and page only
    overflow: Overflow | None = None
    name_shortened: bool = False
    # the page as drawn (its file and the combined one are assembled from it): its recording and
    # structure, pickled, since a build that assembles no file of a page need not unpickle them
    drawing: bytes | None = None
    fonts: dict | None = None     # what the drawing draws in each font (``Recording.fonts``)
    numbers: tuple = ()           # onepager_layout.NumberForm: the case studies' page numbers it shows

    @property
    def drawn(self) -> bool:
        return self.drawing is not None

    def page(self) -> tuple[Recording, Node | None]:
        """The recording and the structure of the page as drawn."""
        return pickle.loads(self.drawing)


def render(page: PageContent, ctx: Context, tagged: bool = True) -> Rendered:
    """The page drawn, or why it cannot be. ``tagged=False`` leaves the structure out (only to
    show that tagging changes nothing on the page)."""
    page = with_excerpt(page)
    band = layout.make_band(ctx.style, ctx.grid, page.name, page.meta)
    fit = fit_page(page, ctx)
    if fit.overflow is not None:
        return Rendered(page.key, fit.dropped, fit.listed, fit.overflow, band.shortened)
    recording, root, numbers = draw_page(page, band, fit, ctx, tagged)
    return Rendered(page.key, fit.dropped, fit.listed, None, band.shortened,
                    drawing=pickle.dumps((recording, root), protocol=pickle.HIGHEST_PROTOCOL),
                    fonts=recording.fonts, numbers=numbers)


def assemble_page(rendered: Rendered, page: PageContent, labels: dict[str, str], ctx: Context,
                  glyphs: dict[str, frozenset] | None = None) -> bytes:
    """The page's file: its drawing, and the page numbers of its case studies (``labels``:
    case study id -> the compendium page it starts on). ``glyphs``: what the series' fonts hold
    (``series_glyphs``)."""
    assembler = Assembler(page_metadata(page, ctx), print_marks(ctx.style) if ctx.print_marks else None, glyphs)
    recording, structure = rendered.page()
    assembler.add_run(recording, tree=group_of(structure) if structure is not None else None)
    add_number_forms(assembler, rendered.numbers, labels)
    return assembler.finish()


def add_number_forms(assembler: Assembler, numbers, labels: dict[str, str]) -> None:
    """Each page number a page draws, as the form it draws it from (a space, then the number)."""
    from reportlab.lib.colors import HexColor

    for form in {n.name: n for n in numbers}.values():
        text = " " + labels.get(form.case_id, "?")
        sketch = _sketch(form.font)

        def draw(canv, form=form, text=text):
            canv.setFont(form.font, form.size)
            canv.setFillColor(HexColor(int(form.color, 16)))
            canv.drawString(0, 0, text)

        width = stringWidth(text, form.font, form.size)
        assembler.add_form(form.name, sketch.ops(draw), (0, -form.size * 0.3, width + 1, form.size), {form.font: set(text)})


@lru_cache(maxsize=None)
def _sketch(font: str) -> Sketch:
    return Sketch(font)


def page_pdf(page: PageContent, ctx: Context, page_map: PageMap, tagged: bool = True,
             glyphs: dict[str, frozenset] | None = None) -> bytes | None:
    """The page's file (None when it cannot be made): drawn and assembled at once."""
    rendered = render(page, ctx, tagged)
    labels = labels_of([page], page_map)
    return assemble_page(rendered, page, labels, ctx, glyphs) if rendered.drawn else None


def series_glyphs(results: list[Rendered], labels: dict[str, str]) -> dict[str, frozenset]:
    """Every character each font draws on any page of the series (and the page numbers): every
    page's file embeds these, so the files share their fonts, made and compressed once, at the
    cost of some glyphs a page does not use."""
    glyphs: dict[str, set] = {}
    for result in results:
        if result.drawn:
            for font, chars in result.fonts.items():
                glyphs.setdefault(font, set()).update(chars)
        for number in result.numbers:
            glyphs.setdefault(number.font, set()).update(" " + "".join(sorted(set("".join(labels.values())))))
    return {font: frozenset(chars) for font, chars in glyphs.items()}


def edition_glyphs(loaded, page_map: PageMap, ctx: Context) -> dict[str, frozenset]:
    """``series_glyphs`` of every one-pager of the edition, drawn here (a build draws them in
    workers: this is to draw one page here as a build would)."""
    pages = [page_content(summary, publication=loaded.publication) for summary in loaded.publication.summaries()]
    return series_glyphs([render(page, ctx) for page in pages], labels_of(pages, page_map))


def labels_of(pages: list[PageContent], page_map: PageMap) -> dict[str, str]:
    """Case study id -> the compendium page it starts on, for every case study the pages name."""
    return {case_id: page_map.chapter_label(case_id) for page in pages for case_id in named_cases(page)}


def named_cases(page: PageContent) -> list[str]:
    return [case.id for case in page.cases] + [case_id for case_id, _, _ in page.related]


def draw_page(page: PageContent, band: layout.Band, fit: Fit, ctx: Context, tagged: bool = True):
    """(recording, structure, page-number forms) of the page (or pages)."""
    grid, style = ctx.grid, ctx.style
    body = style.paragraph_style("onepager_body")
    canv = PageRecorder((grid.width, grid.height), body.fontName, body.fontSize)
    canv.numbers_drawn = []
    # the structure, in reading order; what is drawn without an element is decoration
    tagger, root = (Tagger(canv) if tagged else None), Node("Document")
    set_node(band.name, root.child("H1"))
    set_node(band.meta, root.child("P"))
    blocks = Blocks(page, ctx, fit.steps)
    featured = fit.cases[0]
    title = blocks.title(featured, len(fit.cases), fit.title_size)
    story, sects = blocks.story(fit.cases, fit.shown, fit.excerpt, fit.related)
    sects[0].add(title, blocks.featured_kids)
    root.add(sects)
    facts_node = root.child("Sect")
    facts = blocks.facts(fit.cases, fit.facts_size, tuple(e for _, e in fit.dropped if e in FACT_DROPS))
    facts_node.add(facts)
    url = page.qr_url
    qr_node = root.child("Figure", alt=f"QR code: {url}") if url else None
    read_on = [] if url else blocks.read_on(featured)
    address = qr_address(blocks, url) if url else None
    root.add(read_on, address or [])
    bleed = print_marks(style).bleed if ctx.print_marks else 0.0
    placed = layout.flow(story, grid.story_frames)
    lines = [set_node(line, root.child("P")) for line in footer_lines(style, ctx.edition, ctx.build_time)]
    for number in range(1, grid.pages + 1):
        first = number == 1
        # the band and the footer again on a later page: decoration, read once
        layout.draw_band(canv, grid, band if first else layout.make_band(style, grid, page.name, page.meta), bleed,
                         style.onepager["band_color"])
        for box in grid.boxes:
            if box.page != number:
                continue
            if box.name == "title":
                layout.draw_stack(canv, title, box.x, box.top, box.width)
            elif box.name in ("story", "more"):
                layout.draw_stack(canv, placed[grid.story_frames.index(box)], box.x, box.top, box.width)
            elif box.name == "facts":
                pad = facts_padding(ctx)
                layout.draw_panel(canv, box, style.color("nhs-pale-grey"), style.color("nhs-blue"))
                layout.draw_stack(canv, facts, box.x + pad, box.top - pad, box.width - 2 * pad)
            elif box.name == "qr":
                draw_qr_block(canv, box, ctx, url, qr_node, address, read_on)
        layout.draw_footer(canv, grid, lines if first else footer_lines(style, ctx.edition, ctx.build_time), style)
        if first:
            canv.bookmarkPage(place_name(page.key), left=0, top=grid.height)     # the combined file's bookmark
        canv.showPage()
    numbers = tuple(canv.numbers_drawn)
    if tagger is None:
        return canv.recording(), None, numbers
    adopt_orphans(tagger.mcids, root)
    return canv.recording(), root, numbers


def qr_address(blocks: Blocks, url: str) -> Paragraph:
    """The code's address, printed under it."""
    ps = blocks.style.paragraph_style("onepager_meta", lang=None, textColor="nhs-dark-blue")
    box = blocks.ctx.grid.box("qr")
    return set_node(Paragraph(f"<b>{layout.url_markup(blocks.style, ps, url, box.width - 2)}</b>", ps), Node("P"))


def draw_qr_block(canv, box: layout.Box, ctx: Context, url: str, figure: Node | None, address: Paragraph | None,
                  read_on: list) -> None:
    """The QR code at the block's top left inside its quiet zone, a line beside it, its address
    under it; without an address, where to read the full case study instead."""
    style, size = ctx.style, ctx.grid.qr_size
    if not url:
        layout.draw_stack(canv, read_on, box.x, box.top, box.width)
        return
    quiet = layout.QUIET_MODULES * layout.qr_module(size, url)
    x, y = box.x + quiet, box.top - quiet - size
    with layout.marked(canv, figure, {url: f"Full case study online ({url})"}):
        layout.draw_qr(canv, url, x, y, size, style.color("nhs-dark-blue"), link=not ctx.print_marks)
    caption_x = x + size + quiet
    if box.x + box.width - caption_x >= 12 * MM:
        caption = layout.paragraph(style, style.paragraph_style("onepager_meta", lang=None), "Scan to read the case study online")
        set_node(caption, figure.child("Caption") if figure is not None else None)
        width = box.x + box.width - caption_x
        height = caption.wrap(width, layout.TALL)[1]
        caption.drawOn(canv, caption_x, y + size - height)
    layout.draw_stack(canv, [address], box.x, y - quiet, box.width)


def place_name(key: str) -> str:
    return f"onepager:{key}"


def page_metadata(page: PageContent, ctx: Context) -> Metadata:
    edition = ctx.edition
    return Metadata(
        title=f"{page.name}: one-page summary ({edition.title} {edition.edition})", created=ctx.build_time,
        author=edition.publisher, subject="; ".join(case.title for case in page.cases),
        keywords=tuple(sorted({theme for case in page.cases for theme in case.themes})), lang=edition.language,
    )


# ------------------------------------------------------------------ all pages, in parallel
def render_all(pages: list[PageContent], ctx: Context) -> Running:
    """Every page, on all cores (forked workers inherit the registered fonts and the context);
    the results when asked for."""
    return start_parallel(_render_pages, pages, context=ctx, weights=[4] * len(pages))


def _render_pages(pages: list[PageContent], ctx: Context) -> list[Rendered]:
    ctx.style.fonts.register()
    return [render(page, ctx) for page in pages]


# ------------------------------------------------------------------ problems and warnings
def report(results: list[Rendered], pages: list[PageContent], index_label: str, reporter: Reporter) -> None:
    """Warn about everything left out of a page, and about every page that does not fit (it is
    not made; with --strict the warning is an error): one page never stops the others."""
    for result, page in zip(results, pages):
        who = f"one-pager for '{page.key}' ({page.name})"
        lines = {case.id: case.line for case in page.cases}
        if result.name_shortened:
            reporter.warn("onepager-name", f"{who}: the name is longer than the band's two lines and is shortened there "
                          "(the facts panel has it in full): give the organisation a shorter name", index_label, page.line)
        if result.listed:
            reporter.warn("onepager-drop", f"{who}: {len(result.listed)} of its {len(page.cases)} case studies are listed "
                          f"by title and page only, without their summaries, to fit the page ({', '.join(result.listed)})",
                          index_label, page.line)
        for case_id, element in result.dropped:
            if element in STORY_DROPS:
                reporter.warn("onepager-drop", f"{who}: left out the {element} of case study '{case_id}' to fit the page",
                              index_label, lines[case_id])
            else:
                reporter.warn("onepager-drop", f"{who}: left out the {element} from the facts panel to fit the page",
                              index_label, page.line)
        if result.overflow is not None:
            problem = overflow_problem(who, page, result.overflow, index_label)
            reporter.warn("onepager-overflow", problem.message, problem.file, problem.line)


def overflow_problem(who: str, page: PageContent, overflow: Overflow, index_label: str) -> Problem:
    if overflow.block == "title":
        return Problem(f"{who}: the title of case study '{overflow.case_id}' does not fit the title area even at the "
                       "smallest type: shorten it; the one-pager is not made", index_label, overflow.line)
    if overflow.block == "facts":
        return Problem(f"{who}: its facts (partners, awards, themes) do not fit the facts panel even at the smallest "
                       "type: shorten them; the one-pager is not made", index_label, page.line)
    mm = max(1, math.ceil(overflow.points / MM))
    if len(page.cases) > 1:
        # the others are already down to a line or two each: the list itself is what is too long
        return Problem(f"{who}: case study '{overflow.case_id}' in full and the list of the other "
                       f"{len(page.cases) - 1} are {mm} mm too long for the page even at {overflow.body_size:g} pt: "
                       "shorten its summary, or give the style's one-pagers more room (onepager.pages and blocks); "
                       "the one-pager is not made", index_label, overflow.line)
    return Problem(f"{who}: case study '{overflow.case_id}' is {mm} mm too long for the page even at "
                   f"{overflow.body_size:g} pt: shorten its summary or highlights; the one-pager is not made",
                   index_label, overflow.line)


# ------------------------------------------------------------------ the combined file
def combine(results: list[Rendered], names: list[str], labels: dict[str, str], ctx: Context) -> bytes:
    """Every page in order in one file: one Document with a Sect per organisation, a bookmark
    per organisation. The pages are assembled from their recordings, not drawn again, and share
    one set of fonts."""
    edition = ctx.edition
    assembler = Assembler(Metadata(
        title=f"{edition.title} {edition.edition}: one-page summaries", created=ctx.build_time, author=edition.publisher,
        subject="One page per organisation: its case studies in brief", lang=edition.language,
    ), print_marks(ctx.style) if ctx.print_marks else None)
    for result, title in zip(results, names):
        if not result.drawn:
            continue        # a page that does not fit (a warning): the others go to the printer
        recording, structure = result.page()
        assembler.add_run(recording, tree=section_of(structure) if structure is not None else None)
        add_number_forms(assembler, result.numbers, labels)
        assembler.outline.append(OutlineEntry(title, place_name(result.key), 0))
    return assembler.finish()


# ------------------------------------------------------------------ the cache
class RenderCache:
    """Pages kept by the hash of everything that shapes them (the page's content, the style, the
    edition, the build time, the toolkit's code): after one source changes, only the pages that
    show it are set again; after its pages move, only the files of the pages whose numbers
    changed are assembled again (kept by their drawing's key and their numbers)."""

    def __init__(self, cache: BuildCache, ctx: Context):
        self.cache = cache
        self.salt = digest(ctx.style.fingerprint(), repr(ctx.grid), repr(ctx.edition), ctx.build_time.isoformat(),
                           repr((ctx.print_marks, ctx.allow_drop, ctx.drop_order))).encode()

    def _key(self, page: PageContent) -> str:
        return hashlib.sha256(self.salt + pickle.dumps(page)).hexdigest()

    def start(self, pages: list[PageContent], ctx: Context) -> "PendingPages":
        """The pages from the cache; the others drawn in the background."""
        keys = [self._key(page) for page in pages]
        found = self.cache.load("onepager", keys)
        todo = [n for n, result in enumerate(found) if result is None]
        running = render_all([pages[n] for n in todo], ctx) if todo else None
        return PendingPages(self, keys, found, todo, running)


@dataclass
class PendingPages:
    cache: RenderCache
    keys: list[str]
    found: list
    todo: list[int]
    running: Running | None

    def results(self) -> list[Rendered]:
        if self.running is not None:
            for n, result in zip(self.todo, self.running.results()):
                self.found[n] = result
            self.cache.cache.store("onepager", {self.keys[n]: self.found[n] for n in self.todo if self.found[n].drawn})
            self.running = None
        return self.found


# ------------------------------------------------------------------ entry point
def start_onepagers(loaded, options) -> "OnePagers":
    """Begin drawing the one-pagers (in worker processes): they do not wait for the compendium,
    whose page numbers go in when they are assembled (``OnePagers.assemble``, ``finish``)."""
    loaded.style.fonts.register()
    pages = [page_content(summary, publication=loaded.publication) for summary in loaded.publication.summaries()]
    ctx = make_context(loaded, options)
    return OnePagers(loaded, ctx, pages, RenderCache(loaded.cache, ctx).start(pages, ctx))


@dataclass
class OnePagers:
    loaded: object
    ctx: Context
    pages: list[PageContent]
    pending: PendingPages
    files: Running | None = None
    labels: dict[str, str] | None = None
    _checked: bool = False

    def check(self, reporter: Reporter) -> list[Rendered]:
        """The pages drawn (waiting for them), their warnings given; every page that cannot be
        drawn, an error (UserError)."""
        results = self.pending.results()
        if not self._checked:
            report(results, self.pages, self.loaded.index.label, reporter)
            self._checked = True
        return results

    def assemble(self, page_map: PageMap, reporter: Reporter, kept=None) -> None:
        """Begin assembling each page's file now that its numbers are known (in the background).
        The files themselves are not cached: each carries its own font subsets, so keeping them
        would write more than it takes to assemble them again from the drawings.
        ``kept(name, key)``: whether the file of that name (an organisation's key, or COMBINED)
        made from ``key`` is there already, as it was made: it is then neither made nor read."""
        kept = kept or (lambda name, key: False)
        results = self.check(reporter)
        self.labels = labels_of(self.pages, page_map)
        self.glyphs = series_glyphs(results, self.labels)
        glyph_key = digest(sorted((font, "".join(sorted(chars))) for font, chars in self.glyphs.items()))
        self.keys = {page.key: digest("onepager-file", key, glyph_key, [(c, self.labels[c]) for c in named_cases(page)])
                     for key, page, result in zip(self.pending.keys, self.pages, results) if result.drawn}
        self.kept = {name for name, key in self.keys.items() if kept(name, key)}
        self._todo = [n for n, page in enumerate(self.pages) if page.key in self.keys and page.key not in self.kept]
        names = [p.name for p in self.pages]
        # the combined file is kept too: an edit that changes no one-pager does not combine them again
        self.keys[COMBINED] = digest("combined", list(self.keys.values()), names, self.pending.cache.salt)
        self._combined = None
        if kept(COMBINED, self.keys[COMBINED]):
            self.kept.add(COMBINED)
        else:
            self._combined = self.loaded.cache.get_many("combined", [self.keys[COMBINED]]).get(self.keys[COMBINED])
        combine_now = COMBINED not in self.kept and self._combined is None
        items = ([COMBINED] if combine_now else []) + self._todo     # the longest first
        self.files = start_parallel(_assemble_pages, items, context=(results, self.pages, self.labels, self.ctx, self.glyphs),
                                    weights=[len(self.pages) // 3 if n == COMBINED else 1 for n in items])

    def finish(self, reporter: Reporter, page_map: PageMap | None = None) -> tuple[dict[str, bytes], bytes | None]:
        """Organisation key -> its one-page PDF, and all the pages in one PDF, in the edition's
        order; but for the files ``kept`` (see ``assemble``): those are left out (the combined
        file is None)."""
        if self.files is None:
            self.assemble(page_map, reporter)
        assembled = self.files.results()
        combined = self._combined
        if COMBINED not in self.kept and combined is None:
            combined = assembled.pop(0)
            self.loaded.cache.put_many("combined", {self.keys[COMBINED]: combined})
        self.made = len(self._todo)
        return {self.pages[n].key: data for n, data in zip(self._todo, assembled)}, combined


COMBINED = -1       # in the work of assembling the pages' files, and in ``OnePagers.keys``: the combined file


def _assemble_pages(todo: list[int], context) -> list[bytes]:
    results, pages, labels, ctx, glyphs = context
    ctx.style.fonts.register()
    return [combine(results, [p.name for p in pages], labels, ctx) if n == COMBINED else
            assemble_page(results[n], pages[n], labels, ctx, glyphs) for n in todo]


def write_onepagers(loaded, page_map: PageMap, options, reporter: Reporter) -> tuple[dict[str, bytes], bytes]:
    """Organisation key -> its one-page PDF, and all the pages in one PDF, in the edition's order."""
    return start_onepagers(loaded, options).finish(reporter, page_map)
