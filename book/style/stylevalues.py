"""Reading one value of a style's YAML: lengths, colours, page sizes, counts, the one-pager's
blocks. Each parser returns the value in house terms (points, '#RRGGBB') or raises ``BadValue``
with a message that says how to write it; ``book.style.sectioncheck`` adds the file and line.
"""
from __future__ import annotations

import re
from collections.abc import Hashable

from reportlab.lib import pagesizes
from reportlab.lib.units import cm, inch, mm

from book.core.errors import did_you_mean


class BadValue(ValueError):
    """A value written wrongly; the message says how to write it."""


INVALID = object()      # what a section's check records for a value it reported: left out, not used

_LENGTH_RE = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*(mm|cm|in|pt)?", re.IGNORECASE)
_UNITS = {"pt": 1.0, "mm": mm, "cm": cm, "in": inch}
_HEX_RE = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")


def parse_length(value, *, signed: bool = False) -> float:
    """'20mm', '0.75in', '54pt', '2cm' or a bare number (points) -> points."""
    how = "write a number and a unit (mm, cm, in or pt), e.g. 20mm, 0.75in, 54pt"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadValue(f"{value!r} is not a length: {how}")
    if isinstance(value, str):
        match = _LENGTH_RE.fullmatch(value.strip())
        if not match:
            raise BadValue(f"'{value}' is not a length: {how}")
        points = float(match[1]) * _UNITS[(match[2] or "pt").lower()]
    else:
        points = float(value)
    if points < 0 and not signed:
        raise BadValue(f"'{value}' is negative: it must be 0 or more")
    return points


def parse_colour(value, palette: dict[str, str], *, allow_none: bool = False) -> str | None:
    """A palette name or '#RGB' / '#RRGGBB' -> '#RRGGBB'; 'none' -> None where allowed."""
    if value is None:
        # The usual cause: an unquoted #005EB8, which YAML reads as a comment.
        raise BadValue('no colour given (in YAML # starts a comment: write hex colours in quotes, "#005EB8")')
    if not isinstance(value, str):
        raise BadValue(f'{value!r} is not a colour: use a palette name or a hex colour in quotes, e.g. "#005EB8"')
    text = value.strip()
    if allow_none and text.lower() == "none":
        return None
    if text in palette:
        return palette[text]
    match = _HEX_RE.fullmatch(text)
    if not match:
        raise BadValue(f"'{value}' is neither a palette colour nor a hex colour like \"#005EB8\"{did_you_mean(text, palette)}")
    digits = match[1] if len(match[1]) == 6 else "".join(c * 2 for c in match[1])
    return "#" + digits.upper()


def parse_bool(value) -> bool:
    if not isinstance(value, bool):
        raise BadValue(f"{value!r} is not true or false")
    return value


def parse_count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadValue(f"{value!r} is not a whole number of 1 or more")
    return value


def parse_space_ratio(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
        raise BadValue(f"{value!r} is not a number of normal spaces of 1 or more, e.g. 2")
    return float(value)


def parse_names(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadValue(f"{value!r} is not a list of names, e.g. [quote, highlights]")
    return list(value)


def parse_page_size(value) -> tuple[float, float]:
    if isinstance(value, list) and len(value) == 2:
        return parse_length(value[0]), parse_length(value[1])
    sizes = {k: v for k, v in vars(pagesizes).items() if k.isupper() and isinstance(v, tuple) and len(v) == 2}
    if isinstance(value, str) and value.upper() in sizes:
        return tuple(float(x) for x in sizes[value.upper()])
    raise BadValue(f"{value!r} is not a page size: write a name such as A4, A5 or LETTER, or [width, height] "
                   f"like [210mm, 297mm]{did_you_mean(str(value).upper(), sizes)}")


def positive(points: float) -> float:
    if points <= 0:
        raise BadValue("must be more than 0")
    return points


def choice(value, choices: dict):
    key = str(value).strip().lower() if isinstance(value, str) else value
    if not isinstance(key, Hashable) or key not in choices:     # a list or mapping is no choice
        raise BadValue(f"{value!r} is not one of: {', '.join(choices)}")
    return choices[key]


def positive_length(value) -> float:
    """A length of more than 0 (a type size, a step, the QR code's side)."""
    return positive(parse_length(value))
