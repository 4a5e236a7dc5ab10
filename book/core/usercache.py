"""The cache kept for the user from build to build, outside every output folder: what a build
derives from the house style and the toolkit's own files rather than from an edition (the
style's checked form, the hyphenation patterns), as fontconfig keeps what it read of a font.

An output folder's cache (``book.core.cache``, in ``<out>/.cache``) starts empty with every new
output folder, and every cold build read and checked the style, hashed its font files and parsed
the hyphenation patterns again: 30 ms of an edition of twenty case studies' half a second.
This one is the same kind of cache (SQLite, every entry checksummed, evicted when unused, never
an error), in one folder for the user:

    $OHWB_BOOK_CACHE         when set (empty: nothing kept from build to build)
    $XDG_CACHE_HOME/ohwb-book, else ~/.cache/ohwb-book

What it gives is exactly what would be made again (its keys cover every file read, by content
or by size, time and inode, and the toolkit's code), so outputs never depend on it. A folder or
database that is a symbolic link is not used: the build follows no link it did not make.
"""
from __future__ import annotations

import os
from pathlib import Path

from book.core.cache import FILE_NAME, BuildCache

ENV = "OHWB_BOOK_CACHE"
FOLDER_NAME = "ohwb-book"


def user_cache_folder() -> Path | None:
    """Where the user's cache is (see above); None: none is kept."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):        # no home directory known
            return None
    return Path(base) / FOLDER_NAME


def open_user_cache() -> BuildCache:
    """The user's cache, or one that keeps nothing (none wanted, or a link where it would be)."""
    folder = user_cache_folder()
    if folder is None or folder.is_symlink() or (folder / FILE_NAME).is_symlink():
        return BuildCache(None)
    return BuildCache(folder)
