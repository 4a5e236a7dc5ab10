"""Pictures as the PDF shows them: an XObject's name and pixel size when a page draws one, its
dictionary and samples when a file embeds it.

Both are worked out from the file's bytes, read each time they are asked for, and kept under the
digest of those bytes, never under the path or the file's size and modification time: a
long-lived process (``build.py --watch``) builds many times, and a picture replaced on disk
between two builds (by one of the same size, even with its old modification time) is a
different picture. Reading and hashing a picture costs a small part of decoding it; the work
kept is the decoding and compressing. The same picture under two paths is one entry.
"""
from __future__ import annotations

import hashlib
import io
import zlib
from collections import OrderedDict
from pathlib import Path

ENCODED_BUDGET = 256 * 1024 * 1024     # bytes of encoded pictures kept: a long process forgets the oldest
SIZES_KEPT = 4096                      # pixel sizes kept (a few bytes each)


class ContentCache:
    """Values by the digest of what they were made from, the least recently used forgotten once
    their sizes add up to more than ``budget``."""

    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._used = 0

    def get(self, digest: str):
        entry = self._entries.get(digest)
        if entry is None:
            return None
        self._entries.move_to_end(digest)
        return entry[0]

    def put(self, digest: str, value, size: int = 1) -> None:
        old = self._entries.pop(digest, None)
        if old is not None:
            self._used -= old[1]
        self._entries[digest] = (value, size)
        self._used += size
        while self._used > self.budget and len(self._entries) > 1:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._used -= dropped

    def full(self) -> bool:
        return self._used >= self.budget

    def clear(self) -> None:
        self._entries.clear()
        self._used = 0


_SIZES = ContentCache(SIZES_KEPT)          # digest -> (width, height) in pixels
_ENCODED = ContentCache(ENCODED_BUDGET)    # digest -> (entries, data, soft mask)


def _read(path: str) -> tuple[bytes, str]:
    data = Path(path).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def image_name_and_size(path: str) -> tuple[str, int, int]:
    """An image's XObject name (from its bytes: the same picture is one object) and pixel size."""
    data, digest = _read(path)
    size = _SIZES.get(digest)
    if size is None:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            size = img.size
        _SIZES.put(digest, size)
    return ("Im" + digest[:20], *size)


def encode_image(path: str) -> tuple[bytes, bytes, tuple[bytes, bytes] | None]:
    """(dictionary entries, data, soft mask) of an image XObject. JPEGs are embedded as they are;
    other images as Flate-compressed samples, their transparency as a soft mask."""
    raw, digest = _read(path)
    result = _ENCODED.get(digest)
    if result is None:
        result = _encoded(raw)
        _ENCODED.put(digest, result, len(result[1]) + (len(result[2][1]) if result[2] else 0))
    return result


def encode_ahead(paths) -> None:
    """Encode pictures before they are written (by a process that would otherwise wait), as far
    as the cache of encoded pictures keeps them: beyond its budget, the work would be undone."""
    for path in paths:
        if _ENCODED.full():
            return
        encode_image(path)


def _encoded(raw: bytes) -> tuple[bytes, bytes, tuple[bytes, bytes] | None]:
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as img:
        img.load()
        size = b"/Width %d/Height %d/BitsPerComponent 8" % img.size
        if img.format == "JPEG" and img.mode in ("L", "RGB", "CMYK"):
            space = {"L": b"/DeviceGray", "RGB": b"/DeviceRGB", "CMYK": b"/DeviceCMYK"}[img.mode]
            decode = b"/Decode[1 0 1 0 1 0 1 0]" if img.mode == "CMYK" and "adobe" in img.info else b""
            return b"/Type/XObject/Subtype/Image" + size + b"/ColorSpace" + space + decode + b"/Filter/DCTDecode", raw, None
        if img.mode == "P" and "transparency" in img.info:
            img = img.convert("RGBA")
        alpha = img.getchannel("A") if img.mode in ("RGBA", "LA", "PA") else None
        colour = img.convert("L" if img.mode in ("1", "L", "LA", "I", "F", "I;16") else "RGB")
        space = b"/DeviceGray" if colour.mode == "L" else b"/DeviceRGB"
        mask = None
        if alpha is not None and alpha.getextrema() != (255, 255):
            mask = (b"/Type/XObject/Subtype/Image" + size + b"/ColorSpace/DeviceGray/Filter/FlateDecode",
                    zlib.compress(alpha.tobytes()))
        return (b"/Type/XObject/Subtype/Image" + size + b"/ColorSpace" + space + b"/Filter/FlateDecode",
                zlib.compress(colour.tobytes()), mask)
