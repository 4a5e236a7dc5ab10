"""Committing a build's outputs: all or nothing, and only what the build made.

Every changed output is first written beside its place under a temporary name
(``.NAME.TOKEN.part``) and flushed to disk. Only then does a small journal
(``.cache/commit-journal.json``) say which temporary file becomes which output, which files of
the last build are no longer made, and the manifest of the new set. The renames follow, then the
manifest is written and the journal removed. So a build killed before the journal says "commit"
has changed no output (its temporary files, named in the journal's first version, are removed by
the next build), and one killed after it is finished by the next build (``recover``): the folder
holds one whole set of outputs, the old or the new, never a mix.

Nothing is removed that a manifest or journal of ours does not name, and no path is followed
through a link: a damaged or crafted journal or manifest cannot reach outside the output folder.
"""
from __future__ import annotations

import json
import os
import secrets
import stat
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

from book.build import manifest
from book.core.errors import Problem, UserError
from book.core.fsutil import atomic_write_bytes, sync_all
from book.core.signals import signals_held
from book.writers.registry import family, places     # the writer a file belongs to (None: not ours); their names

PARALLEL_WRITES = 64      # outputs from which they are written from several threads
WRITE_THREADS = 4

JOURNAL = "commit-journal.json"
LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}     # what file browsers leave in any folder they show
MAX_FOREIGN_SHOWN = 10
COMMITTED: list[Path] = []     # output folders whose new set this process has put in place (for the CLI's last word)


def _is_part_name(rel) -> bool:
    """A temporary file of ours: ``.NAME.TOKEN.part`` beside an output's place."""
    if not isinstance(rel, str):
        return False
    folder, _, name = rel.rpartition("/")
    stem = name[1:].rsplit(".", 2)[0] if name.startswith(".") and name.endswith(".part") and name.count(".") >= 3 else ""
    return bool(stem) and family(f"{folder}/{stem}" if folder else stem) is not None


def inside(out: Path, rel: str) -> Path | None:
    """``out / rel`` when ``rel`` is a plain relative path whose folders are real folders inside
    ``out`` (no '..', no link on the way), else None."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    folder = out
    for name in parts[:-1]:
        folder = folder / name
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return None
        except OSError:
            return None
    return folder / parts[-1]


def _is_plain_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _unlink_ours(out: Path, rel: str) -> None:
    path = inside(out, rel)
    if path is not None and _is_plain_file(path):
        with suppress(OSError):
            path.unlink()


# ------------------------------------------------------------------ the journal
def _journal_path(out: Path) -> Path:
    return out / ".cache" / JOURNAL


def _write_journal(out: Path, content: dict) -> None:
    atomic_write_bytes(_journal_path(out), json.dumps(content, indent=1).encode())


def _read_journal(out: Path) -> dict | None:
    try:
        content = json.loads(_journal_path(out).read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}           # damaged: nothing in it is trusted (its parts stay, as foreign files would)
    return content if isinstance(content, dict) else {}


def recover(out: Path) -> str | None:
    """Finish or undo the commit of a build that was killed: 'rolled back', 'completed' or None
    (nothing to do). Called with the build lock held, before anything else looks at the folder."""
    content = _read_journal(out)
    _remove_own_parts(out / ".cache")
    if content is None:
        return None
    outcome = "rolled back"
    if content.get("state") == "commit":
        _apply(out, content)
        outcome = "completed"
    else:
        for rel in content.get("parts", []):
            if _is_part_name(rel):
                _unlink_ours(out, rel)
    _journal_path(out).unlink(missing_ok=True)
    return outcome


def _remove_own_parts(cache: Path) -> None:
    """The cache folder's own temporary files (the journal's, the manifest's) of a killed build."""
    with suppress(OSError):
        for entry in os.scandir(cache):
            if entry.name.startswith(".") and entry.name.endswith(".part") and entry.is_file(follow_symlinks=False):
                with suppress(OSError):
                    os.unlink(entry.path)


_rename = os.replace       # (a test kills the build between two renames through it)


def _apply(out: Path, content: dict) -> None:
    """The renames, removals and manifest a committed journal names; each step may already be
    done (a build killed during the commit, or a recovery killed in turn)."""
    for pair in content.get("renames", []):
        if not (isinstance(pair, list) and len(pair) == 2):
            continue
        part, target = (inside(out, rel) for rel in pair)
        if part is not None and target is not None and family(pair[1]) and _is_plain_file(part):
            _rename(part, target)
    for rel in content.get("remove", []):
        if family(rel):             # only ever an output's name, whatever the journal says
            _unlink_ours(out, rel)
    if isinstance(content.get("manifest"), dict):
        manifest.write(out, content["manifest"])


# ------------------------------------------------------------------ before the work
def check_folder(out: Path, shown: str, force: bool) -> None:
    """Refuse an output folder that holds files this toolkit did not make (unless ``force``: they
    are then left alone), and always one where an output would replace such a file or be
    written through a link."""
    ours = set(manifest.previous_outputs(out))
    fixed = places()
    problems = []
    foreign = []
    for rel, is_link in _entries(out):
        if rel in ours and not is_link:
            continue
        if rel in fixed:
            problems.append(_in_the_way(rel, is_link, shown))
        elif not force:
            foreign.append(rel)
    for rel in foreign[:MAX_FOREIGN_SHOWN]:
        problems.append(Problem("was not made by this toolkit: move it out of the output folder, choose an empty"
                                " folder with --out, or add --force to build beside it (it is left alone)", f"{shown}/{rel}"))
    if len(foreign) > MAX_FOREIGN_SHOWN:
        problems.append(Problem(f"and {len(foreign) - MAX_FOREIGN_SHOWN} more files this toolkit did not make", shown))
    if problems:
        raise UserError(problems)


def _in_the_way(rel: str, is_link: bool, shown: str) -> Problem:
    what = "a link" if is_link else "a file this toolkit did not make"
    return Problem(f"is {what}, and the build would write an output in its place: move it away"
                   " (the build never replaces or follows what it did not make)", f"{shown}/{rel}")


def _check_targets(out: Path, paths, ours: set[str]) -> None:
    """Every output about to be written goes where nothing of the user's is (with --force, a
    one-pager may be named like a file of theirs)."""
    problems = []
    for path in paths:
        rel = path.relative_to(out).as_posix()
        if inside(out, rel) is None and os.path.lexists(path.parent):
            problems.append(_in_the_way(path.parent.relative_to(out).as_posix(), True, str(out)))
        elif os.path.lexists(path) and (rel not in ours or os.path.islink(path)):
            problems.append(_in_the_way(rel, os.path.islink(path), str(out)))
    if problems:
        raise UserError(sorted(set(problems), key=str))


def _entries(out: Path):
    """(relative path, is a link) of every file and link in the output folder, the cache folder
    aside; links are not followed."""
    for folder, dirs, files in os.walk(out):
        here = Path(folder)
        rel_folder = here.relative_to(out).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        if not prefix:
            dirs[:] = [d for d in dirs if d != ".cache"]
        # a variant's own output folder (dist/print/, dist/only-x/) is the toolkit's: its files
        # are in its own manifest, and this build neither counts nor touches them
        dirs[:] = [d for d in dirs if os.path.islink(here / d) or not _is_output_folder(here / d)]
        for name in sorted(dirs):
            if os.path.islink(here / name):
                dirs.remove(name)
                yield prefix + name, True
        for name in sorted(files):
            if name not in LITTER:
                yield prefix + name, os.path.islink(here / name)


def _is_output_folder(folder: Path) -> bool:
    """A variant's folder: it has a manifest, or (a check, or a build that stopped at a problem)
    only the build cache."""
    cache = folder / ".cache"
    return (cache / manifest.MANIFEST).is_file() or (cache / "build-cache.sqlite").is_file()


# ------------------------------------------------------------------ the commit
def commit(out: Path, key: str, outputs: dict[Path, bytes], kept: list[Path], keys: dict[Path, str],
           targets: tuple[str, ...], settled: int = 0) -> tuple[list[Path], list[Path]]:
    """Put this build's outputs in place as one set; the last build's outputs of ``targets`` that
    this one did not make are removed. Returns (written, unchanged)."""
    previous = manifest.previous_entries(out)
    _check_targets(out, outputs, set(previous))
    changed = {path: data for path, data in outputs.items() if not manifest.holds(path, data)}
    unchanged = [path for path in outputs if path not in changed] + list(kept)
    token = secrets.token_hex(4)
    parts = {path: path.parent / f".{path.name}.{token}.part" for path in changed}
    rel = lambda path: path.relative_to(out).as_posix()  # noqa: E731
    _write_journal(out, {"state": "staging", "parts": [rel(p) for p in parts.values()]})
    committed = False
    try:
        _write_parts(changed, parts)
        current = {rel(path) for path in [*changed, *unchanged]}
        stale = [name for name in previous if family(name) in targets and name not in current]
        entries = {name: entry for name, entry in previous.items() if family(name) not in targets and name not in current}
        for path in [*changed, *unchanged]:
            entries[rel(path)] = manifest.entry(parts.get(path, path), keys.get(path))
        content = {"state": "commit", "renames": [[rel(parts[p]), rel(p)] for p in changed], "remove": stale,
                   "manifest": manifest.content(key, entries, settled)}
        # Ctrl-C during the renames is answered once they are done: an interrupted build leaves
        # the old set or the new one, and says which (a SIGKILL is finished by the next build,
        # from the journal)
        with signals_held():
            _write_journal(out, content)
            committed = True
            _apply(out, content)
            _journal_path(out).unlink(missing_ok=True)
            COMMITTED.append(out)
    except BaseException:
        if not committed:      # a failure before the journal said "commit": undone
            for part in parts.values():
                with suppress(OSError):
                    part.unlink()
            _journal_path(out).unlink(missing_ok=True)
        raise
    return list(changed), unchanged


def _write_parts(changed: dict[Path, bytes], parts: dict[Path, Path]) -> None:
    mode = 0o666 & ~_umask()
    handles = []

    def write(path: Path, data: bytes) -> None:
        with _naming(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = _create_part(parts[path], mode)
            handles.append(handle)
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)

    try:
        if len(changed) < PARALLEL_WRITES:
            for path, data in changed.items():
                write(path, data)
        else:
            # a file's creation waits on the file system, not on Python: a thousand one-pagers
            # and web pages are created three times as fast from a few threads
            with ThreadPoolExecutor(WRITE_THREADS) as pool:
                list(pool.map(write, changed, changed.values()))
        with _naming(next(iter(changed), None)):
            sync_all([h.fileno() for h in handles])
    finally:
        for handle in handles:
            handle.close()


@contextmanager
def _naming(path: Path | None):
    """An OSError of a write (a full disk) names no file: it is given the output's."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None and path is not None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def _create_part(part: Path, mode: int):
    # O_EXCL | O_NOFOLLOW: never through a link, never over a file that is already there
    return os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode), "wb")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
