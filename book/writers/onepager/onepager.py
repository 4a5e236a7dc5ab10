"""One page per organisation (two in large print, when its style says so): a summary of the case
studies it leads or takes part in, set in the style's fixed grid.

Fifty of these side by side must read as one series, so every block of the grid (band, title
area, story, facts panel, QR code, footer: ``layout.Grid``) sits at the same place at the
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

This module runs the series (start, check, assemble, finish) and reports what each page left
out. What a page shows is ``content``; its flowables, ``blocks``; fitting them, ``fitting``;
drawing and assembling, ``drawing``; the grid and what is set in it, ``layout``, ``flowables``
and ``furniture``.
"""
from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, field

from book.core.cache import BuildCache, digest
from book.core.errors import Problem, Reporter, UserError
from book.core.workers import Running, start_parallel
from book.model.publication import OrganisationSummary, PageMap
from book.pdf.pdfcommon import MM
from book.writers.onepager.content import (DROPPABLE, STORY_DROPS, Context, Neighbours, PageContent, case_content,
                                           Opening, featured_order, forget_excerpts, related_cases,
                                           with_opening)
from book.writers.onepager.drawing import Rendered, assemble_page, combine, labels_of, named_cases, render, series_glyphs
from book.writers.onepager.fitting import Overflow
from book.writers.onepager.layout import Grid


def page_content(summary: OrganisationSummary, page_map: PageMap | None = None, publication=None,
                 neighbours: Neighbours | None = None) -> PageContent:
    """What the page shows, the featured case study first. Where its case studies are in the
    compendium is not part of it: that is filled in when the page is assembled (``page_pdf``).
    ``publication``: the edition, for the case studies of others worth reading next (its
    ``Neighbours``, when a series of pages is made)."""
    org = summary.organisation
    chapters = featured_order(summary.chapters, org.featured)
    cases = tuple(case_content(chapter, org.key, featured=(n == 0)) for n, chapter in enumerate(chapters))
    related = (neighbours.nearest(summary) if neighbours is not None
               else related_cases(summary, publication) if publication is not None else ())
    return PageContent(org.key, org.name, org.region, org.ics, org.line, cases, org.url, related)


def make_context(loaded, options) -> Context:
    style, edition = loaded.style, loaded.publication.edition
    drop_order = tuple(style.onepager["drop_order"])
    unknown = [e for e in drop_order if e not in DROPPABLE]
    if unknown:
        raise UserError(Problem(f"onepager.drop_order: a one-pager cannot leave out {', '.join(unknown)}; "
                                f"it can leave out {', '.join(DROPPABLE)}", f"{style.files[-1].parent.name}/{style.files[-1].name}"))
    grid = Grid.from_style(style)
    return Context(style, grid, edition, loaded.build_time, options.print_marks,
                   style.onepager["allow_drop"], drop_order)


def page_pdf(page: PageContent, ctx: Context, page_map: PageMap, tagged: bool = True,
             glyphs: dict[str, frozenset] | None = None) -> bytes | None:
    """The page's file (None when it cannot be made): drawn and assembled at once."""
    rendered = render(page, ctx, tagged)
    labels = labels_of([page], page_map)
    return assemble_page(rendered, page, labels, ctx, glyphs) if rendered.drawn else None


def edition_glyphs(loaded, page_map: PageMap, ctx: Context) -> dict[str, frozenset]:
    """``series_glyphs`` of every one-pager of the edition, drawn here (a build draws them in
    workers: this is to draw one page here as a build would)."""
    neighbours = Neighbours(loaded.publication)
    pages = [page_content(summary, neighbours=neighbours) for summary in loaded.publication.summaries()]
    return series_glyphs([render(page, ctx) for page in pages], labels_of(pages, page_map))


# ------------------------------------------------------------------ all pages, in parallel
def render_all(pages: list[PageContent], ctx: Context, fed=None, shared=None) -> Running:
    """Every page, on all cores (forked workers inherit the registered fonts and the context);
    the results when asked for. ``fed(page)``: the page as it is handed to a worker; ``shared``:
    the build's workers (``workers.SharedWorkers``), else a pool of their own."""
    # yielding: nothing waits for them until the book is typeset, which has the cores first
    return start_parallel(_render_pages, pages, context=ctx, weights=[4] * len(pages), yielding=True, fed=fed,
                          shared=shared)


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

    def start(self, pages: list[PageContent], ctx: Context, fed=None, shared=None) -> "PendingPages":
        """The pages from the cache; the others drawn in the background (``fed``, ``shared``: see
        ``render_all``)."""
        keys = [self._key(page) for page in pages]
        found = self.cache.load("onepager", keys)
        todo = [n for n, result in enumerate(found) if result is None]
        running = render_all([pages[n] for n in todo], ctx, fed, shared) if todo else None
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
def start_onepagers(loaded, options, shared=None) -> "OnePagers":
    """Begin drawing the one-pagers (in worker processes: ``shared``, the build's, when given):
    they do not wait for the compendium, whose page numbers go in when they are assembled
    (``OnePagers.assemble``, ``finish``)."""
    loaded.style.fonts.register()
    forget_excerpts()       # what the last build read (in a process that builds again and again)
    neighbours = Neighbours(loaded.publication)
    pages = [page_content(summary, neighbours=neighbours) for summary in loaded.publication.summaries()]
    ctx = make_context(loaded, options)
    openings: dict[str, Opening] = {}
    pending = RenderCache(loaded.cache, ctx).start(pages, ctx, fed=lambda page: with_opening(page, openings), shared=shared)
    return OnePagers(loaded, ctx, pages, pending, openings)


@dataclass
class OnePagers:
    loaded: object
    ctx: Context
    pages: list[PageContent]
    pending: PendingPages
    openings: dict[str, Opening] = field(default_factory=dict)    # case study id -> its opening (``content.opening_of``)
    files: Running | None = None
    labels: dict[str, str] | None = None
    _checked: bool = False

    def know_openings(self, openings: dict[str, Opening]) -> None:
        """The opening paragraphs of case studies whose texts the build's jobs have read: the
        pages featuring them not yet handed to a worker are handed over with them."""
        self.openings.update(openings)

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
