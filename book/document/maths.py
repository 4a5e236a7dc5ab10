"""Maths (TeX from Markdown, Word's equations, which pandoc reads as TeX): typeset, never printed
as its source.

- the PDF: a displayed formula is drawn as vectors (LaTeX -> SVG paths with ``ziamath``, drawn
  through svglib like an SVG picture), tagged ``Formula`` with the LaTeX as its alternative text;
  a formula inside a line of text is set as text with real superscripts and subscripts
  (``markup``): a paragraph's line can hold only text and pixels;
- the EPUB: MathML (``latex2mathml``), which EPUB 3 reading systems render and read aloud;
- plain text (one-pagers, alt text, search): ``plain``, readable ('mλ/a', 'x²').

Every function takes the LaTeX as pandoc gives it; LaTeX none of the libraries can read falls
back to its source text, which is at least what the author wrote.
"""
from __future__ import annotations

from functools import lru_cache
from xml.etree import ElementTree as ET

MATHML = "http://www.w3.org/1998/Math/MathML"
FORMULA_SIZE = 12          # points: the size ziamath sets a displayed formula at (scaled to the body text)
SPACED_OPERATORS = set("=+−-<>≤≥≈≠×÷±→⇒")
SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


@lru_cache(maxsize=4096)
def mathml(latex: str, display: bool = False) -> str:
    """MathML for the EPUB, with the LaTeX as its ``alttext``; '' when it cannot be converted."""
    from latex2mathml.converter import convert

    try:
        markup = convert(latex, display="block" if display else "inline")
        root = ET.fromstring(markup)
    except Exception:          # latex2mathml raises many kinds on LaTeX it does not know
        return ""
    root.set("alttext", latex)
    ET.register_namespace("", MATHML)
    return ET.tostring(root, encoding="unicode")


def plain(latex: str) -> str:
    """The formula as readable plain text: 'x²', 'mλ/a', '√(b²−4ac)'."""
    return _render(latex, False)


def markup(latex: str, text) -> str:
    """The formula as ReportLab paragraph markup, with <super>/<sub>; ``text`` makes the markup of
    a run of plain text (escaped, and set in a fallback font where the house font lacks a glyph)."""
    source = mathml(latex)
    if not source:
        return text(latex)
    return _text(ET.fromstring(source), text).strip()


@lru_cache(maxsize=4096)
def _render(latex: str, markup: bool) -> str:
    source = mathml(latex)
    if not source:
        return latex
    return _text(ET.fromstring(source), None).strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element, markup) -> str:
    """``markup``: None for plain text, else the function that makes markup of a run of text."""
    tag = _local(element.tag)
    kids = list(element)
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        text = element.text or ""
        if tag == "mo" and text in SPACED_OPERATORS:
            text = f" {text} "            # 'a = b + c', as typeset, not 'a=b+c'
        elif tag == "mi" and len(text) > 1:
            text += " "                   # 'sin θ': a function name is a word
        return markup(text) if markup else text
    if tag in ("msup", "msub", "msubsup") and len(kids) >= 2:
        base = _text(kids[0], markup)
        if tag == "msubsup" and len(kids) >= 3:
            return base + _script(kids[1], markup, "sub") + _script(kids[2], markup, "super")
        return base + _script(kids[1], markup, "super" if tag == "msup" else "sub")
    if tag == "mfrac" and len(kids) == 2:
        return f"{_grouped(kids[0], markup)}/{_grouped(kids[1], markup)}"
    if tag == "msqrt":
        return f"√{_grouped_all(kids, markup)}"
    if tag == "mroot" and len(kids) == 2:
        return f"{_script(kids[1], markup, 'super')}√{_grouped(kids[0], markup)}"
    return "".join(_text(kid, markup) for kid in kids)


def _script(element, markup, kind: str) -> str:
    text = _text(element, markup)
    if markup:
        return f"<{kind}>{text}</{kind}>"
    table = SUPERSCRIPTS if kind == "super" else SUBSCRIPTS
    converted = text.translate(table)
    if all(c != o or c in " " for c, o in zip(converted, text)) and converted:
        return converted                     # every character has a raised or lowered form
    return ("^" if kind == "super" else "_") + (text if len(text) == 1 else f"({text})")


def _grouped(element, markup) -> str:
    text = _text(element, markup)
    return text if len(_text(element, None)) <= 1 or _is_atom(element) else f"({text})"


def _grouped_all(elements, markup) -> str:
    text = "".join(_text(e, markup) for e in elements)
    return text if len("".join(_text(e, None) for e in elements)) <= 1 else f"({text})"


def _is_atom(element) -> bool:
    """A run of letters or digits without operators ('mλ', '42'): no brackets needed."""
    return not any(_local(e.tag) == "mo" for e in element.iter())


# ------------------------------------------------------------------ the PDF's drawing
@lru_cache(maxsize=1024)
def svg(latex: str, display: bool) -> bytes | None:
    """The formula typeset as SVG paths (no font is needed in the PDF); None when ziamath
    cannot set it."""
    try:
        import ziamath

        ziamath.config.svg2 = False      # plain paths: svglib misplaces SVG 2's <symbol>/<use>
        return ziamath.Latex(latex, size=FORMULA_SIZE, inline=not display).svg().encode("utf-8")
    except Exception:        # ziamath raises many kinds on LaTeX it cannot set
        return None
