"""The ``fonts`` section of a style: its families (a TrueType file for each face, regular, bold,
italic and bold italic) and the fallback fonts for characters they lack, every file found and
loadable by ReportLab; then every face the paragraph styles ask for declared, and each style's
family, weight and slant turned into the face name ReportLab draws with.
"""
from __future__ import annotations

from pathlib import Path

from book.core.errors import Problem, did_you_mean
from book.style.fontfiles import check_font_file
from book.style.fonts import FACES, FontSet, base_name
from book.style.sectioncheck import SectionChecker, dotted

# (fontWeight, fontStyle) -> the face of a family
FACE_OF = {("normal", "normal"): "normal", ("bold", "normal"): "bold",
           ("normal", "italic"): "italic", ("bold", "italic"): "boldItalic"}


class Unloadable:
    """The problem of a font file ReportLab cannot load, given the reason: kept with a fallback
    font read in full only when first needed (``fontfiles.check_font_file``), and with the
    style's checked form in the user's cache (so, plain data)."""

    def __init__(self, label: str, value: str, where: tuple):
        self.label, self.value, self.where = label, value, where

    def message(self, reason: str) -> str:
        return (f"{self.label}: ReportLab cannot load font file '{self.value}' ({reason}); use a TrueType .ttf file "
                "(OpenType .otf fonts with PostScript outlines are not supported)")

    def __call__(self, reason: str) -> Problem:
        return Problem(self.message(reason), *self.where)


class FontChecks(SectionChecker):
    """The ``fonts`` section, and the faces the styles need."""

    def fonts_section(self) -> None:
        for key in self.mapping(("fonts",), "a mapping with 'families' and 'fallback'"):
            if key not in ("families", "fallback"):
                self.bad(("fonts", key), f"fonts: unknown key '{key}'{did_you_mean(key, ('families', 'fallback'))}; the keys are: families, fallback")
        families = self.mapping(("fonts", "families"), "a mapping of family name -> faces")
        if not families:
            self.bad(("fonts",), "fonts: 'families' is missing or empty: define at least a 'sans' family")
        seen: dict[str, str] = {}
        for family in families:
            self.family(family, seen)
        self.fallback_fonts()

    def family(self, family, seen: dict[str, str]) -> None:
        path = ("fonts", "families", family)
        name = base_name(str(family))
        if name.lower().startswith("fallback"):
            return self.bad(path, f"fonts: family name '{family}' is reserved for the fallback fonts; choose another")
        if name in seen:
            return self.bad(path, f"fonts: families '{seen[name]}' and '{family}' would both be called '{name}'; rename one")
        seen[name] = str(family)
        faces = self.mapping(path, "a mapping of faces (normal, bold, italic, boldItalic) to font files")
        self.declared_faces[family] = set(faces)
        self.families[family] = self.faces(path, faces, allow_css=True)
        if "css_family" in faces:
            self.css_stacks[family] = str(faces["css_family"])

    def fallback_fonts(self) -> None:
        entries = self.data.get("fonts", {}).get("fallback") if isinstance(self.data.get("fonts"), dict) else None
        if entries is None:
            return
        if not isinstance(entries, list):
            return self.bad(("fonts", "fallback"), "fonts.fallback must be a list of font files")
        for i, entry in enumerate(entries):
            path = ("fonts", "fallback", i)
            # read in full only when a character is looked up in it (font_file's ``later``)
            if isinstance(entry, dict):
                self.fallback.append(self.faces(path, entry, allow_css=False, later=True))
            else:
                found = self.font_file(path, entry, later=True)
                self.fallback.append({"normal": found} if found else {})

    def faces(self, path: tuple, faces: dict, allow_css: bool, later: bool = False) -> dict[str, Path]:
        known = FACES + (("css_family",) if allow_css else ())
        out = {}
        for face, value in faces.items():
            if face not in known:
                self.bad(path + (face,), f"{dotted(path)}: unknown face '{face}'{did_you_mean(face, known)}; the faces are: {', '.join(known)}")
            elif face != "css_family":
                found = self.font_file(path + (face,), value, later)
                if found:
                    out[face] = found
        if "normal" not in faces:
            self.bad(path, f"{dotted(path)}: 'normal' is missing: every family needs its regular face")
        return out

    def font_file(self, path: tuple, value, later: bool = False) -> Path | None:
        """The file, checked (``later``: its glyph tables read when first needed, see
        ``fontfiles.check_font_file``; the problem, were that to fail, is the one given here)."""
        label = dotted(path)
        if not isinstance(value, str) or not value.strip():
            self.bad(path, f"{label}: write the path of a .ttf file, e.g. fonts/LiberationSans-Regular.ttf")
            return None
        file = Path(value) if Path(value).is_absolute() else self.dir / value
        if not file.is_file():
            self.bad(path, f"{label}: font file '{value}' not found (looked for {file}): put font files in "
                           f"{self.dir.name}/fonts/ and write their path from {self.dir.name}/, e.g. fonts/LiberationSans-Regular.ttf")
            return None

        unloadable = Unloadable(label, value, self.origins.at(path))
        reason = check_font_file(file, unloadable if later else None)
        if reason:
            self.bad(path, unloadable.message(reason))
            return None
        return file

    def check_faces(self, resolved: dict[str, dict]) -> None:
        """One problem per face a family lacks, listing the styles that ask for it."""
        wanted: dict[tuple[str, str], list[str]] = {}
        for name, style in resolved.items():
            wanted.setdefault((style["fontName"], FACE_OF[style["fontWeight"], style["fontStyle"]]), []).append(name)
        for (family, face), names in wanted.items():
            declared = self.declared_faces.get(family)
            if declared is not None and face not in declared:  # a declared but broken file is reported already
                self.bad(self.style_path(names[0], "fontWeight", "fontStyle", "fontName"),
                         f"font family '{family}' has no {face} face, which style{'s' * (len(names) > 1)} "
                         f"{', '.join(names)} need{'s' * (len(names) == 1)}; add '{face}:' under fonts.families.{family}")


def concrete_fonts(styles: dict[str, dict], fonts: FontSet) -> dict[str, dict]:
    """Family + weight + style -> the registered face name ReportLab draws with."""
    for style in styles.values():
        family = style["fontName"]
        style["fontFamily"] = family
        style["fontName"] = fonts.font_name(family, FACE_OF[style["fontWeight"], style["fontStyle"]])
        style["bulletFontName"] = fonts.font_name(style["bulletFontName"]) if style["bulletFontName"] else style["fontName"]
        style["bulletFontSize"] = style["bulletFontSize"] or style["fontSize"]
    return styles
