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

_WORK = None            # (function, context) of the run in progress, inherited by forked workers


def jobs_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_parallel(work, items: list, context=None, jobs: int | None = None, weights: list[int] | None = None) -> list:
    """``work(batch, context)`` -> the batch's results, for all ``items``, in order."""
    global _WORK
    weights = weights or [1] * len(items)
    jobs = min(jobs or jobs_available(), len(items))
    if jobs < 2 or sum(weights) < MIN_WEIGHT or "fork" not in multiprocessing.get_all_start_methods():
        return work(items, context)
    batches = _batches(list(range(len(items))), weights, jobs * BATCHES_PER_JOB)
    _WORK = (work, context)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_run_batch, [[items[n] for n in batch] for batch in batches]))
    finally:
        _WORK = None
    results: list = [None] * len(items)
    for batch, batch_results in zip(batches, done):
        for n, result in zip(batch, batch_results):
            results[n] = result
    return results


def _run_batch(batch: list) -> list:
    work, context = _WORK
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
