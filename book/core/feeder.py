"""Work cut into batches for worker processes (``batches_of``), and batches handed to a pool's
workers a few at a time (``workers.start_parallel(..., fed=...)``): each as a worker is about to
be free, so that what the build learns meanwhile (the opening of a case study typeset since)
reaches the items not yet handed over; and the count of batches out with a pool's workers, which
a pool shared by several runs keeps for all of them."""
from __future__ import annotations

import queue
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

MIN_BATCH = 6           # the smallest batch (about two case studies): a round trip costs too


def batches_of(indexes: list[int], weights: list[int], jobs: int, share: int = 2) -> list[list[int]]:
    """Runs of items, the heaviest first (as a scheduler places the longest jobs first: no worker
    is left with a long last item while the others wait; items of one weight stay in order),
    each about a ``share`` x ``jobs``-th of the work still to come: large at first (few round
    trips), small at the end."""
    remaining = float(sum(weights[n] for n in indexes))
    target = max(MIN_BATCH, remaining / (share * jobs))
    batches, current, load = [], [], 0.0
    for n in sorted(indexes, key=lambda n: -weights[n]):
        current.append(n)
        load += weights[n]
        if load >= target:
            batches.append(current)
            remaining -= load
            current, load = [], 0.0
            target = max(MIN_BATCH, remaining / (share * jobs))
    if current:
        batches.append(current)
    return batches


class Feeder:
    """Hands a fed run's batches to its workers one at a time, each as a worker is about to be
    free (one more than there are workers is out at once), its items passed through ``fed`` then:
    what the build learns meanwhile reaches the items not yet handed over. Its thread only
    submits; the pool's thread only says which batches are done (it must not submit itself)."""

    def __init__(self, running, gate: Gate, note_start, run_batch):
        self.running, self.gate, self.run_batch = running, gate, run_batch     # run_batch(run, items): in the worker
        self.batch_of: dict = {}
        self._done: queue.SimpleQueue = queue.SimpleQueue()     # futures as they finish; an exception of our own
        self._stopped = False
        # The first batch from this thread: the pool forks its workers at its first batch, and a
        # worker is killed when the thread that forked it ends (``die_with_parent``). (In a pool
        # shared with work handed over before it, the first waits its turn like the others.)
        handed = 0 if gate.submitted else 1        # batches handed over here
        if handed:
            self._hand_over(running.batches[0]).add_done_callback(note_start)
        self._thread = threading.Thread(target=self._feed, args=(handed,), name="feeding workers", daemon=True)
        self._thread.start()

    def _hand_over(self, batch: list[int]):
        run = self.running
        future = self.gate.submit(run.pool, self.run_batch, run.run, [run.fed(run.items[n]) for n in batch])
        self.batch_of[future] = batch
        future.add_done_callback(self._done.put)
        return future

    def _feed(self, handed: int) -> None:
        try:
            for batch in self.running.batches[handed:]:
                if not self.gate.wait_for_room(lambda: self._stopped) or self._stopped:
                    return
                self._hand_over(batch)
        except RuntimeError:
            if not self._stopped:       # (a pool shut down by a failed or interrupted build: nothing to say)
                self._done.put(sys.exc_info()[1])
        except BaseException as error:      # a bug of ours in ``fed``: raised where the results are awaited
            self._done.put(error)

    def finished(self):
        """The futures of the batches, as they finish."""
        for _ in range(len(self.running.batches)):
            done = self._done.get()
            if isinstance(done, BaseException):
                raise done
            yield done

    def stop(self) -> None:
        self._stopped = True
        self.gate.wake()


class Gate:
    """The batches out with a pool's workers, counted: a fed run hands over its next batch only
    when at most one more than there are workers is out (from every run of a shared pool), so
    that what it learns meanwhile reaches the items not yet handed over."""

    def __init__(self, jobs: int):
        self.jobs, self.out, self.submitted = jobs, 0, False
        self._changed = threading.Condition()

    def submit(self, pool: ProcessPoolExecutor, function, *args):
        future = pool.submit(function, *args)
        with self._changed:
            self.out += 1
            self.submitted = True
        future.add_done_callback(self._back)        # (at once, if it is done already)
        return future

    def _back(self, _future) -> None:
        with self._changed:
            self.out -= 1
            self._changed.notify_all()

    def wait_for_room(self, stopped) -> bool:
        with self._changed:
            while self.out > self.jobs and not stopped():
                self._changed.wait()
            return not stopped()

    def wake(self) -> None:
        with self._changed:
            self._changed.notify_all()
