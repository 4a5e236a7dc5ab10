"""The one-pagers as tagged PDFs: PDF/UA-1 by the `page` validator, on every page of the sample
edition, on the combined file and on a page with three case studies and QR codes; the structure
tree read back; the pages drawn exactly as without tags.

Each PDF is validated once (module fixtures). Trees are read with the helpers of test_tagged_pdf
(pikepdf for the tree, pdfplumber for the text of each marked-content sequence).
"""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from book.core.errors import Reporter
from book.build.pipeline import Options, load
from test_onepager import Built, build, case, copy_sources, edit_index
from test_tagged_pdf import Elem, marked_content_problems, read_tagged, ua1_failures
from textcheck import squash
from util import page_content, ROOT

THREE = "imperial"      # in three case studies in the test edition, two of them with a web page
URLS = {"imperial-oh-transformation": "https://example.org/case-studies/imperial-oh-transformation",
        "north-west-london-shared-service": "https://example.org/case-studies/nwl-shared-service?a=1&b=2"}


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def sample_loaded(tmp_path_factory):
    return load(Options(sources=ROOT / "sources", styles=ROOT / "styles", out=tmp_path_factory.mktemp("tagged-onepagers")),
                Reporter(quiet=True))


@pytest.fixture(scope="module")
def sample_pages(sample_build, sample_loaded) -> dict[str, Path]:
    """Organisation key -> its one-pager, in the edition's order."""
    pages = {org.key: sample_build / "one-pagers" / f"{org.key}.pdf" for org in sample_loaded.publication.organisations}
    assert sorted(pages.values()) == sorted((sample_build / "one-pagers").glob("*.pdf"))
    return pages


@pytest.fixture(scope="module")
def sample_combined(sample_build) -> Path:
    return sample_build / "one-pagers.pdf"


@pytest.fixture(scope="module")
def sample_reports(sample_pages, sample_combined) -> dict[str, object]:
    """The validator's report on every one-pager and on the combined file ('combined')."""
    import page

    paths = {**sample_pages, "combined": sample_combined}
    return {key: page.validate_pdf(str(path), profile="ua1") for key, path in paths.items()}


@pytest.fixture(scope="module")
def combined_tagged(sample_combined):
    return read_tagged(sample_combined)


@dataclass
class Three:
    page: Path          # Imperial's one-pager
    combined: Path      # the one-pagers of the subset edition
    built: Built


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Three:
    """A test edition: Imperial in three case studies (two as a partner), two with a web page;
    only the organisations of those three are built."""
    root = tmp_path_factory.mktemp("tagged-three")
    sources = copy_sources(root)

    def change(data):
        case(data, "north-west-london-shared-service")["partners"] += ["imperial"]
        case(data, "north-central-london-consolidated-oh")["partners"] = ["imperial"]
        for case_id, url in URLS.items():
            case(data, case_id)["url"] = url

    edit_index(sources, change)
    built = build(sources, root / "dist", only=[THREE])
    path, combined = root / f"{THREE}.pdf", root / "one-pagers.pdf"
    path.write_bytes(built.pages[THREE])
    combined.write_bytes(built.combined)
    return Three(path, combined, built)


@pytest.fixture(scope="module")
def three_reports(three) -> dict[str, object]:
    import page

    return {path.name: page.validate_pdf(str(path), profile="ua1") for path in (three.page, three.combined)}


@pytest.fixture(scope="module")
def three_tagged(three):
    return read_tagged(three.page)


def three_summary(three):
    return next(s for s in three.built.loaded.publication.summaries() if s.organisation.key == THREE)


# ------------------------------------------------------------------ PDF/UA-1
def test_every_sample_onepager_and_the_combined_file_pass_pdf_ua1(sample_reports):
    assert len(sample_reports) > 10
    assert {key: ua1_failures(r) for key, r in sample_reports.items() if r.rules.failed or not r.is_compliant} == {}
    assert all(r.rules.failed == 0 and r.is_compliant for r in sample_reports.values())


def test_three_case_studies_with_qr_codes_pass_pdf_ua1(three_reports):
    assert {name: ua1_failures(r) for name, r in three_reports.items()} == {"imperial.pdf": [], "one-pagers.pdf": []}
    assert all(r.rules.failed == 0 and r.is_compliant for r in three_reports.values())


def test_catalog_says_tagged(sample_pages, sample_combined, three):
    for path in [*sample_pages.values(), sample_combined, three.page, three.combined]:
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert root.MarkInfo.Marked is True, path.name
            assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot, path.name
            assert str(root.Lang) == "en-GB" and root.ViewerPreferences.DisplayDocTitle is True
            xmp = root.Metadata.read_bytes().decode("utf-8")
            assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
            title = xmp.split("<dc:title>")[1].split("</dc:title>")[0]
            assert str(pdf.docinfo.Title).replace("&", "&amp;") in title
            for n, page in enumerate(pdf.pages):
                assert "/StructParents" in page and page.Tabs == pikepdf.Name.S
                for annot in page.get("/Annots", ()):
                    assert "/StructParent" in annot and str(annot.Contents).strip()
    if shutil.which("pdfinfo"):
        for path in (sample_combined, three.page):
            info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
            assert "Tagged:          yes" in info


@pytest.mark.parametrize("which", ["sample", "three"])
def test_marked_content_is_well_formed_and_all_text_is_content(which, sample_combined, three):
    """Every sequence closed where it opened, and no text hidden as an artifact: on a one-pager
    only decoration (band, boxes, bars, rules, QR modules) is."""
    path = sample_combined if which == "sample" else three.page
    assert marked_content_problems(path) == []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            hidden = "".join(c["text"] for c in page.chars if c.get("mcid") is None)
            assert hidden == "", f"page {n + 1}: {hidden!r}"


# ------------------------------------------------------------------ the structure tree
def headings(tagged, elem: Elem, role: str) -> list[str]:
    return [squash(tagged.text(h)) for h in elem.elements(role)]


def test_combined_file_is_a_sect_per_organisation_with_its_name_and_case_study_titles(combined_tagged, sample_loaded):
    doc = combined_tagged.root
    summaries = sample_loaded.publication.summaries()
    assert doc.role == "Document" and [k.role for k in doc.kids] == ["Sect"] * len(summaries)
    for sect, summary in zip(doc.kids, summaries):
        assert sect.kids[0].role == "H1"
        assert squash(combined_tagged.text(sect.kids[0])) == squash(summary.organisation.name)
        assert headings(combined_tagged, sect, "H1") == [squash(summary.organisation.name)]
        # the featured case study (and the others with room for their summaries) under an H2,
        # the rest in the list: every case study of the organisation is named
        titles = [squash(c.case_study.title) for c in summary.chapters]
        shown = headings(combined_tagged, sect, "H2")
        assert shown and set(shown) <= set(titles)
        assert all(title in squash(combined_tagged.text(sect)) for title in titles)


def test_a_page_reads_band_then_case_studies_then_facts_code_and_footer(three_tagged, three):
    tagged, summary = three_tagged, three_summary(three)
    doc = tagged.root
    roles = [k.role for k in doc.kids]
    assert roles[:3] == ["H1", "P", "Sect"] and roles[-4:] == ["Figure", "P", "P", "P"]
    assert squash(tagged.text(doc.kids[0])) == squash(summary.organisation.name)
    assert squash(tagged.text(doc.kids[1])) == squash("London region · North West London ICS")
    assert squash(tagged.text(doc.kids[-3])) == squash("example.org/case-studies/imperial-oh-transformation")
    assert squash(tagged.text(doc.kids[-1])).startswith(squash("Published by"))
    facts = doc.kids[-5]
    assert facts.role == "Sect" and squash(tagged.text(facts.kids[0])) == squash("Organisation" + summary.organisation.name)
    # the featured case study, the awarded one: title, summary, highlights, quote, where to read on,
    # in that order, though the title is drawn in the title area above the story
    full = doc.kids[2]
    cs = next(c.case_study for c in summary.chapters if c.case_study.award)
    assert [k.role for k in full.kids][:7] == ["P", "H2", "P", "H3", "L", "BlockQuote", "P"]
    assert squash(tagged.text(full.kids[0])) == squash("Featured case study · 1 of 3")
    assert squash(tagged.text(full.kids[1])) == squash(cs.title)
    assert squash(tagged.text(full.kids[2])) == squash(cs.summary)
    items = full.kids[4].kids
    assert [i.role for i in items] == ["LI"] * len(cs.highlights)
    assert all([k.role for k in item.kids] == ["Lbl", "LBody"] for item in items)
    assert [tagged.text(item.kids[0]) for item in items] == ["\u2022"] * len(cs.highlights)
    assert [squash(tagged.text(item.kids[1])) for item in items] == [squash(h) for h in cs.highlights]
    quote = full.kids[5]
    assert [k.role for k in quote.kids] == ["P", "P"]
    assert squash(cs.quote.text) in squash(tagged.text(quote.kids[0]))
    assert squash(tagged.text(quote.kids[1])) == squash(cs.quote.name + cs.quote.role)
    assert squash(tagged.text(full.kids[-1])).startswith(squash("Full case study: Growing OHWB Case Studies, page"))
    # the other two: in Sects of their own, or listed by title and page
    for chapter in summary.chapters:
        assert squash(chapter.case_study.title) in squash(tagged.text(doc))


def test_the_qr_code_is_a_figure_with_alt_text_and_its_link(three_tagged, three):
    tagged = three_tagged
    figures = tagged.root.elements("Figure")
    url = URLS["imperial-oh-transformation"]        # the featured case study's
    assert [f.alt for f in figures] == [f"QR code: {url}"]
    with pikepdf.open(three.page) as pdf:
        annots = {a.objgen: a for a in pdf.pages[0].Annots}
        figure = figures[0]
        assert figure.mcrs(), "the code's modules are the figure's content"
        links = [k for k in figure.kids if isinstance(k, Elem) and k.role == "Link"]
        assert len(links) == 1
        objrs = [k[1] for k in links[0].kids if k[0] == "objr"]
        assert len(objrs) == 1
        annot = annots.pop(objrs[0])
        assert str(annot.A.URI) == url
        assert str(annot.Contents).endswith(f"({url})") and "online" in str(annot.Contents)
        assert annots == {}, "every link annotation is in a Link element"


# ------------------------------------------------------------------ drawn as before
def test_tagging_leaves_the_pages_as_they_were(three):
    """The page with everything (three case studies, highlights, quote, award, QR codes), drawn
    with and without tags: the same pixels."""
    pdfium = pytest.importorskip("pypdfium2")
    from book.writers.onepager import onepager

    ctx = onepager.make_context(three.built.loaded, Options())
    content = onepager.page_content(three_summary(three))
    glyphs = onepager.edition_glyphs(three.built.loaded, three.built.page_map, ctx)
    tagged = onepager.page_pdf(content, ctx, three.built.page_map, glyphs=glyphs)
    assert tagged == three.page.read_bytes()
    plain = onepager.page_pdf(content, ctx, three.built.page_map, tagged=False, glyphs=glyphs)
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and b"/Artifact" not in page_content(pdf.pages[0])
    a, b = pdfium.PdfDocument(tagged), pdfium.PdfDocument(plain)
    assert len(a) == len(b) == 1
    assert a[0].render(scale=2).to_pil().tobytes() == b[0].render(scale=2).to_pil().tobytes()
