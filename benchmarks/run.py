"""The benchmark: build synthetic editions and print what it cost.

    python benchmarks/run.py                 # N = 100 and 1000
    python benchmarks/run.py 100 300         # other sizes

For each N: a cold build (empty cache), a no-op rebuild, and a rebuild after editing one source,
each with wall and CPU time, the time of every phase, pages per second, one-pagers per second and
peak memory. It also times pandoc's own Markdown -> EPUB on the same corpus, in the same run on
the same machine, and prints our cold build as a ratio to it. Targets live here, not in tests.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]


def measure_one(args: list[str]) -> None:
    """Child mode: run one build in this process and print its costs as JSON."""
    from book.cli import options_from, parser
    from book.pipeline import build

    started = time.perf_counter()
    result = build(options_from(parser().parse_args(args)))
    wall = time.perf_counter() - started
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "wall": wall,
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
        "phases": dict(result.timings),
        "written": len(result.written),
        "up_to_date": result.up_to_date,
    }))


def run_build(sources: Path, out: Path) -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1751328000")
    args = ["--sources", str(sources), "--out", str(out), "--styles", str(ROOT / "styles"), "-q"]
    proc = subprocess.run([sys.executable, __file__, "--one", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pandoc_epub(sources: Path, out: Path) -> float:
    """pandoc's own Markdown -> EPUB over every source of the edition, for comparison."""
    from book.convert import pandoc_binary

    files = sorted(str(p) for p in (sources / "case-studies").glob("*.md"))
    started = time.perf_counter()
    subprocess.run([pandoc_binary(), "--resource-path", str(sources / "case-studies"), "-o", str(out), *files],
                   check=True, cwd=sources)
    return time.perf_counter() - started


def counts(out: Path) -> tuple[int, int]:
    import pypdf

    pages = len(pypdf.PdfReader(out / "compendium.pdf").pages)
    return pages, len(list((out / "one-pagers").glob("*.pdf")))


def bench(n: int, work: Path) -> dict:
    from generate import generate

    sources = generate(n, work / f"edition-{n}")
    out = work / f"dist-{n}"
    cold = run_build(sources, out)
    noop = run_build(sources, out)
    edited = sources / "case-studies" / "case-0001.md"
    edited.write_text(edited.read_text() + "\nOne more sentence, added by the benchmark.\n")
    one_edit = run_build(sources, out)
    pages, onepagers = counts(out)
    pandoc = pandoc_epub(sources, work / f"pandoc-{n}.epub")
    return {"n": n, "cold": cold, "noop": noop, "edit": one_edit, "pages": pages, "onepagers": onepagers, "pandoc": pandoc}


def report(results: list[dict]) -> str:
    lines = ["| N | build | wall s | CPU s | peak MB | phases (s) |", "|---|---|---:|---:|---:|---|"]
    for r in results:
        for name in ("cold", "noop", "edit"):
            b = r[name]
            phases = ", ".join(f"{k} {v:.2f}" for k, v in b["phases"].items()) or "up to date"
            lines.append(f"| {r['n']} | {name} | {b['wall']:.2f} | {b['cpu']:.2f} | {b['peak_mb']:.0f} | {phases} |")
    lines += ["", "| N | pages | one-pagers | pages/s | one-pagers/s | pandoc md->epub s | cold / pandoc | edit / cold |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        ph = r["cold"]["phases"]
        typeset = ph.get("typesetting the compendium", 0) or 1
        onep = ph.get("setting the one-pagers", 0) or 1
        lines.append(
            f"| {r['n']} | {r['pages']} | {r['onepagers']} | {r['pages'] / typeset:.0f} | {r['onepagers'] / onep:.0f} "
            f"| {r['pandoc']:.2f} | {r['cold']['wall'] / r['pandoc']:.2f} | {r['edit']['wall'] / r['cold']['wall']:.2f} |"
        )
    if len(results) >= 2:
        small, big = results[0], results[-1]
        lines.append(f"\nscaling: N={big['n']} took {big['cold']['wall'] / small['cold']['wall']:.1f}x the time of N={small['n']}"
                     f" ({big['n'] / small['n']:.0f}x the case studies)")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        return measure_one(argv[1:])
    sizes = [int(a) for a in argv] or [100, 1000]
    work = Path(tempfile.mkdtemp(prefix="ohwb-bench-"))
    try:
        results = []
        for n in sizes:
            print(f"N = {n} ...", file=sys.stderr)
            results.append(bench(n, work))
        print(report(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
