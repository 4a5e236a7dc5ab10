"""Broken and hostile input: a clear message naming the file, exit 1, no traceback, and the
previous outputs left exactly as they were."""
from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from editions import minimal_edition, write_png
from util import ROOT, run_cli

GOOD_BODY = "A good paragraph.\n\n![A chart](chart.png)\n"


def snapshot(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.parts
    }


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A good edition and its built outputs; each case breaks a copy and builds into a copy."""
    root = tmp_path_factory.mktemp("good")
    sources = minimal_edition(root, GOOD_BODY)
    write_png(sources / "case-studies" / "chart.png")
    out = root / "dist"
    code, text = run_cli("--sources", str(sources), "--out", str(out), "-q")
    assert code == 0, text
    return sources, out


def _copy(good, tmp_path):
    import shutil

    sources, out = good
    shutil.copytree(sources, tmp_path / "sources")
    shutil.copytree(out, tmp_path / "dist")
    return tmp_path / "sources", tmp_path / "dist"


def _set_body(sources: Path, body: str | bytes, name: str = "only.md") -> Path:
    target = sources / "case-studies" / name
    target.write_bytes(body) if isinstance(body, bytes) else target.write_text(body, encoding="utf-8")
    if name != "only.md":
        index = sources / "index.yaml"
        index.write_text(index.read_text().replace("case-studies/only.md", f"case-studies/{name}"))
    return target


def _bomb(path: Path):
    Image.new("1", (9000, 9000)).save(path)   # 81 megapixels, a few kilobytes on disk


CASES = {
    "missing image": (lambda s: _set_body(s, "Text.\n\n![Alt](nowhere.png)\n"), "only.md", "image 'nowhere.png' not found"),
    "corrupt image": (lambda s: (_set_body(s, "Text.\n\n![Alt](bad.png)\n"), (s / "case-studies" / "bad.png").write_bytes(b"\x89PNG not really")), "only.md", "cannot be read"),
    "zero-byte image": (lambda s: (_set_body(s, "Text.\n\n![Alt](empty.png)\n"), (s / "case-studies" / "empty.png").write_bytes(b"")), "only.md", "is an empty file"),
    "unsupported image": (lambda s: (_set_body(s, "Text.\n\n![Alt](pic.bmp)\n"), Image.new("RGB", (10, 10)).save(s / "case-studies" / "pic.bmp")), "only.md", "is BMP: convert it to PNG or JPEG"),
    "decompression bomb": (lambda s: (_set_body(s, "Text.\n\n![Alt](bomb.png)\n"), _bomb(s / "case-studies" / "bomb.png")), "only.md", "too large"),
    "image outside sources": (lambda s: _set_body(s, "Text.\n\n![Alt](../../secret.png)\n"), "only.md", "leaves the sources folder"),
    "empty source": (lambda s: _set_body(s, ""), "only.md", "is empty"),
    "non-UTF-8 source": (lambda s: _set_body(s, b"Caf\xe9\n"), "only.md", "is not UTF-8 text (byte 3"),
    "corrupt docx": (lambda s: _set_body(s, b"PK\x03\x04garbage", "only.docx"), "only.docx", "pandoc cannot read it"),
    "password-protected docx": (lambda s: _set_body(s, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "only.docx"), "only.docx", "password"),
    "unknown source type": (lambda s: _set_body(s, "text", "only.pages"), "only.pages", "cannot read '.pages' files"),
    "source is a folder": (lambda s: (s / "case-studies" / "only.md").unlink() or (s / "case-studies" / "only.md").mkdir(), "index.yaml", "is a folder"),
    "glyph no font has": (lambda s: _set_body(s, "Ancient \U00013000 sign.\n"), "only.md", "U+13000"),
    "bad index yaml": (lambda s: (s / "index.yaml").write_text("edition: [\n"), "index.yaml", "YAML syntax error"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_input_is_refused_and_outputs_survive(case, good, tmp_path):
    sources, out = _copy(good, tmp_path)
    before = snapshot(out)
    breaker, named, message = CASES[case]
    breaker(sources)
    code, text = run_cli("--sources", str(sources), "--out", str(out))
    assert code == 1, text
    assert "Traceback" not in text
    assert named in text and message in text, text
    assert snapshot(out) == before


def test_huge_source_is_refused(good, tmp_path):
    sources, out = _copy(good, tmp_path)
    with open(sources / "case-studies" / "only.md", "wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    code, text = run_cli("check", "--sources", str(sources), "--out", str(out))
    assert code == 1 and "limited to 50 MB" in text


def test_image_without_alt_text_warns_and_fails_with_strict(good, tmp_path):
    sources, out = _copy(good, tmp_path)
    _set_body(sources, "Text.\n\n![](chart.png)\n")
    code, text = run_cli("check", "--sources", str(sources), "--out", str(out))
    assert code == 0 and "has no alt text" in text
    code, text = run_cli("check", "--strict", "--sources", str(sources), "--out", str(out))
    assert code == 1 and "has no alt text" in text


def test_remote_image_is_not_fetched(good, tmp_path):
    sources, out = _copy(good, tmp_path)
    _set_body(sources, "Text.\n\n![Remote](https://example.com/x.png)\n")
    code, text = run_cli("check", "--sources", str(sources), "--out", str(out))
    assert code == 0 and "is not fetched" in text


def test_output_folder_that_cannot_be_written(good, tmp_path):
    sources, _ = good
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    code, text = run_cli("--sources", str(sources), "--out", str(blocker / "dist"))
    assert code == 1 and "cannot write to the output folder" in text and "Traceback" not in text


def test_a_second_build_into_the_same_folder_is_refused(good, tmp_path):
    sources, out = _copy(good, tmp_path)
    with open(out / ".cache" / "build.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, text = run_cli("--sources", str(sources), "--out", str(out))
    assert code == 1 and "another build is writing to this folder" in text


def test_the_workers_of_a_killed_build_do_not_keep_the_folder_locked(tmp_path):
    # a build that takes the lock, forks a worker, and dies without letting go (as when killed)
    script = f"""
import multiprocessing, os, sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from book.core.fsutil import build_lock
with build_lock(Path({str(tmp_path)!r}), "dist"):
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    worker.start()
    print(worker.pid, flush=True)
    os._exit(0)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())      # (the worker keeps the pipe open: read a line, not to the end)
    proc.wait(timeout=60)
    proc.stdout.close()
    try:
        os.kill(worker, 0)          # the worker is still running
        from book.core.errors import UserError
        from book.core.fsutil import build_lock

        # The worker lets go of the lock as soon as it runs after the fork (an at-fork handler): on
        # a loaded machine it may not have run yet when its parent has already exited, so the
        # lock is free within moments, not necessarily at once.
        deadline = time.monotonic() + 10
        while True:
            try:
                with build_lock(tmp_path, "dist"):
                    break
            except UserError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        os.kill(worker, signal.SIGKILL)


def test_a_killed_build_leaves_the_previous_outputs_intact(good, tmp_path):
    sources, out = _copy(good, tmp_path)
    before = snapshot(out)
    # a bigger edition so that the build is still running when it is killed
    body = "\n\n".join(f"Paragraph {n} " + "words and more words " * 60 for n in range(1500))
    _set_body(sources, body)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1")

    def build(into: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--sources", str(sources), "--out", str(into),
                                 "--styles", str(ROOT / "styles"), "-q"], cwd=ROOT, env=env)

    assert build(tmp_path / "finished").wait() == 0
    finished = snapshot(tmp_path / "finished")
    # Each killed build leaves its conversions in the cache, so a later one gets further and may
    # finish some outputs before it dies: those must then be whole, equal to a finished build's.
    killed_mid_build = kept_previous = 0
    for delay in (0.5, 1.5, 3.0):
        proc = build(out)
        time.sleep(delay)
        killed_mid_build += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = snapshot(out)
        outputs = {k: v for k, v in after.items() if not k.endswith(".part") and not k.startswith(".")}
        # the files are the previous build's or the new one's, as a set (the web edition's pictures
        # are files of their own: the new text has none, so the new set lacks the old picture)
        assert set(outputs) in (set(before), set(finished))
        for name, digest in outputs.items():
            assert digest in (before.get(name), finished.get(name)), f"{name} is neither the previous output nor the new one"
            kept_previous += digest == before.get(name)
    assert killed_mid_build and kept_previous, "no build was killed before it wrote its outputs: make the edition bigger"
    # and the next build after the kills recovers: the same outputs as a build never interrupted
    assert build(out).wait() == 0
    assert {k: v for k, v in snapshot(out).items() if not k.startswith(".")} == finished


def test_two_case_studies_may_share_one_source(tmp_path):
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("source: case-studies/leeds-financial-wellbeing.md",
                                               "source: case-studies/imperial-oh-transformation.md"))
    code, text = run_cli("pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0, text


def test_one_pagers_a_build_no_longer_makes_are_removed(good, tmp_path):
    # an organisation renamed: the last build's one-pager of the old key is stale (the manifest
    # names it), while a PDF the build never made is left alone (--force lets the build go on)
    sources, out = _copy(good, tmp_path)
    stale = out / "one-pagers" / "one.pdf"
    theirs = out / "one-pagers" / "their-own.pdf"
    theirs.write_bytes(b"%PDF-1.4 not ours")
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("  one: {", "  renamed: {").replace("lead: one", "lead: renamed"))
    code, text = run_cli("--sources", str(sources), "--out", str(out), "-q")
    assert code == 1 and "their-own.pdf: was not made by this toolkit" in text and stale.exists()
    code, text = run_cli("--sources", str(sources), "--out", str(out), "-q", "--force")
    assert code == 0, text
    assert not stale.exists() and (out / "one-pagers" / "renamed.pdf").exists()
    assert theirs.read_bytes() == b"%PDF-1.4 not ours"
