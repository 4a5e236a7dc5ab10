"""Processes the build starts (pandoc, the workers) asked to end with it: on Linux, a process can
ask to be killed when the thread that started it ends, even by SIGKILL; a build killed outright
then leaves nothing running (its workers ran on for a minute, and pandoc to the end of its list).
"""
from __future__ import annotations

import signal
import sys

PR_SET_PDEATHSIG = 1


def _prctl():
    """Linux's prctl, looked up in this process (a forked child only calls it)."""
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
