"""The ``styles`` section of a style: the paragraph styles the writers use, each a set of
ReportLab ``ParagraphStyle`` attributes plus a few of the house's own. Checked here: every
attribute known and its value readable, every style the writers need present, parents that exist
and do not loop, leading no less than the type size, type no smaller than ``min_text_size``, and
text that contrasts enough with what it is printed on (WCAG 2.2 AA).
"""
from __future__ import annotations

from functools import partial

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from book.core.errors import did_you_mean
from book.style.contrast import contrast_problem
from book.style.sectioncheck import SectionChecker
from book.style.stylevalues import INVALID, BadValue, choice, parse_bool, parse_colour, parse_length, positive

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


def _style_name(value) -> str:
    if not isinstance(value, str):
        raise BadValue("must be the name of another style")
    return value


def _single_value(value):
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise BadValue(f"{value!r} is not a single value")
    return value


class StyleChecks(SectionChecker):
    """The ``styles`` section: each style's own attributes, then each resolved through its parents."""

    def styles_section(self, min_text_size: float | None, band_color: str | None) -> dict[str, dict]:
        raw = self.mapping(("styles",), "a mapping of style name -> attributes")
        parsers = self.value_parsers()
        own = {}
        for name, attributes in raw.items():
            if not isinstance(attributes, dict):
                self.bad(("styles", name), f"style '{name}' must be a mapping of attributes (key: value lines)")
                self.broken_styles.add(name)
                continue
            self.own_keys[name] = set(attributes)
            own[name] = self.style_own(name, attributes, parsers)
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
        return resolved

    def style_own(self, name: str, attributes: dict, parsers: dict) -> dict:
        """The attributes a style sets itself, each read by its parser; unknown ones reported."""
        out = {}
        for key, value in attributes.items():
            path = ("styles", name, key)
            if key not in STYLE_KEYS:
                hint = f" (did you mean '{KEY_HINTS[key]}'?)" if key in KEY_HINTS else did_you_mean(key, STYLE_KEYS)
                self.bad(path, f"style '{name}': unknown attribute '{key}'{hint}; styles/README.md lists them all")
                continue
            parsed = self.convert(path, f"style '{name}': {key}", parsers.get(key, _single_value), value)
            if parsed is not INVALID:
                out[key] = parsed
        return out

    def value_parsers(self) -> dict:
        """Each attribute a style may set -> how its value is read (any other: one plain value)."""
        parsers = {"parent": _style_name, "surface": self.surface_name}
        for key in COLOUR_KEYS:
            parsers[key] = partial(parse_colour, palette=self.palette, allow_none=key != "textColor")
        for key in LENGTH_KEYS:
            parsers[key] = partial(self.style_length, key=key)
        parsers.update(dict.fromkeys(BOOL_KEYS, parse_bool))
        parsers.update({key: partial(choice, choices=choices) for key, choices in CHOICES.items()})
        parsers.update(dict.fromkeys(FONT_KEYS, self.style_family))
        return parsers

    def surface_name(self, value) -> str:
        if not isinstance(value, str) or value not in self.surfaces:
            raise BadValue(f"'{value}' is not one of the surfaces ({', '.join(self.surfaces) or 'none declared'})")
        return value

    def style_length(self, value, key: str):
        if key == "borderRadius" and value is None:
            return None
        if key == "borderPadding" and isinstance(value, list) and 1 <= len(value) <= 4:
            return tuple(parse_length(v) for v in value)
        points = parse_length(value, signed=key in SIGNED_KEYS)
        return positive(points) if key in NONZERO_KEYS else points

    def style_family(self, value):
        if not isinstance(value, str):
            raise BadValue(f"{value!r} is not a font family")
        if self.families and value not in self.families:
            raise BadValue(f"'{value}' is not a font family{did_you_mean(value, self.families)}; the families are "
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

