"""Watch mode's latency: from saving one source to every output it changes being on disk.

The edition is copied to a folder of its own (its files keep their times, so they are settled, as
an editor's are) and ``build.py --watch`` is started on it. Once it says it is watching, one
source is saved with a sentence more, and the outputs' times are polled until every output that
such an edit rewrites has been rewritten. Two saves find which outputs those are (every one
whose file the second changed, once they have been quiet for a while: the first edit after a cold
build may move a page break, and so rewrite more) and are not counted; the median of the saves
after them is the latency. The time the watcher printed that it saw the change is recorded
too, which splits the latency into noticing the save and rebuilding. Then the same saves are
rebuilt in this process by one build session, as watch mode rebuilds them, and each phase's wall
and CPU time is shown (``rebuild_phases``: less noisy on a shared machine).

    python benchmarks/watchlatency.py [SAVES]      # on the sample edition (sources/)
"""
from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1751328000"
POLL = 0.002          # seconds between looks at the outputs
QUIET = 1.5           # no output rewritten for this long: the warm-up save's build is done
PAUSE = 0.6           # between one save's outputs being current and the next save


def states(out: Path) -> dict[str, tuple[int, int]]:
    """Every output (the cache aside) -> (inode, modification time): outputs are written to a
    temporary file and renamed, so either changes when a file is written again."""
    found = {}
    for path in out.rglob("*"):
        if ".cache" in path.parts:
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file():
            found[path.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return found


class Watcher:
    """``build.py --watch`` on ``edition`` into ``out``, its output lines read as they come."""

    def __init__(self, edition: Path, out: Path, styles: Path):
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--watch", "--sources", str(edition), "--out", str(out),
             "--styles", str(styles)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append((time.perf_counter(), line.rstrip()))

    def wait_for(self, words: str, since: int = 0, timeout: float = 120) -> float:
        """The time the first line from ``since`` on that holds ``words`` was read."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for at, line in self.lines[since:]:
                if words in line:
                    return at
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        raise RuntimeError(f"watch mode never said {words!r}:\n" + "\n".join(line for _, line in self.lines))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def save(source: Path, n: int) -> float:
    """An editor's save: a sentence more at the end of the source, with a word no other save
    used (so every output that holds the text changes, the web edition's search index too).
    The moment it is on disk."""
    text = source.read_text(encoding="utf-8")
    word = "revision" + "".join(chr(97 + (n // 26 ** i) % 26) for i in range(3))
    source.write_text(text + f"\nA sentence saved in watch mode: {word}.\n", encoding="utf-8")
    return time.perf_counter()


def state(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def wait_rewritten(out: Path, before: dict, names, timeout: float = 60) -> float:
    """The moment every one of ``names`` has been written again since ``before``. (Only those
    are looked at: looking through the whole output folder every 2 ms took a third of one of
    the machine's two cores from the build being timed.)"""
    deadline, paths = time.perf_counter() + timeout, [(out / name, before.get(name)) for name in names]
    while time.perf_counter() < deadline:
        if all(state(path) not in (None, old) for path, old in paths):
            return time.perf_counter()
        time.sleep(POLL)
    raise RuntimeError(f"watch mode did not rewrite {sorted(names)} within {timeout:.0f} s")


def settle_rewritten(out: Path, before: dict, timeout: float = 60) -> set[str]:
    """The outputs rewritten after a save, once none has been rewritten for ``QUIET`` seconds."""
    deadline, changed, last = time.perf_counter() + timeout, set(), None
    while time.perf_counter() < deadline:
        now = states(out)
        current = {name for name, state in now.items() if before.get(name) != state}
        if current != changed:
            changed, last = current, time.perf_counter()
        elif changed and time.perf_counter() - last > QUIET:
            return changed
        time.sleep(0.02)
    raise RuntimeError("watch mode rewrote no output after a save")


def watch_latency(sources: Path, work: Path, saves: int = 7, styles: Path = ROOT / "styles") -> dict:
    """Seconds from a save to every output it changes being rewritten: the median, each save's,
    and how long watch mode took to say it had seen the change."""
    edition, out = work / "watched-edition", work / "watched-dist"
    shutil.copytree(sources, edition)            # (copy2: the files keep their times)
    source = sorted((edition / "case-studies").glob("*.md"))[0]
    watcher = Watcher(edition, out, styles)
    try:
        watcher.wait_for("watching")
        # two warm-up saves: the first edit after a cold build can move a page break (and so
        # rewrite every later page and one-pager); the second shows what a save rewrites
        for n in range(2):
            time.sleep(PAUSE)
            before = states(out)
            save(source, n)
            rewritten = settle_rewritten(out, before)
        latencies, noticed = [], []
        for n in range(2, saves + 2):
            time.sleep(PAUSE)
            before, seen_lines = states(out), len(watcher.lines)
            saved = save(source, n)
            latencies.append(wait_rewritten(out, before, rewritten) - saved)
            noticed.append(watcher.wait_for("changed:", seen_lines, timeout=10) - saved)
    finally:
        watcher.stop()
    return {"median": statistics.median(latencies), "latencies": latencies, "noticed": statistics.median(noticed),
            "outputs": sorted(rewritten), "source": source.name}


def rebuild_phases(sources: Path, work: Path, saves: int = 7, styles: Path = ROOT / "styles") -> dict:
    """The same saves rebuilt in this process by one build session, as watch mode rebuilds them:
    each rebuild's wall and CPU time (this process's and pandoc's) and each phase's, the medians
    after a cold build and two warm-up saves. Less noisy than the latency from outside on a
    machine that others share, and it says where the time goes."""
    sys.path.insert(0, str(ROOT))
    from book.build.pipeline import Options, build
    from book.build.session import BuildSession
    from book.core.errors import Reporter
    from book.core.progress import cpu_seconds
    from book.core.workers import stop_all

    edition, out = work / "phases-edition", work / "phases-dist"
    shutil.copytree(sources, edition)
    source = sorted((edition / "case-studies").glob("*.md"))[0]
    options = Options(sources=edition, styles=styles, out=out, quiet=True)
    totals: list[tuple[float, float]] = []
    phases: dict[str, list[tuple[float, float]]] = {}
    epoch, os.environ["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH"), EPOCH
    try:
        with BuildSession() as session:
            for n in range(saves + 3):
                if n:
                    save(source, n)
                started, cpu = time.perf_counter(), cpu_seconds()
                try:
                    result = build(options, Reporter(quiet=True), session)
                finally:
                    stop_all()
                wall, used = time.perf_counter() - started, cpu_seconds() - cpu
                session.between_builds()
                time.sleep(PAUSE)
                if n < 3:
                    continue
                totals.append((wall, used))
                timed = dict(zip([label for label, _ in result.timings], zip(
                    [sec for _, sec in result.timings], [sec for _, sec in result.cpu])))
                timed["the rest (inputs' fingerprint, output folder, cache)"] = (
                    wall - sum(w for w, _ in timed.values()), used - sum(c for _, c in timed.values()))
                for label, pair in timed.items():
                    phases.setdefault(label, []).append(pair)
    finally:
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    median = lambda pairs: tuple(statistics.median(p[i] for p in pairs) for i in (0, 1))  # noqa: E731
    return {"rebuild": median(totals), "phases": {label: median(pairs) for label, pairs in phases.items()}}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="ohwb-watch-") as folder:
        result = watch_latency(ROOT / "sources", Path(folder), count)
        inside = rebuild_phases(ROOT / "sources", Path(folder), count)
    print(f"watch mode, one source of the sample saved: all {len(result['outputs'])} outputs it changes current in "
          f"{result['median'] * 1000:.0f} ms (median; each: "
          f"{', '.join(f'{s * 1000:.0f}' for s in result['latencies'])} ms); the save seen after "
          f"{result['noticed'] * 1000:.0f} ms")
    wall, cpu = inside["rebuild"]
    print(f"the same saves rebuilt in one process by a build session: {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms, "
          "pandoc's and workers' included); each phase (median ms, wall / CPU):")
    for label, (wall, cpu) in inside["phases"].items():
        print(f"  {label:55} {wall * 1000:6.1f} / {cpu * 1000:5.1f}")
