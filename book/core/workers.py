"""Work spread over the machine's cores: worker processes forked from the build.

Forked, the workers start with everything the build has read (the publication, the style, the
registered fonts) without it being copied or pickled; only the items of work and the results
travel. Where processes cannot be forked, or there is too little work to be worth starting them,
the work is done in this process: the results are the same either way.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed

MIN_WEIGHT = 8          # less work than this (about a case study's worth each) is done in-process
MIN_BATCH = 6           # the smallest batch (about two case studies): a round trip costs too

_RUNS: dict[int, tuple] = {}     # run -> (function, context), inherited by the workers forked for it
_LIVE: list[ProcessPoolExecutor] = []     # the pools this process has started and not yet shut down
PR_SET_PDEATHSIG = 1


def _prctl():
    """Linux's prctl, looked up in this process (a forked worker only calls it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def die_with_parent() -> None:
    """Ask Linux to kill this (just forked) process when the thread that forked it ends: pandoc
    and the workers do not outlive a build killed outright."""
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


die_with_parent.available = _PRCTL is not None


def _start_worker(parent: int, main_thread: bool) -> None:
    """A worker ignores Ctrl-C (the terminal sends it to every process of the build: the build
    answers it, once) and, on Linux, is killed when the build dies, even by SIGKILL: a killed
    build's workers ran on for a minute. The signal comes when the thread that forked the worker
    ends, so it is asked for only when that thread is the main one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if main_thread and _PRCTL is not None:
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
    done in this process when its results are asked for). Meanwhile this process goes on."""

    def __init__(self, work, items: list, context, jobs: int | None, weights: list[int] | None):
        self.work, self.items, self.context = work, items, context
        weights = weights or [1] * len(items)
        jobs = min(jobs or jobs_available(), len(items))
        self.pool = None
        if jobs < 2 or sum(weights) < MIN_WEIGHT or "fork" not in multiprocessing.get_all_start_methods():
            return
        self.batches = _batches(list(range(len(items))), weights, jobs)
        self.run = id(self)
        _RUNS[self.run] = (work, context)
        # forked now, before this process goes on: the workers see the build as it is here
        self.pool = _pool(jobs)
        self.futures = [self.pool.submit(_run_batch, self.run, [items[n] for n in batch]) for batch in self.batches]

    def results(self) -> list:
        results: list = [None] * len(self.items)
        for batch, batch_results in self.completed():
            for n, result in zip(batch, batch_results):
                results[n] = result
        return results

    def completed(self):
        """(indexes of items, their results) for each batch, as soon as it is done: this process
        can work on them while the workers go on."""
        if self.pool is None:
            yield list(range(len(self.items))), self.work(self.items, self.context)
            return
        batch_of = {future: batch for future, batch in zip(self.futures, self.batches)}
        try:
            for future in as_completed(self.futures):
                yield batch_of[future], future.result()
        finally:
            _shut(self.pool)
            _RUNS.pop(self.run, None)


def start_parallel(work, items: list, context=None, jobs: int | None = None, weights: list[int] | None = None) -> Running:
    return Running(work, items, context, jobs, weights)


def _run_batch(run: int, batch: list) -> list:
    if _frozen_in[0] != os.getpid():
        # What the worker was forked with lives as long as it does: the cycle collector leaves it
        # alone (scanning it cost an assembling worker a fifth of its time, and touching it
        # copies the build's memory into the worker's).
        gc.freeze()
        _frozen_in[0] = os.getpid()
    work, context = _RUNS[run]
    return work(batch, context)


_frozen_in = [0]     # the process whose inherited objects were frozen


def _batches(indexes: list[int], weights: list[int], jobs: int) -> list[list[int]]:
    """Consecutive runs, each about a 2 x ``jobs``-th of the work still to come: large at first
    (few round trips), small at the end, so that no worker is left with a long last batch while
    the others wait."""
    remaining = float(sum(weights))
    target = max(MIN_BATCH, remaining / (2 * jobs))
    batches, current, load = [], [], 0.0
    for n in indexes:
        current.append(n)
        load += weights[n]
        if load >= target:
            batches.append(current)
            remaining -= load
            current, load = [], 0.0
            target = max(MIN_BATCH, remaining / (2 * jobs))
    if current:
        batches.append(current)
    return batches


class Background:
    """``function(*args)`` in a forked process while this one goes on; ``result()`` waits for
    it. Without fork, it runs in this process when its result is asked for."""

    def __init__(self, function, *args):
        self.function, self.args = function, args
        self.pool = None
        if "fork" in multiprocessing.get_all_start_methods() and jobs_available() > 1:
            self.run = id(self)
            _RUNS[self.run] = (lambda batch, context: [function(*args)], None)
            self.pool = _pool(1)
            self.future = self.pool.submit(_run_batch, self.run, [None])

    def result(self):
        if self.pool is None:
            return self.function(*self.args)
        try:
            return self.future.result()[0]
        finally:
            _shut(self.pool)
            _RUNS.pop(self.run, None)
