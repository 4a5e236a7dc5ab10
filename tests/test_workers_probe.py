"""Whether work is worth worker processes, measured (``workers.Running._worth_workers``): its
lightest item done here and timed; workers started at once when that shows them clearly worth it
(the rest would save more than twice what they cost), none when it shows them not worth it, and
a second item timed in between. Real forked workers and real time, no mocks: each item sleeps
in proportion to its weight, so the rate measured is known (a loaded machine only lengthens it,
which moves no case below across its threshold but the first, towards "clearly worth it")."""
from __future__ import annotations

import time

import pytest

from book.core import workers
from book.core.background import Background

RATE = 0.02         # seconds per unit of weight
START = 0.05        # what a worker costs to start, as this process knows it: two cost 0.1 s


def _sleeps(batch, context):
    for weight in batch:
        time.sleep(RATE * weight)
    return list(batch)


@pytest.fixture(autouse=True)
def _measured_afresh(monkeypatch):
    if workers.jobs_available() < 2:
        pytest.skip("one core: work is never worth workers")
    monkeypatch.setattr(workers, "START_COST", [START])
    workers._RATES.pop(workers._kind(_sleeps), None)
    yield
    workers._RATES.pop(workers._kind(_sleeps), None)
    workers.stop_all()


def _started(weights: list[int]) -> workers.Running:
    return workers.start_parallel(_sleeps, weights, jobs=None, weights=weights)


def test_a_first_item_showing_the_workers_clearly_worth_it_starts_them_at_once():
    # the rest (weight 24) would save 0.02 x 24 / 2 = 0.24 s on two workers: 2.4 times their cost
    running = _started([1] + [6] * 4)
    assert len(running.done) == 1 and running.pool is not None, "one item timed here, then the workers"
    assert running.results() == [1] + [6] * 4


def test_a_first_item_showing_them_not_worth_it_leaves_the_work_here():
    running = _started([1] * 5)        # the rest would save 0.04 s: less than the 0.1 s they cost
    assert running.pool is None
    assert running.results() == [1] * 5


def test_in_between_a_second_item_is_timed_before_they_are_started():
    running = _started([1] * 16)        # the rest would save 0.15 s: more than they cost, not twice
    assert len(running.done) == 2 and running.pool is not None
    assert running.results() == [1] * 16


def test_a_rate_learnt_from_an_earlier_build_decides_at_once():
    """A rate kept in the user's cache (``learn_rates``): no item is timed here first."""
    workers.learn_rates({workers._kind(_sleeps): RATE})
    running = _started([1] + [6] * 4)
    assert not running.done and running.pool is not None
    assert running.results() == [1] + [6] * 4
    workers.learn_rates({workers._kind(_sleeps): 1.0})        # what this process measured comes first
    assert workers.known_rates()[workers._kind(_sleeps)] != 1.0


def test_what_the_users_cache_gives_is_taken_only_when_it_is_a_rate():
    for bad in (None, [], {"kind": "fast"}, {"kind": -1.0}, {"kind": float("nan")}, {3: 0.1}, {"kind": 1}):
        workers.learn_rates(bad)
    assert not {"kind", 3} & set(workers.known_rates())
    workers.learn_rates({workers._kind(_sleeps): RATE * 20})
    running = _started([1] * 5)         # the rest would save 0.4 s at that rate: worth the workers
    assert not running.done and running.pool is not None
    assert running.results() == [1] * 5


def _pid() -> int:
    import os

    return os.getpid()


def test_a_function_is_given_a_process_of_its_own_only_when_it_takes_several_starts_of_one():
    """``Background``: the EPUB of a small edition is made in the build's process (a process of
    its own, forked late in the build, cost more than the EPUB: ``BACKGROUND_WORTH``); a large
    edition's is made beside the build. Its rate is per unit of weight (the EPUB's chapters)."""
    import os

    kind = workers._kind(_pid)
    try:
        workers._RATES[kind] = 0.01        # seconds per chapter, as an earlier build measured
        small = Background(_pid, weight=5)      # 0.05 s: less than 4 starts of 0.05 s
        assert small.pool is None and small.result() == os.getpid()
        assert workers._RATES[kind] < 0.01, "measured again here, per unit of weight"
        workers._RATES[kind] = 0.01
        large = Background(_pid, weight=50)     # 0.5 s: more than 4 starts
        assert large.pool is not None and large.result() != os.getpid()
    finally:
        workers._RATES.pop(kind, None)
