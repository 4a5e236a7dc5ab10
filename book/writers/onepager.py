"""One A4 page per organisation: a copy-fitted summary of the case studies it takes part in.

Fifty of these side by side must read as one series, so the band, the footer and the grid are
fixed (``onepager_layout``) and only the variable text is fitted: every style shrinks by the
house style's step, never below its legible floor. If the text still does not fit, the build
stops and says which case study is how much too long; or, when the house style allows it and the
build is not strict, it leaves out elements in the style's drop order and warns. Nothing is cut
silently and nothing runs onto a second page.

Pages are laid out and drawn in worker processes, one per core, from the start of the build:
each returns its drawing or why it does not fit, and the parent reports and warns. The page
numbers of the case studies in the compendium are drawn from forms, so a page is drawn before
they are known; once the compendium is typeset, each page's file is assembled with them, and
the combined file from the same drawings.

Every page is a tagged PDF (PDF/UA-1), and so is the combined file: the organisation's name (H1)
and region, then a Sect per case study (its title as H2, the award, the summary, the highlights
as a list, the quote, the facts, its QR code as a Figure with its link), then the footer's text.
Each page is drawn once, into a recording (``pdfpage``); its own file and the combined one are
assembled from that recording (``pdfwrite``), so the combined file shares one set of fonts.
"""
from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..cache import BuildCache, digest
from ..errors import Problem, Reporter, UserError
from ..index import Edition, Quote
from ..index import long_date as format_date
from ..model import OrganisationSummary, PageMap
from . import onepager_layout as layout
from .pdfcommon import MM, print_marks
from .pdfpage import PageRecorder, Recording, Sketch
from .pdfstruct import adopt_orphans, group_of, section_of
from .pdftags import Node, Tagger, set_node
from .pdfwrite import Assembler, Metadata, OutlineEntry
from .workers import Running, start_parallel

DROPPABLE = ("quote", "highlights", "themes", "award")


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


@dataclass(frozen=True)
class PageContent:
    key: str
    name: str
    region: str
    ics: str
    line: int | None
    cases: tuple[CaseContent, ...]

    @property
    def meta(self) -> str:
        """'North West region · Cheshire and Merseyside ICS': one line beside the series name."""
        ics = self.ics
        if ics and not ics.lower().endswith(("ics", "integrated care system")):
            ics += " ICS"
        return "  \u00b7  ".join([f"{self.region} region"] + ([ics] if ics else []))


def page_content(summary: OrganisationSummary, page_map: PageMap | None = None) -> PageContent:
    """What the page shows. Where its case studies are in the compendium is not part of it: that
    is filled in when the page is assembled (``page_pdf``)."""
    org = summary.organisation
    cases = tuple(case_content(chapter, org.key) for chapter in summary.chapters)
    return PageContent(org.key, org.name, org.region, org.ics, org.line, cases)


def case_content(chapter, org_key: str) -> CaseContent:
    cs = chapter.case_study
    return CaseContent(
        id=cs.id, line=cs.line, title=cs.title, award=cs.award, summary=cs.summary,
        highlights=cs.highlights, quote=cs.quote,
        lead=chapter.lead.name if chapter.lead.key != org_key else "",
        partners=tuple(p.name for p in chapter.partners if p.key != org_key),
        themes=cs.themes, url=cs.url,
    )


def without(case: CaseContent, element: str) -> CaseContent:
    return replace(case, **{element: None if element == "quote" else type(getattr(case, element))()})


def drop_plan(cases: tuple[CaseContent, ...], drop_order: tuple[str, ...]):
    """(element, case position) in the order they may be left out: each element of the drop
    order in turn, from the last case study on the page to the first."""
    for element in drop_order:
        for position in reversed(range(len(cases))):
            if getattr(cases[position], element):
                yield element, position


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
    any_codes = any(c.case_study.url for c in loaded.publication.case_studies)
    grid = layout.Grid.from_style(style).with_footer(footer_lines(style, edition, loaded.build_time), any_codes)
    return Context(style, grid, edition, loaded.build_time, options.print_marks,
                   style.onepager["allow_drop"] and not options.strict, drop_order)


def long_date(edition: Edition, build_time: datetime) -> str:
    """The edition's date (else the build's) as '30 November 2025'."""
    return edition.long_date or format_date(build_time.date())


def footer_lines(style, edition: Edition, build_time: datetime) -> list:
    ps = style.paragraph_style("onepager_footer", lang=None)
    title = edition.title + (f": {edition.subtitle}" if edition.subtitle else "")
    return [layout.paragraph(style, ps, f"\u00b7 {edition.edition} edition", label=title),
            layout.paragraph(style, ps, f"Published by {edition.publisher}, {long_date(edition, build_time)}")]


# ------------------------------------------------------------------ copy-fitting
@dataclass(frozen=True)
class Overflow:
    case_id: str
    line: int | None
    points: float
    body_size: float


@dataclass(frozen=True)
class Fit:
    sections: list
    cases: tuple[CaseContent, ...]
    dropped: tuple[tuple[str, str], ...] = ()       # (case study id, element)
    overflow: Overflow | None = None


def fit_page(page: PageContent, ctx: Context) -> Fit:
    """The largest type at which the page fits; if even the floor does not, and the style
    allows it, leave out elements in the drop order until it does."""
    fit = fit_type(page.cases, ctx)
    if fit.overflow is None or not ctx.allow_drop:
        return fit
    cases, dropped = page.cases, []
    for element, position in drop_plan(page.cases, ctx.drop_order):
        cases = cases[:position] + (without(cases[position], element),) + cases[position + 1:]
        dropped.append((cases[position].id, element))
        fit = fit_type(cases, ctx)
        if fit.overflow is None:
            break
    return replace(fit, dropped=tuple(dropped))


def fit_type(cases: tuple[CaseContent, ...], ctx: Context) -> Fit:
    """The largest type (fewest shrink steps) at which the sections fit the body. The designed
    size is tried first, since most pages fit as designed; otherwise a binary search over the
    steps, since text only gets shorter as the type gets smaller."""
    max_steps = layout.TypeScale(ctx.style, 0, ctx.lang).max_steps
    tried: dict[int, tuple] = {}

    def attempt(steps: int):
        if steps not in tried:
            tried[steps] = _try_size(cases, ctx, steps)
        return tried[steps]

    if attempt(0)[0] is not None:
        return attempt(0)[0]
    low, high, best = 1, max_steps, None
    while low <= high:
        middle = (low + high) // 2
        fit = attempt(middle)[0]
        if fit is not None:
            best, high = fit, middle - 1
        else:
            low = middle + 1
    if best is not None:
        return best
    _, sections, over, scale = attempt(max_steps)
    # blame the case study that takes the most room: shortening it helps most
    longest = max(range(len(cases)), key=lambda i: sections[i].height(ctx.grid))
    blamed = cases[longest]
    return Fit(sections, cases, overflow=Overflow(blamed.id, blamed.line, over, scale.body_size))


def _try_size(cases, ctx: Context, steps: int):
    """(Fit or None, sections, mm over, scale) at one size: the designed arrangement of each case
    study first, then each one's shortest."""
    grid = ctx.grid
    scale = layout.TypeScale(ctx.style, steps, ctx.lang)
    builder = layout.SectionBuilder(ctx.style, scale, ctx.lang, ctx.edition.title)
    options = [builder.arrangements(case, n, len(cases)) for n, case in enumerate(cases, 1)]
    for sections in ([o[0] for o in options], [min(o, key=lambda s: s.height(grid)) for o in options]):
        over = layout.sections_height(sections, grid) - grid.body_height
        if over <= 0:
            return Fit(sections, cases), sections, over, scale
    return None, sections, over, scale


# ------------------------------------------------------------------ one page
@dataclass(frozen=True)
class Rendered:
    key: str
    dropped: tuple[tuple[str, str], ...] = ()
    overflow: Overflow | None = None
    name_too_long: bool = False
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
    band = layout.fit_band(ctx.style, ctx.grid, page.name, page.meta, f"{ctx.edition.title} {ctx.edition.edition}")
    if band is None:
        return Rendered(page.key, name_too_long=True)
    fit = fit_page(page, ctx)
    if fit.overflow is not None:
        return Rendered(page.key, fit.dropped, fit.overflow)
    recording, root, numbers = draw_page(page, band, fit, ctx, tagged)
    return Rendered(page.key, fit.dropped, drawing=pickle.dumps((recording, root), protocol=pickle.HIGHEST_PROTOCOL),
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
    pages = [page_content(summary) for summary in loaded.publication.summaries()]
    return series_glyphs([render(page, ctx) for page in pages], labels_of(pages, page_map))


def labels_of(pages: list[PageContent], page_map: PageMap) -> dict[str, str]:
    return {case.id: page_map.chapter_label(case.id) for page in pages for case in page.cases}


def draw_page(page: PageContent, band: layout.Band, fit: Fit, ctx: Context, tagged: bool = True):
    """(recording, structure, page-number forms) of the page."""
    grid = ctx.grid
    body = ctx.style.paragraph_style("onepager_body")
    canv = PageRecorder((grid.width, grid.height), body.fontName, body.fontSize)
    canv.numbers_drawn = []
    # the structure, in reading order; what is drawn without an element is decoration
    tagger, root = (Tagger(canv) if tagged else None), Node("Document")
    set_node(band.name, root.child("H1"))
    set_node(band.meta, root.child("P"))
    set_node(band.series, root.child("P"))
    root.add([section.node for section in fit.sections])
    lines = [set_node(line, root.child("P")) for line in footer_lines(ctx.style, ctx.edition, ctx.build_time)]
    caption_node = root.child("P")      # the QR codes' caption; each code is in its case study's Sect
    codes, caption = qr_codes(fit.cases)
    codes = [replace(code, figure=fit.sections[n].node.child("Figure", alt=f"QR code: {code.url}"))
             for n, code in zip(coded_cases(fit.cases), codes)]
    bleed = print_marks(ctx.style).bleed if ctx.print_marks else 0.0
    layout.draw_band(canv, ctx.grid, band, bleed, ctx.style.onepager["band_color"])
    layout.draw_sections(canv, fit.sections, ctx.grid, ctx.style.color("nhs-mid-grey"))
    # no link annotations for the printer: a printed page has nothing to click
    layout.draw_footer(canv, ctx.grid, lines, codes, caption, ctx.style, links=not ctx.print_marks,
                       caption_node=caption_node)
    canv.bookmarkPage(place_name(page.key), left=0, top=grid.height)     # the combined file's bookmark
    canv.showPage()
    numbers = tuple(canv.numbers_drawn)
    if tagger is None:
        return canv.recording(), None, numbers
    adopt_orphans(tagger.mcids, root)
    return canv.recording(), root, numbers


def place_name(key: str) -> str:
    return f"onepager:{key}"


def page_metadata(page: PageContent, ctx: Context) -> Metadata:
    edition = ctx.edition
    return Metadata(
        title=f"{page.name}: one-page summary ({edition.title} {edition.edition})", created=ctx.build_time,
        author=edition.publisher, subject="; ".join(case.title for case in page.cases),
        keywords=tuple(sorted({theme for case in page.cases for theme in case.themes})), lang=edition.language,
    )


def coded_cases(cases: tuple[CaseContent, ...]) -> list[int]:
    """The positions of the case studies with a web page: those with a QR code."""
    return [n for n, case in enumerate(cases) if case.url]


def qr_codes(cases: tuple[CaseContent, ...]) -> tuple[list[layout.QrCode], str]:
    """A code for each case study with a web page (labelled with its number when the page has
    more than one case study), and the caption before them."""
    with_url = [(n + 1, cases[n]) for n in coded_cases(cases)]
    if len(cases) == 1:
        codes = [layout.QrCode(case.url, "", description=f"Full case study online: {case.title}") for _, case in with_url]
        return codes, "Read the full case study online" if with_url else ""
    codes = [layout.QrCode(case.url, str(n), description=f"Case study {n} online: {case.title}") for n, case in with_url]
    return codes, "Read the case studies online" if len(with_url) > 1 else "Read case study online"


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
    """Warn about every element left out of a page; fail with every page that does not fit, at once."""
    problems = []
    for result, page in zip(results, pages):
        who = f"one-pager for '{page.key}' ({page.name})"
        lines = {case.id: case.line for case in page.cases}
        for case_id, element in result.dropped if result.drawn else ():
            reporter.warn("onepager-drop", f"{who}: left out the {element} of case study '{case_id}' to fit the page",
                          index_label, lines[case_id])
        if result.name_too_long:
            problems.append(Problem(f"{who}: the organisation's name does not fit the band even at the smallest "
                                    "type the house style allows: shorten it", index_label, page.line))
        if result.overflow is not None:
            problems.append(overflow_problem(who, page, result.overflow, index_label))
    if problems:
        raise UserError(problems)


def overflow_problem(who: str, page: PageContent, overflow: Overflow, index_label: str) -> Problem:
    mm = max(1, math.ceil(overflow.points / MM))
    among = f" (the longest of the {len(page.cases)} on this page)" if len(page.cases) > 1 else ""
    return Problem(f"{who}: case study '{overflow.case_id}'{among} is {mm} mm too long for the page even at "
                   f"{overflow.body_size:g} pt: shorten its summary or highlights", index_label, overflow.line)


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
    pages = [page_content(summary) for summary in loaded.publication.summaries()]
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
        self.keys = {page.key: digest("onepager-file", key, glyph_key, [(c.id, self.labels[c.id]) for c in page.cases])
                     for key, page in zip(self.pending.keys, self.pages)}
        self.kept = {name for name, key in self.keys.items() if kept(name, key)}
        self._todo = [n for n, page in enumerate(self.pages) if page.key not in self.kept]
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
