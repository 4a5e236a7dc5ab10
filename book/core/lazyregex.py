"""Regular expressions that libraries compile as they are imported and the toolkit never uses,
compiled only when first used (``deferring``): each costs milliseconds of every build's start,
before pandoc's results are in, where the build waits on nothing else.
"""
from __future__ import annotations

import re
import sys
from contextlib import contextmanager


class DeferredPattern:
    """A regular expression compiled when it is first used (then it is the compiled pattern)."""

    def __init__(self, pattern: str, flags: int):
        self.source, self.flags, self._compiled = pattern, flags, None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = _compile(self.source, self.flags)
        return getattr(self._compiled, name)


_compile = re.compile


@contextmanager
def deferring(patterns: dict[str, str]):
    """While this lasts, a pattern compiled by ``re.compile`` in one of the modules ``patterns``
    names (module -> a piece of text only that pattern of the module's holds) is left a
    ``DeferredPattern``; ``re.compile`` is itself again after."""

    def compile_deferring(pattern, flags=0):
        piece = patterns.get(sys._getframe(1).f_globals.get("__name__"))
        if piece is not None and isinstance(pattern, str) and piece in pattern:
            return DeferredPattern(pattern, flags)
        return _compile(pattern, flags)

    re.compile = compile_deferring
    try:
        yield
    finally:
        re.compile = _compile
