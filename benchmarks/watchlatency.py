"""Watch mode's latency: from saving one source to every output it changes being on disk.

The edition is copied to a folder of its own (its files keep their times, so they are settled, as
an editor's are) and ``build.py --watch`` is started on it. Once it says it is watching, one
source is saved with a sentence more, and the outputs' times are polled until every output that
such an edit rewrites has been rewritten. Two saves find which outputs those are (every one
whose file the second changed, once they have been quiet for a while: the first edit after a cold
build may move a page break, and so rewrite more) and are not counted; the median of the saves
after them is the latency. The time the watcher printed that it saw the change is recorded
too, which splits the latency into noticing the save and rebuilding.

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


def wait_rewritten(out: Path, before: dict, names, timeout: float = 60) -> float:
    """The moment every one of ``names`` has been written again since ``before``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        now = states(out)
        if all(now.get(name) not in (None, before.get(name)) for name in names):
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


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="ohwb-watch-") as folder:
        result = watch_latency(ROOT / "sources", Path(folder), int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    print(f"watch mode, one source of the sample saved: all {len(result['outputs'])} outputs it changes current in "
          f"{result['median'] * 1000:.0f} ms (median; each: "
          f"{', '.join(f'{s * 1000:.0f}' for s in result['latencies'])} ms); the save seen after "
          f"{result['noticed'] * 1000:.0f} ms")
