"""Ctrl-C (or SIGTERM) held back over a stretch of work that must not be cut short, and answered
once it is done."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


@contextmanager
def signals_held():
    """Ctrl-C (or SIGTERM) during the block is answered (as KeyboardInterrupt) once it is done.
    Only the main thread receives signals: elsewhere this holds nothing back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = {signal.SIGINT: signal.getsignal(signal.SIGINT), signal.SIGTERM: signal.getsignal(signal.SIGTERM)}
    for number in held:
        signal.signal(number, lambda n, _frame: caught.append(n))
    try:
        yield
    finally:
        for number, handler in held.items():
            signal.signal(number, handler)
        if caught:
            raise KeyboardInterrupt
