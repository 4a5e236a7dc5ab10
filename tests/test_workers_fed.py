"""Work handed to worker processes a few batches at a time (``start_parallel(..., fed=...)``):
each item passed through ``fed`` as its batch goes, so that what the build learns meanwhile (the
opening of a case study typeset since) reaches the items not yet handed over. Real forked
workers, no mocks."""
from __future__ import annotations

import time

import pytest

from book.core import workers

KNOWN: dict[str, str] = {}


def _as_handed_over(item):
    return item, KNOWN.get("news")


def _slowly(batch, context):
    time.sleep(0.2)
    return list(batch)


def _broken(item):
    raise ValueError("a bug in fed")


@pytest.fixture(autouse=True)
def _nothing_known():
    KNOWN.clear()
    yield
    KNOWN.clear()
    workers.stop_all()


def test_items_handed_over_later_carry_what_was_learnt_since():
    items = list(range(24))
    running = workers.start_parallel(_slowly, items, jobs=2, weights=[6] * len(items), fed=_as_handed_over)
    assert running.pool is not None and len(running.batches) > 4, "small batches, several per worker"
    KNOWN["news"] = "learnt"          # while the first batches are drawn (one more than there are workers)
    results = running.results()
    assert [item for item, _news in results] == items, "every item once, in order"
    seen = [news for _item, news in results]
    first, last = running.batches[0], running.batches[-1]
    assert all(seen[n] is None for n in first), "the first batch went before anything was learnt"
    assert all(seen[n] == "learnt" for n in last), "the last batch went after"


def test_the_workers_outlive_the_thread_that_feeds_them():
    """The feeding thread ends once it has handed over the last batch, while the workers still
    draw: they must not be killed with it (Linux's parent-death signal follows the thread that
    forked them)."""
    items = list(range(8))
    running = workers.start_parallel(_slowly, items, jobs=2, weights=[6] * len(items), fed=_as_handed_over)
    running.feeder._thread.join(timeout=30)       # every batch handed over, some still being drawn
    assert not running.feeder._thread.is_alive()
    assert [item for item, _news in running.results()] == items


def test_a_failure_of_fed_is_raised_where_the_results_are_awaited():
    items = list(range(12))
    with pytest.raises(ValueError, match="a bug in fed"):
        workers.start_parallel(_slowly, items, jobs=2, weights=[6] * len(items), fed=_broken).results()


def test_work_done_here_is_fed_too():
    """Where workers are not worth it (one core), the items are fed as they are done."""
    KNOWN["news"] = "known"
    running = workers.start_parallel(_slowly, [1, 2], jobs=1, fed=_as_handed_over)
    assert running.pool is None
    assert running.results() == [(1, "known"), (2, "known")]
