"""One function in a forked process while the build goes on (``Background``: the EPUB, once the
pages are known), or in the build's process when a process of its own would cost more than it.
"""
from __future__ import annotations

import multiprocessing
import time

from book.core import workers     # (its pools' plumbing, and what it has measured: read when used)

# What one function must take, in starts of a process, to be given a process of its own: forked
# late in a build, that process also pays its own first-use costs and copies on first touch much
# of what the build holds by then, and the build's process copies its own pages as it goes on (an
# EPUB of 20 case studies: 25 ms here, 60 in a process of its own, and 30 ms more of the kernel's
# time; the build 20 ms faster without it, 0.4 s slower at 1,000)
BACKGROUND_WORTH = 4


class Background:
    """``function(*args)`` in a forked process while this one goes on; ``result()`` waits for
    it. Without fork, or when the function is known to take less than a process of its own
    costs (``BACKGROUND_WORTH``: an EPUB of a small edition, or after a one-source edit in watch
    mode), it runs in this process at once: while the workers still draw (the one-pagers), not
    after them with a core idle. What it raises is raised by ``result()`` either way.
    ``weight``: how much work it is (the EPUB's, its chapters), for its rate measured on other
    work of its kind."""

    def __init__(self, function, *args, weight: float = 1):
        self.function, self.args, self.weight = function, args, weight
        self.pool = None
        worth = workers._RATES.get(workers._kind(function), float("inf")) * weight > BACKGROUND_WORTH * workers.START_COST[0]
        if "fork" in multiprocessing.get_all_start_methods() and workers.jobs_available() > 1 and worth:
            self.run = id(self)
            workers._RUNS[self.run] = (lambda batch, context: [function(*args)], None, False)
            self.pool = workers._pool(1)
            self.future = self.pool.submit(workers._run_batch, self.run, [None])
        else:
            self._done_here()

    def _done_here(self) -> None:
        started = time.perf_counter()
        self._value, self._error = None, None
        try:
            self._value = self.function(*self.args)
        except Exception as error:      # noqa: BLE001 - raised when the result is asked for (Ctrl-C at once)
            self._error = error
        else:
            workers._note_rate(self.function, time.perf_counter() - started, self.weight)

    def result(self):
        if self.pool is None:
            if self._error is not None:
                raise self._error
            return self._value
        try:
            seconds, results = self.future.result()
            workers._note_rate(self.function, seconds, self.weight)
            return results[0]
        finally:
            workers._shut(self.pool)
            workers._RUNS.pop(self.run, None)
