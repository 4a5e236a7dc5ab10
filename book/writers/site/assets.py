"""The site's style sheet, fonts and pictures.

The style sheet is the EPUB's (``book.style.css``, from the house style) with the site's own
layout after it (``static/site.css``), which takes its colours from custom properties set here
from the same house style. The fonts are the style's own files, shipped with the site and named
first in every font stack, so a page looks the same on every machine and asks no other host for
anything. Pictures are stored once each, named by their content (the EPUB writer's store).
"""
from __future__ import annotations

from pathlib import Path

from book.writers.site import paths

STATIC = Path(__file__).parent / "static"
ASSETS = f"{paths.ROOT}/assets"
FONTS = f"{paths.ROOT}/fonts"
_FACES = {"normal": ("normal", "normal"), "bold": ("bold", "normal"), "italic": ("normal", "italic"),
          "boldItalic": ("bold", "italic")}


def static(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def font_family(family: str) -> str:
    """The name the site's style sheet gives a family of the style's shipped font files."""
    return f"ohwb-{family}"


def stylesheet(style) -> bytes:
    css = style.css()
    for family, stack in sorted(style.fonts.css_stacks.items(), key=lambda item: -len(item[1])):
        css = css.replace(f"font-family: {stack};", f"font-family: {font_family(family)}, {stack};")
    return (css + "\n" + font_faces(style) + "\n" + custom_properties(style) + "\n").encode("utf-8") + static("site.css")


def font_faces(style) -> str:
    rules = []
    for family, faces in sorted(style.fonts.families.items()):
        for face, path in sorted(faces.items()):
            weight, slant = _FACES[face]
            rules.append(f"@font-face {{\n  font-family: {font_family(family)};\n  src: url(../fonts/{Path(path).name}) "
                         f"format(\"truetype\");\n  font-weight: {weight};\n  font-style: {slant};\n  font-display: swap;\n}}")
    return "\n\n".join(rules)


def font_files(style) -> dict[str, bytes]:
    """Each face's file, and the licences found beside them (LICENSE*, OFL*, COPYING*)."""
    files: dict[str, bytes] = {}
    folders = set()
    for faces in style.fonts.families.values():
        for path in faces.values():
            files[f"{FONTS}/{Path(path).name}"] = Path(path).read_bytes()
            folders.add(Path(path).parent)
    shipped = [name.rsplit("/", 1)[1].lower() for name in files]
    for folder in sorted(folders):
        for licence in sorted(folder.iterdir()):
            if licence.is_file() and _licence_for(licence.name, shipped):
                files[f"{FONTS}/{licence.name}"] = licence.read_bytes()
    return files


def _licence_for(name: str, shipped: list[str]) -> bool:
    """'LICENSE-Liberation.txt' goes with LiberationSans-Regular.ttf; a plain 'LICENSE' or 'OFL.txt'
    with whatever is in its folder."""
    stem, _, _ = name.lower().partition(".")
    kind, dash, family = stem.partition("-")
    if kind not in ("license", "licence", "ofl", "copying"):
        return False
    return not dash or any(file.startswith(family) for file in shipped)


def custom_properties(style) -> str:
    """The house style's colours for the site's layout: text, links, headings, the banner (the
    cover's ground and its title's colour), boxes and rules. Each pair is one the style check
    measures already (the banner is the cover's, the boxes the highlights')."""
    s = style.styles
    box = s["highlight_box"]
    values = {
        "text": s["body"]["textColor"],
        "muted": s["opener_meta"]["textColor"],
        "link": s["link"]["textColor"],
        "heading": s["h1"]["textColor"],
        "band": style.surfaces.get("cover") or s["h1"]["textColor"],
        "band-text": s["cover_title"]["textColor"],
        "band-deep": style.surfaces.get("cover_band") or style.surfaces.get("cover") or s["h1"]["textColor"],
        "pale": box["backColor"] or "#F0F4F5",
        "rule": box["borderColor"] or s["link"]["textColor"],
        "accent": s["pullquote"]["ruleColor"] or s["link"]["textColor"],
    }
    lines = "\n".join(f"  --{name}: {value};" for name, value in values.items())
    return f":root {{\n{lines}\n}}"
