"""The EPUB's page list exact (issue 20): every marker of the page list checked against the
printed page it names, from the PDF's text page by page (``pagelist``), in the sample, large
print, ``--print`` and archive editions; and each variant of an edition a publication of its
own (identifier and pagination source).
"""
from __future__ import annotations

import re
import zipfile

import pytest

from conftest import source_date_epoch
from pagelist import misplaced
from util import ROOT, run_cli

ARCHIVE = ROOT.parent / "shared" / "editions" / "archive"
EDITIONS = {
    "sample": (),
    "large print": ("--style", "large-print"),
    "print": ("--print",),
    "archive": ("--sources", str(ARCHIVE)),
}


def build(tmp_path_factory, name: str, *args: str):
    out = tmp_path_factory.mktemp("pagelist-" + name.replace(" ", "-"))
    for target in ("pdf", "epub"):
        with source_date_epoch():
            code, printed = run_cli(target, "--out", str(out), "-q", *args)
        assert code == 0, printed
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    made = {}

    def get(name):
        if name == "archive" and not ARCHIVE.is_dir():
            pytest.skip(f"the archive edition is not at {ARCHIVE} (it comes with ../shared/)")
        if name not in made:
            made[name] = build(tmp_path_factory, name, *EDITIONS[name])
        return made[name]
    return get


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_every_page_list_marker_is_on_its_printed_page(edition, built):
    out = built(edition)
    bad, checked = misplaced(out / "compendium.epub", out / "compendium.pdf")
    assert checked >= 15
    assert [str(m) for m in bad] == []


def package(epub) -> str:
    with zipfile.ZipFile(epub) as z:
        return z.read(next(n for n in z.namelist() if n.endswith(".opf"))).decode("utf-8")


def identity(opf: str) -> tuple[str, str]:
    ident = re.search(r"<dc:identifier[^>]*>([^<]+)</dc:identifier>", opf).group(1)
    source = re.search(r'<meta property="pageBreakSource">([^<]+)</meta>', opf).group(1)
    return ident, source


def test_each_variant_has_its_own_identifier_and_pagination_source(built, tmp_path):
    standard = identity(package(built("sample") / "compendium.epub"))
    large = identity(package(built("large print") / "compendium.epub"))
    printed = identity(package(built("print") / "compendium.epub"))
    with source_date_epoch():
        code, printed_out = run_cli("epub", "--only", "imperial", "--out", str(tmp_path / "subset"), "-q")
    assert code == 0, printed_out
    subset = identity(package(tmp_path / "subset" / "compendium.epub"))
    edition_id = re.search(r"identifier: \"?([^\s\"]+)", (ROOT / "sources" / "index.yaml").read_text()).group(1)
    assert standard[0] == edition_id
    ids = [standard[0], large[0], printed[0], subset[0]]
    sources = [standard[1], large[1], printed[1], subset[1]]
    assert len(set(ids)) == 4 and len(set(sources)) == 4
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids[1:])
    assert all(source.startswith(i) for i, source in zip(ids, sources))
    # derived, not random: the same variant gets the same identifier in every build
    with source_date_epoch():
        run_cli("epub", "--only", "imperial", "--out", str(tmp_path / "again"), "-q")
    assert identity(package(tmp_path / "again" / "compendium.epub")) == subset
