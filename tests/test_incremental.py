"""Rebuilds redo only what depends on what changed, and give exactly what a cold build gives."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from book.build.pipeline import Options, build
from conftest import source_date_epoch
from util import ROOT

EDITED = "case-studies/imperial-oh-transformation.md"     # the longest sample case study
OTHER = "case-studies/manchester-msk-services.md"


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def run(sources: Path, out: Path):
    with source_date_epoch():
        return build(Options(sources=sources, styles=ROOT / "styles", out=out, quiet=True))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """A copy of the sample edition, built once (its cache filled)."""
    root = tmp_path_factory.mktemp("incremental")
    sources = root / "sources"
    shutil.copytree(ROOT / "sources", sources)
    first = run(sources, root / "dist")
    assert first.remade["chunks typeset"] >= 9        # cover and contents, foreword, 7 parts, indexes
    return sources, root / "dist"


def chapters_of_part(sources: Path, case_study: str) -> list[str]:
    """The case studies typeset with ``case_study``: those of its region (the sample's parts)."""
    from book.core.errors import Reporter
    from book.sources.index import load_index

    index = load_index(sources, Reporter(quiet=True))
    region = {cs.id: index.organisations[cs.lead].region for cs in index.case_studies}
    return [cs for cs, r in region.items() if r == region[case_study]]


def cold(sources: Path, tmp_path: Path) -> dict[str, bytes]:
    fresh = tmp_path / "fresh"
    shutil.copytree(sources, fresh)
    run(fresh, tmp_path / "cold")
    return outputs(tmp_path / "cold")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_correction_typesets_one_case_study_and_gives_the_cold_build(edition, tmp_path):
    sources, out = edition
    onepagers = {p: p.stat().st_mtime_ns for p in (out / "one-pagers").glob("*.pdf")}
    append(sources / OTHER, "\nOne more sentence, added by a correction.\n")
    result = run(sources, out)
    assert result.remade["sources converted"] == 1
    assert result.remade["chapters checked"] == 1 and result.remade["chunks typeset"] == 1
    # a case study is typeset with its part (case studies run on), and the part's chapters'
    # EPUB documents are written again with it (their page markers may move)
    assert result.remade["EPUB chapters written"] == len(chapters_of_part(sources, "manchester-msk-services"))
    assert result.remade["compendium segments written"] == 1        # the rest of the file as it was
    # only the one-pager that shows the opening of the corrected text (its organisation's, whose
    # featured case study it is) is drawn and made again; no other file is made, read or written
    assert result.remade["one-pagers drawn"] <= 1 and result.remade["one-pager files assembled"] <= 1
    changed = [p for p, mtime in onepagers.items() if p.stat().st_mtime_ns != mtime]
    assert len(changed) <= result.remade["one-pager files assembled"]
    assert outputs(out) == cold(sources, tmp_path)


def test_an_edit_that_moves_every_later_page_is_still_one_case_study(edition, tmp_path):
    sources, out = edition
    before = outputs(out)
    text = "\n\n## Added for the test\n\n" + "\n\n".join(
        " ".join(f"Paragraph {n} sentence {m} about staff wellbeing and occupational health." for m in range(12))
        for n in range(10))
    append(sources / EDITED, text)
    result = run(sources, out)
    assert result.remade["chunks typeset"] == 1 and result.remade["chapters checked"] == 1
    after = outputs(out)
    assert after == cold(sources, tmp_path)
    # pages moved: the case studies after it are on other pages now, so their one-pagers changed
    # (the edited case study's own one-pager is drawn again: it shows the opening of its text)
    assert result.remade["one-pagers drawn"] <= 1 and result.remade["one-pager files assembled"] > 1
    assert after["compendium.pdf"] != before["compendium.pdf"]


def test_an_index_edit_redoes_only_what_shows_it(edition, tmp_path):
    sources, out = edition
    index = sources / "index.yaml"
    text = index.read_text(encoding="utf-8")
    sentence = "underscored the collaborative spirit"      # in one case study's summary
    assert text.count(sentence) == 1
    index.write_text(text.replace(sentence, "showed the collaborative spirit"), encoding="utf-8")
    result = run(sources, out)
    assert result.remade["sources converted"] == 0
    assert result.remade["chunks typeset"] < 5
    assert outputs(out) == cold(sources, tmp_path)


def test_a_changed_style_typesets_everything_again(edition, tmp_path):
    sources, out = edition
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    house = styles / "house.yaml"
    house.write_text(house.read_text(encoding="utf-8").replace("#005EB8", "#005EB9", 1), encoding="utf-8")
    with source_date_epoch():
        result = build(Options(sources=sources, styles=styles, out=out, quiet=True))
    assert result.remade["chunks typeset"] >= 9


def test_an_edit_that_keeps_the_length_is_seen(edition, tmp_path):
    # sources are read again when their size or modification time changed: here only the time
    sources, out = edition
    path = sources / OTHER
    text = path.read_text(encoding="utf-8")
    assert "wellbeing" in text
    before = path.stat()
    path.write_text(text.replace("wellbeing", "WELLBEING", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert path.stat().st_size == before.st_size
    result = run(sources, out)
    assert result.remade["sources converted"] == 1
    assert outputs(out) == cold(sources, tmp_path)
