"""A deterministic zip file from members that may be compressed already.

Python's ``zipfile`` compresses every member it writes. An EPUB of a thousand case studies is
seven megabytes of XHTML, and a rebuild after one correction changes one chapter: compressing all
of them again took longer than the rest of the EPUB. Here a member is compressed once, the result
kept in the build cache under the hash of its bytes, and the archive is written from the
compressed members: fixed order, the build's time on every entry, the same permissions.

Members are stored (the EPUB's ``mimetype``) or deflated exactly as ``zipfile`` deflates them
(raw deflate, the same level), so any zip reader reads the archive as it would ``zipfile``'s.
"""
from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime

LEVEL = 6


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes                 # as stored in the archive (deflated unless ``deflated`` is False)
    crc: int
    size: int                   # uncompressed
    deflated: bool


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def key_of(data: bytes) -> str:
    """The hash a member's deflated form is kept under."""
    return hashlib.sha256(data).hexdigest()


def member(name: str, data: bytes, store: bool = False, compressed: dict[str, bytes] | None = None) -> Member:
    """``compressed``: ``key_of(bytes)`` -> their deflated form, from the cache (and added to)."""
    crc = zlib.crc32(data)
    if store:
        return Member(name, data, crc, len(data), False)
    if compressed is None:
        return Member(name, deflate(data), crc, len(data), True)
    key = key_of(data)
    if key not in compressed:
        compressed[key] = deflate(data)
    return Member(name, compressed[key], crc, len(data), True)


def _dos_time(moment: datetime) -> tuple[int, int]:
    y, mo, d, h, mi, s = max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def write_zip(members: list[Member], moment: datetime) -> bytes:
    """The archive: the members in this order, each dated ``moment``, mode 0644."""
    time_, date_ = _dos_time(moment)
    out, directory = bytearray(), bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0x800 if not m.name.isascii() else 0
        method = 8 if m.deflated else 0
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, time_, date_, m.crc, len(m.data), m.size,
                           len(name), 0)
        out += name + m.data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, flags, method, time_, date_,
                                 m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, 0o100644 << 16, offset)
        directory += name
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0)
    return bytes(out)
