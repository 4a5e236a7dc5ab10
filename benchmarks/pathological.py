"""Inputs that once took minutes: one paragraph of 200,000 words, and 10,000 footnotes in one
source. Each edition is built cold in a child process; its wall time and the peak memory of its
largest process (pandoc included, through ``resource``) are printed as a Markdown table.

    python benchmarks/pathological.py              # both, at full size
    python benchmarks/pathological.py --scale 0.1  # a tenth of each (a quick look)
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["occupational", "health", "and", "wellbeing", "services", "supported", "staff", "across", "the", "trust,"]


def long_paragraph(words: int) -> str:
    """One paragraph, with some emphasis in it (so ReportLab takes its path for several fragments)."""
    return " ".join(f"*{WORDS[n % 10]}*" if n % 97 == 0 else WORDS[n % 10] for n in range(words)) + ".\n"


def many_footnotes(notes: int) -> str:
    claims = "\n\n".join(f"Claim {n} is supported by the evidence gathered this year.[^{n}]" for n in range(notes))
    return claims + "\n\n" + "".join(f"[^{n}]: Source {n}: a report of the year, page {n % 300 + 1}.\n" for n in range(notes))


def edition(root: Path, body: str) -> Path:
    """The tests' one-case-study edition, its text ``body``."""
    sys.path.insert(0, str(ROOT / "tests"))
    from editions import minimal_edition

    return minimal_edition(root, body)


def measured_build(sources: Path, out: Path) -> dict:
    """A cold build in a child: its exit status, wall seconds and peak memory (MB, largest process)."""
    build = [sys.executable, str(ROOT / "build.py"), "--sources", str(sources), "--out", str(out),
             "--styles", str(ROOT / "styles"), "-q"]
    probe = textwrap.dedent(f"""
        import json, resource, subprocess, time
        started = time.monotonic()
        done = subprocess.run({build!r}, capture_output=True, text=True)
        print(json.dumps({{"code": done.returncode, "printed": (done.stdout + done.stderr)[-500:],
                          "seconds": time.monotonic() - started,
                          "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                          env={"SOURCE_DATE_EPOCH": "1767225600", "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the full sizes")
    args = parser.parse_args()
    cases = [("one paragraph of %d words" % int(200_000 * args.scale), long_paragraph(int(200_000 * args.scale))),
             ("%d footnotes" % int(10_000 * args.scale), many_footnotes(int(10_000 * args.scale)))]
    print("| input | exit | wall s | peak MB (largest process) |\n|---|---:|---:|---:|")
    for label, body in cases:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            result = measured_build(edition(root, body), root / "dist")
            if result["code"] != 0:
                print(result["printed"], file=sys.stderr)
            print(f"| {label} | {result['code']} | {result['seconds']:.1f} | {result['peak_mb']:.0f} |", flush=True)
            shutil.rmtree(root / "dist", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
