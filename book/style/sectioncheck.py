"""What every section's check of a style shares: the merged YAML with where each value came from,
the problems found so far, and reading a section against a declarative spec.

``SectionChecker`` also holds what the sections learn for the ones after them: the palette and
surfaces (colours the styles name), the font families and faces (which the styles choose from).
The sections themselves are checked by its subclasses in ``pagecheck``, ``fontcheck`` and
``stylesection``, put together in ``book.style.stylecheck``.
"""
from __future__ import annotations

from pathlib import Path

from book.core.errors import Problems, did_you_mean
from book.style.styleread import Origins
from book.style.stylevalues import INVALID, BadValue, parse_colour

# In a spec, a colour of the style's palette (a palette name or a hex colour): the palette is
# the style's own, so the parser is bound when the section is read.
PALETTE_COLOUR = object()


def dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


class SectionChecker:
    """Checks the merged data section by section, collecting every problem."""

    def __init__(self, styles_dir: Path, data: dict, origins: Origins):
        self.dir, self.data, self.origins = styles_dir, data, origins
        self.problems = Problems()
        self.palette: dict[str, str] = {}
        self.surfaces: dict[str, str] = {}
        self.broken_styles: set[str] = set()
        self.families: dict[str, dict[str, Path]] = {}
        self.css_stacks: dict[str, str] = {}
        self.fallback: list[dict[str, Path]] = []
        self.own_keys: dict[str, set] = {}
        self.declared_faces: dict[str, set] = {}  # family -> faces written in the YAML

    def bad(self, path: tuple, message: str) -> None:
        self.problems.add(message, *self.origins.at(path))

    def convert(self, path: tuple, label: str, parse, value, *args, **kw):
        """``parse(value)``, or INVALID once its problem is reported (at ``path``, after ``label``)."""
        try:
            return parse(value, *args, **kw)
        except BadValue as exc:
            self.bad(path, f"{label}: {exc}")
            return INVALID

    def palette_colour(self, value) -> str | None:
        return parse_colour(value, self.palette)

    def mapping(self, path: tuple, what: str) -> dict:
        value = self.data
        for key in path:
            if isinstance(value, list) and isinstance(key, int):
                value = value[key] if key < len(value) else None
            else:
                value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            if value is not None:
                self.bad(path, f"'{dotted(path)}' must be {what}")
            return {}
        return value

    def fields(self, path: tuple, spec: dict, required=()) -> dict:
        """Check a mapping against spec (key -> parser, PALETTE_COLOUR or nested spec); return parsed values."""
        raw, out = self.mapping(path, "a mapping of keys"), {}
        for key, value in raw.items():
            here = path + (key,)
            if key not in spec:
                self.bad(here, f"{dotted(path)}: unknown key '{key}'{did_you_mean(key, spec)}; the keys are: {', '.join(spec)}")
            elif isinstance(spec[key], dict):
                out[key] = self.fields(here, spec[key], required=tuple(spec[key]))
            else:
                parse = self.palette_colour if spec[key] is PALETTE_COLOUR else spec[key]
                parsed = self.convert(here, dotted(here), parse, value)
                if parsed is not INVALID:
                    out[key] = parsed
        for key in required:
            if key not in raw:
                self.bad(path, f"{dotted(path)}: '{key}' is missing")
        return out

    def style_path(self, name: str, *keys: str) -> tuple:
        """The path of the first key this style sets itself, else the style: where to point."""
        return next((("styles", name, k) for k in keys if k in self.own_keys.get(name, ())), ("styles", name))
