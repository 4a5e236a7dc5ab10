"""The house fonts: loading, registering with ReportLab, and glyph coverage.

Font names are stable and readable (``Sans``, ``Sans-Bold``, ``Mono-Italic``, ``Fallback1``) so
that writers and messages can use them. ``registerFontFamily`` ties the faces of a family
together, so ``<b>``/``<i>`` inside a paragraph pick the right face.

Coverage comes from the font's character map as ReportLab reads it (``TTFontFace.charToGlyph``,
``book.style.fontfiles``), so no extra dependency is needed and "has a glyph" means exactly what
ReportLab will draw.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from book.pdf.pdffont import register_when_asked
from book.pdf.shaping import PRIVATE_BASE, SCRIPT_BLOCKS, script_of
from book.style.fontfiles import cmap_of, face_of, file_digest, load_ttf

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
_claims: dict[str, str] = {}  # family base name -> digest of its files (who owns 'Sans')
_name_to_file: dict[str, tuple[Path, str]] = {}  # concrete font name -> (file, digest)
# the font sets registered in this process, held weakly: a long-lived process (--watch) reads the
# style again at every build and must not keep every FontSet it ever made
_registered: "weakref.WeakValueDictionary[int, FontSet]" = weakref.WeakValueDictionary()


def _renew_lock() -> None:
    global _lock
    _lock = threading.RLock()


os.register_at_fork(after_in_child=_renew_lock)


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
    def register(self, now: tuple[str, ...] | None = None) -> None:
        """Register every face with ReportLab, plus the family mapping for <b>/<i>.

        Idempotent and cheap the second time; safe in a forked worker, which inherits the
        parent's registrations, and in a fresh (spawned) one, which registers anew. ``now``: the
        families read and registered at once (the build's, before it forks its workers: the
        body text's); the others when ReportLab is first asked for one of their faces (most
        editions never set a word in the code font: reading its four files took 13 ms of every
        build). A family sharing a file with another is registered at once, in the style's order
        (ReportLab gives a font whose face another name holds that name's).
        """
        if _registered.get(id(self)) is self:
            return
        with _lock:
            for family, faces in self.families.items():
                if now is None or family in now or self._shares_a_file(family):
                    self._register_faces(family, faces)
                else:
                    for face in faces:
                        register_when_asked(self._names[family] + _SUFFIX[face], partial(self._register_faces, family, faces))
                self._map_family(family, faces)
            # a fallback font is read and registered when ReportLab is first asked for it (most
            # editions never are), with the fallback fonts before it: the order they would have
            # been registered in (ReportLab gives a font whose file another name holds that name's)
            for i, (family, faces) in enumerate(self._all_families()):
                if i >= len(self.families):
                    self._map_family(family, faces)
                    for face in faces:
                        register_when_asked(self._names[family] + _SUFFIX[face], partial(self._register_fallbacks, i))
            _registered[id(self)] = self

    def _register_faces(self, family: str, faces: dict[str, Path]) -> None:
        for face, path in faces.items():
            name = self._names[family] + _SUFFIX[face]
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(load_ttf(name, path))

    def _shares_a_file(self, family: str) -> bool:
        own = {file_digest(path) for path in self.families[family].values()}
        return any(own & {file_digest(path) for path in faces.values()}
                   for other, faces in self._all_families() if other != family)

    def _register_fallbacks(self, up_to: int) -> None:
        with _lock:
            for i, (family, faces) in enumerate(self._all_families()):
                if len(self.families) <= i <= up_to:
                    self._register_faces(family, faces)

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
        """The first fallback font with a glyph for ``char``, in the face of ``for_font``; for a
        letter of a complex script (Arabic, Bengali...), the fallback made for that script first
        (``made_for``): a general font's few Arabic letters would do, but not as well."""
        face = self._family_and_face(for_font)[1]
        names = [self.font_name(f"fallback{i}", face) for i in range(1, len(self.fallback) + 1)]
        script = script_of(char)
        if not script:         # the first that has it (the fonts after it need not be read)
            return next((name for name in names if has_glyph(name, char)), None)
        having = [name for name in names if has_glyph(name, char)]
        if len(having) > 1:
            having.sort(key=lambda name: not made_for(name, script))     # stable: the style's order otherwise
        return having[0] if having else None

    def made_for_script(self, font_name: str, char: str) -> bool:
        """``char`` is of a complex script and ``font_name`` a font made for one (the danda U+0964,
        Devanagari's full stop, ends sentences in Bengali and Punjabi too)."""
        return bool(script_of(char)) and any(made_for(font_name, script) for script in SCRIPT_BLOCKS)

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


_MADE_FOR: dict[tuple[str, str], bool] = {}


def made_for(font_name: str, script: str) -> bool:
    """Most of the font's letters beyond ASCII are of ``script`` (Noto Sans Arabic, not DejaVu Sans)."""
    key = (font_name, script)
    if key not in _MADE_FOR:
        chars = [c for c in cmap_of(*_name_to_file[font_name]) if c > 0x7F and c < PRIVATE_BASE]
        ours = sum(1 for c in chars if script_of(chr(c)) == script)
        _MADE_FOR[key] = ours * 2 > len(chars)
    return _MADE_FOR[key]


def family_name(font_name: str) -> str:
    path, digest = _name_to_file[font_name]
    name = face_of(font_name, path, digest).familyName
    name = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name or "")
    return name.strip() or path.stem


def has_glyph(font_name: str, char: str) -> bool:
    """True when the font (one of a FontSet's names) has a glyph for ``char``."""
    try:
        path, digest = _name_to_file[font_name]
    except KeyError:
        raise KeyError(f"unknown font {font_name!r}: load the style first") from None
    return ord(char) in cmap_of(path, digest)
