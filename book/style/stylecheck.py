"""Reading and checking a style's YAML: every mistake a designer can make, reported at once
with its file and line (unknown keys, bad values and colours, missing fonts, inheritance loops,
WCAG 2.2 contrast). ``book.style.house`` turns the checked result into a ``HouseStyle``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors, pagesizes
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, inch, mm

from book.core.errors import Problems, UserError, Problem, did_you_mean
from book.style.fonts import FACES, FontSet, base_name, check_font_file
from book.core.yamlload import load_yaml

# Part of fingerprint(): bump when the meaning of the YAML changes, so cached output is redone.
STYLE_FORMAT = "2"

SECTIONS = ("name", "extends", "palette", "fonts", "page", "hyphenation", "min_text_size",
            "styles", "onepager", "surfaces", "contrast", "hyphenation_limits")
# a typographer's limits on breaking lines (book.pdf.linebreak), each optional in the YAML
HYPHENATION_LIMITS = {"consecutive": 2, "min_left": 3, "min_right": 3, "min_word": 6, "capitalised": True,
                      "max_word_space": 2.0}
REQUIRED_SECTIONS = ("name", "palette", "fonts", "page", "styles", "onepager")

REQUIRED_STYLES = (
    "body", "h1", "h2", "h3", "h4", "h5", "h6", "standfirst", "pullquote",
    "pullquote_attribution", "highlight_box", "highlight_title", "highlight_item", "blockquote",
    "attribution", "list_item", "table_header", "table_cell", "caption", "code", "footnote",
    "running_head", "footer", "toc_title", "toc_part", "toc_entry", "toc_organisation", "cover_title",
    "cover_subtitle", "cover_edition", "cover_publisher", "part_label", "part_title",
    "opener_org", "opener_meta", "facts_label", "facts_text", "part_entry", "imprint", "index_title", "index_entry", "band_title",
    "band_meta", "onepager_title", "onepager_body", "onepager_meta", "onepager_footer",
)
BAND_PREFIX = "band_"  # styles printed on the one-pager's coloured band (onepager.band_color)
PAGE_BACKGROUND = "#FFFFFF"

# The toolkit sets hyphenationLang from the edition's language and the style's `hyphenation`.
RL_KEYS = (frozenset(ParagraphStyle.defaults) | {"keepWithNext"}) - {"hyphenationLang"}
EXTRA_KEYS = frozenset({"parent", "fontWeight", "fontStyle", "hyphenate", "ruleColor", "ruleWidth", "surface"})
STYLE_KEYS = RL_KEYS | EXTRA_KEYS
COLOUR_KEYS = frozenset({"textColor", "backColor", "borderColor", "strikeColor", "underlineColor", "ruleColor"})
LENGTH_KEYS = frozenset({"fontSize", "leading", "spaceBefore", "spaceAfter", "leftIndent", "rightIndent",
                         "firstLineIndent", "borderWidth", "borderPadding", "borderRadius",
                         "bulletFontSize", "bulletIndent", "ruleWidth"})
SIGNED_KEYS = frozenset({"firstLineIndent", "leftIndent", "bulletIndent"})  # hanging indents
NONZERO_KEYS = frozenset({"fontSize", "leading", "bulletFontSize"})
BOOL_KEYS = frozenset({"keepWithNext", "allowWidows", "allowOrphans", "splitLongWords", "hyphenate"})
FONT_KEYS = frozenset({"fontName", "bulletFontName"})
CHOICES = {
    "alignment": {"left": TA_LEFT, "centre": TA_CENTER, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY},
    "fontWeight": {"normal": "normal", "bold": "bold"},
    "fontStyle": {"normal": "normal", "italic": "italic"},
    "textTransform": {"none": None, "uppercase": "uppercase", "lowercase": "lowercase", "capitalize": "capitalize"},
}
# Words people bring from CSS or Word, which spelling similarity cannot map.
KEY_HINTS = {
    "color": "textColor", "colour": "textColor", "textColour": "textColor", "background": "backColor",
    "backgroundColor": "backColor", "backColour": "backColor", "font": "fontName", "size": "fontSize",
    "lineHeight": "leading", "line-height": "leading", "font-size": "fontSize", "align": "alignment",
    "textAlign": "alignment", "text-align": "alignment", "bold": "fontWeight", "italic": "fontStyle",
    "marginTop": "spaceBefore", "marginBottom": "spaceAfter", "hyphenation": "hyphenate",
    "hyphenationLang": "hyphenate",
}
_FACE_OF = {("normal", "normal"): "normal", ("bold", "normal"): "bold",
            ("normal", "italic"): "italic", ("bold", "italic"): "boldItalic"}


class _Bad(ValueError):
    """A value written wrongly; the message says how to write it."""


_INVALID = object()


# -- values ----------------------------------------------------------------------------------
_LENGTH_RE = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*(mm|cm|in|pt)?", re.IGNORECASE)
_UNITS = {"pt": 1.0, "mm": mm, "cm": cm, "in": inch}
_HEX_RE = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")


def parse_length(value, *, signed: bool = False) -> float:
    """'20mm', '0.75in', '54pt', '2cm' or a bare number (points) -> points."""
    how = "write a number and a unit (mm, cm, in or pt), e.g. 20mm, 0.75in, 54pt"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Bad(f"{value!r} is not a length: {how}")
    if isinstance(value, str):
        match = _LENGTH_RE.fullmatch(value.strip())
        if not match:
            raise _Bad(f"'{value}' is not a length: {how}")
        points = float(match[1]) * _UNITS[(match[2] or "pt").lower()]
    else:
        points = float(value)
    if points < 0 and not signed:
        raise _Bad(f"'{value}' is negative: it must be 0 or more")
    return points


def parse_colour(value, palette: dict[str, str], *, allow_none: bool = False) -> str | None:
    """A palette name or '#RGB' / '#RRGGBB' -> '#RRGGBB'; 'none' -> None where allowed."""
    if value is None:
        # The usual cause: an unquoted #005EB8, which YAML reads as a comment.
        raise _Bad('no colour given (in YAML # starts a comment: write hex colours in quotes, "#005EB8")')
    if not isinstance(value, str):
        raise _Bad(f'{value!r} is not a colour: use a palette name or a hex colour in quotes, e.g. "#005EB8"')
    text = value.strip()
    if allow_none and text.lower() == "none":
        return None
    if text in palette:
        return palette[text]
    match = _HEX_RE.fullmatch(text)
    if not match:
        raise _Bad(f"'{value}' is neither a palette colour nor a hex colour like \"#005EB8\"{did_you_mean(text, palette)}")
    digits = match[1] if len(match[1]) == 6 else "".join(c * 2 for c in match[1])
    return "#" + digits.upper()


def _parse_bool(value) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{value!r} is not true or false")
    return value


def _parse_count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Bad(f"{value!r} is not a whole number of 1 or more")
    return value


def _parse_space_ratio(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
        raise _Bad(f"{value!r} is not a number of normal spaces of 1 or more, e.g. 2")
    return float(value)


def _parse_names(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(f"{value!r} is not a list of names, e.g. [quote, highlights]")
    return list(value)


ONEPAGER_BLOCKS = ("title", "story", "facts", "qr")     # every one-pager grid has these
ONEPAGER_OPTIONAL_BLOCKS = ("more",)                    # the story continued (a second page)
MIN_QR_SIZE = 20 * mm                                   # phones need about 20 mm to scan from print


def _parse_blocks(value) -> dict[str, dict]:
    """onepager.blocks: name -> {page, x, y, width, height} (lengths; y from the top of the page)."""
    names = ONEPAGER_BLOCKS + ONEPAGER_OPTIONAL_BLOCKS
    how = "write each block as {x: 15mm, y: 42mm, width: 180mm, height: 26mm} (and page: 2 on a second page)"
    if not isinstance(value, dict):
        raise _Bad(f"onepager.blocks must be a mapping of blocks ({', '.join(names)}): {how}")
    blocks = {}
    for name, box in value.items():
        if name not in names:
            raise _Bad(f"there is no one-pager block '{name}'{did_you_mean(str(name), names)}; the blocks are: {', '.join(names)}")
        if not isinstance(box, dict) or set(box) - {"page", "x", "y", "width", "height"} or not {"x", "y", "width", "height"} <= set(box):
            raise _Bad(f"block '{name}': {how}")
        blocks[name] = {"page": _parse_count(box.get("page", 1)),
                        **{k: parse_length(box[k]) for k in ("x", "y", "width", "height")}}
    missing = [n for n in ONEPAGER_BLOCKS if n not in blocks]
    if missing:
        raise _Bad(f"the grid has no block {', '.join(missing)}: every one-pager grid has {', '.join(ONEPAGER_BLOCKS)}")
    return blocks


def _parse_page_size(value) -> tuple[float, float]:
    if isinstance(value, list) and len(value) == 2:
        return parse_length(value[0]), parse_length(value[1])
    sizes = {k: v for k, v in vars(pagesizes).items() if k.isupper() and isinstance(v, tuple) and len(v) == 2}
    if isinstance(value, str) and value.upper() in sizes:
        return tuple(float(x) for x in sizes[value.upper()])
    raise _Bad(f"{value!r} is not a page size: write a name such as A4, A5 or LETTER, or [width, height] "
               f"like [210mm, 297mm]{did_you_mean(str(value).upper(), sizes)}")


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of '#RRGGBB': 0 for black, 1 for white."""
    channels = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(text: str, background: str) -> float:
    """WCAG 2.2 contrast ratio of two '#RRGGBB' colours, from 1.0 to 21.0."""
    light, dark = sorted((relative_luminance(text), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def is_large_text(size: float, bold: bool) -> bool:
    """WCAG 'large scale' text: 18 pt, or 14 pt bold."""
    return size >= 18 or (bold and size >= 14)


def contrast_problem(text: str, background: str, size: float, bold: bool, background_is: str = "") -> str | None:
    """Why this pair fails WCAG 2.2 AA (4.5:1, or 3:1 for large text), or None."""
    ratio = contrast_ratio(text, background)
    large = is_large_text(size, bold)
    need = 3.0 if large else 4.5
    if ratio >= need:
        return None
    shown = math.floor(ratio * 100) / 100  # never round 4.499 up to a passing-looking 4.50
    text_lum, back_lum = relative_luminance(text), relative_luminance(background)
    light_text = text_lum > back_lum or (text_lum == back_lum and text_lum > 0.5)
    fix = "lighten the text or darken the background" if light_text else "darken the text or lighten the background"
    return (f"text {text} on {background}{background_is} has contrast {shown:.2f}:1, below the {need:g}:1 WCAG 2.2 AA "
            f"needs for {'large' if large else 'body'} text; {fix}")


# -- reading and merging the files --------------------------------------------------------------
class _Origins:
    """Where each value came from: key path -> (file as shown, line)."""

    def __init__(self, main_file: str):
        self.lines: dict[tuple, tuple[str, int | None]] = {(): (main_file, None)}

    def at(self, path: tuple) -> tuple[str, int | None]:
        while path not in self.lines:
            path = path[:-1]
        return self.lines[path]


def _merge(target: dict, doc, shown: str, path: tuple, origins: _Origins) -> None:
    """Deep-merge ``doc`` into ``target``: mappings merge key by key, anything else replaces."""
    for key, value in doc.items():
        here = path + (key,)
        origins.lines[here] = (shown, doc.line_of(key))
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value, shown, here, origins)
        else:
            target[key] = _copy(value, shown, here, origins)


def _copy(value, shown: str, path: tuple, origins: _Origins):
    if isinstance(value, dict):
        out: dict = {}
        _merge(out, value, shown, path, origins)
        return out
    if isinstance(value, list):
        for i in range(len(value)):
            origins.lines[path + (i,)] = (shown, value.line_of(i))
        return [_copy(v, shown, path + (i,), origins) for i, v in enumerate(value)]
    return value


def _read_chain(styles_dir: Path, name: str) -> tuple[dict, _Origins, list[Path]]:
    """Read a style and the styles it extends; return the merged data, origins and files."""
    docs, asked_by = [], None
    available = sorted(p.stem for p in styles_dir.glob("*.yaml"))
    current = name.removesuffix(".yaml")
    while current is not None:
        path = styles_dir / f"{current}.yaml"
        if current in [p.stem for p, _, _ in docs]:
            chain = " -> ".join([p.stem for p, _, _ in docs] + [current])
            raise UserError(Problem(f"'extends' loops: {chain}; remove one 'extends'", *asked_by))
        if not path.is_file():
            message = f"no style named '{current}' in {styles_dir}{did_you_mean(current, available)}; the styles there are: {', '.join(available) or 'none'}"
            raise UserError(Problem(message, *(asked_by or (None, None))))
        shown = path.as_posix()       # as the user typed --styles, so it opens from where they ran the command
        doc = load_yaml(path, shown)
        if not isinstance(doc, dict):
            raise UserError(Problem("must be a set of sections (name:, palette:, fonts:, ...)", shown, 1))
        docs.append((path, shown, doc))
        current, asked_by = _extends_of(doc, shown)
    data: dict = {}
    origins = _Origins(docs[0][1])
    for path, shown, doc in reversed(docs):
        _merge(data, doc, shown, (), origins)
    return data, origins, [p for p, _, _ in reversed(docs)]


def _extends_of(doc, shown: str) -> tuple[str | None, tuple[str, int | None] | None]:
    extends = doc.get("extends")
    where = (shown, doc.line_of("extends"))
    if extends is None:
        return None, where
    if not isinstance(extends, str):
        raise UserError(Problem("'extends' must be the name of another style file in this folder, e.g. house", *where))
    return extends.strip().removesuffix(".yaml"), where


# -- checking ----------------------------------------------------------------------------------
def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


class _Checker:
    """Checks the merged data section by section, collecting every problem."""

    def __init__(self, styles_dir: Path, data: dict, origins: _Origins):
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
        try:
            return parse(value, *args, **kw)
        except _Bad as exc:
            self.bad(path, f"{label}: {exc}")
            return _INVALID

    def mapping(self, path: tuple, what: str) -> dict:
        value = self.data
        for key in path:
            if isinstance(value, list) and isinstance(key, int):
                value = value[key] if key < len(value) else None
            else:
                value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            if value is not None:
                self.bad(path, f"'{_dotted(path)}' must be {what}")
            return {}
        return value

    # sections: simple ones --------------------------------------------------------------------
    def top_level(self) -> None:
        for key in self.data:
            if key not in SECTIONS:
                self.bad((key,), f"unknown section '{key}'{did_you_mean(key, SECTIONS)}; the sections are: {', '.join(SECTIONS)}")
        for key in REQUIRED_SECTIONS:
            if key not in self.data:
                self.bad((), f"section '{key}' is missing (see styles/README.md)")

    def surfaces_section(self) -> dict[str, str]:
        """Coloured grounds text is printed on (cover, part openers); a style names its own with
        `surface:` so the contrast check measures it against that colour, not white paper."""
        for name, value in self.mapping(("surfaces",), "a list of name: colour lines").items():
            colour = self.convert(("surfaces", name), f"surface '{name}'", parse_colour, value, self.palette)
            if colour is not _INVALID:
                self.surfaces[str(name)] = colour
        return self.surfaces

    def palette_section(self) -> dict[str, str]:
        for name, value in self.mapping(("palette",), "a list of name: \"#RRGGBB\" lines").items():
            colour = self.convert(("palette", name), f"palette '{name}'", parse_colour, value, {})
            if colour is not _INVALID:
                self.palette[str(name)] = colour
        return self.palette

    def fields(self, path: tuple, spec: dict, required=()) -> dict:
        """Check a mapping against spec (key -> parser or nested spec); return parsed values."""
        raw, out = self.mapping(path, "a mapping of keys"), {}
        for key, value in raw.items():
            here = path + (key,)
            if key not in spec:
                self.bad(here, f"{_dotted(path)}: unknown key '{key}'{did_you_mean(key, spec)}; the keys are: {', '.join(spec)}")
            elif isinstance(spec[key], dict):
                out[key] = self.fields(here, spec[key], required=tuple(spec[key]))
            else:
                parsed = self.convert(here, _dotted(here), spec[key], value)
                if parsed is not _INVALID:
                    out[key] = parsed
        for key in required:
            if key not in raw:
                self.bad(path, f"{_dotted(path)}: '{key}' is missing")
        return out

    def page_section(self) -> PageGeometry | None:
        margins = {k: parse_length for k in ("top", "bottom", "inner", "outer")}
        spec = {"size": _parse_page_size, "margins": margins, "bleed": parse_length,
                "columns": _parse_count, "column_gap": parse_length, "side_column": parse_length,
                "part_pages": _parse_bool, "case_study_space": parse_length,
                "print_cover": _parse_bool, "caliper": parse_length}
        page = self.fields(("page",), spec, required=("size", "margins"))
        if "size" not in page or len(page.get("margins", {})) < 4:
            return None
        (width, height), m = page["size"], page["margins"]
        geometry = PageGeometry(width, height, m["top"], m["bottom"], m["inner"], m["outer"],
                                page.get("bleed", 0.0), page.get("columns", 1), page.get("column_gap", 12.0),
                                page.get("side_column", 0.0), page.get("part_pages", False),
                                page.get("case_study_space", 0.0), page.get("print_cover", False),
                                page.get("caliper", 0.1 * 72 / 25.4))
        if geometry.column_width <= 0 or geometry.text_height <= 0 or geometry.text_column < 72:
            self.bad(("page",), "page: the margins (and column gaps) leave no room for text; make them smaller")
        return geometry

    def onepager_section(self) -> dict:
        colour = lambda v: parse_colour(v, self.palette)  # noqa: E731 - a one-line adapter
        positive = lambda v: _positive(parse_length(v))  # noqa: E731
        spec = {"band_height": parse_length, "band_color": colour,
                "margins": {k: parse_length for k in ("top", "bottom", "left", "right")},
                "footer_height": parse_length, "gutter": parse_length,
                "min_font_size": positive, "shrink_step": positive, "drop_order": _parse_names,
                "allow_drop": _parse_bool, "size": _parse_page_size, "pages": _parse_count,
                "name_lines": _parse_count, "qr_size": positive, "blocks": _parse_blocks}
        # `size` is optional: the one-pagers default to the book's page size
        optional = ("size", "pages", "name_lines")
        onepager = self.fields(("onepager",), spec, required=tuple(k for k in spec if k not in optional))
        onepager.setdefault("pages", 1)
        onepager.setdefault("name_lines", 2)
        return onepager

    def hyphenation_limits_section(self) -> dict:
        spec = {key: _parse_count for key in ("consecutive", "min_left", "min_right", "min_word")}
        spec.update(capitalised=_parse_bool, max_word_space=_parse_space_ratio)
        return {**HYPHENATION_LIMITS, **self.fields(("hyphenation_limits",), spec, required=())}

    def contrast_section(self) -> None:
        pairs = self.data.get("contrast") or []
        if not isinstance(pairs, list):
            return self.bad(("contrast",), "'contrast' must be a list of {text:, background:} pairs")
        spec = {"text": lambda v: parse_colour(v, self.palette), "background": lambda v: parse_colour(v, self.palette),
                "large": _parse_bool, "label": str}
        for i, _ in enumerate(pairs):
            pair = self.fields(("contrast", i), spec, required=("text", "background"))
            if "text" in pair and "background" in pair:
                why = contrast_problem(pair["text"], pair["background"], 18 if pair.get("large") else 0, False)
                if why:
                    self.bad(("contrast", i), f"contrast pair {i + 1} ({pair.get('label', 'no label')}): {why}")

    # fonts --------------------------------------------------------------------------------------
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
            if isinstance(entry, dict):
                self.fallback.append(self.faces(path, entry, allow_css=False))
            else:
                found = self.font_file(path, entry)
                self.fallback.append({"normal": found} if found else {})

    def faces(self, path: tuple, faces: dict, allow_css: bool) -> dict[str, Path]:
        known = FACES + (("css_family",) if allow_css else ())
        out = {}
        for face, value in faces.items():
            if face not in known:
                self.bad(path + (face,), f"{_dotted(path)}: unknown face '{face}'{did_you_mean(face, known)}; the faces are: {', '.join(known)}")
            elif face != "css_family":
                found = self.font_file(path + (face,), value)
                if found:
                    out[face] = found
        if "normal" not in faces:
            self.bad(path, f"{_dotted(path)}: 'normal' is missing: every family needs its regular face")
        return out

    def font_file(self, path: tuple, value) -> Path | None:
        label = _dotted(path)
        if not isinstance(value, str) or not value.strip():
            self.bad(path, f"{label}: write the path of a .ttf file, e.g. fonts/LiberationSans-Regular.ttf")
            return None
        file = Path(value) if Path(value).is_absolute() else self.dir / value
        if not file.is_file():
            self.bad(path, f"{label}: font file '{value}' not found (looked for {file}): put font files in "
                           f"{self.dir.name}/fonts/ and write their path from {self.dir.name}/, e.g. fonts/LiberationSans-Regular.ttf")
            return None
        reason = check_font_file(file)
        if reason:
            self.bad(path, f"{label}: ReportLab cannot load font file '{value}' ({reason}); use a TrueType .ttf file "
                           "(OpenType .otf fonts with PostScript outlines are not supported)")
            return None
        return file

    # styles -------------------------------------------------------------------------------------
    def styles_section(self, min_text_size: float | None, band_color: str | None) -> dict[str, dict]:
        raw = self.mapping(("styles",), "a mapping of style name -> attributes")
        own = {}
        for name, attributes in raw.items():
            if not isinstance(attributes, dict):
                self.bad(("styles", name), f"style '{name}' must be a mapping of attributes (key: value lines)")
                self.broken_styles.add(name)
                continue
            self.own_keys[name] = set(attributes)
            own[name] = self.style_own(name, attributes)
        for name in REQUIRED_STYLES:
            if raw and name not in raw:
                self.bad(("styles",), f"style '{name}' is missing: the writers need it (it can be as short as `{name}: {{parent: body}}`)")
        resolved = {}
        for name in self.inheritance_order(own):
            parent = own[name].get("parent")
            resolved[name] = {**(resolved[parent] if parent else self.root_defaults()),
                              **{k: v for k, v in own[name].items() if k != "parent"}}
        for name, style in resolved.items():
            self.check_style(name, style, min_text_size, band_color)
        self.check_faces(resolved)
        return resolved

    def style_own(self, name: str, attributes: dict) -> dict:
        out = {}
        for key, value in attributes.items():
            path = ("styles", name, key)
            if key not in STYLE_KEYS:
                hint = f" (did you mean '{KEY_HINTS[key]}'?)" if key in KEY_HINTS else did_you_mean(key, STYLE_KEYS)
                self.bad(path, f"style '{name}': unknown attribute '{key}'{hint}; styles/README.md lists them all")
                continue
            parsed = self.convert(path, f"style '{name}': {key}", self.style_value, value, key)
            if parsed is not _INVALID:
                out[key] = parsed
        return out

    def style_value(self, value, key: str):
        if key == "parent":
            if not isinstance(value, str):
                raise _Bad("must be the name of another style")
            return value
        if key == "surface":
            if value not in self.surfaces:
                raise _Bad(f"'{value}' is not one of the surfaces ({', '.join(self.surfaces) or 'none declared'})")
            return value
        if key in COLOUR_KEYS:
            return parse_colour(value, self.palette, allow_none=key != "textColor")
        if key in LENGTH_KEYS:
            return self.style_length(value, key)
        if key in BOOL_KEYS:
            return _parse_bool(value)
        if key in CHOICES:
            return _choice(value, CHOICES[key])
        if key in FONT_KEYS:
            return self.style_family(value)
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise _Bad(f"{value!r} is not a single value")
        return value

    def style_length(self, value, key: str):
        if key == "borderRadius" and value is None:
            return None
        if key == "borderPadding" and isinstance(value, list) and 1 <= len(value) <= 4:
            return tuple(parse_length(v) for v in value)
        points = parse_length(value, signed=key in SIGNED_KEYS)
        return _positive(points) if key in NONZERO_KEYS else points

    def style_family(self, value):
        if not isinstance(value, str):
            raise _Bad(f"{value!r} is not a font family")
        if self.families and value not in self.families:
            raise _Bad(f"'{value}' is not a font family{did_you_mean(value, self.families)}; the families are "
                       f"{', '.join(self.families)} (choose bold or italic with fontWeight / fontStyle)")
        return value

    def inheritance_order(self, own: dict[str, dict]) -> list[str]:
        """Styles ordered parents first; ones with an unknown or looping parent are left out."""
        order: list[str] = []
        state: dict[str, bool] = {}  # name -> resolvable

        def visit(name: str, trail: list[str]) -> bool:
            if name in state:
                return state[name]
            if name in trail:
                loop = " -> ".join(trail[trail.index(name):] + [name])
                self.bad(("styles", name, "parent"), f"style '{name}': parents loop ({loop}); remove one 'parent'")
                return False
            parent = own[name].get("parent")
            if parent is not None and parent not in own and parent in self.broken_styles:
                ok = False          # its parent is reported already: one message, not one per child
            elif parent is not None and parent not in own:
                self.bad(("styles", name, "parent"), f"style '{name}': parent '{parent}' is not a style{did_you_mean(parent, own)}")
                ok = False
            else:
                ok = parent is None or visit(parent, trail + [name])
            state[name] = ok
            if ok:
                order.append(name)
            return ok

        for name in own:
            visit(name, [])
        return order

    def root_defaults(self) -> dict:
        """What a style without a parent starts from: ReportLab's defaults in house terms."""
        base = {k: ("#" + v.hexval()[2:].upper() if isinstance(v, colors.Color) else v)
                for k, v in ParagraphStyle.defaults.items() if k in RL_KEYS}
        family = "sans" if "sans" in self.families else next(iter(self.families), None)
        base.update(fontName=family, bulletFontName=None, bulletFontSize=None, textColor=self.palette.get("text", "#000000"),
                    fontWeight="normal", fontStyle="normal", hyphenate=True, keepWithNext=False,
                    ruleColor=None, ruleWidth=0.0)
        return base

    def style_path(self, name: str, *keys: str) -> tuple:
        """The path of the first key this style sets itself, else the style: where to point."""
        return next((("styles", name, k) for k in keys if k in self.own_keys.get(name, ())), ("styles", name))

    def check_style(self, name: str, style: dict, min_text_size: float | None, band_color: str | None) -> None:
        size = style["fontSize"]
        if style["leading"] < size:
            self.bad(self.style_path(name, "leading", "fontSize"),
                     f"style '{name}': leading {style['leading']:g}pt is less than fontSize {size:g}pt, so lines would overlap")
        if min_text_size and size < min_text_size:
            self.bad(self.style_path(name, "fontSize"),
                     f"style '{name}': fontSize {size:g}pt is below this style's min_text_size {min_text_size:g}pt")
        on_band = name.startswith(BAND_PREFIX) and not style["backColor"] and band_color
        surface = style.get("surface")
        background = style["backColor"] or (band_color if on_band else self.surfaces.get(surface, PAGE_BACKGROUND))
        where = " (the one-pager band, onepager.band_color)" if on_band else (f" (surface '{surface}')" if surface else "")
        why = contrast_problem(style["textColor"], background, size, style["fontWeight"] == "bold", where)
        if why:
            self.bad(self.style_path(name, "textColor", "backColor"), f"style '{name}': {why}")

    def check_faces(self, resolved: dict[str, dict]) -> None:
        """One problem per face a family lacks, listing the styles that ask for it."""
        wanted: dict[tuple[str, str], list[str]] = {}
        for name, style in resolved.items():
            wanted.setdefault((style["fontName"], _FACE_OF[style["fontWeight"], style["fontStyle"]]), []).append(name)
        for (family, face), names in wanted.items():
            declared = self.declared_faces.get(family)
            if declared is not None and face not in declared:  # a declared but broken file is reported already
                self.bad(self.style_path(names[0], "fontWeight", "fontStyle", "fontName"),
                         f"font family '{family}' has no {face} face, which style{'s' * (len(names) > 1)} "
                         f"{', '.join(names)} need{'s' * (len(names) == 1)}; add '{face}:' under fonts.families.{family}")

def _positive(points: float) -> float:
    if points <= 0:
        raise _Bad("must be more than 0")
    return points


def _choice(value, choices: dict):
    key = str(value).strip().lower() if isinstance(value, str) else value
    if key not in choices:
        raise _Bad(f"{value!r} is not one of: {', '.join(choices)}")
    return choices[key]


@dataclass(frozen=True)
class PageGeometry:
    """The book page in points (1/72 in). Inner/outer margins mirror on facing pages."""

    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_inner: float
    margin_outer: float
    bleed: float
    columns: int
    column_gap: float
    side_column: float = 0.0        # the side column (facts, notes) on the outer edge; 0: none
    part_pages: bool = False        # a part opens on a page of its own (else with a band above its text)
    case_study_space: float = 0.0   # room a case study needs left on a page to start there (0: its opening)
    print_cover: bool = False       # --print also writes the cover: back, spine and front in one spread
    caliper: float = 0.1 * 72 / 25.4   # the paper's thickness: the spine is a leaf's for every two pages

    @property
    def text_width(self) -> float:
        return self.width - self.margin_inner - self.margin_outer

    @property
    def text_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    @property
    def column_width(self) -> float:
        return (self.text_width - (self.columns - 1) * self.column_gap) / self.columns

    @property
    def text_column(self) -> float:
        """The measure of running text: the type area less the side column and its gap."""
        return self.text_width - (self.side_column + self.column_gap if self.side_column else 0.0)

def check_style(styles_dir: Path, name: str) -> dict:
    """Read ``styles_dir/<name>.yaml`` (following ``extends``) and check it; UserError lists every
    problem. Returns the fields of a ``book.style.house.HouseStyle``, as keyword arguments."""
    if not name or Path(name).name != name:
        raise UserError(f"style name '{name}': give the name of a file in {styles_dir} without '.yaml', e.g. house")
    data, origins, files = _read_chain(styles_dir, name)
    check = _Checker(styles_dir, data, origins)
    check.top_level()
    check.palette_section()
    check.surfaces_section()
    check.fonts_section()
    page = check.page_section()
    hyphenate = check.convert(("hyphenation",), "hyphenation", _parse_bool, data.get("hyphenation", True))
    limits = check.hyphenation_limits_section()
    min_text = data.get("min_text_size")
    min_text = None if min_text is None else check.convert(("min_text_size",), "min_text_size", parse_length, min_text)
    onepager = check.onepager_section()
    styles = check.styles_section(min_text if isinstance(min_text, float) else None,
                                  onepager.get("band_color"))
    _check_copy_fit(check, onepager, styles, page)
    check.contrast_section()
    check.problems.raise_if_any()
    fonts = FontSet(families=check.families, fallback=tuple(check.fallback), css_stacks=check.css_stacks)
    return dict(name=name.removesuffix(".yaml"), title=str(data["name"]), files=tuple(files), palette=check.palette,
                surfaces=dict(check.surfaces), page=page, fonts=fonts, styles=_concrete_fonts(styles, fonts),
                onepager=onepager, hyphenate=hyphenate, min_text_size=min_text, hyphenation_limits=limits)


def _check_copy_fit(check: _Checker, onepager: dict, styles: dict, page) -> None:
    body = styles.get("onepager_body")
    floor = onepager.get("min_font_size")
    if body and floor and floor > body["fontSize"]:
        check.bad(("onepager", "min_font_size"),
                  f"onepager.min_font_size {floor:g}pt is larger than style 'onepager_body' fontSize {body['fontSize']:g}pt")
    size = onepager.get("size") or ((page.width, page.height) if page else None)
    if size and isinstance(onepager.get("blocks"), dict):
        _check_grid(check, onepager, size)


def _check_grid(check: _Checker, onepager: dict, size: tuple[float, float]) -> None:
    """Every block on a page of the grid, between the band and the footer, none over another,
    and the QR block large enough for its code and quiet zone."""
    width, height = size
    top = onepager.get("band_height", 0)
    bottom = height - onepager.get("footer_height", 0) - onepager.get("margins", {}).get("bottom", 0)
    blocks, pages = onepager["blocks"], onepager.get("pages", 1)
    where = ("onepager", "blocks")
    for name, b in blocks.items():
        if b["page"] > pages:
            check.bad(where + (name,), f"onepager.blocks.{name} is on page {b['page']}, but onepager.pages is {pages}")
        if b["x"] < 0 or b["x"] + b["width"] > width + 0.01 or b["y"] < top - 0.01 or b["y"] + b["height"] > bottom + 0.01:
            check.bad(where + (name,), f"onepager.blocks.{name} does not lie between the band ({top / mm:.0f} mm) and the "
                      f"footer ({bottom / mm:.0f} mm from the top) inside the page's {width / mm:.0f} mm: move or shrink it")
    names = list(blocks)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if _overlap(blocks[a], blocks[b]):
                check.bad(where + (b,), f"onepager.blocks.{b} lies over block {a}: blocks of the grid must not overlap")
    qr, qr_size = blocks.get("qr"), onepager.get("qr_size", 0)
    if qr_size and qr_size < MIN_QR_SIZE - 0.01:
        check.bad(("onepager", "qr_size"), f"onepager.qr_size {qr_size / mm:.0f} mm is too small to scan from print: make it 20mm or more")
    if qr and qr_size and min(qr["width"], qr["height"]) < qr_size * 1.35:
        check.bad(where + ("qr",), f"onepager.blocks.qr is too small for a {qr_size / mm:.0f} mm code and its quiet zone: "
                  f"make it {qr_size * 1.35 / mm:.0f} mm or more each way")


def _overlap(a: dict, b: dict) -> bool:
    return (a["page"] == b["page"] and a["x"] < b["x"] + b["width"] - 0.01 and b["x"] < a["x"] + a["width"] - 0.01
            and a["y"] < b["y"] + b["height"] - 0.01 and b["y"] < a["y"] + a["height"] - 0.01)


def _concrete_fonts(styles: dict[str, dict], fonts: FontSet) -> dict[str, dict]:
    """Family + weight + style -> the registered face name ReportLab draws with."""
    for style in styles.values():
        family = style["fontName"]
        style["fontFamily"] = family
        style["fontName"] = fonts.font_name(family, _FACE_OF[style["fontWeight"], style["fontStyle"]])
        style["bulletFontName"] = fonts.font_name(style["bulletFontName"]) if style["bulletFontName"] else style["fontName"]
        style["bulletFontSize"] = style["bulletFontSize"] or style["fontSize"]
    return styles
