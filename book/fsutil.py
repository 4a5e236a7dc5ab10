"""Writing outputs safely: a complete new file or the old one, never half of either."""
from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .errors import Problem, UserError


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False, and leaves the file alone, when it already holds exactly these bytes, so an
    unchanged output keeps its timestamp (watchers and printers do not see a change).
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; outputs are shared like any file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def atomic_write_all(outputs: dict[Path, bytes]) -> tuple[list[Path], list[Path]]:
    """``atomic_write_bytes`` for many files at once: every new file is written to its temporary
    file, the files are flushed to disk together (a thousand one-pagers one after another cost
    half a second of waiting; the whole disk at once would also flush the build cache), then each
    is renamed into place. Returns (written, unchanged)."""
    written, unchanged, staged = [], [], []
    mode = 0o666 & ~_umask()        # mkstemp makes 0600; outputs are shared like any file
    try:
        for path, data in outputs.items():
            try:
                if path.read_bytes() == data:
                    unchanged.append(path)
                    continue
            except OSError:
                pass
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            staged.append((fd, tmp, path))
            with os.fdopen(os.dup(fd), "wb") as handle:
                handle.write(data)
            os.fchmod(fd, mode)
        if staged:
            with ThreadPoolExecutor(min(16, len(staged))) as pool:
                list(pool.map(os.fdatasync, [fd for fd, _tmp, _path in staged]))
        while staged:
            fd, tmp, path = staged[0]
            os.close(fd)
            staged[0] = (None, tmp, path)
            os.replace(tmp, path)
            staged.pop(0)
            written.append(path)
    finally:
        for fd, tmp, _path in staged:       # an error: nothing half-written is left
            try:
                if fd is not None:
                    os.close(fd)
                os.unlink(tmp)
            except OSError:
                pass
    return written, unchanged


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_writable(folder: Path, shown: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe.", delete=True)
        probe.close()
    except OSError as exc:
        raise UserError(Problem(f"cannot write to the output folder ({exc.strerror}): choose another with --out", shown))


@contextmanager
def build_lock(folder: Path, shown: str):
    """One build at a time per output folder; a second one is refused with a clear message."""
    import fcntl

    (folder / ".cache").mkdir(parents=True, exist_ok=True)
    lock_path = folder / ".cache" / "build.lock"
    handle = open(lock_path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise UserError(Problem("another build is writing to this folder: wait for it to finish", shown))
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def remove_stale_parts(folder: Path) -> None:
    """Temporary files left by a build that was killed mid-write: never outputs, always safe to drop."""
    for part in folder.rglob(".*.part"):
        if ".cache" not in part.parts:
            try:
                part.unlink()
            except OSError:
                pass
