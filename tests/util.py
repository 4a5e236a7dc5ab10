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


def structure_elements(pdf):
    """Every element of an open pikepdf PDF's structure tree (dictionaries with /S), depth first."""
    import pikepdf

    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        elem = stack.pop()
        if isinstance(elem, pikepdf.Array):
            stack.extend(elem)
            continue
        if not isinstance(elem, pikepdf.Dictionary) or "/S" not in elem:
            continue
        yield elem
        if elem.get("/K") is not None:
            stack.append(elem.K)
