"""The benchmark: build synthetic editions and print what it cost, beside the peers.

    python benchmarks/run.py                  # N = 20, 100 and 1000, and watch mode's latency
    python benchmarks/run.py 100 300          # other sizes
    python benchmarks/run.py --repeat 3       # the median of three runs of each build (N < 1000)
    python benchmarks/run.py --watch-saves 0  # without watch mode

For each N, an edition is generated (``generate.py``; its files set back in time, as an editor's
are) and, in fresh folders, builds of the three outputs issue 21 names (the compendium's PDF, its
EPUB and the one-pagers; ``THREE``): a cold build (the output folder's cache empty; the user's
cache, ``book.core.usercache``, the benchmark's own, warm as after an editor's first build), the
same with the user's cache empty too (a first build on a machine), a rebuild with nothing changed, a
rebuild after a small correction to the second case study (a sentence added), and a rebuild after
an edit that adds two pages to it (so every later page, folio, contents entry, page-list
marker and one-pager "page N" moves). Each build is a fresh Python process, as an editor runs
it: its wall time with Python's start-up and the imports, the build's own wall and CPU time (this
process and every worker and pandoc process), the time of every phase, and peak memory:
the largest single process, and the whole build's processes together (proportional set size,
sampled every 50 ms, so pages shared after a fork are counted once). Reading a process's memory
map costs milliseconds (about 7 ms for 300 MB), which every 50 ms takes a good part of a core
from a build on two: so the timed builds are not sampled, and the memory of each kind of build
is measured in a build of its own, made after the timed ones. Then the edited edition is built
cold in another folder (that build's memory is the cold build's) and every output compared byte
for byte with the incremental one. A cold build of everything (the web edition too) is timed in turn
with the three-output one and the peers, and its memory measured the same way.

The peers (``peers.py``) run on the same edition in the same run, in turn with our cold build (the
machine is shared and its speed drifts over minutes): pandoc -> Typst making the PDF alone, and
pandoc's own Markdown -> EPUB. Watch mode's latency (``watchlatency.py``) is measured on the
sample edition. The issue's targets are checked here, not in tests.
"""
from __future__ import annotations

import argparse
import json
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

from environment import editor_env, settle_disk, warm_bytecode, warm_user_cache  # noqa: E402
EPOCH = "1751328000"


# ------------------------------------------------------------------ one build, measured
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


# What issue 21's targets measure: the three outputs it names (the compendium's PDF, its EPUB and
# the one-pagers). The web edition came later; a build of everything (``EVERYTHING``) is timed
# beside it, cold.
THREE = ("pdf", "epub", "onepagers")
EVERYTHING = ()


def run_build(sources: Path, out: Path, sample: bool = False, targets: tuple[str, ...] = THREE,
              user_cache: Path | None = None) -> dict:
    """One build of ``targets`` (none named: everything) in a fresh Python process (as an editor
    runs it), its costs, and (``sample``) the peak memory of all its processes together.
    ``user_cache``: another user's cache than the benchmark's warm one (an empty one: the build
    is a first build on a machine)."""
    env = editor_env(SOURCE_DATE_EPOCH=EPOCH, **({"OHWB_BOOK_CACHE": str(user_cache)} if user_cache else {}))
    args = [*targets, "--sources", str(sources), "--out", str(out), "--styles", str(ROOT / "styles"), "-q"]
    settle_disk()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "one.py"), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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
    from peers import pandoc_epub, typst_pdf

    sources = generate(n, work / f"edition-{n}")
    # the peers and our cold build one after another, in turn: the machine is shared, and its
    # speed drifts over minutes, so they are compared at the same moments
    colds, everything, epubs, typsts, firsts = [], [], [], [], []
    runs = {"ours": lambda out: colds.append(run_build(sources, out)),
            "first": lambda out: firsts.append(run_build(sources, out.with_name(out.name + "-first"),
                                                         user_cache=out.with_name(out.name + "-user-cache"))),
            "everything": lambda out: everything.append(run_build(sources, out.with_name(out.name + "-all"),
                                                                  targets=EVERYTHING)),
            "epub": lambda out: epubs.append(pandoc_epub(sources, work / f"pandoc-{n}.epub")),
            "typst": lambda out: typsts.append(typst_pdf(sources, work / f"typst-{n}"))}
    for attempt in range(repeat):
        order = list(runs)[attempt % len(runs):] + list(runs)[:attempt % len(runs)]
        for name in order:
            runs[name](work / f"dist-{n}-{attempt}")
    cold, cold_all, first = median_run(colds), median_run(everything), median_run(firsts)
    out = work / f"dist-{n}-{repeat - 1}"
    pages, onepagers = counts(out)              # the edition as generated, before the edits
    noop = median_run([run_build(sources, out) for _ in range(repeat)])
    noop["all_mb"] = run_build(sources, out, sample=True)["all_mb"]
    edit = edited(sources, out, repeat, correct)            # a sentence more in case study 2
    move = edited(sources, out, repeat, add_pages)          # case study 2 grows by about two pages
    fresh = work / f"dist-{n}-fresh"
    cold["all_mb"] = run_build(sources, fresh, sample=True)["all_mb"]
    same = outputs(fresh) == outputs(out)
    cold_all["all_mb"] = run_build(sources, work / f"dist-{n}-fresh-all", sample=True, targets=EVERYTHING)["all_mb"]
    for path in [work / f"dist-{n}-{a}{end}" for a in range(repeat) for end in ("", "-all", "-first", "-user-cache")] + [
            fresh, work / f"dist-{n}-fresh-all"]:
        shutil.rmtree(path, ignore_errors=True)
    return {"n": n, "cold": cold, "cold_all": cold_all, "first": first, "noop": noop, "edit": edit, "move": move, "pages": pages,
            "onepagers": onepagers,
            "pandoc": statistics.median(epubs), "typst": sorted(typsts, key=lambda t: t["total"])[len(typsts) // 2],
            "same": same}


def edited(sources: Path, out: Path, repeat: int, edit) -> dict:
    """The median of ``repeat`` rebuilds, each after ``edit``; the memory of one more."""
    builds = []
    for attempt in range(repeat + 1):
        edit(sources, attempt)
        builds.append(run_build(sources, out, sample=attempt == repeat))
    build = median_run(builds[:-1])
    build["all_mb"] = builds[-1]["all_mb"]
    return build


# ------------------------------------------------------------------ the tables
BUILDS = (("cold", "cold"), ("first", "cold, a first build on the machine (the user's cache empty)"),
          ("noop", "nothing changed"), ("edit", "one source corrected"),
          ("move", "one source grows 2 pages"), ("cold_all", "cold, with the web edition"))


def phase_text(build: dict) -> str:
    if build["up_to_date"]:
        return f"up to date ({build['with_start_up']:.2f} s with Python's start-up)"
    return ", ".join(f"{k} {v:.2f}/{build['phase_cpu'].get(k, 0):.2f}" for k, v in build["phases"].items())


def peers_table(results: list[dict]) -> list[str]:
    """Ours beside the peers: each an editor's wait, start-up included."""
    lines = ["| case studies | pages: ours / Typst's | ours, cold: PDF, EPUB, one-pagers | pandoc -> Typst PDF "
             "(pandoc + typst) | ours / Typst | pandoc EPUB | ours / EPUB | one source edited | edit / cold "
             "| peak MB, all processes | ours, cold, with the web edition | that / Typst "
             "| ours, a first build on the machine | that / Typst |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        cold, typst, edit = r["cold"]["with_start_up"], r["typst"], r["edit"]["with_start_up"]
        everything = r["cold_all"]["with_start_up"]
        lines.append(
            f"| {r['n']:,} | {r['pages']:,} / {typst['pages']:,} | {cold:.2f} s "
            f"| {typst['total']:.2f} s ({typst['pandoc']:.2f} + {typst['typst']:.2f}) | {cold / typst['total']:.2f}x "
            f"| {r['pandoc']:.2f} s | {cold / r['pandoc']:.2f}x | {edit:.2f} s | {edit / cold:.0%} "
            f"| {r['cold']['all_mb']:.0f} | {everything:.2f} s | {everything / typst['total']:.2f}x "
            f"| {r['first']['with_start_up']:.2f} s | {r['first']['with_start_up'] / typst['total']:.2f}x |")
    return lines


def watch_line(watch: dict | None) -> list[str]:
    if not watch:
        return []
    each = ", ".join(f"{s * 1000:.0f}" for s in watch["latencies"])
    return ["", f"watch mode, one source of the sample edition saved ({watch['source']}): all {len(watch['outputs'])} "
                f"outputs it changes current in {watch['median'] * 1000:.0f} ms (median of {len(watch['latencies'])} "
                f"saves: {each} ms); the watcher said it saw the save after {watch['noticed'] * 1000:.0f} ms"]


def report(results: list[dict], watch: dict | None = None) -> str:
    lines = [*peers_table(results), *watch_line(watch), "",
             "| N | build | wall s (with start-up) | CPU s | peak MB (largest / all) | phases: wall/CPU s |",
             "|---|---|---:|---:|---:|---|"]
    for r in results:
        for key, name in BUILDS:
            b = r[key]
            lines.append(f"| {r['n']} | {name} | {b['wall']:.2f} ({b['with_start_up']:.2f}) | {b['cpu']:.2f} "
                         f"| {b['largest_mb']:.0f} / {'-' if b['all_mb'] is None else format(b['all_mb'], '.0f')} "
                         f"| {phase_text(b)} |")
    lines += ["", "| N | pages | one-pagers | pages/s (cold) | one-pagers/s (cold) | corrected / cold | grown / cold "
                  "| incremental = cold |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        cold = r["cold"]["wall"]
        # rates of the whole cold build: the outputs are made side by side, not one after another
        lines.append(
            f"| {r['n']} | {r['pages']} | {r['onepagers']} | {r['pages'] / cold:.0f} | {r['onepagers'] / cold:.0f} "
            f"| {r['edit']['wall'] / cold:.3f} | {r['move']['wall'] / cold:.3f} "
            f"| {'yes, byte for byte' if r['same'] else 'NO'} |")
    if len(results) >= 2:
        small, big = results[0], results[-1]
        lines.append(f"\nscaling: N={big['n']} took {big['cold']['wall'] / small['cold']['wall']:.1f}x the time of N={small['n']}"
                     f" ({big['n'] / small['n']:.0f}x the case studies)")
    lines += ["", *targets(results, watch)]
    return "\n".join(lines)


TYPST_RATIO = {20: 1.0, 100: 0.8, 1000: 0.7}      # issue 21: our cold build / pandoc -> Typst's PDF, at most


def targets(results: list[dict], watch: dict | None) -> list[str]:
    """Issue 21's targets, for the sizes measured."""
    checks = []
    for r in results:
        if r["n"] in TYPST_RATIO:
            ratio = r["cold"]["with_start_up"] / r["typst"]["total"]
            checks.append((f"N={r['n']:,} cold, the PDF, the EPUB and the one-pagers, start-up included: at most "
                           f"{TYPST_RATIO[r['n']]}x pandoc -> Typst's PDF alone", ratio <= TYPST_RATIO[r["n"]],
                           f"{ratio:.2f}x; with the web edition too, "
                           f"{r['cold_all']['with_start_up'] / r['typst']['total']:.2f}x"))
    big = results[-1]
    peak = max(big["cold"]["all_mb"], big["cold_all"]["all_mb"])
    checks.append((f"N={big['n']:,}: peak memory under 1 GiB (all processes together, every output)", peak < 1024,
                   f"{peak:.0f} MB"))
    checks.append(("incremental builds byte-identical to cold ones", all(r["same"] for r in results),
                   ", ".join(f"N={r['n']}: {'yes' if r['same'] else 'NO'}" for r in results)))
    if watch:
        checks.append(("watch mode: every output current within 150 ms of a save", watch["median"] <= 0.15,
                       f"{watch['median'] * 1000:.0f} ms"))
    return [f"- {'met' if ok else 'NOT met'}: {name} ({value})" for name, ok, value in checks]


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(description="Benchmark the toolkit on synthetic editions, beside its peers.")
    p.add_argument("sizes", nargs="*", type=int, default=[20, 100, 1000])
    p.add_argument("--repeat", type=int, default=1, help="runs of each build below N=1000; the median is shown")
    p.add_argument("--watch-saves", type=int, default=7, help="saves timed in watch mode (0: none)")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ohwb-bench-"))
    warm_bytecode()
    warm_user_cache(work / "user-cache")
    try:
        results = []
        for n in args.sizes:
            print(f"N = {n} ...", file=sys.stderr)
            # a thousand case studies are built once: a cold build there takes half a minute
            results.append(bench(n, work, 1 if n >= 1000 else max(1, args.repeat)))
        watch = None
        if args.watch_saves > 0:
            from watchlatency import watch_latency

            print("watch mode ...", file=sys.stderr)
            watch = watch_latency(ROOT / "sources", work / "watch", args.watch_saves)
        print(report(results, watch))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
