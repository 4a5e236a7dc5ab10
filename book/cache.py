"""The build cache: results kept by the hash of everything that made them.

Each writer asks for what it would otherwise make again (a typeset case study, a one-pager, an
EPUB chapter) under a key that covers its inputs and the toolkit's own code (``code_salt``), so
a changed source, style, option or toolkit never gets a stale result. Entries are pickles in
``dist/.cache/<kind>/``, written to a temporary file and renamed, so a build killed mid-write
leaves no half entry; an unreadable entry is simply made again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_salt() -> bytes:
    """A digest of the toolkit's code: results made by other code are never reused."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".lua", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.digest()


def digest(*parts) -> str:
    """A key from strings, bytes or anything with a stable repr."""
    h = hashlib.sha256(code_salt())
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


class PickleCache:
    def __init__(self, folder: Path | None):
        self.folder = folder        # None: nothing is kept (a build without an output folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str):
        if self.folder is None:
            return None
        try:
            return pickle.loads(self._path(key).read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def put(self, key: str, value) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # no fsync: a lost entry costs a rebuild of it, never a wrong output
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError:
            return      # a cache that cannot be written only makes the next build slower
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
