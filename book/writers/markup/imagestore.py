"""Pictures as the XHTML outputs store them: named by their content under images/ (the same
picture twice is stored once), of the EPUB's core image types (PNG, JPEG, GIF, sanitised SVG)."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from book.document import svgimage

MIMES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}


def image_type(data: bytes) -> tuple[str, str]:
    from PIL import Image as PILImage       # here: the writer table is read before pandoc starts

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


class ImageStore:
    """Images named by content hash under images/: the same picture twice is stored once."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}   # name in the EPUB -> (bytes, media type)
        self._names: dict[str, str] = {}

    def href(self, src: str) -> str | None:
        if src not in self._names:
            try:
                data = Path(src).read_bytes()
                mime, ext = image_type(data)
            except (OSError, ValueError):
                return None
            name = f"images/{hashlib.sha256(data).hexdigest()[:24]}.{ext}"
            self.files[name] = (data, mime)
            self._names[src] = name
        return self._names[src]

    def sources(self) -> list[str]:
        """The image files stored so far (those that could be read)."""
        return list(self._names)
