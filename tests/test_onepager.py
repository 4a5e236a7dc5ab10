"""The one-pagers read back: one page each, every text there, a fixed grid, right page numbers,
copy-fitting that fails loudly, print marks, reproducible bytes, embedded fonts.

The sample edition is built once per module (in-process, the real pipeline); editions that
need changes are copies of it written into a temporary folder.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import yaml

from book.core.errors import Reporter, UserError
from book.sources.index import load_index
from book.build.pipeline import Options, load
from book.style.house import load_style
from book.build.standalone import write_compendium
from book.writers.onepager.onepager import edition_glyphs, make_context, page_content, page_pdf, write_onepagers
from book.writers.onepager.layout import Grid
from textcheck import squash
from conftest import source_date_epoch
from util import ROOT, run_cli

EPOCH = "1767225600"  # not the sample's own date
LONG_NAME = ("The Royal Borough and Great Metropolitan Area University Teaching Hospitals, Community, Mental "
             "Health and Ambulance Services Collaborative Occupational Health and Wellbeing NHS Trusts of the Southeast")
assert len(LONG_NAME) == 200


@dataclass
class Built:
    loaded: object
    page_map: object
    compendium: bytes
    pages: dict[str, bytes]
    combined: bytes
    reporter: Reporter


def build(sources: Path, out: Path, styles: Path = ROOT / "styles", **options) -> Built:
    opts = Options(sources=sources, styles=styles, out=out, **options)
    reporter = Reporter(quiet=True, strict=opts.strict)
    with source_date_epoch(EPOCH):
        loaded = load(opts, reporter)
    compendium, page_map = write_compendium(loaded, replace(opts, print_marks=False))
    pages, combined = write_onepagers(loaded, page_map, opts, reporter)
    return Built(loaded, page_map, compendium, pages, combined, reporter)


def edit_index(sources: Path, change) -> None:
    """Rewrite sources/index.yaml after ``change(data)`` (comments are not kept: tests only)."""
    path = sources / "index.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["edition"]["date"] = str(data["edition"]["date"])
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def case(data: dict, case_id: str) -> dict:
    return next(cs for cs in data["case_studies"] if cs["id"] == case_id)


def copy_sources(tmp: Path) -> Path:
    target = tmp / "sources"
    shutil.copytree(ROOT / "sources", target)
    return target


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Built:
    return build(ROOT / "sources", tmp_path_factory.mktemp("onepagers"))


@pytest.fixture(scope="module")
def grid() -> Grid:
    return Grid.from_style(load_style(ROOT / "styles"))


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Built:
    """Imperial in three case studies (two as a partner, one with a web page) and an
    organisation with a 200-character name."""
    root = tmp_path_factory.mktemp("variant")
    sources = copy_sources(root)

    def change(data):
        case(data, "north-west-london-shared-service")["partners"] += ["imperial"]
        case(data, "north-central-london-consolidated-oh")["partners"] = ["imperial"]
        case(data, "imperial-oh-transformation")["url"] = "https://example.org/case-studies/imperial-oh-transformation"
        data["organisations"]["barnsley"]["name"] = LONG_NAME

    edit_index(sources, change)
    return build(sources, root / "dist")


# ------------------------------------------------------------------ one page each, everything on it
def test_one_single_page_pdf_per_organisation_and_all_pages_combined(sample):
    organisations = [o.key for o in sample.loaded.publication.organisations]
    assert list(sample.pages) == organisations
    for key, pdf in sample.pages.items():
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1, key
    combined = pypdf.PdfReader(io.BytesIO(sample.combined))
    assert len(combined.pages) == len(organisations)
    assert [item.title for item in combined.outline] == [o.name for o in sample.loaded.publication.organisations]


def test_summary_highlights_and_quote_are_all_on_the_page(sample):
    for summary in sample.loaded.publication.summaries():
        text = squash(text_of(sample.pages[summary.organisation.key]))
        assert squash(summary.organisation.name) in text
        for chapter in summary.chapters:
            cs = chapter.case_study
            expected = [cs.title, cs.summary, cs.award, *cs.highlights]
            if cs.quote:
                expected += [cs.quote.text, cs.quote.name, cs.quote.role]
            for piece in expected:
                assert squash(piece) in text, (summary.organisation.key, piece)


def test_the_sample_has_a_page_with_highlights_and_a_quote(sample):
    text = flat(text_of(sample.pages["imperial"]))
    assert "Highlights" in text
    assert "\u201cThe restructuring of the Occupational Health" in text


def block_text(pdf: bytes, name: str) -> str:
    """The text of one block of the grid (the page's columns read apart)."""
    box = Grid.from_style(load_style(ROOT / "styles")).box(name)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        return flat(page.crop((box.x, page.height - box.top, box.x + box.width, page.height - box.y)).extract_text())


def test_partner_pages_name_the_lead_and_the_other_partners(sample):
    # the facts panel: a label above each value (was 'Lead: ...' on one line beside the story)
    assert "Led by Gloucestershire Health and Care NHS Foundation Trust" in block_text(sample.pages["swast"], "facts")
    lead = block_text(sample.pages["gloucestershire-health-and-care"], "facts")
    assert "Partner South Western Ambulance Service NHS Foundation Trust" in lead


def test_metadata_and_language(sample):
    for summary in sample.loaded.publication.summaries():
        reader = pypdf.PdfReader(io.BytesIO(sample.pages[summary.organisation.key]))
        assert summary.organisation.name in reader.metadata.title
        assert reader.metadata.author == "NHS Health at Work Network"
        assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    combined = pypdf.PdfReader(io.BytesIO(sample.combined))
    assert combined.metadata.title.startswith("Growing OHWB Case Studies")
    assert combined.trailer["/Root"]["/Lang"] == "en-GB"


# ------------------------------------------------------------------ the grid never moves
def page_layout(page, grid: Grid) -> dict:
    """Where the fixed elements fell on one page (pdfplumber: y from the top, points)."""
    band_edge = page.height - grid.band_bottom
    footer_edge = page.height - grid.footer_top
    words = page.extract_words()
    return {
        "band": [tuple(round(r[k], 2) for k in ("x0", "top", "x1", "bottom")) for r in page.rects if r["top"] < 1],
        "footer rule": [tuple(round(line[k], 2) for k in ("x0", "top", "x1")) for line in page.lines
                        if abs(line["top"] - footer_edge) < 1],
        "footer text": [(w["text"], round(w["x0"], 2), round(w["top"], 2)) for w in words if w["top"] > footer_edge],
        # the meta line stands on the band's bottom (the series' title is in the footer only now)
        "meta line": round(min(w["top"] for w in words if band_edge - grid.gutter - 14 < w["top"] < band_edge), 2),
    }


def test_band_footer_and_series_sit_at_identical_coordinates_on_every_page(sample, grid):
    with pdfplumber.open(io.BytesIO(sample.combined)) as pdf:
        layouts = [page_layout(page, grid) for page in pdf.pages]
    first = layouts[0]
    assert first["band"] == [(0.0, 0.0, round(grid.width, 2), round(grid.band_height, 2))]
    assert len(first["footer rule"]) == 1
    assert " ".join(w[0] for w in first["footer text"]).startswith("Growing OHWB Case Studies")
    for n, layout in enumerate(layouts[1:], 2):
        assert layout == first, f"page {n}"


def test_the_body_starts_at_the_same_place_on_every_single_case_page(sample, grid):
    tops = set()
    with pdfplumber.open(io.BytesIO(sample.combined)) as pdf:
        for page, summary in zip(pdf.pages, sample.loaded.publication.summaries()):
            if len(summary.chapters) == 1:
                below_band = [w for w in page.extract_words() if w["top"] > grid.band_height]
                tops.add(round(min(w["top"] for w in below_band), 2))
    assert len(tops) == 1


# ------------------------------------------------------------------ page references
def test_page_references_match_the_compendium(sample):
    compendium = pypdf.PdfReader(io.BytesIO(sample.compendium))
    for summary in sample.loaded.publication.summaries():
        text = flat(text_of(sample.pages[summary.organisation.key]))
        found = re.findall(r"Full case study: Growing OHWB Case Studies, page (\S+)", text)
        expected = [sample.page_map.chapter_label(c.id) for c in summary.chapters]
        assert found == expected, summary.organisation.key
        for chapter in summary.chapters:
            index = sample.page_map.chapter_pages[chapter.id]
            assert compendium.page_labels[index] == sample.page_map.chapter_label(chapter.id)
            assert squash(chapter.title) in squash(compendium.pages[index].extract_text()), chapter.id


# ------------------------------------------------------------------ copy-fitting
def test_an_overlong_case_study_is_a_warning_and_the_other_outputs_are_made(tmp_path):
    """A one-pager that does not fit even at the floor with everything droppable left out is
    not made, with a warning naming the trust, the case study and the excess; the compendium,
    the EPUB and the other one-pagers are made. With --strict it is an error."""
    sources = copy_sources(tmp_path)
    edit_index(sources, lambda data: case(data, "imperial-oh-transformation").update(
        summary=" ".join([case(data, "imperial-oh-transformation")["summary"]] * 30)))
    line = next(cs.line for cs in load_index(sources, Reporter(quiet=True)).case_studies if cs.id == "imperial-oh-transformation")
    code, out = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist"))
    assert code == 0, out
    message = re.search(
        rf"{re.escape(str(sources / 'index.yaml'))}:{line}: one-pager for 'imperial' \(Imperial College Healthcare NHS "
        r"Trust\): case study 'imperial-oh-transformation' is (\d+) mm too long for the page even at 7\.5 pt: "
        r"shorten its summary or highlights; the one-pager is not made", out)
    assert message, out
    assert int(message[1]) > 20
    dist = tmp_path / "dist"
    assert not (dist / "one-pagers" / "imperial.pdf").exists()
    assert (dist / "compendium.pdf").exists() and (dist / "compendium.epub").exists()
    assert len(list((dist / "one-pagers").glob("*.pdf"))) == 17
    assert len(pypdf.PdfReader(dist / "one-pagers.pdf").pages) == 17
    code, out = run_cli("--sources", str(sources), "--out", str(tmp_path / "strict"), "--strict")
    assert code == 1 and "mm too long for the page" in out and "--strict makes warnings errors" in out


def test_three_case_studies_fit_one_page(variant):
    pdf = variant.pages["imperial"]
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    text = squash(block_text(pdf, "title") + block_text(pdf, "story"))
    summary = next(s for s in variant.loaded.publication.summaries() if s.organisation.key == "imperial")
    assert len(summary.chapters) == 3
    featured = next(c for c in summary.chapters if c.case_study.award)     # awarded: shown first, in full
    assert squash(featured.case_study.summary) in text
    for chapter in summary.chapters:
        title = squash(chapter.case_study.title)
        assert title in text
        assert re.search(r"page(\d+)", text[text.index(title) + len(title):])[1] == variant.page_map.chapter_label(chapter.id)
    assert "Featured case study · 1 of 3" in block_text(pdf, "title")
    assert "Led by North West London Integrated Care System" in block_text(pdf, "facts")


def test_a_200_character_name_is_shortened_in_the_band_and_given_whole_in_the_facts(variant, grid):
    pdf = variant.pages["barnsley"]
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        band_chars = [c for c in page.chars if c["top"] < grid.band_height]
        for c in band_chars:
            assert c["bottom"] <= grid.band_height and grid.margin_left - 0.5 <= c["x0"]
            assert c["x1"] <= grid.width - grid.margin_right + 0.5
        name = [c for c in band_chars if c["size"] >= 12]
        assert {round(c["size"], 2) for c in name} == {20.0}, "the band's one size"
        assert len({round(c["top"]) for c in name}) == 2
        assert "".join(c["text"] for c in name).endswith("\u2026")
    assert squash(LONG_NAME) in squash(block_text(pdf, "facts"))
    assert any(w.kind == "onepager-name" and "'barnsley'" in w.message for w in variant.reporter.warnings)


def test_a_case_study_with_a_web_page_gets_a_linked_qr_code(variant, grid):
    page = pypdf.PdfReader(io.BytesIO(variant.pages["imperial"])).pages[0]
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert links == ["https://example.org/case-studies/imperial-oh-transformation"]
    box = grid.box("qr")
    with pdfplumber.open(io.BytesIO(variant.pages["imperial"])) as doc:
        height = doc.pages[0].height
        modules = [r for r in doc.pages[0].rects if box.x <= r["x0"] and r["x1"] <= box.x + box.width
                   and height - box.top <= r["top"] and r["bottom"] <= height - box.y]
    assert len(modules) > 50, "the QR code's modules are drawn in the QR block"
    assert "example.org/case-studies/imperial-oh-transformation" in block_text(variant.pages["imperial"], "qr").replace(" ", "")


def test_the_quote_then_the_highlights_are_left_out_with_a_warning(tmp_path):
    sources = copy_sources(tmp_path)
    edit_index(sources, lambda data: case(data, "imperial-oh-transformation").update(
        highlights=case(data, "imperial-oh-transformation")["highlights"] * 4,
        summary=" ".join([case(data, "imperial-oh-transformation")["summary"]] * 3)))
    built = build(sources, tmp_path / "dist")
    warnings = [w.message for w in built.reporter.warnings if w.kind == "onepager-drop"]
    assert warnings == [
        "one-pager for 'imperial' (Imperial College Healthcare NHS Trust): left out the quote of case study 'imperial-oh-transformation' to fit the page",
        "one-pager for 'imperial' (Imperial College Healthcare NHS Trust): left out the highlights of case study 'imperial-oh-transformation' to fit the page",
    ]
    text = squash(text_of(built.pages["imperial"]))
    assert squash("The restructuring of the Occupational Health team") not in text
    assert len(pypdf.PdfReader(io.BytesIO(built.pages["imperial"])).pages) == 1
    strict = build(sources, tmp_path / "strict", strict=True)
    with pytest.raises(UserError, match="left out the quote of case study 'imperial-oh-transformation'"):
        strict.reporter.raise_if_strict()


# ------------------------------------------------------------------ print, bytes, fonts
def test_print_marks_add_a_bleed_the_band_runs_into(sample, grid, tmp_path):
    options = Options(sources=ROOT / "sources", styles=ROOT / "styles", out=tmp_path, print_marks=True)
    pages, combined = write_onepagers(sample.loaded, sample.page_map, options, Reporter(quiet=True))
    bleed = sample.loaded.style.page.bleed
    for key, pdf in pages.items():
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        trim, bleed_box, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(trim.width, 2), round(trim.height, 2)) == (round(grid.width, 2), round(grid.height, 2))
        assert round(trim.left - bleed_box.left, 2) == round(bleed, 2) == round(bleed_box.top - trim.top, 2)
        assert media.width > bleed_box.width and media.height > bleed_box.height, "crop marks sit outside the bleed"
    with pdfplumber.open(io.BytesIO(pages["imperial"])) as doc:
        page = doc.pages[0]
        offset = float(pypdf.PdfReader(io.BytesIO(pages["imperial"])).pages[0].trimbox.left)
        band = max(page.rects, key=lambda r: r["width"])
        assert round(band["x0"], 2) == round(offset - bleed, 2) and round(band["top"], 2) == round(offset - bleed, 2)
        assert round(band["x1"], 2) == round(offset + grid.width + bleed, 2)
        marks = [line for line in page.lines if line["x1"] <= offset - bleed + 0.01 or line["top"] >= page.height - offset + bleed - 0.01]
        assert len(marks) >= 4, "crop marks in the slug"
    assert len(pypdf.PdfReader(io.BytesIO(combined)).pages) == len(pages)


def test_workers_draw_the_same_bytes_as_a_page_drawn_here(sample):
    summary = next(s for s in sample.loaded.publication.summaries() if s.organisation.key == "imperial")
    ctx = make_context(sample.loaded, Options())
    glyphs = edition_glyphs(sample.loaded, sample.page_map, ctx)      # the fonts the series shares
    assert page_pdf(page_content(summary), ctx, sample.page_map, glyphs=glyphs) == sample.pages["imperial"]


def test_byte_identical_across_builds_with_the_same_source_date_epoch(sample, tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out = tmp_path / "dist"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "onepagers", "--sources", str(ROOT / "sources"),
                    "--styles", str(ROOT / "styles"), "--out", str(out), "-q"], check=True, env=env, cwd=ROOT)
    for key, pdf in sample.pages.items():
        assert (out / "one-pagers" / f"{key}.pdf").read_bytes() == pdf, key
    assert (out / "one-pagers.pdf").read_bytes() == sample.combined


def fonts_of(pdf: bytes):
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            yield font.get("/DescendantFonts", [font])[0].get_object() if "/DescendantFonts" in font else font


def test_every_font_is_embedded(sample):
    for pdf in [*sample.pages.values(), sample.combined]:
        fonts = list(fonts_of(pdf))
        assert fonts
        for font in fonts:
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font['/BaseFont']} is not embedded"
            assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} is not embedded"


def test_large_print_is_a4_at_16pt_or_more_on_at_most_two_pages(tmp_path):
    built = build(ROOT / "sources", tmp_path / "dist", style="large-print", only=["leeds"])
    pdf = built.pages["leeds"]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 2, "the large-print style gives two pages"
        sizes = set()
        for page in doc.pages:
            assert (round(page.width), round(page.height)) == (595, 842), "A4, not A3"
            assert all(0 <= c["x0"] and c["x1"] <= page.width and 0 <= c["top"] and c["bottom"] <= page.height for c in page.chars)
            sizes |= {round(c["size"], 1) for c in page.chars}
    assert min(sizes) >= 16, "large print never shrinks below its floor"
    assert squash(next(c for c in built.loaded.publication.case_studies).case_study.summary) in squash(text_of(pdf))


def test_what_goes_to_a_worker_pickles_for_platforms_without_fork(sample):
    import pickle

    ctx = make_context(sample.loaded, Options())
    pages = [page_content(s, sample.page_map) for s in sample.loaded.publication.summaries()]
    assert pickle.loads(pickle.dumps(pages)) == pages
    assert pickle.loads(pickle.dumps(ctx)).grid == ctx.grid


def test_the_index_sets_the_featured_case_study_and_the_organisations_web_page(tmp_path):
    """``featured`` puts a case study first; an organisation's ``url`` is its QR code when the
    featured case study has none; a featured id the organisation has no part in is an error."""
    sources = copy_sources(tmp_path)

    def change(data):
        case(data, "north-central-london-consolidated-oh")["partners"] = ["imperial"]
        data["organisations"]["imperial"]["url"] = "https://example.org/imperial"
        data["organisations"]["imperial"]["featured"] = ["north-central-london-consolidated-oh"]

    edit_index(sources, change)
    built = build(sources, tmp_path / "dist", only=["imperial"])
    pdf = built.pages["imperial"]
    featured = next(c for c in built.loaded.publication.case_studies if c.id == "north-central-london-consolidated-oh")
    assert squash(featured.case_study.title) in squash(block_text(pdf, "title"))
    assert "Featured case study · 1 of 2" in block_text(pdf, "title")
    links = [a.get_object()["/A"]["/URI"] for a in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].get("/Annots", [])]
    assert links == ["https://example.org/imperial"]
    edit_index(sources, lambda data: data["organisations"]["imperial"].update(featured=["leeds-financial-wellbeing"]))
    code, out = run_cli("check", "--sources", str(sources), "--out", str(tmp_path / "check"))
    assert code == 1
    assert "organisation 'imperial': featured case study 'leeds-financial-wellbeing' is not one it leads or takes part in" in out
