"""`build.py --watch`: a saved change to a source rebuilds, and the build says what it made anew."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading

import pytest

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


@pytest.mark.parametrize("watching", [False, True], ids=["builds", "a watch session's builds"])
def test_a_process_that_builds_again_and_again_does_not_keep_every_build(tmp_path, watching):
    """--watch (and the tests) build many times in one process: what a build sets aside from the
    garbage collector as long-lived (gc.freeze) is handed back when it ends, else every build's
    index and texts would stay in memory for the life of the process; and what a watch session
    keeps between builds is not a build's."""
    import gc
    import time
    from contextlib import nullcontext

    from book.build.pipeline import Options, build, check
    from book.build.session import BuildSession
    from book.core.errors import Reporter
    from book.style.fonts import FontSet

    def font_sets_held() -> int:
        gc.collect()
        return sum(isinstance(o, FontSet) for o in gc.get_objects())

    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    case = sorted((sources / "case-studies").glob("*.md"))[0]
    options = Options(sources=sources, styles=ROOT / "styles", out=tmp_path / "out", quiet=True, targets=("pdf",))
    held = []
    with BuildSession() if watching else nullcontext() as session:
        for edit in range(4):
            case.write_text(case.read_text(encoding="utf-8") + f"\n\nA sentence added ({edit}).\n", encoding="utf-8")
            os.utime(case, (time.time() - 10, time.time() - 10 + edit))     # settled, as a saved file is
            assert not build(options, Reporter(quiet=True), session).up_to_date
            assert gc.get_freeze_count() == 0
            held.append(font_sets_held())
            if session:
                session.between_builds()
        check(options, session)
        assert gc.get_freeze_count() == 0
    # what other tests in this process hold, and at most the last build's, but not one per build
    assert held[-1] <= held[0], f"font sets held after each build: {held}"


# ---------------------------------------------------------------- a save is one build, and soon
def watching(tmp_path):
    """``watch`` in a thread on two empty folders, with a stand-in for the build that counts
    its calls: (sources folder, the calls so far, stop)."""
    import time

    from book.build.pipeline import Options
    from book.build.watch import watch

    sources, styles = tmp_path / "sources", tmp_path / "styles"
    sources.mkdir()
    styles.mkdir()
    builds: list[float] = []
    ready = threading.Event()

    def run(options, command, summary=False, session=None):
        builds.append(time.perf_counter())
        ready.set()
        return 0

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(Options(sources=sources, styles=styles, out=tmp_path / "out"), "all", run),
                              kwargs={"stop": stop}, daemon=True)
    thread.start()
    ready.wait(WAIT)
    time.sleep(0.6)         # the watcher running (it says "watching" after its first half second)
    return sources, builds, lambda: (stop.set(), thread.join(WAIT))


def settle(builds: list, before: int, wait: float = 0.5) -> int:
    """The builds started since ``before``, once none has started for ``wait`` seconds."""
    import time

    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        count = len(builds)
        time.sleep(wait)
        if len(builds) == count and count > before:
            return count - before
    return len(builds) - before


def test_an_editors_save_is_one_build_however_it_writes(tmp_path, capsys):
    """Editors save in bursts: a temporary copy written, flushed to disk (which can take longer
    than the quiet time that ends a save: it is taken as 30 ms here) and renamed over the file;
    or the file renamed to a backup, written anew, flushed, and the backup removed. Each burst is
    one build, whatever the editor leaves beside the file; and the build starts soon after."""
    import time

    sources, builds, stop = watching(tmp_path)
    try:
        source = sources / "case.md"

        def gedit(n):       # GNOME: a copy, flushed, renamed over the file
            copy = sources / f".goutputstream-{n}ABCDE"
            copy.write_text(f"Version {n}.\n")
            time.sleep(0.03)
            os.replace(copy, source)

        def vim(n):         # Vim: its check that the folder is writable, a backup, the file anew
            probe = sources / "4913"
            probe.write_text("")
            probe.unlink()
            if source.exists():
                os.replace(source, sources / "case.md~")
            source.write_text(f"Version {n}.\n")
            time.sleep(0.03)
            (sources / "case.md~").unlink(missing_ok=True)

        def jetbrains(n):   # a new copy, the old file set aside, the copy renamed, the old removed
            copy, old = sources / "case.md___jb_tmp___", sources / "case.md___jb_old___"
            copy.write_text(f"Version {n}.\n")
            time.sleep(0.03)
            os.replace(source, old)
            os.replace(copy, source)
            old.unlink()

        def word(n):        # Word: its owner file, its temporary copy, the document
            docx, owner, temporary = sources / "case.docx", sources / "~$case.docx", sources / "~WRL0001.tmp"
            owner.write_bytes(b"owner")
            temporary.write_bytes(b"PK" + bytes(n))
            time.sleep(0.03)
            os.replace(temporary, docx)
            owner.unlink()

        def in_place(n):    # written where it is, in two writes
            with open(source, "w") as handle:
                handle.write(f"Version {n},")
                handle.flush()
                handle.write(" in place.\n")

        for n, save in enumerate([gedit, vim, jetbrains, word, in_place, gedit]):
            before = len(builds)
            saved = time.perf_counter()
            save(n)
            assert settle(builds, before) == 1, f"{save.__name__}: {len(builds) - before} builds"
            assert builds[before] - saved < 2, f"{save.__name__}: the build started only after {builds[before] - saved:.2f} s"
    finally:
        stop()


# ---------------------------------------------------------------- what a watching process keeps
def outputs(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def open_files(at_most: int = 0) -> int:
    """This process's open files, once at most ``at_most`` (a pandoc ending after a build's last
    document holds its pipe for a moment: a leak is for good)."""
    import time

    deadline = time.monotonic() + 10
    while len(os.listdir("/proc/self/fd")) > at_most and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(os.listdir("/proc/self/fd"))


def test_builds_in_one_session_give_what_a_cold_build_gives(tmp_path):
    """A watching process keeps the build cache's database open and a pandoc started between
    builds (``BuildSession``): its builds after a source's, the index's and the style's edits
    are byte for byte a cold build's of the same files, and it leaks neither files nor pandocs."""
    import time

    from book.build.pipeline import Options, build
    from book.build.session import BuildSession
    from book.core.errors import Reporter
    from conftest import source_date_epoch

    sources, styles = tmp_path / "sources", tmp_path / "styles"
    shutil.copytree(ROOT / "sources", sources)
    shutil.copytree(ROOT / "styles", styles)
    case = sorted((sources / "case-studies").glob("*.md"))[0]

    def built(folder, out, session=None):
        with source_date_epoch():
            return build(Options(sources=folder, styles=styles, out=out, quiet=True), Reporter(quiet=True), session)

    def cold() -> dict[str, bytes]:
        fresh = tmp_path / f"fresh-{time.monotonic_ns()}"
        shutil.copytree(sources, fresh)
        built(fresh, fresh.with_name(fresh.name + "-dist"))
        return outputs(fresh.with_name(fresh.name + "-dist"))

    def settled(path):          # saved a while ago, as an editor's file is by the next build
        os.utime(path, (time.time() - 10, time.time() - 10))

    edits = [
        lambda: case.write_text(case.read_text(encoding="utf-8") + "\nA sentence saved while watching.\n", encoding="utf-8"),
        lambda: (sources / "index.yaml").write_text((sources / "index.yaml").read_text(encoding="utf-8")
                                                    .replace("underscored the collaborative spirit",
                                                             "showed the collaborative spirit"), encoding="utf-8"),
        lambda: case.write_text(case.read_text(encoding="utf-8") + "\nAnother, after the index.\n", encoding="utf-8"),
        lambda: (styles / "house.yaml").write_text((styles / "house.yaml").read_text(encoding="utf-8")
                                                   .replace("#005EB8", "#005EB9", 1), encoding="utf-8"),
    ]
    out = tmp_path / "watched"
    with BuildSession() as session:
        built(sources, out, session)
        session.between_builds()
        files, spare = open_files(), session._spare.process
        assert spare is not None and spare.poll() is None, "a pandoc is waiting for the next build"
        for n, edit in enumerate(edits):
            edit()
            for path in [case, sources / "index.yaml", styles / "house.yaml"]:
                settled(path)
            result = built(sources, out, session)
            assert not result.up_to_date
            if n in (0, 2):     # a source converted: by the pandoc started before the build
                assert result.remade["sources converted"] == 1 and spare.wait(timeout=WAIT) == 0
            session.between_builds()
            spare = session._spare.process
            assert outputs(out) == cold(), f"after edit {n}, the watching build differs from a cold one"
            assert open_files(files) <= files, "a build of the session left files open"
    assert spare.poll() is not None, "the session's pandoc ends with it"


def test_a_worker_forked_while_pandoc_waits_does_not_keep_it_waiting(tmp_path):
    """pandoc ends when its list of sources ends: a process forked while the session's pandoc
    waits (a build's worker) must not hold that list open, or the build that uses it would
    wait for the worker."""
    import time

    from book.build.session import BuildSession
    from book.sources.pandocrun import lua_command

    source = sorted((ROOT / "sources" / "case-studies").glob("*.md"))[0]
    args = lua_command()
    with BuildSession() as session:
        session.start_pandoc(args).communicate(b"")         # as a build does: the session now knows how
        session.between_builds()
        child = os.fork()
        if child == 0:
            time.sleep(20)
            os._exit(0)
        try:
            started = time.monotonic()
            pandoc = session.start_pandoc(args)
            settings = json.dumps({"media": str(tmp_path), "track_changes": "reject-changes"})
            out, _err = pandoc.communicate(f"{settings}\n{json.dumps(['markdown', str(source), 'case'])}\n".encode(), timeout=WAIT)
            assert out.startswith(b"D\t") and pandoc.returncode == 0
            assert time.monotonic() - started < 10, "pandoc waited for the forked process"
        finally:
            os.kill(child, 9)
            os.waitpid(child, 0)
