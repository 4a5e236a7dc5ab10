"""The one-pagers' shortcuts change nothing on the page:

- ``most`` finds the largest number that fits from any guess (a right guess in two tries);
- a page drawn from the flowables its fit made and measured is the page drawn from fresh ones,
  byte for byte, in the house style and in large print (two pages, frames of two widths);
- the other organisations' case studies a page lists, found in one pass over the edition read
  once for all pages, are the edition's case studies sorted by their distance from the page's
  organisation.
"""
from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from book.core.errors import Reporter
from book.build.pipeline import Options, load
from book.writers.onepager import furniture
from book.writers.onepager.content import RELATED_LIMIT, Neighbours, with_excerpt
from book.writers.onepager.drawing import Rendered, assemble_page, draw_page, labels_of
from book.writers.onepager.fitting import fit_page, most
from book.writers.onepager.onepager import make_context, page_content
from conftest import ROOT


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 7, 16, 40])
def test_most_finds_the_largest_that_fits_from_any_guess(limit):
    for answer in range(limit + 1):
        for guess in range(-1, limit + 3):
            tried = []

            def fits(n):
                tried.append(n)
                return n <= answer

            assert most(fits, limit, guess) == answer, (limit, answer, guess)
            assert all(0 < n <= limit for n in tried), "nothing tried outside 1..limit"
            if 1 <= guess == answer < limit:
                assert tried == [answer, answer + 1], "a right guess takes two tries"


@pytest.mark.parametrize("style", ["house", "large-print"])
def test_a_page_drawn_from_what_its_fit_measured_is_the_page_drawn_afresh(style, tmp_path):
    options = Options(sources=ROOT / "sources", styles=ROOT / "styles", out=tmp_path, style=style)
    loaded = load(options, Reporter(quiet=True))
    loaded.style.fonts.register()
    ctx = make_context(loaded, options)
    pages = [with_excerpt(page_content(summary, publication=loaded.publication))
             for summary in loaded.publication.summaries()]

    class Pages:
        def chapter_label(self, case_id: str) -> str:
            return str(len(case_id) * 7)

    labels = labels_of(pages, Pages())
    shown = 0
    for page in pages:
        fit = fit_page(page, ctx)
        if fit.overflow is not None:
            continue
        shown += fit.excerpt + fit.related
        files = []
        for made in (fit.made, {}):       # what the fit made; nothing (every flowable made anew)
            band = furniture.make_band(ctx.style, ctx.grid, page.name, page.meta)
            recording, root, numbers = draw_page(page, band, replace(fit, made=made), ctx)
            rendered = Rendered(page.key, drawing=pickle.dumps((recording, root)), fonts=recording.fonts, numbers=numbers)
            files.append(assemble_page(rendered, page, labels, ctx))
        assert files[0] == files[1], f"{style}: {page.key}"
    assert shown, "the sample's pages show the opening of a full text or other organisations' case studies"


def nearest_by_definition(summary, case_studies) -> tuple:
    """The definition ``Neighbours.nearest`` answers for: every other case study, sorted by its
    distance (the same ICS, the same region, a shared theme, the rest), the first RELATED_LIMIT."""
    org = summary.organisation
    themes = {t for c in summary.chapters for t in c.case_study.themes}

    def distance(chapter) -> int:
        if org.ics and chapter.lead.ics == org.ics:
            return 0
        if chapter.lead.region == org.region:
            return 1
        return 2 if themes & set(chapter.case_study.themes) else 3

    own = {c.id for c in summary.chapters}
    nearest = sorted((c for c in case_studies if c.id not in own), key=distance)[:RELATED_LIMIT]
    return tuple((c.id, c.case_study.title, c.lead.name) for c in nearest)


def test_the_nearest_case_studies_are_the_edition_sorted_by_distance(sample_loaded):
    publication = sample_loaded.publication
    neighbours = Neighbours(publication)
    for summary in publication.summaries():
        assert neighbours.nearest(summary) == nearest_by_definition(summary, publication.case_studies)


def test_the_nearest_case_studies_of_a_large_edition_are_those_sorted_by_distance():
    """The same order as the definition's, where many share an ICS, a region or a theme (the
    indexes skip most case studies, and stop at the limit)."""
    from types import SimpleNamespace as Thing

    def organisation(n):
        if n >= 55:      # alone in their region, in no ICS: their nearest share a theme, or nothing
            return Thing(key=f"org{n}", name=f"Org {n}", ics="", region=f"Island {n}")
        return Thing(key=f"org{n}", name=f"Org {n}", ics=f"ICS {n % 7}" if n % 5 else "", region=f"Region {n % 3}")

    orgs = [organisation(n) for n in range(60)]
    cases = [Thing(id=f"cs{n}", lead=orgs[(n * 7) % 60],
                   case_study=Thing(title=f"Case {n}", themes=[f"theme {n % 40}"] + ([f"theme {n % 9}"] if n % 2 else [])))
             for n in range(300)]
    neighbours = Neighbours(Thing(case_studies=cases))
    for org in orgs:
        summary = Thing(organisation=org, chapters=[c for c in cases if c.lead is org])
        assert neighbours.nearest(summary) == nearest_by_definition(summary, cases)
