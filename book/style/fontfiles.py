"""A style's font files, each read once per process: its digest, its check (``check_font_file``,
when the style is read), its code points (``cmap_of``) and the ReportLab font made from it
(``load_ttf``). Faces are read by ``book.pdf.fontparse`` (ReportLab's parser, its glyph tables
read in bulk: the same result). A fallback font is checked lightly and read in full when a
character is first looked up in it (``check_font_file``'s ``later``).
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from book.core.errors import UserError
from book.pdf.fontparse import QuickFace, quick_code_points, readable
from book.pdf.pdffont import FixedTTFont

# Plain data, so a forked worker inherits a consistent copy; only the lock is renewed in the child.
_lock = threading.RLock()
_ttfonts: dict[tuple[str, str], TTFont] = {}  # (font name, file digest) -> parsed font
_cmaps: dict[str, frozenset[int]] = {}  # digest -> code points the file has
_faces: dict[str, TTFontFace] = {}  # digest -> a file parsed, not yet made a font
_later: dict[str, object] = {}  # digest -> a file checked lightly, parsed when needed: its problem were that to fail
_digests: dict[tuple[str, int, int], str] = {}  # (path, size, mtime) -> sha256


def _renew_lock() -> None:
    global _lock
    _lock = threading.RLock()


os.register_at_fork(after_in_child=_renew_lock)


def file_digest(path: Path) -> str:
    """sha256 of a file, cached by path, size and mtime (font files are read once)."""
    return _digest_and_bytes(path)[0]


def _digest_and_bytes(path: Path) -> tuple[str, bytes | None]:
    """The digest, and the file's bytes when they were read for it (then they need not be read again)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key in _digests:
        return _digests[key], None
    data = path.read_bytes()
    _digests[key] = hashlib.sha256(data).hexdigest()
    return _digests[key], data


def file_states(paths) -> tuple | None:
    """What the user's cache keeps of the style's font files, checked (``load_style``): each
    file's path, size, times and inode, its digest, and the problem a fallback font read later
    would give (``check_font_file``); None when a file was modified too recently for its time to
    tell a later change apart (it is checked again next time)."""
    from book.sources.convert import settled_time

    settled, states = settled_time(), []
    for path in paths:
        stat = os.stat(path)
        if stat.st_mtime_ns >= settled:
            return None
        digest = file_digest(Path(path))
        states.append((str(path), _signature(stat), digest, _later.get(digest)))
    return tuple(states)


def recall_files(states: tuple) -> bool:
    """Whether every file is as ``file_states`` found it (by size, times and inode, as git
    tells an unchanged file): then its digest is known again without reading it, and a
    fallback font's problem is ready for when it is read."""
    try:
        stats = [os.stat(path) for path, *_ in states]
    except OSError:
        return False
    if any(_signature(stat) != signature for stat, (_, signature, *_) in zip(stats, states)):
        return False
    for stat, (path, _, digest, later) in zip(stats, states):
        _digests[(path, stat.st_size, stat.st_mtime_ns)] = digest
        if later is not None and digest not in _cmaps:
            _later.setdefault(digest, later)
    return True


def _signature(stat: os.stat_result) -> tuple:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev


class _Bytes:
    """A font file's bytes read already, as ReportLab's parser reads a file object (its ``name``:
    the path, which ReportLab's messages give)."""

    def __init__(self, path: Path, data: bytes):
        self.name, self._data = str(path), data

    def read(self) -> bytes:
        return self._data


def load_ttf(name: str, path: Path) -> TTFont:
    """Parse a TrueType file under ``name``; raises ReportLab's error when it cannot (a file
    checked only lightly, ``check_font_file(later=...)``: the style's problem, as a UserError)."""
    digest = file_digest(path)
    with _lock:
        font = _ttfonts.get((name, digest))
        if font is None:
            face = _faces.pop(digest, None) or _read_face(path, digest)
            _cmaps.setdefault(digest, frozenset(face.charToGlyph))     # before shaping adds its glyphs
            font = FixedTTFont(name, str(path), face=face)
            _ttfonts[(name, digest)] = font
        return font


def check_font_file(path: Path, later=None) -> str | None:
    """None when ReportLab can draw with this file, else the reason it cannot.

    ``later`` (reason -> the style's Problem): the file need not be read now (a fallback font,
    which most editions never draw with). Its small tables are read and its glyph tables found
    sound (``fontparse.readable``), and it is read in full when a character is first looked up
    in it; were that to fail, the problem is the one this check would have given."""
    try:
        digest, data = _digest_and_bytes(path)
        if digest in _cmaps:
            return None
        source = _Bytes(path, data) if data is not None else str(path)
        if later is not None and (digest in _later or readable(source)):
            _later[digest] = later
            return None
        face = QuickFace(source)      # kept: the font made from the file later reuses it
        _faces[digest] = face
        _cmaps[digest] = frozenset(face.charToGlyph)
    except Exception as exc:  # noqa: BLE001 - ReportLab's parser fails on damaged files with assorted errors
        return _why(exc)
    return None


def _why(exc: Exception) -> str:
    if isinstance(exc, (TTFError, OSError)):
        interrupt = _interrupt_behind(exc)
        if interrupt is not None:
            raise interrupt         # ReportLab's file opener catches everything, Ctrl-C too
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _read_face(path: Path, digest: str) -> TTFontFace:
    """The file parsed (a font checked lightly: now that it is needed)."""
    try:
        return QuickFace(str(path))
    except Exception as exc:  # noqa: BLE001 - see check_font_file
        later = _later.get(digest)
        if later is None:
            raise
        raise UserError([later(_why(exc))]) from exc


def cmap_of(path: Path, digest: str) -> frozenset[int]:
    """The code points the file has, read when first asked: from its character map alone where
    that gives what parsing it would (``fontparse.quick_code_points``: a font looked up in, never
    drawn with, is not parsed; the build's glyph audit read the code font's four files in full),
    else the file parsed."""
    cmap = _cmaps.get(digest)
    if cmap is None:
        with _lock:
            if digest not in _cmaps:
                points = _quick_code_points(path)
                if points is None:
                    face = _faces[digest] = _read_face(path, digest)
                    points = frozenset(face.charToGlyph)
                _cmaps[digest] = points
            cmap = _cmaps[digest]
    return cmap


def _quick_code_points(path: Path) -> frozenset[int] | None:
    try:
        return quick_code_points(str(path))
    except Exception as exc:  # noqa: BLE001 - ReportLab's reader fails on damaged files with assorted errors
        interrupt = _interrupt_behind(exc)
        if interrupt is not None:
            raise interrupt from None
        return None     # parsed in full: which gives the file's own error (or the style's ``later`` problem)


def face_of(name: str, path: Path, digest: str) -> TTFontFace:
    """The file's face (parsed, or the one a font made from it holds)."""
    cmap_of(path, digest)
    return _faces.get(digest) or load_ttf(name, path).face


def _interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C that an error was raised while handling, however deep: ReportLab's file opener
    turns everything into an IOError, and its font parser that into a TTFError."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        exc, seen = exc.__context__, seen + 1
    return None
