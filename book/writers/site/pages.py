"""Each kind of page: home, case study, front matter, organisation, region, theme, the lists of
organisations, regions and themes, and search. Each returns its path and its bytes."""
from __future__ import annotations

from dataclasses import dataclass

from book.document import ast
from book.writers.markup import html
from book.writers.markup.xhtml import el, safe_href, text
from book.writers.site import paths
from book.writers.site.templates import Shell, cards, count, download_links, for_web, link_list, page, visually_hidden


class SiteRenderer(html.Renderer):
    """The EPUB's renderer, with each table in a region of its own that scrolls sideways when the
    table is wider than a phone's screen (WCAG 1.4.10 allows that of a table, not of the page);
    the region can be reached from the keyboard to scroll it, and is named by the caption."""

    def block(self, block, context: str = "body") -> str:
        markup = super().block(block, context)
        if not isinstance(block, ast.Table):
            return markup
        name = ast.stringify(block.caption).strip() or "Table"
        return el("div", markup, class_="table-scroll", role="region", tabindex="0", aria_label=name) + "\n"


@dataclass
class Context:
    publication: object         # book.model.publication.Publication
    site: paths.SiteMap
    shell: Shell
    image_path: object          # image file -> its path under the output folder, or None
    page_map: object = None     # book.model.publication.PageMap, when the compendium was typeset

    def images_from(self, here: str):
        """The renderer's image links, relative to the page ``here``."""
        def image_href(src: str) -> str | None:
            target = self.image_path(src)
            return paths.href(here, target) if target else None
        return image_href

    def print_page(self, chapter_id: str) -> tuple[str, int]:
        """The chapter's first page in the compendium: its printed label and its place in the
        PDF (1-based, for the ``#page=`` a PDF viewer opens at); ('', 0) when not known."""
        pm = self.page_map
        if pm is None or chapter_id not in pm.chapter_pages:
            return "", 0
        return pm.chapter_label(chapter_id), pm.chapter_pages[chapter_id] + 1


# ------------------------------------------------------------------ home
def home(ctx: Context) -> tuple[str, bytes]:
    pub, here = ctx.publication, paths.HOME
    edition = pub.edition
    intro = [el("h1", text(edition.title))]
    if edition.subtitle:
        intro.append(el("p", text(edition.subtitle), class_="standfirst"))
    intro.append(el("p", text(f"{edition.publisher} \u00b7 {edition.edition} edition"
                              + (f" \u00b7 published {edition.long_date}" if edition.date else "")), class_="opener-meta"))
    front = [el("a", text(c.title), href=paths.href(here, ctx.site.front[c.id])) for c in pub.front]
    if front:
        intro.append(el("p", "Read first: " + ", ".join(front), class_="intro-links"))
    body = [el("div", "".join(intro), class_="intro")]
    body.append(el("section", el("h2", "Downloads", id="downloads") + downloads(ctx, here), class_="downloads",
                   aria_labelledby="downloads"))
    single = len(pub.parts) == 1
    if single:
        body.append(el("h2", "Case studies", id="case-studies") + cards(here, pub.case_studies, ctx.site, 3))
    else:
        for part in pub.parts:
            body.append(el("section", el("h2", text(part.title), id=f"part-{part.number}")
                           + cards(here, part.chapters, ctx.site, 3), aria_labelledby=f"part-{part.number}"))
    return here, page(ctx.shell, here, edition.title, "\n".join(body), "Case studies")


def downloads(ctx: Context, here: str) -> str:
    pages = len(ctx.page_map.labels) if ctx.page_map is not None and ctx.page_map.labels else 0
    notes = [f" ({pages} pages)" if pages else "", " (for e-readers)", " (one page per organisation)"]
    items = "".join(el("li", link + text(note)) for link, note in zip(download_links(here), notes))
    return el("ul", items, class_="download-list")


# ------------------------------------------------------------------ chapters
def chapter_text(ctx: Context, chapter) -> str:
    """A chapter's own part of its page: what its source and its entry in the index make (kept in
    the build cache by the writer, under the chapter's fingerprint)."""
    here = ctx.site.chapter(chapter.id)
    renderer = SiteRenderer(chapter.id, html.chapter_ids(chapter), ctx.images_from(here))
    if chapter.case_study is None:
        return for_web(el("h1", text(chapter.title), id=f"{chapter.id}--title") + renderer.blocks(chapter.blocks)
                       + renderer.endnotes(chapter.notes))
    opener, blocks = html.case_opener(chapter, renderer, f"{chapter.id}--title")
    return for_web(opener + el("div", renderer.blocks(blocks) + renderer.endnotes(chapter.notes), class_="case-text"))


def case_study(ctx: Context, chapter, own: str, previous=None, following=None) -> tuple[str, bytes]:
    """``own``: the chapter's text (``chapter_text``)."""
    here = ctx.site.chapter(chapter.id)
    article = el("article", own + facts(ctx, chapter, here), aria_labelledby=f"{chapter.id}--title", class_="case-study")
    return here, page(ctx.shell, here, chapter.title, article + sequence(ctx, here, previous, following))


def front_page(ctx: Context, chapter, own: str) -> tuple[str, bytes]:
    here = ctx.site.chapter(chapter.id)
    return here, page(ctx.shell, here, chapter.title, el("article", own, class_="front-text", aria_labelledby=f"{chapter.id}--title"))


def facts(ctx: Context, chapter, here: str) -> str:
    """The print edition's side column, as a list of terms: who, where, what, and where to read
    it in print; the organisations' one-pagers."""
    cs, site = chapter.case_study, ctx.site
    link = lambda words, target: el("a", text(words), href=paths.href(here, target))  # noqa: E731
    rows = [("Led by", link(chapter.lead.name, site.organisations[chapter.lead.key]))]
    if chapter.partners:
        rows.append(("With", ", ".join(link(p.name, site.organisations[p.key]) for p in chapter.partners)))
    rows.append(("Region", link(chapter.lead.region, site.regions[chapter.lead.region])))
    if chapter.lead.ics:
        rows.append(("Integrated care system", text(ics_name(chapter.lead.ics))))
    if cs.award:
        rows.append(("Award", text(cs.award)))
    if cs.themes:
        rows.append(("Themes", ", ".join(link(t, site.themes[t]) for t in cs.themes if t in site.themes)))
    printed, number = ctx.print_page(chapter.id)
    if printed:
        rows.append(("In print", link(f"page {printed} of the compendium", f"{paths.COMPENDIUM_PDF}#page={number}")))
    onepagers = ", ".join(link(o.name, paths.onepager(o.key)) for o in chapter.organisations)
    rows.append(("One-page summaries (PDF)", onepagers))
    if cs.url:
        rows.append(("On the web", el("a", "The Network\u2019s page" + visually_hidden(f" for {chapter.title}"), href=safe_href(cs.url))))
    items = "".join(el("dt", text(term), class_="facts-label") + el("dd", value, class_="facts-text") for term, value in rows)
    heading_id = f"{chapter.id}--facts"
    return el("section", el("h2", "About this case study", id=heading_id, class_="facts-heading") + el("dl", items),
              class_="facts", aria_labelledby=heading_id)


def sequence(ctx: Context, here: str, previous, following) -> str:
    """Links to the case studies before and after this one, in the compendium's order."""
    items = []
    for label, chapter, cls in (("Previous", previous, "previous"), ("Next", following, "next")):
        if chapter is not None:
            target = paths.href(here, ctx.site.chapter(chapter.id))
            items.append(el("li", el("a", el("span", label, class_="sequence-label") + " " + text(chapter.title), href=target), class_=cls))
    return el("nav", el("ul", "".join(items)), aria_label="Previous and next case study", class_="sequence") if items else ""


# ------------------------------------------------------------------ organisations, regions, themes
def ics_name(ics: str) -> str:
    """'Cheshire and Merseyside' -> 'Cheshire and Merseyside ICS', as the one-pagers name it."""
    return ics if not ics or ics.lower().endswith(("ics", "integrated care system")) else f"{ics} ICS"


def organisation(ctx: Context, summary) -> tuple[str, bytes]:
    org, here = summary.organisation, ctx.site.organisations[summary.organisation.key]
    body = el("p", el("a", text(org.region), href=paths.href(here, ctx.site.regions[org.region])) + text(" region")
              + (text(" \u00b7 " + ics_name(org.ics)) if org.ics else ""), class_="opener-meta")
    links = []
    if summary.chapters:
        links.append(el("li", el("a", "One-page summary (PDF)" + visually_hidden(f" for {org.name}"), href=paths.href(here, paths.onepager(org.key)))))
    if org.url:
        links.append(el("li", el("a", "Website" + visually_hidden(f" of {org.name}"), href=safe_href(org.url))))
    body += el("ul", "".join(links), class_="inline-list") if links else ""
    body += el("h2", text(count(len(summary.chapters), "case study", "case studies").capitalize()))
    body += cards(here, summary.chapters, ctx.site, 3) if summary.chapters else el("p", "None in this edition.")
    return here, page(ctx.shell, here, org.name, el("h1", text(org.name)) + body, "Organisations")


def region(ctx: Context, name: str) -> tuple[str, bytes]:
    pub, here = ctx.publication, ctx.site.regions[name]
    led = [c for c in pub.case_studies if c.lead.region == name]
    orgs = [(o.name, ctx.site.organisations[o.key], "") for o in pub.organisations if o.region == name]
    body = el("h1", text(f"{name} region" if not name.lower().endswith("region") else name))
    body += el("h2", text(count(len(led), "case study", "case studies").capitalize() + " led here"))
    body += cards(here, led, ctx.site, 3) if led else el("p", "None led by an organisation in this region.")
    body += el("h2", "Organisations") + link_list(here, orgs)
    return here, page(ctx.shell, here, name, body, "Regions")


def theme(ctx: Context, entry) -> tuple[str, bytes]:
    here = ctx.site.themes[entry.term]
    body = el("h1", text(entry.term)) + el("p", text(count(len(entry.chapters), "case study", "case studies")), class_="opener-meta")
    body += cards(here, entry.chapters, ctx.site, 2)
    return here, page(ctx.shell, here, entry.term, body, "Themes")


def organisation_list(ctx: Context) -> tuple[str, bytes]:
    here, pub = paths.ORGANISATIONS, ctx.publication
    body = [el("h1", "Organisations")]
    every = pub.summaries()
    for name in paths.regions_of(pub):
        summaries = [s for s in every if s.organisation.region == name]
        entries = [(s.organisation.name, ctx.site.organisations[s.organisation.key], f"({count(len(s.chapters), 'case study', 'case studies')})")
                   for s in summaries]
        body.append(el("h2", text(name)) + link_list(here, entries))
    return here, page(ctx.shell, here, "Organisations", "".join(body), "Organisations")


def region_list(ctx: Context) -> tuple[str, bytes]:
    here, pub = paths.REGIONS, ctx.publication
    entries = [(name, ctx.site.regions[name], f"({count(sum(c.lead.region == name for c in pub.case_studies), 'case study', 'case studies')})")
               for name in paths.regions_of(pub)]
    return here, page(ctx.shell, here, "Regions", el("h1", "Regions") + link_list(here, entries), "Regions")


def theme_list(ctx: Context) -> tuple[str, bytes]:
    here, pub = paths.THEMES, ctx.publication
    entries = [(e.term, ctx.site.themes[e.term], f"({count(len(e.chapters), 'case study', 'case studies')})") for e in pub.theme_index]
    body = el("h1", "Themes") + (link_list(here, entries) if entries else el("p", "No themes in this edition."))
    return here, page(ctx.shell, here, "Themes", body, "Themes")


def search_page(ctx: Context, scripts: tuple[str, ...]) -> tuple[str, bytes]:
    """The form, and where its script lists what it finds. Without script the page says where
    else to look: every case study is on the home page and the lists."""
    here = paths.SEARCH
    form = el("form", el("label", "Search the case studies", for_="search-words") +
              el("div", '<input type="search" id="search-words" name="q" autocomplete="off" spellcheck="false">'
                 + el("button", "Search", type="submit"), class_="search-row"),
              action=paths.href(here, paths.SEARCH), method="get", role="search", class_="search-form")
    fallback = el("noscript", el("p", "Searching needs JavaScript, which is off in this browser. Every case study is listed on "
                                      "the home page, and by organisation, region and theme."))
    results = el("div", "", id="search-results", aria_live="polite", class_="search-results")
    body = el("h1", "Search") + form + fallback + results
    return here, page(ctx.shell, here, "Search", body, "Search", scripts)
