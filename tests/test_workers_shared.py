"""Worker processes shared by the kinds of work of one build (``workers.SharedWorkers``): forked
once, when every run that will use them has been given them, so each inherits them all; the runs
something waits for go first; a run that joins workers forked anyway is not measured first; a
run started after they are forked has a pool of its own. Real forked workers, no mocks."""
from __future__ import annotations

import os
import time

import pytest

from book.core import workers

ORDER: list = []


def _where(batch, context):
    time.sleep(0.05)
    return [(context, item, os.getpid(), time.monotonic()) for item in batch]


def _never_timed(batch, context):
    """Work of a kind this process has no rate for (so it would be timed on an item done here)."""
    return _where(batch, context)


@pytest.fixture(autouse=True)
def _stopped():
    yield
    workers.stop_all()


def test_two_kinds_of_work_share_one_pair_of_workers_the_urgent_first():
    shared = workers.SharedWorkers()
    later = workers.start_parallel(_where, list(range(8)), context="pages", jobs=2, weights=[6] * 8,
                                   yielding=True, fed=lambda item: item, shared=shared)
    urgent = workers.start_parallel(_where, list(range(8)), context="jobs", jobs=2, weights=[6] * 8, shared=shared)
    assert later.pool is None and urgent.pool is None, "nothing forked before open()"
    shared.open()
    assert later.pool is urgent.pool is shared.pool
    jobs, pages = urgent.results(), later.results()
    assert [item for _, item, _, _ in jobs] == list(range(8)) and [item for _, item, _, _ in pages] == list(range(8))
    assert {context for context, *_ in jobs} == {"jobs"} and {context for context, *_ in pages} == {"pages"}
    pids = {pid for _, _, pid, _ in jobs + pages}
    assert len(pids) == 2 and os.getpid() not in pids, "two workers, forked once, did both"
    # the work handed over first is the urgent one, though it was given its workers second
    assert max(t for *_, t in jobs) <= min(t for *_, t in pages) + 0.06
    # every run's results in: the workers have ended, not left beside the rest of the build
    assert shared.pool is None
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            wait_gone(pid)


def wait_gone(pid: int) -> None:
    """Raises ProcessLookupError once ``pid`` is gone (reaped), within ten seconds."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        os.kill(pid, 0)
        time.sleep(0.05)


def test_work_joining_workers_forked_anyway_is_not_measured_first():
    """Unmeasured work would be timed on an item or two done here (``_worth_workers``); joining
    workers forked for other work costs no start of its own, so none is done here."""
    shared = workers.SharedWorkers()
    first = workers.start_parallel(_where, list(range(6)), context="jobs", jobs=2, weights=[6] * 6, shared=shared)
    assert workers._kind(_never_timed) not in workers._RATES
    joining = workers.start_parallel(_never_timed, list(range(6)), context="pages", weights=[6] * 6, shared=shared)
    assert not joining.done and joining.shared is shared
    shared.open()
    assert len(first.results()) == 6 and [item for _, item, _, _ in joining.results()] == list(range(6))
    shared.close()


def test_work_started_after_the_workers_are_forked_has_its_own():
    shared = workers.SharedWorkers()
    first = workers.start_parallel(_where, list(range(6)), context="jobs", jobs=2, weights=[6] * 6, shared=shared)
    shared.open()
    late = workers.start_parallel(_where, list(range(6)), context="late", jobs=2, weights=[6] * 6, shared=shared)
    assert late.pool is not None and late.pool is not shared.pool and late.shared is None
    assert {c for c, *_ in late.results()} == {"late"} and len(first.results()) == 6
    shared.close()


def test_given_nothing_the_shared_workers_fork_nothing():
    shared = workers.SharedWorkers()
    shared.open()
    assert shared.pool is None
    shared.close()


def test_results_asked_for_before_the_workers_are_forked_fork_them():
    shared = workers.SharedWorkers()
    running = workers.start_parallel(_where, list(range(6)), context="jobs", jobs=2, weights=[6] * 6, shared=shared)
    results = running.results()
    assert [item for _, item, _, _ in results] == list(range(6))
    assert os.getpid() not in {pid for *_, pid, _ in results} and shared.opened


def _niceness(batch, context):
    time.sleep(0.02)
    return [(context, os.nice(0)) for _ in batch]


def test_a_shared_worker_gives_way_to_the_build_once_it_turns_to_yielding_work():
    """The book's jobs at the build's own priority; the one-pagers, which nothing waits for until
    the book is assembled, at a lower one (``YIELDING_NICENESS``): the build's process, assembling
    the book and the EPUB meanwhile, is not slowed by them."""
    base = os.nice(0)
    shared = workers.SharedWorkers()
    later = workers.start_parallel(_niceness, list(range(6)), context="pages", jobs=2, weights=[6] * 6,
                                   yielding=True, fed=lambda item: item, shared=shared)
    urgent = workers.start_parallel(_niceness, list(range(6)), context="jobs", jobs=2, weights=[6] * 6, shared=shared)
    shared.open()
    jobs, pages = urgent.results(), later.results()
    assert {nice for _, nice in jobs} == {base}
    assert {nice for _, nice in pages} == {min(base + workers.YIELDING_NICENESS, 19)}
    assert os.nice(0) == base, "the build's own process keeps its priority"


def test_yielding_work_in_a_pool_of_its_own_runs_at_the_lower_priority_too():
    base = os.nice(0)
    running = workers.start_parallel(_niceness, list(range(4)), context="pages", jobs=2, weights=[6] * 4, yielding=True)
    assert running.pool is not None
    assert {nice for _, nice in running.results()} == {min(base + workers.YIELDING_NICENESS, 19)}
    urgent = workers.start_parallel(_niceness, list(range(4)), context="jobs", jobs=2, weights=[6] * 4)
    assert {nice for _, nice in urgent.results()} == {base}
