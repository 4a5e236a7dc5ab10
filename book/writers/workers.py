"""Work spread over the machine's cores: worker processes forked from the build.

Forked, the workers start with everything the build has read (the publication, the style, the
registered fonts) without it being copied or pickled; only the items of work and the results
travel. Where processes cannot be forked, or there is too little work to be worth starting them,
the work is done in this process: the results are the same either way.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

MIN_WEIGHT = 8          # less work than this (about a case study's worth each) is done in-process
BATCHES_PER_JOB = 6     # enough batches for the last ones to even out the workers' loads

_RUNS: dict[int, tuple] = {}     # run -> (function, context), inherited by the workers forked for it


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
        self.batches = _batches(list(range(len(items))), weights, jobs * BATCHES_PER_JOB)
        self.run = id(self)
        _RUNS[self.run] = (work, context)
        # forked now, before this process goes on: the workers see the build as it is here
        self.pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
        self.futures = [self.pool.submit(_run_batch, self.run, [items[n] for n in batch]) for batch in self.batches]

    def results(self) -> list:
        if self.pool is None:
            return self.work(self.items, self.context)
        try:
            done = [future.result() for future in self.futures]
        finally:
            self.pool.shutdown()
            _RUNS.pop(self.run, None)
        results: list = [None] * len(self.items)
        for batch, batch_results in zip(self.batches, done):
            for n, result in zip(batch, batch_results):
                results[n] = result
        return results


def start_parallel(work, items: list, context=None, jobs: int | None = None, weights: list[int] | None = None) -> Running:
    return Running(work, items, context, jobs, weights)


def _run_batch(run: int, batch: list) -> list:
    work, context = _RUNS[run]
    return work(batch, context)


def _batches(indexes: list[int], weights: list[int], count: int) -> list[list[int]]:
    """Consecutive runs of about equal weight."""
    target = max(1, sum(weights) / count)
    batches, current, load = [], [], 0.0
    for n in indexes:
        current.append(n)
        load += weights[n]
        if load >= target:
            batches.append(current)
            current, load = [], 0.0
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
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self.future = self.pool.submit(_run_batch, self.run, [None])

    def result(self):
        if self.pool is None:
            return self.function(*self.args)
        try:
            return self.future.result()[0]
        finally:
            self.pool.shutdown()
            _RUNS.pop(self.run, None)
