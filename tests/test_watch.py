"""`build.py --watch`: a saved change to a source rebuilds, and the build says what it made anew."""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading

from conftest import EPOCH
from util import ROOT

WAIT = 120      # seconds at most for each line awaited (a guard, not a timing)


def lines_of(proc) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def read():
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_for(lines: queue.Queue, wanted: str | tuple, seen: list[str]) -> str:
    """The next line with one of ``wanted`` at its start or after a space."""
    wanted = (wanted,) if isinstance(wanted, str) else wanted
    while True:
        line = lines.get(timeout=WAIT)
        assert line is not None, "the watch stopped:\n" + "\n".join(seen)
        seen.append(line)
        if any(line.startswith(w) or f" {w}" in line for w in wanted):
            return line


def test_a_saved_source_is_rebuilt_and_what_was_made_is_said(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    out = tmp_path / "dist"
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--watch", "--sources", str(sources),
                             "--styles", str(ROOT / "styles"), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    seen: list[str] = []
    try:
        lines = lines_of(proc)
        wait_for(lines, "watching", seen)
        before = (out / "compendium.pdf").read_bytes()
        source = sorted((sources / "case-studies").glob("*.md"))[0]
        source.write_text(source.read_text(encoding="utf-8") + "\nOne sentence added while watching.\n", encoding="utf-8")
        assert source.name in wait_for(lines, "changed:", seen)
        summary = wait_for(lines, "rebuilt in", seen)
        assert "sources converted 1" in summary and "chunks typeset 1" in summary
        assert any(line.startswith("wrote") and line.endswith("compendium.pdf") for line in seen)
        assert (out / "compendium.pdf").read_bytes() != before
        # a mistake is reported and the watch goes on; the outputs stay as they were
        index = sources / "index.yaml"
        good, after = index.read_text(encoding="utf-8"), (out / "compendium.pdf").read_bytes()
        index.write_text(good + "\nbroken: [\n", encoding="utf-8")
        assert "index.yaml" in wait_for(lines, "error:", seen)
        wait_for(lines, "nothing was written", seen)
        assert (out / "compendium.pdf").read_bytes() == after
        index.write_text(good, encoding="utf-8")
        wait_for(lines, ("rebuilt in", "up to date"), seen)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_process_that_builds_again_and_again_does_not_keep_every_build(tmp_path):
    """--watch (and the tests) build many times in one process: what a build sets aside from the
    garbage collector as long-lived (gc.freeze) is handed back when it ends, else every build's
    index and texts would stay in memory for the life of the process."""
    import gc
    import time

    from book.build.pipeline import Options, build, check
    from book.core.errors import Reporter

    from book.style.fonts import FontSet

    def font_sets() -> int:
        return sum(isinstance(o, FontSet) for o in gc.get_objects())

    # what earlier tests' fixtures set aside (a chapter's text made outside a build freezes all
    # there is) is invisible to gc.get_objects() until a build hands it back: counted now, not later
    gc.unfreeze()
    gc.collect()
    held_before = font_sets()       # by other tests' fixtures in this process
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    case = sorted((sources / "case-studies").glob("*.md"))[0]
    options = Options(sources=sources, styles=ROOT / "styles", out=tmp_path / "out", quiet=True, targets=("pdf",))
    for edit in range(2):
        case.write_text(case.read_text(encoding="utf-8") + f"\n\nA sentence added ({edit}).\n", encoding="utf-8")
        os.utime(case, (time.time() - 10, time.time() - 10 + edit))     # settled, as a saved file is
        assert not build(options, Reporter(quiet=True)).up_to_date
        assert gc.get_freeze_count() == 0
    check(options)
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert font_sets() <= held_before, "the font sets of finished builds are still held"
