"""Reading and checking a style's YAML: every mistake a designer can make, reported at once
with its file and line (unknown keys, bad values and colours, missing fonts, inheritance loops,
WCAG 2.2 contrast). ``book.style.house`` turns the checked result into a ``HouseStyle``.

``check_style`` is the way in. The files are read and merged by ``styleread``, each value by
``stylevalues``; the sections are checked in the order below, each learning what the ones
before it declared (the palette, the surfaces, the font families): the palette, surfaces,
hyphenation and contrast pairs here, the page and one-pager in ``pagecheck``, the fonts in
``fontcheck`` and the paragraph styles in ``stylesection``.
"""
from __future__ import annotations

from pathlib import Path

from book.core.errors import UserError, did_you_mean
from book.style.contrast import contrast_problem
from book.style.fontcheck import FontChecks, concrete_fonts
from book.style.fonts import FontSet
from book.style.pagecheck import PageChecks
from book.style.sectioncheck import PALETTE_COLOUR
from book.style.styleread import read_chain
from book.style.stylesection import StyleChecks
from book.style.stylevalues import INVALID, parse_bool, parse_colour, parse_count, parse_length, parse_space_ratio

# Part of fingerprint(): bump when the meaning of the YAML changes, so cached output is redone.
STYLE_FORMAT = "2"

SECTIONS = ("name", "extends", "palette", "fonts", "page", "hyphenation", "min_text_size",
            "styles", "onepager", "surfaces", "contrast", "hyphenation_limits")
REQUIRED_SECTIONS = ("name", "palette", "fonts", "page", "styles", "onepager")

# a typographer's limits on breaking lines (book.pdf.linebreak), each optional in the YAML
HYPHENATION_LIMITS = {"consecutive": 2, "min_left": 3, "min_right": 3, "min_word": 6, "capitalised": True,
                      "max_word_space": 2.0}
HYPHENATION_LIMITS_SPEC = {**dict.fromkeys(("consecutive", "min_left", "min_right", "min_word"), parse_count),
                           "capitalised": parse_bool, "max_word_space": parse_space_ratio}
# a pair of colours the designer wants checked (e.g. a logo's), besides every style's own
CONTRAST_SPEC = {"text": PALETTE_COLOUR, "background": PALETTE_COLOUR, "large": parse_bool, "label": str}


def check_style(styles_dir: Path, name: str) -> dict:
    """Read ``styles_dir/<name>.yaml`` (following ``extends``) and check it; UserError lists every
    problem. Returns the fields of a ``book.style.house.HouseStyle``, as keyword arguments."""
    if not name or Path(name).name != name:
        raise UserError(f"style name '{name}': give the name of a file in {styles_dir} without '.yaml', e.g. house")
    data, origins, files = read_chain(styles_dir, name)
    check = _Checker(styles_dir, data, origins)
    sections = check.every_section()
    check.problems.raise_if_any()
    fonts = FontSet(families=check.families, fallback=tuple(check.fallback), css_stacks=check.css_stacks)
    return dict(name=name.removesuffix(".yaml"), title=str(data["name"]), files=tuple(files), palette=check.palette,
                surfaces=dict(check.surfaces), page=sections["page"], fonts=fonts,
                styles=concrete_fonts(sections["styles"], fonts), onepager=sections["onepager"],
                hyphenate=sections["hyphenate"], min_text_size=sections["min_text_size"],
                hyphenation_limits=sections["hyphenation_limits"])


class _Checker(PageChecks, FontChecks, StyleChecks):
    """Every section of one style, in an order where each finds what it refers to checked."""

    def every_section(self) -> dict:
        """The checked sections (a value left INVALID has its problem reported)."""
        self.top_level()
        self.palette_section()
        self.surfaces_section()
        self.fonts_section()
        page = self.page_section()
        hyphenate = self.convert(("hyphenation",), "hyphenation", parse_bool, self.data.get("hyphenation", True))
        limits = self.hyphenation_limits_section()
        min_text = self.data.get("min_text_size")
        min_text = None if min_text is None else self.convert(("min_text_size",), "min_text_size", parse_length, min_text)
        onepager = self.onepager_section()
        styles = self.styles_section(min_text if isinstance(min_text, float) else None, onepager.get("band_color"))
        self.check_faces(styles)
        self.check_copy_fit(onepager, styles, page)
        self.contrast_section()
        return dict(page=page, hyphenate=hyphenate, hyphenation_limits=limits, min_text_size=min_text,
                    onepager=onepager, styles=styles)

    def top_level(self) -> None:
        for key in self.data:
            if key not in SECTIONS:
                self.bad((key,), f"unknown section '{key}'{did_you_mean(key, SECTIONS)}; the sections are: {', '.join(SECTIONS)}")
        for key in REQUIRED_SECTIONS:
            if key not in self.data:
                self.bad((), f"section '{key}' is missing (see styles/README.md)")

    def palette_section(self) -> dict[str, str]:
        for name, value in self.mapping(("palette",), "a list of name: \"#RRGGBB\" lines").items():
            colour = self.convert(("palette", name), f"palette '{name}'", parse_colour, value, {})
            if colour is not INVALID:
                self.palette[str(name)] = colour
        return self.palette

    def surfaces_section(self) -> dict[str, str]:
        """Coloured grounds text is printed on (cover, part openers); a style names its own with
        `surface:` so the contrast check measures it against that colour, not white paper."""
        for name, value in self.mapping(("surfaces",), "a list of name: colour lines").items():
            colour = self.convert(("surfaces", name), f"surface '{name}'", parse_colour, value, self.palette)
            if colour is not INVALID:
                self.surfaces[str(name)] = colour
        return self.surfaces

    def hyphenation_limits_section(self) -> dict:
        return {**HYPHENATION_LIMITS, **self.fields(("hyphenation_limits",), HYPHENATION_LIMITS_SPEC, required=())}

    def contrast_section(self) -> None:
        pairs = self.data.get("contrast") or []
        if not isinstance(pairs, list):
            return self.bad(("contrast",), "'contrast' must be a list of {text:, background:} pairs")
        for i, _ in enumerate(pairs):
            pair = self.fields(("contrast", i), CONTRAST_SPEC, required=("text", "background"))
            if "text" in pair and "background" in pair:
                why = contrast_problem(pair["text"], pair["background"], 18 if pair.get("large") else 0, False)
                if why:
                    self.bad(("contrast", i), f"contrast pair {i + 1} ({pair.get('label', 'no label')}): {why}")
