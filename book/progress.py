"""Progress for builds longer than a moment: a one-line status on a terminal, nothing otherwise.

Quiet with -q and when standard error is not a terminal (CI logs, pipes), so logs stay clean.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class Progress:
    def __init__(self, enabled: bool, verbose: bool = False):
        self.enabled = enabled and sys.stderr.isatty()
        self.verbose = verbose
        self.timings: list[tuple[str, float]] = []
        self._status = None
        if self.enabled:
            from rich.console import Console

            self._status = Console(stderr=True).status("")

    @contextmanager
    def step(self, label: str):
        """Time one phase of the build and show it while it runs."""
        started = time.perf_counter()
        if self._status is not None:
            self._status.update(f"{label}\u2026")
            self._status.start()
        try:
            yield
        finally:
            if self._status is not None:
                self._status.stop()
            self.timings.append((label, time.perf_counter() - started))
