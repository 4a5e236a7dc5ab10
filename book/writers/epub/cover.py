"""The EPUB's cover image, drawn with Pillow from the house style and the edition's metadata.

It follows the printed cover: NHS blue, a dark-blue band at the foot with the publisher, the
title large and bold, then the subtitle and the edition, all in the style's sans family. The
bytes depend only on the inputs (Pillow writes no time stamp into a PNG), so builds repeat.
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 2400          # 2:3, the shape most reading systems' shelves expect
MARGIN = 130
BAND = 0.22                         # the foot band's share of the height, as on the print cover


def cover_png(edition, style) -> bytes:
    blue, dark, white = _colour(style, "nhs-blue", "#005EB8"), _colour(style, "nhs-dark-blue", "#003087"), "#FFFFFF"
    image = Image.new("RGB", (WIDTH, HEIGHT), blue)
    draw = ImageDraw.Draw(image)
    band_top = int(HEIGHT * (1 - BAND))
    draw.rectangle((0, band_top, WIDTH, HEIGHT), fill=dark)
    draw.rectangle((MARGIN, MARGIN, MARGIN + 220, MARGIN + 18), fill=white)   # a short rule above the title
    width = WIDTH - 2 * MARGIN
    y = MARGIN + 120
    title_font, title_lines = _fit(edition.title, _font(style, "bold"), width, sizes=range(150, 60, -6), max_lines=4)
    y = _draw_lines(draw, title_lines, title_font, y, white, spacing=1.12)
    if edition.subtitle:
        sub_font, sub_lines = _fit(edition.subtitle, _font(style, "normal"), width, sizes=range(84, 40, -4), max_lines=3)
        y = _draw_lines(draw, sub_lines, sub_font, y + 60, white, spacing=1.2)
    _draw_lines(draw, [f"{edition.edition} edition"], _font(style, "bold")(64), y + 90, white, spacing=1.2)
    pub_font, pub_lines = _fit(edition.publisher, _font(style, "bold"), width, sizes=range(72, 36, -4), max_lines=2)
    block = len(pub_lines) * pub_font.size * 1.2
    _draw_lines(draw, pub_lines, pub_font, band_top + (HEIGHT - band_top - block) / 2, white, spacing=1.2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _colour(style, name: str, default: str) -> str:
    """A palette colour; a style that does not name it gets the NHS identity's own."""
    return style.palette.get(name) or default


def _font(style, face: str):
    """A loader of the sans family's face at a size (the nearest face the style has)."""
    faces = style.fonts.families.get("sans") or next(iter(style.fonts.families.values()))
    path = faces.get(face) or faces.get("bold") or faces["normal"]
    return lambda size: ImageFont.truetype(str(path), size)


def _fit(text: str, load, width: int, sizes, max_lines: int):
    """The largest size at which ``text`` wraps into at most ``max_lines`` lines."""
    for size in sizes:
        font = load(size)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    return font, lines


def _wrap(text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _draw_lines(draw, lines: list[str], font, y: float, colour: str, spacing: float) -> float:
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=colour)
        y += font.size * spacing
    return y
