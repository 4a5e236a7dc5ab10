"""Work spread over the machine's cores: worker processes forked from the build.

Forked, the workers start with everything the build has read (the publication, the style, the
registered fonts) without it being copied or pickled; only the items of work and the results
travel. Where processes cannot be forked, or there is too little work to be worth starting them,
the work is done in this process: the results are the same either way.

Whether the work is worth them is measured, not guessed from its size: the lightest item or two
are done here and timed (or, in a process that has done this kind of work before, its time per
unit of weight is known), and workers are started for the rest only when the time they would
save on this machine's cores is more than starting them costs. A small edition's one-pager
files (a few milliseconds of work) are no longer handed to two processes forked for them. (An
item done here that fails raises when the work is started, not when its results are asked for.)
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import suppress

from book.core.deathsignal import die_with_parent
from book.core.feeder import Feeder, Gate, batches_of

# Seconds one worker costs before it is of use: forking it, its first batch sent and its results
# pickled back, and what it imports or copies on first touch. About 25 ms measured on the
# project machine (a 2-core VM, a build of 90 MB forking two workers); until this process has
# started a pool of its own and measured it (``_note_start``), this is the estimate.
START_COST = [0.025]
YIELDING_NICENESS = 10    # a yielding worker's: the kernel then gives it about a tenth of a contended core
# What the rest must save, on a first item's time, to show the workers worth it without a second
# item timed: that time overstates the rate by what the item is the first to need, at most about
# half again since the build does that while pandoc works (``reading``); a second item timed is
# as long again with a core idle (20 case studies: 30 ms)
CLEAR_MARGIN = 2
FED_SHARE = 6            # a fed run's batches: each about a 6 x jobs-th of the work still to come
_RATES: dict[str, float] = {}    # kind of work -> seconds per unit of weight, as last measured here

_RUNS: dict[int, tuple] = {}     # run -> (function, context, yielding), inherited by the workers forked for it
_LIVE: list[ProcessPoolExecutor] = []     # the pools this process has started and not yet shut down


def _start_worker(parent: int, main_thread: bool) -> None:
    """A worker ignores Ctrl-C (the terminal sends it to every process of the build: the build
    answers it, once) and, on Linux, is killed when the build dies, even by SIGKILL: a killed
    build's workers ran on for a minute. The signal comes when the thread that forked the worker
    ends, so it is asked for only when that thread is the main one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if main_thread and die_with_parent.available:
        die_with_parent()
        if os.getppid() != parent:       # the build died before the request was made
            os._exit(1)


def _pool(jobs: int) -> ProcessPoolExecutor:
    main = threading.current_thread() is threading.main_thread()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(), main))
    _LIVE.append(pool)
    return pool


def _shut(pool: ProcessPoolExecutor) -> None:
    pool.shutdown()
    if pool in _LIVE:
        _LIVE.remove(pool)


def stop_all() -> None:
    """End every worker still running (a build that failed, or was interrupted, while they
    worked), and wait for each pool's manager thread to finish. Left to the interpreter's exit,
    its wake-up raced the thread closing its pipe: 'OSError: [Errno 9] Bad file descriptor' was
    printed, one exit in five, after the build's own message."""
    while _LIVE:
        pool = _LIVE.pop()
        # (read before shutdown, which lets go of them)
        processes = list((getattr(pool, "_processes", None) or {}).values())
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            try:
                process.kill()
            except (OSError, AttributeError, ValueError):
                pass
        if manager is not None:
            manager.join(timeout=30)


def jobs_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_parallel(work, items: list, context=None, jobs: int | None = None, weights: list[int] | None = None) -> list:
    """``work(batch, context)`` -> the batch's results, for all ``items``, in order."""
    return start_parallel(work, items, context, jobs, weights).results()


class Running:
    """Work started in worker processes (or, where they are not worth it, not started yet: it is
    done in this process when its results are asked for). Meanwhile this process goes on.

    ``jobs`` given: that many workers whatever the work (no measuring). Otherwise as many as
    there are cores, if the work is worth them (see the module's docstring). ``fed(item)``: the
    item as it is when it is handed to a worker (``feeder.Feeder``), or done here. ``shared``:
    the build's workers (``SharedWorkers``), forked later for this run and others."""

    def __init__(self, work, items: list, context, jobs: int | None, weights: list[int] | None,
                 yielding: bool = False, fed=None, shared: SharedWorkers | None = None):
        self.work, self.items, self.context, self.fed = work, items, context, fed or _unchanged
        self.weights = weights or [1] * len(items)
        self.yielding, self.shared = yielding, None
        self.pool, self.done, self.rest = None, {}, list(range(len(items)))
        chosen = jobs is not None
        jobs = min(jobs or jobs_available(), len(items))
        if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return
        # work that joins workers forked for other work anyway costs no start of its own: not measured
        joining = shared is not None and shared.forking()
        if not chosen and not joining and not self._worth_workers(jobs):
            return
        jobs = min(jobs, len(self.rest))
        self.batches = batches_of(self.rest, self.weights, jobs, FED_SHARE if fed else 2)
        self.run = id(self)
        _RUNS[self.run] = (work, context, yielding)
        if shared is not None and shared.take(self, jobs):
            self.shared = shared        # started when its workers are forked (``SharedWorkers.open``)
            return
        # forked now, before this process goes on: the workers see the build as it is here
        self.start_on(_pool(jobs), jobs)

    def start_on(self, pool: ProcessPoolExecutor, jobs: int, gate: Gate | None = None) -> None:
        """Its batches handed to ``pool``'s workers (``gate``: a shared pool's, which its runs'
        batches go through; else its own)."""
        started = time.perf_counter()
        self.pool = pool
        note_start = lambda future: _note_start(future, started, jobs)  # noqa: E731
        gate = gate or Gate(jobs)
        self.feeder = Feeder(self, gate, note_start, _run_batch) if self.fed is not _unchanged else None
        if self.feeder is None:
            self.futures = [gate.submit(pool, _run_batch, self.run, [self.items[n] for n in batch]) for batch in self.batches]
            self.futures[0].add_done_callback(note_start)

    def _worth_workers(self, jobs: int) -> bool:
        """Whether ``jobs`` workers would save more time than they cost, from this kind of work's
        rate when this process knows it (measured here, or by an earlier build: ``learn_rates``),
        else measured on the lightest items, done here.

        The first item done in a process also pays for what it is the first to need (imports,
        fonts registered), so its time overstates the rate: it can tell that the work is not
        worth workers, or that it clearly is (the item alone costs more than starting them, or
        the rest would save several times that: then they are started at once, and no more is
        done here first); in between, the second lightest item, timed, decides."""
        kind, budget = _kind(self.work), jobs * START_COST[0]
        if kind in _RATES:
            return self._saves(_RATES[kind], jobs) > budget
        for probe, n in enumerate(sorted(self.rest, key=lambda n: self.weights[n])[:2]):
            seconds = self._do_here(n)
            _RATES[kind] = seconds / max(self.weights[n], 1)
            saves = self._saves(_RATES[kind], jobs)
            clear = seconds > budget or saves > CLEAR_MARGIN * budget
            if saves <= budget or clear or probe == 1:
                return saves > budget and len(self.rest) >= 2
        return False

    def _saves(self, rate: float, jobs: int) -> float:
        """Seconds ``jobs`` workers would save on the rest: done here it takes rate x weight; on
        the workers, a ``jobs``-th of that."""
        return rate * sum(self.weights[n] for n in self.rest) * (1 - 1 / jobs)

    def _do_here(self, n: int) -> float:
        """Item ``n`` done in this process; the seconds it took."""
        started = time.perf_counter()
        self.done[n] = self.work([self.fed(self.items[n])], self.context)[0]
        self.rest.remove(n)
        return time.perf_counter() - started

    def results(self) -> list:
        results: list = [None] * len(self.items)
        for batch, batch_results in self.completed():
            for n, result in zip(batch, batch_results):
                results[n] = result
        return results

    def completed(self):
        """(indexes of items, their results) for each batch, as soon as it is done: this process
        can work on them while the workers go on."""
        if self.done:
            yield list(self.done), list(self.done.values())
        if not self.rest:
            return
        if self.pool is None and self.shared is not None:
            self.shared.open()      # asked for before the shared workers were forked: now
        if self.pool is None:
            started = time.perf_counter()
            results = self.work([self.fed(self.items[n]) for n in self.rest], self.context)
            _note_rate(self.work, time.perf_counter() - started, sum(self.weights[n] for n in self.rest))
            yield self.rest, results
            return
        if self.feeder is not None:
            finished, batch_of = self.feeder.finished(), self.feeder.batch_of
        else:
            finished, batch_of = as_completed(self.futures), dict(zip(self.futures, self.batches))
        try:
            for future in finished:
                seconds, results = future.result()
                _note_rate(self.work, seconds, sum(self.weights[n] for n in batch_of[future]))
                yield batch_of[future], results
        finally:
            if self.feeder is not None:
                self.feeder.stop()
            if self.shared is None:
                _shut(self.pool)
            else:
                self.shared.finished(self)      # shut once every run that uses them is done
            _RUNS.pop(self.run, None)


def known_rates() -> dict[str, float]:
    """Each kind of work's rate as this process last measured it (seconds per unit of weight):
    kept in the user's cache for the next build's process (``learn_rates``)."""
    return dict(_RATES)


def learn_rates(rates) -> None:
    """Rates an earlier build measured on this machine (``known_rates``, from the user's cache):
    whether workers are worth it is then decided at once, with no item timed here first while a
    core waits (20 case studies: the workers forked 25 ms sooner). A rate this process measured
    itself comes first; each is measured again by the build, and kept for the next."""
    if isinstance(rates, dict):
        for kind, rate in rates.items():
            if isinstance(kind, str) and type(rate) is float and 0 < rate < 60:
                _RATES.setdefault(kind, rate)


def _unchanged(item):
    return item


def _kind(work) -> str:
    return f"{getattr(work, '__module__', '')}.{getattr(work, '__qualname__', repr(work))}"


def _note_rate(work, seconds: float, weight: float) -> None:
    if weight > 0:
        _RATES[_kind(work)] = seconds / weight


def _note_start(future, started: float, jobs: int) -> None:
    """What starting the pool cost, per worker: the first batch's round trip less its work."""
    if future.cancelled() or future.exception() is not None:
        return
    seconds, _results = future.result()
    overhead = time.perf_counter() - started - seconds
    if overhead > 0:
        START_COST[0] = (START_COST[0] + overhead / jobs) / 2     # smoothed: one pool's start is noisy


def start_parallel(work, items: list, context=None, jobs: int | None = None, weights: list[int] | None = None,
                   yielding: bool = False, fed=None, shared: SharedWorkers | None = None) -> Running:
    """``yielding``: work nothing waits for until later (the one-pagers, drawn while the book is
    typeset): its workers take the cores only when the rest of the build leaves them free.
    ``fed(item)``: the item as it is when it is handed to a worker, in smaller batches than
    otherwise, each as a worker is free (the one-pagers: with the openings of the case studies
    typeset since they were started). ``shared``: the build's workers, not a pool of its own."""
    return Running(work, items, context, jobs, weights, yielding, fed, shared)


class SharedWorkers:
    """Worker processes that the kinds of work of one build share (the book's jobs, then the
    one-pagers): forked once, by ``open``, when every run that will use them has been given
    them, so that each worker inherits them all. A build then forks two workers, not four, and
    its memory is not copied twice. The runs that nothing waits for soon (``yielding``) come
    after the others: their batches are handed over only as a worker is about to be free. A run
    started after ``open`` has a pool of its own (the workers forked before it cannot know it)."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: list[Running] = []
        self.users: set[Running] = set()       # the runs handed to the workers, not yet done
        self.jobs = 0
        self.opened = False

    def forking(self) -> bool:
        """Whether the workers will be forked (a run waits for them)."""
        return bool(self.waiting) and not self.opened

    def take(self, running: Running, jobs: int) -> bool:
        """Whether ``running`` waits for these workers (False: too late, it starts its own)."""
        if self.opened:
            return False
        self.waiting.append(running)
        self.jobs = max(self.jobs, jobs)
        return True

    def open(self) -> None:
        """Fork the workers (from the build's own thread: see ``feeder.Feeder``) and hand them
        the runs given so far, the ones something waits for first."""
        self.opened = True
        if not self.waiting:
            return
        self.pool = _pool(self.jobs)
        gate = Gate(self.jobs)
        self.users = set(self.waiting)
        for running in sorted(self.waiting, key=lambda r: r.yielding):
            running.start_on(self.pool, self.jobs, gate)
        self.waiting = []

    def finished(self, running: Running) -> None:
        """A run's results are all in: once every run's are, the workers end (they hold what
        they made: the rest of the build, which forks again, should not have them beside it)."""
        self.users.discard(running)
        if not self.users:
            self.close()

    def close(self) -> None:
        """The workers end (once every run's results are in, or the build failed)."""
        self.opened = True
        if self.pool is not None:
            _shut(self.pool)
            self.pool = None


def _run_batch(run: int, batch: list) -> tuple[float, list]:
    if _frozen_in[0] != os.getpid():
        # What the worker was forked with lives as long as it does: the cycle collector leaves it
        # alone (scanning it cost an assembling worker a fifth of its time, and touching it
        # copies the build's memory into the worker's).
        gc.freeze()
        _frozen_in[0] = os.getpid()
    work, context, yielding = _RUNS[run]
    if yielding and _niced_in[0] != os.getpid():
        # A worker that turns to work nothing waits for soon (the one-pagers: in a pool of their
        # own, or in the build's shared one after the book's jobs, which are all handed out before
        # them) runs at a lower priority from then on: the cores go first to the build's critical
        # path, its own process's work (the EPUB, the PDF's assembly), and it has the time they
        # leave (20 case studies 13-17 ms sooner, the archive 39 ms).
        _niced_in[0] = os.getpid()
        with suppress(OSError):
            os.nice(YIELDING_NICENESS)
    started = time.perf_counter()
    results = work(batch, context)
    return time.perf_counter() - started, results      # the time, for this kind of work's rate


_frozen_in = [0]     # the process whose inherited objects were frozen
_niced_in = [0]      # the process that gave way to the build's (a yielding worker)
