"""The build manifest: what the last good build read and wrote, so an unchanged edition is not
rebuilt at all (a no-op rebuild answers in a fraction of a second).

The fingerprint covers every file under the sources and styles folders (path, size, modification
time), the toolkit's own code, the options that change outputs and the build time. Outputs are
recorded by content hash, so a deleted or edited output is rebuilt too.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .fsutil import atomic_write_bytes

MANIFEST = "build-manifest.json"
PACKAGE = Path(__file__).resolve().parent


def _tree_state(root: Path, h, skip: Path | None = None) -> None:
    for folder, dirs, files in os.walk(root):
        # hidden folders, and the output folder when it sits inside the sources, are not inputs
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or Path(folder, d).resolve() != skip))
        for name in sorted(files):
            path = Path(folder, name)
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def fingerprint(options, build_time: str) -> str:
    h = hashlib.sha256()
    for root in (options.sources, options.styles, PACKAGE):
        h.update(f"[{root}]".encode())
        _tree_state(Path(root), h, skip=Path(options.out).resolve())
    settings = [options.style, sorted(options.only), options.print_marks, list(options.targets), options.strict, build_time]
    h.update(json.dumps(settings, default=str).encode())
    return h.hexdigest()


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def up_to_date(out: Path, key: str) -> list[Path] | None:
    """The outputs of the last build when nothing it depends on has changed, else None."""
    try:
        recorded = json.loads((out / ".cache" / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if recorded.get("fingerprint") != key:
        return None
    outputs = [out / name for name in recorded.get("outputs", {})]
    if not outputs or any(_digest(p) != recorded["outputs"][p.relative_to(out).as_posix()] for p in outputs):
        return None
    return outputs


def record(out: Path, key: str, outputs: list[Path]) -> None:
    data = {"fingerprint": key, "outputs": {p.relative_to(out).as_posix(): _digest(p) for p in sorted(outputs)}}
    atomic_write_bytes(out / ".cache" / MANIFEST, json.dumps(data, indent=1).encode())
