"""The EPUB's cover, the edition's own or one drawn in the house style (the other pictures are
stored by ``book.writers.markup.imagestore``)."""
from __future__ import annotations

from book.core.cache import digest
from book.writers.epub.cover import cover_png
from book.writers.markup.imagestore import image_type


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
