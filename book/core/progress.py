"""Progress for builds longer than a moment: a one-line status on a terminal, nothing otherwise.

Quiet with -q and when standard error is not a terminal (CI logs, pipes), so logs stay clean.
"""
from __future__ import annotations

import resource
import sys
import time
from contextlib import contextmanager


class Progress:
    def __init__(self, enabled: bool, verbose: bool = False):
        self.enabled = enabled and sys.stderr.isatty()
        self.verbose = verbose
        self.timings: list[tuple[str, float]] = []        # (phase, wall seconds)
        self.cpu: list[tuple[str, float]] = []            # (phase, CPU seconds of this process and its workers)
        self._status = None
        if self.enabled:
            from rich.console import Console

            self._status = Console(stderr=True).status("")

    @contextmanager
    def step(self, label: str):
        """Time one phase of the build and show it while it runs."""
        started, cpu = time.perf_counter(), cpu_seconds()
        if self._status is not None:
            self._status.update(f"{label}\u2026")
            self._status.start()
        try:
            yield
        finally:
            if self._status is not None:
                self._status.stop()
            self.timings.append((label, time.perf_counter() - started))
            self.cpu.append((label, cpu_seconds() - cpu))


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (pandoc, worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
