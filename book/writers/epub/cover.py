"""The EPUB's cover image, drawn with Pillow from the house style and the edition's metadata.

It follows the printed cover: NHS blue, a dark-blue band at the foot with the publisher, the
title large and bold, then the subtitle and the edition, all in the style's sans family. The
bytes depend only on the inputs (Pillow writes no time stamp into a PNG), so builds repeat.
"""
from __future__ import annotations

import io
import zlib

from PIL import Image, ImageColor, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 2400          # 2:3, the shape most reading systems' shelves expect
MARGIN = 130
BAND = 0.22                         # the foot band's share of the height, as on the print cover


def cover_png(edition, style) -> bytes:
    blue, dark, white = _colour(style, "nhs-blue", "#005EB8"), _colour(style, "nhs-dark-blue", "#003087"), "#FFFFFF"
    # Drawn as coverage (0: the background, 255: white) and stored with a palette: every pixel is
    # a blue, white, or an anti-aliased edge between a blue and white, so 128 shades from each
    # blue to white are the whole cover (the blues and white exact). Under half the size of an
    # RGB image, and zlib's default level takes a fifth of the time ``optimize`` took on that;
    # its run-length strategy half the time again (the rows are long runs of one shade), for a
    # file a fifth larger (about 65 KB).
    ink = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(ink)
    band_top = int(HEIGHT * (1 - BAND))
    draw.rectangle((MARGIN, MARGIN, MARGIN + 220, MARGIN + 18), fill=255)   # a short rule above the title
    width = WIDTH - 2 * MARGIN
    y = MARGIN + 120
    title_font, title_lines = _fit(edition.title, _font(style, "bold"), width, sizes=range(150, 60, -6), max_lines=4)
    y = _draw_lines(draw, title_lines, title_font, y, spacing=1.12)
    if edition.subtitle:
        sub_font, sub_lines = _fit(edition.subtitle, _font(style, "normal"), width, sizes=range(84, 40, -4), max_lines=3)
        y = _draw_lines(draw, sub_lines, sub_font, y + 60, spacing=1.2)
    _draw_lines(draw, [f"{edition.edition} edition"], _font(style, "bold")(64), y + 90, spacing=1.2)
    pub_font, pub_lines = _fit(edition.publisher, _font(style, "bold"), width, sizes=range(72, 36, -4), max_lines=2)
    block = len(pub_lines) * pub_font.size * 1.2
    _draw_lines(draw, pub_lines, pub_font, band_top + (HEIGHT - band_top - block) / 2, spacing=1.2)
    image = ink.point(lambda v: v >> 1)                     # shades 0-127: the blue above the band
    image.paste(ink.crop((0, band_top, WIDTH, HEIGHT)).point(lambda v: 128 + (v >> 1)), (0, band_top))
    image.putpalette(_shades(blue, dark, white))            # 128-255: the dark blue of the band
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6, compress_type=zlib.Z_RLE)
    return out.getvalue()


def _shades(blue: str, dark: str, white: str) -> list[int]:
    """The palette: 128 steps from each blue to white."""
    ends = [ImageColor.getrgb(c)[:3] for c in (blue, dark, white)]
    palette = []
    for base in ends[:2]:
        for step in range(128):
            palette += [round(b + (w - b) * step / 127) for b, w in zip(base, ends[2])]
    return palette


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


def _draw_lines(draw, lines: list[str], font, y: float, spacing: float) -> float:
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=255)
        y += font.size * spacing
    return y
