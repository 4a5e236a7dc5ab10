"""The compendium as a report designer signs it off (issue 16), measured on real builds with
``layout_metrics``: the sample edition (screen, --print and large print) and the archive edition
(60 case studies of one to three pages, one trust leading 20).

What is measured, and the limits (``layout_metrics.Limits``):
* body text set 60-75 characters a line (median);
* at most one page per part whose text stops above half the text block, none mid case study;
* no run of more than 2 hyphenated line ends, no hyphen fragment under 3 letters, no justified
  word space over 2x normal;
* folios and running heads on the outer edge of every page by its physical side, the inner
  margin the larger, every part on a right-hand (odd) page, in --print against the trim;
* no figure narrower than half the measure unless it is as tall as most of the page;
* large print: no text under 16 pt.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import source_date_epoch
from layout_metrics import measure
from util import ROOT, run_cli

ARCHIVE = ROOT.parent / "shared" / "editions" / "archive"


def built(tmp_path_factory, name: str, *args: str) -> Path:
    out = tmp_path_factory.mktemp(name)
    with source_date_epoch():
        code, printed = run_cli("pdf", "--out", str(out), "-q", *args)
    assert code == 0, printed
    return out / "compendium.pdf"


@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory):
    return built(tmp_path_factory, "print", "--print")


@pytest.fixture(scope="module")
def large_pdf(tmp_path_factory):
    return built(tmp_path_factory, "large", "--style", "large-print")


@pytest.fixture(scope="module")
def archive_pdf(tmp_path_factory):
    if not ARCHIVE.is_dir():
        pytest.skip(f"the archive edition is not at {ARCHIVE} (it comes with ../shared/)")
    return built(tmp_path_factory, "archive", "--sources", str(ARCHIVE))


def test_the_sample_is_signed_off(sample_pdf):
    report = measure(sample_pdf, style="house")
    assert report.problems() == [], report.format()
    assert 60 <= report.measure.median <= 75
    assert report.imposition.part_openers_even == []


def test_the_archive_is_signed_off(archive_pdf):
    report = measure(archive_pdf, style="house")
    assert report.problems() == [], report.format()
    assert report.hyphenation.max_run <= 2 and report.hyphenation.short_fragments == []
    assert report.word_spacing.max_ratio <= 2.0
    assert report.figures.images and not report.figures.narrow


def test_the_print_edition_is_imposed(print_pdf):
    report = measure(print_pdf, style="house", print_edition=True)
    assert report.problems() == [], report.format()
    imposition = report.imposition
    assert imposition.furniture_inner == [] and imposition.part_openers_even == []
    assert report.pages % 4 == 0                 # signatures of four


def test_large_print_is_16pt_and_up(large_pdf):
    report = measure(large_pdf, style="large-print", large_print=True)
    assert report.problems() == [], report.format()
    assert report.type_sizes.min_any >= 16


def test_the_print_edition_comes_with_its_cover_spread(print_pdf):
    import math

    import pypdf

    from book.style.house import load_style

    page = load_style(ROOT / "styles").page
    pages = len(pypdf.PdfReader(print_pdf).pages)
    cover = pypdf.PdfReader(print_pdf.parent / "compendium-cover.pdf")
    assert len(cover.pages) == 1
    trim = cover.pages[0].trimbox
    spine = math.ceil(pages / 2) * page.caliper
    # back + spine + front across, one page high, inside the bleed
    assert abs(float(trim.width) - (2 * page.width + spine)) < 0.01
    assert abs(float(trim.height) - page.height) < 0.01
    assert abs(float(cover.pages[0].mediabox.width) - float(trim.width) - 2 * page.bleed) < 0.01
    text = cover.pages[0].extract_text()
    assert "Growing OHWB Case Studies" in text and "17 case studies" in text
