"""The house fonts: loading, registering with ReportLab, and glyph coverage.

Font names are stable and readable (``Sans``, ``Sans-Bold``, ``Mono-Italic``, ``Fallback1``) so
that writers and messages can use them. ``registerFontFamily`` ties the faces of a family
together, so ``<b>``/``<i>`` inside a paragraph pick the right face.

Coverage comes from ReportLab's own parser (``TTFont(...).face.charToGlyph``), so no extra
dependency is needed and "has a glyph" means exactly what ReportLab will draw.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import weakref
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from book.pdf.pdffont import FixedTTFont
from reportlab.lib.fonts import addMapping

FACES = ("normal", "bold", "italic", "boldItalic")
_SUFFIX = {"normal": "", "bold": "-Bold", "italic": "-Italic", "boldItalic": "-BoldItalic"}
# A face a family lacks is drawn with the nearest one it has (a regular-only fallback font
# still draws its glyphs inside <b>, just not bold).
_NEAREST = {
    "normal": ("normal",),
    "bold": ("bold", "normal"),
    "italic": ("italic", "normal"),
    "boldItalic": ("boldItalic", "bold", "italic", "normal"),
}

# Module state shared by every FontSet in this process. It is plain data, so a forked worker
# inherits a consistent copy; only the lock must be renewed in the child (see below).
_lock = threading.RLock()
_ttfonts: dict[tuple[str, str], TTFont] = {}  # (font name, file digest) -> parsed font
_claims: dict[str, str] = {}  # family base name -> digest of its files (who owns 'Sans')
_name_to_file: dict[str, tuple[Path, str]] = {}  # concrete font name -> (file, digest)
_cmaps: dict[str, frozenset[int]] = {}  # digest -> code points the file has
_faces: dict[str, TTFontFace] = {}  # digest -> a file parsed when checked, not yet made a font
_digests: dict[tuple[str, int, int], str] = {}  # (path, size, mtime) -> sha256
# the font sets registered in this process, held weakly: a long-lived process (--watch) reads the
# style again at every build and must not keep every FontSet it ever made
_registered: "weakref.WeakValueDictionary[int, FontSet]" = weakref.WeakValueDictionary()


def _renew_lock() -> None:
    global _lock
    _lock = threading.RLock()


os.register_at_fork(after_in_child=_renew_lock)


def file_digest(path: Path) -> str:
    """sha256 of a file, cached by path, size and mtime (font files are read once)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        _digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digests[key]


def load_ttf(name: str, path: Path) -> TTFont:
    """Parse a TrueType file under ``name``; raises ReportLab's error when it cannot."""
    digest = file_digest(path)
    with _lock:
        font = _ttfonts.get((name, digest))
        if font is None:
            font = FixedTTFont(name, str(path), face=_faces.pop(digest, None))
            _ttfonts[(name, digest)] = font
            _cmaps.setdefault(digest, frozenset(font.face.charToGlyph))
        return font


def check_font_file(path: Path) -> str | None:
    """None when ReportLab can draw with this file, else the reason it cannot."""
    try:
        digest = file_digest(path)
        if digest not in _cmaps:
            face = TTFontFace(str(path))      # kept: the font made from the file later reuses it
            _faces[digest] = face
            _cmaps[digest] = frozenset(face.charToGlyph)
    except (TTFError, OSError) as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__       # ReportLab's file opener catches everything, Ctrl-C too
        return str(exc)
    except Exception as exc:  # ReportLab's parser fails on damaged files with assorted errors
        return f"{type(exc).__name__}: {exc}"
    return None


def base_name(family: str) -> str:
    """'sans' -> 'Sans', 'frutiger-condensed' -> 'FrutigerCondensed'."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", family) if part) or "Font"


@dataclass(frozen=True)
class GlyphReport:
    """A character the main fonts cannot draw, where it occurs and what can draw it instead."""

    char: str
    codepoint: str  # 'U+2713'
    name: str  # Unicode name, 'CHECK MARK'
    files: tuple[str, ...]
    missing_from: tuple[str, ...]
    fallback: str | None

    def __str__(self) -> str:
        where = ", ".join(self.files)
        if self.fallback:
            return f"{self.codepoint} {self.name} '{self.char}' is not in {', '.join(self.missing_from)}: drawn with {self.fallback} ({where})"
        return f"{self.codepoint} {self.name} '{self.char}' is in no house font: it will print as a blank box ({where})"


def _ignorable(char: str) -> bool:
    # Spaces, line ends, soft hyphens and joiners are never drawn as glyphs.
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


@dataclass(frozen=True, eq=False)
class FontSet:
    """The style's font families (family -> face -> file) and fallback fonts, in order."""

    families: dict[str, dict[str, Path]]
    fallback: tuple[dict[str, Path], ...] = ()
    css_stacks: dict[str, str] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict, init=False, repr=False)  # family -> base name

    def __post_init__(self) -> None:
        for family, faces in self._all_families():
            self._names[family] = _claim(base_name(family), faces)

    def _all_families(self):
        yield from self.families.items()
        for i, faces in enumerate(self.fallback, 1):
            yield f"fallback{i}", faces

    # -- names --------------------------------------------------------------------------
    def font_name(self, family: str, face: str = "normal") -> str:
        """The registered name of a family's face, e.g. ('sans', 'bold') -> 'Sans-Bold'."""
        faces = dict(self._all_families())[family]
        have = next(f for f in _NEAREST[face] if f in faces)
        return self._names[family] + _SUFFIX[have]

    def face_names(self, family: str) -> dict[str, str]:
        """face -> registered name for all four faces (missing ones use the nearest face)."""
        return {face: self.font_name(family, face) for face in FACES}

    def family_name(self, font_name: str) -> str:
        """The family name the font file gives itself ('DejaVu Sans'), for messages: the
        registered names ('Fallback1') are the toolkit's own."""
        return family_name(font_name)

    def main_font_names(self) -> list[str]:
        return sorted({name for fam in self.families for name in self.face_names(fam).values()})

    def _family_and_face(self, font_name: str) -> tuple[str, str]:
        for family, _ in self._all_families():
            for face, name in self.face_names(family).items():
                if name == font_name:
                    return family, face
        raise KeyError(f"font {font_name!r} is not one of this style's fonts")

    # -- registration -------------------------------------------------------------------
    def register(self) -> None:
        """Register every face with ReportLab, plus the family mapping for <b>/<i>.

        Idempotent and cheap the second time; safe in a forked worker, which inherits the
        parent's registrations, and in a fresh (spawned) one, which registers anew.
        """
        if _registered.get(id(self)) is self:
            return
        with _lock:
            for family, faces in self._all_families():
                for face, path in faces.items():
                    name = self._names[family] + _SUFFIX[face]
                    if name not in pdfmetrics.getRegisteredFontNames():
                        pdfmetrics.registerFont(load_ttf(name, path))
                self._map_family(family, faces)
            _registered[id(self)] = self

    def _map_family(self, family: str, faces) -> None:
        # What registerFontFamily does, but faces the family really has are mapped last:
        # ReportLab also maps each font name back to (family, bold, italic), and a stand-in
        # face (regular used for bold) must not overwrite the regular face's own entry.
        names = self.face_names(family)
        flags = {"normal": (0, 0), "bold": (1, 0), "italic": (0, 1), "boldItalic": (1, 1)}
        for face in sorted(FACES, key=lambda f: f in faces):
            addMapping(self._names[family], *flags[face], names[face])

    # -- coverage -----------------------------------------------------------------------
    def has_glyph(self, font_name: str, char: str) -> bool:
        return has_glyph(font_name, char)

    def fallback_font(self, char: str, for_font: str) -> str | None:
        """The first fallback font with a glyph for ``char``, in the face of ``for_font``."""
        face = self._family_and_face(for_font)[1]
        for i in range(1, len(self.fallback) + 1):
            name = self.font_name(f"fallback{i}", face)
            if has_glyph(name, char):
                return name
        return None

    def split_by_font(self, text: str, font_name: str) -> list[tuple[str, str | None]]:
        """Runs of ``text`` with the fallback font to draw each in (None: ``font_name``).

        Spaces and control characters stay in the run they are in, so a phrase in a
        fallback font is one run, not one per word.
        """
        if _drawable_in(font_name, text):
            return [(text, None)] if text else []
        runs: list[tuple[str, str | None]] = []
        for char in text:
            if _ignorable(char) and runs:
                font = runs[-1][1]
            elif has_glyph(font_name, char):
                font = None
            else:
                font = self.fallback_font(char, font_name)  # None too when nothing has it
            if runs and runs[-1][1] == font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        return runs

    def audit(self, texts: dict[str, str], font_names=None) -> list[GlyphReport]:
        """Every character in ``texts`` (label -> text) that some of ``font_names`` lacks.

        ``font_names`` defaults to every face of every main family. Sorted by code point.
        """
        fonts = list(font_names or self.main_font_names())
        seen: dict[str, list[str]] = {}
        for label, text in texts.items():
            for char in set(text):
                if not _ignorable(char):
                    seen.setdefault(char, []).append(label)
        reports = []
        for char in sorted(seen):
            missing = tuple(f for f in fonts if not has_glyph(f, char))
            if missing:
                reports.append(GlyphReport(
                    char, f"U+{ord(char):04X}", unicodedata.name(char, "unnamed character"),
                    tuple(sorted(set(seen[char]))), missing, self.fallback_font(char, missing[0]),
                ))
        return reports


def _claim(base: str, faces: dict[str, Path]) -> str:
    """Reserve a base font name for these files; a different font under the same name
    (two styles with different sans fonts in one process) gets a distinct name, because
    ReportLab keeps the first font registered under a name."""
    digests = {face: file_digest(path) for face, path in faces.items()}
    family_digest = hashlib.sha256(repr(sorted(digests.items())).encode()).hexdigest()
    with _lock:
        name = base
        if _claims.setdefault(name, family_digest) != family_digest:
            name = f"{base}{family_digest[:8]}"
            _claims.setdefault(name, family_digest)
        for face, path in faces.items():
            _name_to_file[name + _SUFFIX[face]] = (path, digests[face])
    return name


_GLYPHS: dict[str, set[str]] = {}      # font name -> characters seen to have a glyph in it


def _drawable_in(font_name: str, text: str) -> bool:
    """``split_by_font`` would give one run in the font itself: every character has a glyph in it,
    or is never drawn (a space, a joiner) and does not begin the text. Answered from the
    characters already seen, rather than a look-up a character: it is asked for every line."""
    if not text:
        return True
    glyphs = _GLYPHS.setdefault(font_name, set())
    missing = set(text) - glyphs
    if missing:
        found = {c for c in missing if has_glyph(font_name, c)}
        glyphs |= found
        missing -= found
    return not missing or (text[0] not in missing and all(_ignorable(c) for c in missing))


def family_name(font_name: str) -> str:
    path, _digest = _name_to_file[font_name]
    name = load_ttf(font_name, path).face.familyName
    name = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name or "")
    return name.strip() or path.stem


def has_glyph(font_name: str, char: str) -> bool:
    """True when the font (one of a FontSet's names) has a glyph for ``char``."""
    try:
        path, digest = _name_to_file[font_name]
    except KeyError:
        raise KeyError(f"unknown font {font_name!r}: load the style first") from None
    if digest not in _cmaps:
        load_ttf(font_name, path)
    return ord(char) in _cmaps[digest]
