"""The EPUB's image files: their media types (only the EPUB's core image types go in), and the
cover, the edition's own or one drawn in the house style.
"""
from __future__ import annotations

import io

from PIL import Image as PILImage

from book.core.cache import digest
from book.document import svgimage
from book.writers.epub.cover import cover_png

MIMES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}


def image_type(data: bytes) -> tuple[str, str]:
    if svgimage.looks_like_svg(data):
        return "image/svg+xml", "svg"       # already sanitised when it was checked (book/svgimage.py)
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            fmt = img.format
    except OSError as exc:
        raise ValueError("not an image") from exc
    if fmt not in MIMES:
        raise ValueError(f"{fmt} is not an EPUB core image type")
    return MIMES[fmt]


def cover_ext(loaded) -> str:
    cover = loaded.publication.edition.cover_image
    return image_type(cover.path.read_bytes())[1] if cover else "png"


def cover_bytes(loaded) -> tuple[bytes, str, str]:
    """The cover image: the edition's, or one drawn in the house style (kept in the build cache:
    drawing and compressing it costs more than the rest of an EPUB rebuild). With its media type
    and file extension."""
    cover = loaded.publication.edition.cover_image
    if cover is not None:
        data = cover.path.read_bytes()
        return (data, *image_type(data))
    cache = getattr(loaded, "cache", None)
    key = digest("cover", repr(loaded.publication.edition), loaded.style.fingerprint())
    data = cache.get_many("cover", [key]).get(key) if cache is not None else None
    if data is None:
        data = cover_png(loaded.publication.edition, loaded.style)
        if cache is not None:
            cache.put_many("cover", {key: data})
    return data, "image/png", "png"
