"""One build, measured (``run.py`` runs it as a process of its own): the build run as the command
line runs it (``build.py``, ``book.cli.entry``: the command line imported, its pandoc started,
then the build imported), then its costs printed as JSON. Only what the command line imports
comes before the build: the benchmark's own modules (``statistics``, ``tempfile``..., 3-4 ms)
were imported by every timed build, and started its pandoc later than an editor's build does."""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# what ``build.py`` imports before its pandoc starts (``book.cli.main``)
from book.cli import options_from, parser  # noqa: E402
from book.sources.pandocrun import Ahead  # noqa: E402

ahead = Ahead()


def main(args: list[str]) -> None:
    import json
    import resource
    import time

    from book.build.pipeline import build
    from book.core.workers import stop_all

    started = time.perf_counter()
    result = build(options_from(parser().parse_args(args)), ahead=ahead)
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
    # then exit as the command line does (``book.cli.entry``): workers stopped, no interpreter teardown
    stop_all()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
