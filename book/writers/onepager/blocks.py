"""The flowables of one page's blocks (the story, the title area, the facts panel, the QR block's
words, the footer), with their structure elements, at one type scale: what the copy-fitting
measures and the page is drawn from.
"""
from __future__ import annotations

from datetime import datetime

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from book.sources.index import Edition
from book.sources.index import long_date as format_date
from book.model.publication import highlight_parts
from book.pdf.pdfcommon import MM
from book.pdf.pdfinline import InlineMarkup
from book.pdf.pdftags import Node, container, set_node
from book.writers.onepager import layout
from book.writers.onepager.flowables import (BulletItem, Panel, Rule, RuledBlock, display_url, page_number_paragraph, paragraph,
                                             url_markup)
from book.writers.onepager.content import CaseContent, Context, PageContent, sentences

WIDE_FACTS = 100 * MM                       # a facts panel this wide sets each label beside its value


def long_date(edition: Edition, build_time: datetime) -> str:
    """The edition's date (else the build's) as '30 November 2025'."""
    return edition.long_date or format_date(build_time.date())


def footer_lines(style, edition: Edition, build_time: datetime) -> list:
    ps = style.paragraph_style("onepager_footer", lang=None)
    title = edition.title + (f": {edition.subtitle}" if edition.subtitle else "")
    return [paragraph(style, ps, f"\u00b7 {edition.edition} edition", label=title),
            paragraph(style, ps, f"Published by {edition.publisher}, {long_date(edition, build_time)}")]


# ------------------------------------------------------------------ the blocks' content
class Blocks:
    """The flowables of one page's blocks at one type scale, with their structure elements.

    With a ``memo``, a flowable is made once for all the calls that ask for it: the arrangements
    the copy-fitting tries share their paragraphs, each broken into lines once, and the page is
    drawn from the ones its fit measured. Their elements are made anew at every call (only the
    last call's are drawn): an element adopted into one arrangement's tree would otherwise bring
    that tree into the next. No arrangement holds one flowable twice (a flowable is drawn once)."""

    def __init__(self, page: PageContent, ctx: Context, steps: int = 0, memo: dict | None = None):
        self.page, self.ctx, self.style = page, ctx, ctx.style
        self.ts = layout.TypeScale(ctx.style, steps, ctx.lang)
        self.memo = memo

    def once(self, key, make):
        """``make()``, or (with a ``memo``) what it made for ``key`` before."""
        if self.memo is None:
            return make()
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def para(self, style_name: str, text: str, label: str = "", bold: bool = False, **overrides) -> Paragraph:
        return paragraph(self.style, self.ts(style_name, **overrides), text, label, bold)

    def where_to_read(self, case: CaseContent, style_name: str = "onepager_meta", lead: str = "Full case study:"):
        """'Full case study: <edition>, page N', the number drawn from a form when the page's file is
        assembled (``PageNumberParagraph``)."""
        ps = self.ts(style_name, textColor="nhs-blue", spaceBefore=self.ts.size(6))
        markup = InlineMarkup(self.style, ps.fontName)
        text = f"<b>{markup.text(lead)}</b> {markup.text(self.ctx.edition.title + ', page')}"
        return page_number_paragraph(self.style, ps, text, case.id)

    # the story ------------------------------------------------------------------------------
    def story(self, cases: tuple[CaseContent, ...], shown: int, excerpt: int, related: int = 0) -> tuple[list, list[Node]]:
        """(flowables, elements) of the story: the featured case study in full, then ``shown``
        others with their summaries, the rest as a list; ``excerpt`` sentences of the featured
        one's full text after its own blocks; last, ``related`` case studies of others."""
        featured, others = cases[0], cases[1:]
        flowables, nodes = self.featured(featured, excerpt, len(cases))
        for n, case in enumerate(others[:shown], 2):
            more, sect = self.other(case, n, len(cases))
            flowables += more
            nodes.append(sect)
        if others[shown:]:
            more, sect = self.listed(others[shown:], shown)
            flowables += more
            nodes.append(sect)
        if related:
            more, sect = self.also(self.page.related[:related])
            flowables += more
            nodes.append(sect)
        return flowables, nodes

    def also(self, related) -> tuple[list, Node]:
        """'Also in this edition': other organisations' case studies, by title, lead and page."""
        rule, heading = self.also_head()
        set_node(heading, Node("H3"))
        entries, items = [], []
        for item in related:
            entry = self.also_entry(*item)
            entries.append(entry)
            items.append(Node("LI", set_node(entry, Node("LBody"))))
        return [rule, heading, *entries], Node("Sect", [heading, Node("L", items, attrs={"O": "List", "ListNumbering": "None"})])

    def also_head(self) -> tuple[Rule, Paragraph]:
        return self.once("also", lambda: (self.rule(), layout.keep_with_next(
            self.para("onepager_heading", "Also in this edition", spaceBefore=0))))

    def rule(self) -> Rule:
        """The hairline over a case study or a list (decoration)."""
        return Rule(self.style.color("nhs-mid-grey"), self.ts.size(9))

    def also_entry(self, case_id: str, title: str, lead: str) -> Paragraph:
        def make():
            ps = self.ts("onepager_list")
            markup = InlineMarkup(self.style, ps.fontName)
            text = f"<b>{markup.text(title)}</b><br/>{markup.text(lead + ', page')}"
            return page_number_paragraph(self.style, ps, text, case_id)

        return self.once(("also", case_id), make)

    def featured(self, case: CaseContent, excerpt: int, count: int) -> tuple[list, list[Node]]:
        sect = Node("Sect")
        summary = set_node(self.once(("summary", case.id), lambda: self.para("onepager_body", case.summary)), Node("P"))
        flowables, kids = [summary], [summary]
        if case.highlights:
            panel = tag_highlights(self.once(("highlights", case.id), lambda: self.highlights(case)))
            flowables.append(panel)
            kids += panel.nodes
        if case.quote:
            quote = tag_quote(self.once(("quote", case.id), lambda: self.pull_quote(case)))
            flowables.append(quote)
            kids += quote.nodes
        chosen = sentences(case.excerpt)[:excerpt]
        if chosen:
            heading = self.once("excerpt", lambda: layout.keep_with_next(self.para("onepager_heading", "From the full case study")))
            flowables.append(set_node(heading, Node("H3")))
            kids.append(heading)
            for n in sorted({number for number, _ in chosen}):
                text = " ".join(s for number, s in chosen if number == n)
                if n == chosen[-1][0] and len(chosen) < len(sentences(case.excerpt)):
                    text += " \u2026"
                # (by its paragraph too: two paragraphs of the same words are two flowables)
                p = self.once(("excerpt", n, text), lambda text=text: self.para("onepager_body", text, textColor="nhs-dark-grey"))
                flowables.append(set_node(p, Node("P")))
                kids.append(p)
        lead = "Continues in" if chosen else "Full case study:"
        where = set_node(self.once(("where", case.id, lead), lambda: self.where_to_read(case, lead=lead)), Node("P"))
        flowables.append(where)
        kids.append(where)
        self.featured_kids = kids
        return flowables, [sect]

    def highlights(self, case: CaseContent) -> Panel:
        """The highlights panel (its elements: ``tag_highlights``)."""
        items = [self.bullet(text) for text in case.highlights]
        heading = self.para("onepager_heading", "Highlights", spaceBefore=0)
        return Panel([heading, *items], self.ts("highlight_box"), space_before=self.ts("onepager_body").leading * 0.6)

    def bullet(self, text: str) -> Paragraph:
        ps = self.ts("onepager_highlight")
        markup = InlineMarkup(self.style, ps.fontName)
        label, rest = highlight_parts(text)
        if label:
            # "Service KPIs: A new dashboard ..." reads best with its lead-in in bold
            return BulletItem(f"<b>{markup.text(label + ':')}</b> {markup.text(rest)}", ps, bulletText="\u2022")
        return BulletItem(markup.text(text), ps, bulletText="\u2022")

    def pull_quote(self, case: CaseContent) -> RuledBlock:
        quote = case.quote
        content = [self.para("onepager_quote", f"\u201c{quote.text}\u201d", spaceBefore=0)]
        if quote.name or quote.role:
            ps = layout.scaled(self.style, "pullquote_attribution", self.ts.size, self.ctx.lang, spaceAfter=0,
                               leftIndent=self.ts("onepager_quote").leftIndent)
            markup = InlineMarkup(self.style, ps.fontName)
            lines = [f"<b>{markup.text(quote.name)}</b>" if quote.name else "", markup.text(quote.role)]
            content.append(Paragraph("<br/>".join(line for line in lines if line), ps))
        rule = self.style.styles["onepager_quote"]
        return RuledBlock(content, self.style.color(rule["ruleColor"] or "nhs-blue"), rule["ruleWidth"] or 3,
                          space_before=self.ts("onepager_quote").spaceBefore)

    def other(self, case: CaseContent, number: int, count: int) -> tuple[list, Node]:
        """Another case study with its summary, under a hairline."""
        def make():
            kicker = layout.keep_with_next(self.para("onepager_meta", f"Case study {number} of {count}", bold=True,
                                                     textColor="nhs-blue", spaceBefore=0))
            title = layout.keep_with_next(self.para("onepager_heading", case.title, spaceBefore=0))
            return [self.rule(), kicker, title, self.para("onepager_body", case.summary), self.where_to_read(case)]

        flowables = self.once(("other", case.id, number), make)
        _, kicker, title, summary, where = flowables
        roles = ((kicker, "P"), (title, "H2"), (summary, "P"), (where, "P"))
        return flowables, Node("Sect", [set_node(f, Node(role)) for f, role in roles])

    def listed(self, cases: tuple[CaseContent, ...], shown: int) -> tuple[list, Node]:
        """The case studies without room for their summaries (the others after the first
        ``shown``): title, web address, page. When three or more addresses share a beginning, it
        is printed once, above them."""
        def make():
            heading = layout.keep_with_next(self.para("onepager_heading", "More case studies", spaceBefore=0))
            prefix = shared_prefix([c.url for c in cases if c.url])
            note = layout.keep_with_next(self.para("onepager_list", f"Web addresses below begin {display_url(prefix)}",
                                                   textColor="nhs-dark-grey")) if prefix else None
            return [self.rule(), heading], note, [self.list_entry(case, prefix) for case in cases]

        (rule, heading), note, entries = self.once(("listed", shown), make)
        kids = [set_node(heading, Node("H3"))] + ([set_node(note, Node("P"))] if note is not None else [])
        items = [Node("LI", set_node(entry, Node("LBody"))) for entry in entries]
        return [rule, *kids, *entries], Node("Sect", kids + [Node("L", items, attrs={"O": "List", "ListNumbering": "None"})])

    def list_entry(self, case: CaseContent, prefix: str = "") -> Paragraph:
        ps = self.ts("onepager_list")
        markup = InlineMarkup(self.style, ps.fontName)
        if case.url and prefix and case.url.startswith(prefix):
            rest = markup.text("\u2026/" + case.url[len(prefix):], wrap_long=False)
            text = f"<b>{markup.text(case.title)}</b> \u00b7 {rest} \u00b7 {markup.text('page')}"
        elif case.url:
            width = self.ctx.grid.box("story").width - stringWidth(" \u00b7 page 0000", ps.fontName, ps.fontSize)
            text = f"<b>{markup.text(case.title)}</b><br/>{url_markup(self.style, ps, case.url, width)} \u00b7 {markup.text('page')}"
        else:
            text = f"<b>{markup.text(case.title)}</b> \u00b7 {markup.text('page')}"
        return page_number_paragraph(self.style, ps, text, case.id)

    # the title area ---------------------------------------------------------------------------
    def title(self, case: CaseContent, count: int, size: float) -> list:
        def make():
            kicker_text = "Case study" if count == 1 else f"Featured case study \u00b7 1 of {count}"
            kicker = paragraph(self.style, layout.house_style(self.style, "onepager_meta", None, textColor="nhs-blue", spaceAfter=3),
                               kicker_text, bold=True)
            designed = self.style.paragraph_style("onepager_title", lang=None)
            ps = layout.house_style(self.style, "onepager_title", None, fontSize=size,
                                    leading=designed.leading * size / designed.fontSize)
            return [kicker, paragraph(self.style, ps, case.title)]

        kicker, title = self.once(("title", case.id, count, size), make)
        return [set_node(kicker, Node("P")), set_node(title, Node("H2"))]

    # the facts panel -------------------------------------------------------------------------
    def facts(self, cases: tuple[CaseContent, ...], size: float, dropped: tuple[str, ...] = ()) -> list:
        """A label above each value: who, where, with whom, what it won, what about."""
        flowables = self.once(("facts", cases, size, dropped), lambda: self.fact_paragraphs(cases, size, dropped))
        return [set_node(p, Node("P")) for p in flowables]

    def fact_paragraphs(self, cases: tuple[CaseContent, ...], size: float, dropped: tuple[str, ...]) -> list:
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
        ps = layout.house_style(self.style, "onepager_facts", None, fontSize=size, leading=designed.leading * ratio,
                                spaceAfter=designed.spaceAfter * ratio, backColor=None)
        label = layout.house_style(self.style, "onepager_facts", None, fontSize=size, textColor="nhs-dark-blue", backColor=None)
        flowables = []
        # a label above its value in a narrow panel; beside it in a wide one (large print's)
        between = "<br/>" if self.ctx.grid.box("facts").width < WIDE_FACTS else ": "
        for name, value in facts:
            markup = InlineMarkup(self.style, label.fontName)
            p = Paragraph(f"<font color='{label.textColor.hexval().replace('0x', '#')}'><b>{markup.text(name)}</b></font>"
                          f"{between}{InlineMarkup(self.style, ps.fontName).text(value)}", ps)
            flowables.append(p)
        return flowables

    # the QR block ---------------------------------------------------------------------------------
    def read_on(self, case: CaseContent) -> list:
        """Where to read the featured case study, when there is no web address for a QR code."""
        lead = set_node(paragraph(self.style, layout.house_style(self.style, "onepager_meta", None, textColor="nhs-dark-blue",
                                                                 spaceAfter=2), "Read the full case study", bold=True), Node("P"))
        where = set_node(paragraph(self.style, layout.house_style(self.style, "onepager_meta", None, spaceAfter=4),
                                          f"{self.ctx.edition.title} \u00b7 {self.ctx.edition.edition}"), Node("P"))
        ps = self.style.paragraph_style("onepager_callout", lang=None)
        number = set_node(page_number_paragraph(self.style, ps, InlineMarkup(self.style, ps.fontName).text("page"),
                                                       case.id), Node("P"))
        return [lead, where, number]


def tag_highlights(panel: Panel) -> Panel:
    """The highlights' elements, made anew: the heading, then the list of its items."""
    heading, *items = panel.content
    items_node = Node("L", [Node("LI", container(item, Node("LBody"))) for item in items],
                      attrs={"O": "List", "ListNumbering": "Disc"})
    panel.nodes = [set_node(heading, Node("H3")), items_node]
    return panel


def tag_quote(block: RuledBlock) -> RuledBlock:
    """The pull quote's element, made anew: the quote, then who said it."""
    block.nodes = [Node("BlockQuote", [set_node(p, Node("P")) for p in block.content])]
    return block


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
    return prefix if len(display_url(prefix)) >= 15 else ""


def unique(values) -> list[str]:
    return list(dict.fromkeys(values))
