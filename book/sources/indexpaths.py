"""The files the index names (case-study sources, front matter, the cover image), resolved and
refused when they leave the sources folder, are missing, are folders or are of a kind pandoc cannot
read: said with the index's other problems, not one at a time.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from book.core.errors import Problems


@dataclass(frozen=True)
class SourceRef:
    path: Path          # resolved, inside the sources folder
    label: str          # as shown in messages: "sources/case-studies/x.md"


def source_label(sources_dir: Path, relative: str) -> str:
    return f"{sources_dir.as_posix().rstrip('/')}/{relative}"


def source_ref(sources_dir: Path, relative: str, label: str, line, problems: Problems, what: str) -> SourceRef | None:
    """Resolve a path from the index, refusing anything that leaves the sources folder."""
    shown = source_label(sources_dir, relative)
    candidate = Path(relative)
    if candidate.is_absolute():
        problems.add(f"{what} '{relative}' is an absolute path: give it relative to the sources folder", label, line)
        return None
    root = resolved_folder(sources_dir)
    resolved = (sources_dir / candidate).resolve()
    if not resolved.is_relative_to(root):
        problems.add(f"{what} '{relative}' leaves the sources folder: copy the file into {sources_dir.as_posix()}/", label, line)
        return None
    try:
        is_folder = stat.S_ISDIR(os.stat(resolved).st_mode)
    except OSError:
        problems.add(f"{what} '{relative}' not found: check the path (relative to {sources_dir.as_posix()}/)", label, line)
        return None
    if is_folder:
        problems.add(f"{what} '{relative}' is a folder: point it at a file", label, line)
        return None
    if what != "cover image" and not _readable_kind(candidate, relative, label, line, problems, what):
        return None
    return SourceRef(resolved, shown)


def _readable_kind(candidate: Path, relative: str, label: str, line, problems: Problems, what: str) -> bool:
    """A text source pandoc can read: said here, with the index's other problems, rather than
    only once they are all fixed (an old .doc, a .pdf)."""
    from book.sources.sourcefile import READERS

    suffix = candidate.suffix.lower()
    if suffix in READERS:
        return True
    fix = ("open it in Word and save it as .docx (File > Save As > Word Document)" if suffix in (".doc", ".rtf", ".wpd")
           else f"save it as one of {', '.join(sorted(READERS))}")
    problems.add(f"{what} '{relative}': cannot read '{suffix or 'no extension'}' files: {fix}", label, line)
    return False


@lru_cache(maxsize=8)
def resolved_folder(folder: Path) -> Path:
    """The sources folder resolved once per index read (``load_index`` forgets it)."""
    return folder.resolve()


