"""Helpers for tests: running the command line in-process and capturing what it prints."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

from book.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> tuple[int, str]:
    """Exit status and everything printed (stdout + stderr) of `python build.py ARGS`."""
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        code = main([*args, "--styles", str(ROOT / "styles")])
    return code, buffer.getvalue()


def page_content(page) -> bytes:
    """A pikepdf page's content: all its content streams, in order."""
    import pikepdf

    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return b"\n".join(stream.read_bytes() for stream in streams)
