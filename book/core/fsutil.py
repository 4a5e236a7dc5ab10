"""Writing outputs safely: a complete new file or the old one, never half of either."""
from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

from book.core.errors import Problem, UserError


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False, and leaves the file alone, when it already holds exactly these bytes, so an
    unchanged output keeps its timestamp (watchers and printers do not see a change).
    """
    written, _unchanged = atomic_write_all({path: data})
    return bool(written)


def atomic_write_all(outputs: dict[Path, bytes]) -> tuple[list[Path], list[Path]]:
    """``atomic_write_bytes`` for many files at once: every new file is written to its temporary
    file, the files are flushed to disk together (a thousand one-pagers one after another cost
    half a second of waiting; the whole disk at once would also flush the build cache), then each
    is renamed into place. Returns (written, unchanged)."""
    written, unchanged, staged = [], [], []      # staged: (open temporary file, its name, the output)
    mode = 0o666 & ~_umask()        # mkstemp makes 0600; outputs are shared like any file
    try:
        for path, data in outputs.items():
            if _holds(path, data):
                unchanged.append(path)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            handle = os.fdopen(fd, "wb")
            staged.append((handle, tmp, path))
            handle.write(data)
            handle.flush()
            os.fchmod(fd, mode)
        sync_all([handle.fileno() for handle, _tmp, _path in staged])
        for handle, _tmp, _path in staged:
            handle.close()
        while staged:
            _handle, tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
            written.append(path)
    finally:
        for handle, tmp, _path in staged:       # an error: nothing half-written is left
            with suppress(OSError):
                handle.close()
            with suppress(OSError):
                os.unlink(tmp)
    return written, unchanged


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def sync_all(fds: list[int]) -> None:
    if len(fds) == 1:
        os.fdatasync(fds[0])
    elif fds:
        with ThreadPoolExecutor(min(16, len(fds))) as pool:
            list(pool.map(os.fdatasync, fds))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_writable(folder: Path, shown: str) -> None:
    """The output folder, and the cache folder in it, exist and can be written (the probe goes
    in the cache folder: a probe left by a killed build is never taken for the user's file)."""
    cache = folder / ".cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(f"cannot write to the output folder ({exc.strerror}): choose another with --out", shown))
    if os.path.lexists(cache) and not cache.is_dir() or cache.is_symlink():
        raise UserError(Problem("is not a folder (the build keeps its cache there): remove it, or choose another --out",
                                f"{shown}/.cache"))
    try:
        cache.mkdir(exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=cache, prefix=".probe.", suffix=".part", delete=True)
        probe.close()
    except OSError as exc:
        raise UserError(Problem(f"cannot write to the output folder ({exc.strerror}): choose another with --out", shown))


@contextmanager
def build_lock(folder: Path, shown: str):
    """One build at a time per output folder; a second one is refused with a clear message."""
    import fcntl

    (folder / ".cache").mkdir(parents=True, exist_ok=True)
    lock_path = folder / ".cache" / "build.lock"
    try:
        handle = open(lock_path, "a+")
    except OSError as exc:
        raise UserError(Problem(f"the build's lock file cannot be opened ({exc.strerror}): remove it (no build is"
                                " running while it cannot be opened)", f"{shown}/.cache/build.lock"))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise UserError(Problem("another build is writing to this folder: wait for it to finish", shown))
    _HELD_LOCKS.add(handle.fileno())
    try:
        yield
    finally:
        _HELD_LOCKS.discard(handle.fileno())
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


_HELD_LOCKS: set[int] = set()       # the files of the build locks this process holds


def _let_go_of_locks_in_child() -> None:
    """A forked worker must not hold the build's lock: it shares the lock's open file, so a build
    killed outright would leave its workers holding the lock until they noticed, and the next
    build would be refused meanwhile. The worker's copy of the file is swapped for /dev/null (not
    closed: the Python file object that owns the number would one day close it again)."""
    if _HELD_LOCKS:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in _HELD_LOCKS:
            os.dup2(null, fd, inheritable=False)
        os.close(null)
        _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_let_go_of_locks_in_child)
