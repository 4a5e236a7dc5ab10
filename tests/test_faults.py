"""Faults injected into real builds: the build deletes nothing it did not make, never follows a
link out of its folder, survives a damaged cache, and ends every failure that is not its bug in
one line and an exit status; a killed build leaves one whole set of outputs."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from editions import minimal_edition
from util import run_cli

BODY = "A first paragraph.\n\nA second paragraph with a note.[^1]\n\n[^1]: The note.\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (outside the cache) by its digest; links by their target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if ".cache" in path.relative_to(folder).parts:
            continue
        if path.is_symlink():
            found[rel] = "link to " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    sources = minimal_edition(root, BODY)
    out = root / "dist"
    code, text = run_cli("--sources", str(sources), "--out", str(out), "-q")
    assert code == 0, text
    return sources, out


@pytest.fixture
def copy(built, tmp_path):
    sources, out = built
    shutil.copytree(sources, tmp_path / "sources")
    shutil.copytree(out, tmp_path / "dist", symlinks=True)
    return tmp_path / "sources", tmp_path / "dist"


def build(sources: Path, out: Path, *extra: str) -> tuple[int, str]:
    return run_cli("--sources", str(sources), "--out", str(out), "-q", *extra)


def edit(sources: Path, text: str = "Changed text.\n") -> None:
    (sources / "case-studies" / "only.md").write_text(text)


# ------------------------------------------------------------------ never delete what we did not make
def test_foreign_files_refuse_the_build_until_forced_and_stay(copy, tmp_path):
    sources, out = copy
    (out / "notes.txt").write_text("mine")
    (out / "sub").mkdir()
    (out / "sub" / ".thesis.docx.part").write_text("a user's temporary file")
    (out / "one-pagers" / ".draft.pdf.part").write_text("another")
    edit(sources)
    theirs = {k: v for k, v in snapshot(out).items() if "." in k and ("notes" in k or "part" in k)}
    code, text = build(sources, out)
    assert code == 1 and "Traceback" not in text
    assert f"{out}/notes.txt: was not made by this toolkit" in text and "--force" in text
    assert f"{out}/sub/.thesis.docx.part" in text and len(text.strip().splitlines()) == 4
    code, text = build(sources, out, "--force")
    assert code == 0, text
    after = snapshot(out)
    assert all(after.get(k) == v for k, v in theirs.items())


def test_the_first_build_into_a_folder_of_other_files_is_refused(built, tmp_path):
    sources, _ = built
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<p>someone's site</p>")
    code, text = build(sources, out)
    assert code == 1 and "index.html: was not made by this toolkit" in text
    assert not (out / "compendium.pdf").exists()


def test_a_linked_one_pagers_folder_is_never_written_through(copy, tmp_path):
    sources, out = copy
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.pdf").write_bytes(b"%PDF precious")
    shutil.rmtree(out / "one-pagers")
    (out / "one-pagers").symlink_to(elsewhere)
    edit(sources)
    for extra in ((), ("--force",)):
        code, text = build(sources, out, *extra)
        assert code == 1 and f"{out}/one-pagers: is a link" in text and "Traceback" not in text
    assert [p.name for p in elsewhere.iterdir()] == ["precious.pdf"]
    assert (elsewhere / "precious.pdf").read_bytes() == b"%PDF precious"


def test_a_linked_file_in_the_folder_is_left_alone(copy, tmp_path):
    sources, out = copy
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF outside")
    (out / "link.pdf").symlink_to(outside)
    (out / "one-pagers" / "theirs.pdf").symlink_to(outside)
    edit(sources)
    code, text = build(sources, out, "--force")
    assert code == 0, text
    assert os.readlink(out / "link.pdf") == str(outside) and os.readlink(out / "one-pagers" / "theirs.pdf") == str(outside)
    assert outside.read_bytes() == b"%PDF outside"


def test_an_output_in_place_of_a_users_file_is_refused(copy):
    sources, out = copy
    (out / "compendium.pdf").unlink()
    (out / "compendium.pdf").write_bytes(b"the user's own compendium")
    manifest = out / ".cache" / "build-manifest.json"
    recorded = json.loads(manifest.read_text())
    del recorded["outputs"]["compendium.pdf"]
    manifest.write_text(json.dumps(recorded))
    edit(sources)
    code, text = build(sources, out, "--force")
    assert code == 1 and "compendium.pdf: is a file this toolkit did not make" in text
    assert (out / "compendium.pdf").read_bytes() == b"the user's own compendium"


def test_a_crafted_manifest_or_journal_reaches_nothing_outside(copy, tmp_path):
    sources, out = copy
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF victim")
    (out / "one-pagers" / "x.pdf").symlink_to(victim)
    manifest = out / ".cache" / "build-manifest.json"
    recorded = json.loads(manifest.read_text())
    for name in ("../victim.pdf", str(victim), "one-pagers/x.pdf", "one-pagers/../../victim.pdf"):
        recorded["outputs"][name] = {"state": [1, 1]}
    manifest.write_text(json.dumps(recorded))
    journal = {"state": "commit", "renames": [["one-pagers/x.pdf", "../victim.pdf"]],
               "remove": ["../victim.pdf", str(victim), "one-pagers/x.pdf"], "manifest": recorded}
    (out / ".cache" / "commit-journal.json").write_text(json.dumps(journal))
    edit(sources)
    code, text = build(sources, out, "--force")
    assert victim.read_bytes() == b"%PDF victim"
    assert os.readlink(out / "one-pagers" / "x.pdf") == str(victim)
    assert "Traceback" not in text


def test_one_output_built_alone_keeps_the_others(copy):
    sources, out = copy
    before = snapshot(out)
    edit(sources)
    code, text = build(sources, out, "pdf")        # (the command goes first: run_cli puts options after)
    assert code == 0, text
    code, text = build(sources, out, "epub")
    assert code == 0, text
    after = snapshot(out)
    assert set(after) == set(before)
    assert after["one-pagers.pdf"] == before["one-pagers.pdf"] and after["compendium.pdf"] != before["compendium.pdf"]
