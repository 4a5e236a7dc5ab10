"""The benchmark: build synthetic editions and print what it cost.

    python benchmarks/run.py                  # N = 100 and 1000
    python benchmarks/run.py 100 300          # other sizes
    python benchmarks/run.py --repeat 3 1000  # the median of three runs of each build

For each N, in fresh folders: a cold build (empty cache), a rebuild with nothing changed, a
rebuild after a small correction to the second case study (a sentence added), and a rebuild after
an edit that adds two pages to it (so every later page, folio, contents entry, page-list
marker and one-pager "page N" moves). Each with wall and CPU time (this process and every worker
and pandoc process), the time of every phase, pages and one-pagers per second, and peak memory:
the largest single process, and the whole build's processes together (proportional set size,
sampled every 50 ms, so pages shared after a fork are counted once). Reading a process's memory
map costs milliseconds (about 7 ms for 300 MB), which every 50 ms takes a good part of a core
from a build on two: so the timed builds are not sampled, and the memory of each kind of build
is measured in a build of its own, made after the timed ones. Then the edited edition is built
cold in another folder (that build's memory is the cold build's) and every output compared byte
for byte with the incremental one.

It also times pandoc's own Markdown -> EPUB on the same corpus, in the same run on the same
machine, and prints our cold build as a ratio to it. The targets are checked here, not in tests.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
EPOCH = "1751328000"


# ------------------------------------------------------------------ one build, measured
def measure_one(args: list[str]) -> None:
    """Child mode: run one build in this process and print its costs as JSON."""
    from book.cli import options_from, parser
    from book.build.pipeline import build

    started = time.perf_counter()
    result = build(options_from(parser().parse_args(args)))
    wall = time.perf_counter() - started
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "wall": wall,
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "largest_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
        "phases": dict(result.timings),
        "phase_cpu": dict(result.cpu),
        "written": len(result.written),
        "up_to_date": result.up_to_date,
    }))


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def run_build(sources: Path, out: Path, sample: bool = False) -> dict:
    """One build in a fresh Python process (as an editor runs it), its costs, and (``sample``)
    the peak memory of all its processes together."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    args = ["--sources", str(sources), "--out", str(out), "--styles", str(ROOT / "styles"), "-q"]
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--one", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    peak, done = [0], threading.Event()

    def sampling():
        while not done.wait(0.05):
            peak[0] = max(peak[0], sum(_pss_kb(pid) for pid in _tree(proc.pid)))

    sampler = threading.Thread(target=sampling, daemon=True)
    if sample:
        sampler.start()
    stdout, stderr = proc.communicate()
    outer = time.perf_counter() - started
    done.set()
    if sample:
        sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["with_start_up"] = outer       # the editor's wait: Python starting and importing included
    result["all_mb"] = peak[0] / 1024 if sample else None
    return result


def pandoc_epub(sources: Path, out: Path) -> float:
    """pandoc's own Markdown -> EPUB over every source of the edition, for comparison."""
    from book.sources.convert import pandoc_binary

    files = sorted(str(p) for p in (sources / "case-studies").glob("*.md"))
    started = time.perf_counter()
    subprocess.run([pandoc_binary(), "--resource-path", str(sources / "case-studies"), "-o", str(out), *files],
                   check=True, cwd=sources)
    return time.perf_counter() - started


def counts(out: Path) -> tuple[int, int]:
    import pypdf

    pages = len(pypdf.PdfReader(out / "compendium.pdf").pages)
    return pages, len(list((out / "one-pagers").glob("*.pdf")))


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


# ------------------------------------------------------------------ the scenarios
def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (its phases stay consistent with its total)."""
    return sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]


def bench(n: int, work: Path, repeat: int) -> dict:
    from generate import add_pages, correct, generate

    sources = generate(n, work / f"edition-{n}")
    # pandoc and our cold build one after the other, in turn: the machine is shared, and its speed
    # drifts over minutes, so the two are compared at the same moments
    colds, pandocs = [], []
    for attempt in range(repeat):
        out = work / f"dist-{n}-{attempt}"
        if attempt % 2:
            colds.append(run_build(sources, out))
            pandocs.append(pandoc_epub(sources, work / f"pandoc-{n}.epub"))
        else:
            pandocs.append(pandoc_epub(sources, work / f"pandoc-{n}.epub"))
            colds.append(run_build(sources, out))
    cold = median_run(colds)
    out = work / f"dist-{n}-{repeat - 1}"
    noop = median_run([run_build(sources, out) for _ in range(repeat)])
    noop["all_mb"] = run_build(sources, out, sample=True)["all_mb"]
    edits = []
    for attempt in range(repeat + 1):
        correct(sources, attempt)                 # a sentence more in case study 2
        edits.append(run_build(sources, out, sample=attempt == repeat))
    edit = median_run(edits[:-1])
    edit["all_mb"] = edits[-1]["all_mb"]
    moves = []
    for attempt in range(repeat + 1):
        add_pages(sources, attempt)               # case study 2 grows by about two pages
        moves.append(run_build(sources, out, sample=attempt == repeat))
    move = median_run(moves[:-1])
    move["all_mb"] = moves[-1]["all_mb"]
    pages, onepagers = counts(out)
    fresh = work / f"dist-{n}-fresh"
    cold["all_mb"] = run_build(sources, fresh, sample=True)["all_mb"]
    same = outputs(fresh) == outputs(out)
    pandoc = statistics.median(pandocs)
    for path in [work / f"dist-{n}-{a}" for a in range(repeat)] + [fresh]:
        shutil.rmtree(path, ignore_errors=True)
    return {"n": n, "cold": cold, "noop": noop, "edit": edit, "move": move, "pages": pages, "onepagers": onepagers,
            "pandoc": pandoc, "same": same}


# ------------------------------------------------------------------ the tables
BUILDS = (("cold", "cold"), ("noop", "nothing changed"), ("edit", "one source corrected"),
          ("move", "one source grows 2 pages"))


def phase_text(build: dict) -> str:
    if build["up_to_date"]:
        return f"up to date ({build['with_start_up']:.2f} s with Python's start-up)"
    return ", ".join(f"{k} {v:.2f}/{build['phase_cpu'].get(k, 0):.2f}" for k, v in build["phases"].items())


def report(results: list[dict]) -> str:
    lines = ["| N | build | wall s | CPU s | peak MB (largest / all) | phases: wall/CPU s |", "|---|---|---:|---:|---:|---|"]
    for r in results:
        for key, name in BUILDS:
            b = r[key]
            lines.append(f"| {r['n']} | {name} | {b['wall']:.2f} | {b['cpu']:.2f} | {b['largest_mb']:.0f} / {b['all_mb']:.0f} "
                         f"| {phase_text(b)} |")
    lines += ["", "| N | pages | one-pagers | pages/s (cold) | one-pagers/s (cold) | pandoc md->epub s | cold / pandoc | corrected / cold "
                  "| grown / cold | incremental = cold |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        cold = r["cold"]["wall"]
        # rates of the whole cold build: the outputs are made side by side, not one after another
        lines.append(
            f"| {r['n']} | {r['pages']} | {r['onepagers']} | {r['pages'] / cold:.0f} | {r['onepagers'] / cold:.0f} "
            f"| {r['pandoc']:.2f} | {cold / r['pandoc']:.2f} | {r['edit']['wall'] / cold:.3f} | {r['move']['wall'] / cold:.3f} "
            f"| {'yes, byte for byte' if r['same'] else 'NO'} |")
    if len(results) >= 2:
        small, big = results[0], results[-1]
        lines.append(f"\nscaling: N={big['n']} took {big['cold']['wall'] / small['cold']['wall']:.1f}x the time of N={small['n']}"
                     f" ({big['n'] / small['n']:.0f}x the case studies)")
    lines += ["", *targets(results)]
    return "\n".join(lines)


def targets(results: list[dict]) -> list[str]:
    """The issue's targets, for the largest N measured (1,000 when it is run as intended)."""
    big = results[-1]
    cold = big["cold"]["wall"]
    checks = [
        (f"N={big['n']} cold build faster than pandoc's Markdown -> EPUB alone", cold < big["pandoc"],
         f"{cold:.1f} s vs {big['pandoc']:.1f} s"),
        ("peak memory under 1 GiB (all processes together)", big["cold"]["all_mb"] < 1024, f"{big['cold']['all_mb']:.0f} MB"),
        ("rebuild with nothing changed under 1 s (Python's start-up included)", big["noop"]["with_start_up"] < 1,
         f"{big['noop']['with_start_up']:.2f} s"),
        ("one corrected source, all outputs current, in under 10% of the cold build", big["edit"]["wall"] < 0.1 * cold,
         f"{big['edit']['wall'] / cold:.1%}"),
    ]
    if len(results) >= 2:
        ratio = big["cold"]["wall"] / results[0]["cold"]["wall"]
        checks.append((f"N={big['n']} at most {12 * big['n'] / results[0]['n'] / 10:.0f}x N={results[0]['n']}",
                       ratio <= 12 * big["n"] / results[0]["n"] / 10, f"{ratio:.1f}x"))
    return [f"- {'met' if ok else 'NOT met'}: {name} ({value})" for name, ok, value in checks]


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        return measure_one(argv[1:])
    p = argparse.ArgumentParser(description="Benchmark the toolkit on synthetic editions.")
    p.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    p.add_argument("--repeat", type=int, default=1, help="runs of each build; the median is shown")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ohwb-bench-"))
    try:
        results = []
        for n in args.sizes:
            print(f"N = {n} ...", file=sys.stderr)
            results.append(bench(n, work, max(1, args.repeat)))
        print(report(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
