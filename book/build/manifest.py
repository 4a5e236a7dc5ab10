"""The build manifest: what the last good build read and wrote, so an unchanged edition is not
rebuilt at all (a no-op rebuild answers in a fraction of a second).

The fingerprint covers every file under the sources and styles folders (path, size, modification
time), the toolkit's own code, the options that change outputs and the build time. Outputs are
recorded by size and modification time (as make does), so a deleted or edited output is rebuilt
too; and, where it has one, by the key of what it was made from (a one-pager's file), so that a
later build that would make it from the same things leaves it alone (``Previous.made_from``).
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from book.core.fsutil import atomic_write_bytes

MANIFEST = "build-manifest.json"
PACKAGE = Path(__file__).resolve().parent.parent    # the whole book package


class Fingerprint(str):
    """The fingerprint of a build's inputs, knowing the newest modification time among them."""

    newest: int = 0


def _tree_state(root: Path, h, skip: Path | None = None, newest: list | None = None) -> None:
    for folder, dirs, files in os.walk(root):
        # hidden folders, Python's bytecode (written by the build's own imports) and the output
        # folder when it sits inside the sources are not inputs
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and (skip is None or Path(folder, d).resolve() != skip))
        for name in sorted(files):
            path = Path(folder, name)
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            if newest is not None:
                newest[0] = max(newest[0], st.st_mtime_ns)


def code_state() -> tuple[str, int]:
    """The toolkit's own files (paths, sizes, times; the newest time): a build by other code is
    not up to date."""
    h, newest = hashlib.sha256(f"[{PACKAGE}]".encode()), [0]
    _tree_state(PACKAGE, h, newest=newest)
    return h.hexdigest(), newest[0]


def fingerprint(options, build_time: str, code: tuple[str, int] | None = None) -> str:
    """``code``: ``code_state()``, when the caller knows it (a watching process runs the code it
    loaded, whatever the files become meanwhile: it looks at them once)."""
    h = hashlib.sha256()
    code_digest, code_newest = code or code_state()
    newest = [code_newest]
    for root in (options.sources, options.styles):
        h.update(f"[{root}]".encode())
        _tree_state(Path(root), h, skip=Path(options.out).resolve(), newest=newest)
    h.update(code_digest.encode())
    settings = [options.style, sorted(options.only), options.print_marks, list(options.targets), options.strict, build_time,
                options.accept_changes]
    h.update(json.dumps(settings, default=str).encode())
    key = Fingerprint(h.hexdigest())
    key.newest = newest[0]
    return key


def _state(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _load(out: Path) -> dict:
    try:
        recorded = json.loads((out / ".cache" / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) and isinstance(recorded.get("outputs"), dict) else {}


def up_to_date(out: Path, key: str) -> list[Path] | None:
    """The outputs of the last build when nothing it depends on has changed, else None."""
    recorded = _load(out)
    if recorded.get("fingerprint") != key:
        return None
    settled = recorded.get("settled")
    if not isinstance(settled, int) or getattr(key, "newest", 0) >= settled:
        return None     # an input modified as late as the last build looked: its time may hide an edit
    outputs = {out / name: entry for name, entry in recorded["outputs"].items()}
    if not outputs or any(not isinstance(e, dict) or _state(p) != e.get("state") for p, e in outputs.items()):
        return None
    return list(outputs)


class Previous:
    """What the last good build wrote (whatever its fingerprint)."""

    def __init__(self, out: Path):
        self.out = out
        self.outputs = _load(out).get("outputs", {})

    def made_from(self, path: Path, key: str) -> bool:
        """Whether ``path`` is still the file the last build made from ``key``."""
        entry = self.outputs.get(path.relative_to(self.out).as_posix())
        return isinstance(entry, dict) and entry.get("key") == key and _state(path) == entry.get("state")


def previous_entries(out: Path) -> dict[str, dict]:
    """The last build's outputs (relative path -> entry), as its manifest names them."""
    return {name: entry for name, entry in _load(out).get("outputs", {}).items() if isinstance(entry, dict)}


def previous_outputs(out: Path) -> list[str]:
    return list(previous_entries(out))


def holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a plain file (not a link) holding exactly ``data``."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or os.path.getsize(path) != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def entry(path: Path, key: str | None = None) -> dict:
    """An output's entry: its state now and, where it has one, what it was made from."""
    made = {"state": _state(path)}
    if key is not None:
        made["key"] = key
    return made


def content(key: str, entries: dict[str, dict], settled: int = 0) -> dict:
    """The manifest: ``settled``: inputs modified before this time had their last edit seen."""
    return {"fingerprint": key, "settled": settled, "outputs": dict(sorted(entries.items()))}


def write(out: Path, content: dict) -> None:
    atomic_write_bytes(out / ".cache" / MANIFEST, json.dumps(content, indent=1).encode())
