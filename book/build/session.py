"""A build session: what a process that builds again and again (``build.py --watch``,
``ohwb-book serve``) keeps from one build to the next, so that a save is not paid for as the
first build of a new process.

It keeps three things, and none changes what a build makes (a watching build's outputs are a
cold build's, byte for byte: tests/test_watch.py):

- the build cache's database, held open (opening SQLite, and closing it, which folds its log into
  the file and syncs it to disk, cost each rebuild a few milliseconds; a cache folder removed or
  replaced meanwhile is opened again);
- a ``pandoc lua`` process started while the editor types, ready for the next save's sources:
  starting pandoc from a process the size of a build (forked, then the Haskell runtime) was a
  quarter of a rebuild after a one-source edit, most of the time pandoc took;
- the state of the toolkit's own files, which every build's fingerprint covers (walking them
  took a few milliseconds a build): the process runs the code it loaded, whatever they become.

Everything a build reads (the index, the style, the sources, what the cache holds) is read again
by each build, as a cold build reads it: only the machinery is kept warm.
"""
from __future__ import annotations

import os
import subprocess
import weakref
from contextlib import ExitStack, suppress
from pathlib import Path

from book.build import manifest
from book.core.cache import BuildCache
from book.sources.pandocrun import Ahead, close_pipes, end_pandoc, start_pandoc


class BuildSession:
    """Use as a context manager: everything it holds is let go of at the end."""

    def __init__(self) -> None:
        self._caches: dict[Path, tuple[BuildCache, tuple | None, ExitStack]] = {}   # cache folder -> held
        self._uses_pandoc = False       # a build has run pandoc: the next one's is started between builds
        self._spare: Ahead | None = None    # that pandoc, waiting for sources
        self._code: tuple[str, int] | None = None
        self._handed: list[subprocess.Popen] = []       # given to builds (reaped between builds)
        _SESSIONS.add(self)

    def __enter__(self) -> BuildSession:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def code_state(self) -> tuple[str, int]:
        """``manifest.code_state()``, looked at by the session's first build."""
        if self._code is None:
            self._code = manifest.code_state()
        return self._code

    # ------------------------------------------------------------ the build cache
    def cache(self, folder: Path) -> BuildCache:
        """The build cache in ``folder`` for the build about to start: the one the last build
        used, its database still open, when it is the same file."""
        folder = Path(folder)
        held = self._caches.get(folder)
        if held is not None:
            cache, identity, _stack = held
            if identity is not None and cache.identity() == identity:
                cache.next_build()
                return cache
            self._let_go(folder)
        cache = BuildCache(folder)
        stack = ExitStack()
        stack.enter_context(cache.held_open())
        self._caches[folder] = (cache, cache.identity(), stack)
        return cache

    def _let_go(self, folder: Path) -> None:
        _cache, _identity, stack = self._caches.pop(folder)
        stack.close()

    # ------------------------------------------------------------ pandoc
    def start_pandoc(self, args: list[str]) -> subprocess.Popen:
        """A ``pandoc lua`` process for ``args`` (``Converter``'s ``start``): the one started
        between builds while it still waits, else a new one."""
        self._uses_pandoc = True
        spare, self._spare = self._spare, None
        process = spare.start(args) if spare is not None else start_pandoc(args)
        self._handed.append(process)
        return process

    def between_builds(self) -> None:
        """Called once a build is done, while the editor reads and types: the next build's pandoc
        started (from the thread that watches, so that it lives as long as the process: pandoc
        is asked to die with the thread that started it). The last build's pandoc, which it did not
        wait for, has ended by now: it is reaped."""
        for process in self._handed:
            if process.poll() is not None:
                close_pipes(process)
        self._handed = [process for process in self._handed if process.returncode is None]
        if self._uses_pandoc and (self._spare is None or not self._spare.ready()):
            if self._spare is not None:
                self._spare.close()
            self._spare = Ahead()

    def spare_pipes(self) -> list[int]:
        spare = self._spare.process if self._spare is not None else None
        if spare is None:
            return []
        return [stream.fileno() for stream in (spare.stdin, spare.stdout, spare.stderr)
                if stream is not None and not stream.closed]

    def close(self) -> None:
        spare, self._spare = self._spare, None
        if spare is not None:
            spare.close()
        for process in self._handed:
            end_pandoc(process)
        self._handed = []
        for folder in list(self._caches):
            self._let_go(folder)
        _SESSIONS.discard(self)


_SESSIONS: weakref.WeakSet = weakref.WeakSet()     # the sessions alive in this process (for forks)


def _after_fork_in_child() -> None:
    """A forked worker must not hold a spare pandoc's pipes: pandoc ends when its list of
    sources does, and a worker with a copy of its standard input would keep that list open (the
    build would wait for pandoc as long as the worker lives). The copies are swapped for
    /dev/null, not closed: the objects that own the numbers would one day close them again."""
    pipes = [fd for session in list(_SESSIONS) for fd in session.spare_pipes()]
    if pipes:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in pipes:
            with suppress(OSError):
                os.dup2(null, fd, inheritable=False)
        os.close(null)


os.register_at_fork(after_in_child=_after_fork_in_child)
