"""Where a build writes when no --out is given: the full edition in the base folder (dist/), each
variant in a folder of its own beneath it, so a variant never replaces the edition's files."""
from __future__ import annotations

from pathlib import Path

DEFAULT_BASE = Path("dist")
DEFAULT_STYLE = "house"
_LONGEST_ONLY = 3        # keys named in an --only folder; more are counted, so names stay short


def variant_name(style: str = DEFAULT_STYLE, print_marks: bool = False, only: list[str] | None = None) -> str:
    """'' for the full edition; else e.g. 'print', 'large-print', 'only-imperial',
    'print-large-print-only-imperial-leeds' (the parts in this order, joined by '-')."""
    parts = []
    if print_marks:
        parts.append("print")
    if style and style != DEFAULT_STYLE:
        parts.append(_safe(style))
    if only:
        keys = [_safe(k) for k in only]
        shown = keys[:_LONGEST_ONLY]
        if len(keys) > _LONGEST_ONLY:
            shown.append(f"and-{len(keys) - _LONGEST_ONLY}-more")
        parts.append("only-" + "-".join(shown))
    return "-".join(parts)


def default_out(base: Path, style: str, print_marks: bool, only: list[str]) -> Path:
    name = variant_name(style, print_marks, only)
    return base / name if name else base


def _safe(word: str) -> str:
    """A key or style name as a folder name: keys are already a-z, 0-9 and -; a style given as a
    path (styles/x.yaml) keeps its stem."""
    stem = Path(word).stem if ("/" in word or word.endswith(".yaml")) else word
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem.lower()) or "style"
