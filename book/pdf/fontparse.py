"""ReportLab's TrueType parser, with the per-glyph tables read in bulk.

``TTFontFile.extractInfo`` reads a font's character map, horizontal metrics and glyph locations
two or four bytes at a call (``read_ushort``...): thousands of calls a font, most of the cost of
reading a style's twenty font files. ``QuickFace.extractInfo`` lets ReportLab read the small
tables itself (names, head, OS/2, post, hhea, maxp: its checks and messages), then reads the
character map (formats 4 and 12, what TrueType fonts carry), ``hmtx`` and ``loca`` each with one
``struct.unpack``, and leaves on the face exactly what ReportLab's parser leaves, in the same
order (tests/test_fontparse.py compares every attribute, for every font in styles/). A font it
does not read the same way (another cmap format), or any error, is read again by ReportLab's
own ``extractInfo``, which gives the same result or the same error.
"""
from __future__ import annotations

from itertools import compress
from struct import unpack_from

from reportlab.pdfbase.ttfonts import TTFontFace


class _NotQuick(Exception):
    """A font this module does not read: ReportLab's parser reads it."""


class QuickFace(TTFontFace):
    """A ``TTFontFace`` whose tables are read in bulk: the same attributes, read faster."""

    def extractInfo(self, charInfo=1):
        before = dict(self.__dict__)
        try:
            TTFontFace.extractInfo(self, 0)      # ReportLab reads the small tables (and checks them)
            if charInfo:
                _read_glyph_tables(self)
        except Exception:       # noqa: BLE001 - ReportLab reads it again: its own result or its own error
            self.__dict__.clear()
            self.__dict__.update(before)
            TTFontFace.extractInfo(self, charInfo)


def _read_glyph_tables(face) -> None:
    """What ``extractInfo`` reads after maxp when ``charInfo`` is true, read as ReportLab reads it."""
    data = face._ttf_data
    head = face.table["head"]["offset"]
    index_to_loc_format, glyph_data_format = unpack_from(">HH", data, head + 50)
    hmetric_count = unpack_from(">H", data, face.table["hhea"]["offset"] + 34)[0]
    if glyph_data_format != 0:
        raise _NotQuick
    chars, glyphs = _read_cmap(face, data)
    char_to_glyph = dict(zip(chars, glyphs))    # a character mapped twice: its first place, its last glyph
    glyph_to_char = {glyph: [char] for glyph, char in zip(glyphs, chars)}
    one_each = len(glyph_to_char) == len(glyphs)
    if not one_each:        # a glyph for several characters: ReportLab's loop
        glyph_to_char = {}
        for char, glyph in zip(chars, glyphs):
            glyph_to_char.setdefault(glyph, []).append(char)
    face.charToGlyph, face.glyphToChar = char_to_glyph, glyph_to_char
    widths = _read_hmtx(face, data, hmetric_count)
    if one_each and glyphs and min(glyphs) >= 0 and max(glyphs) < len(widths):
        # every glyph measured, one character each: the characters' widths in glyph order, in C
        char_of = dict(zip(glyphs, chars))
        order = sorted(char_of)
        face.charWidths = dict(zip(map(char_of.__getitem__, order), map(widths.__getitem__, order)))
    else:       # ReportLab's loop
        face.charWidths = {}
        for glyph in sorted(glyph_to_char):
            if 0 <= glyph < len(widths):
                for char in glyph_to_char[glyph]:
                    face.charWidths[char] = widths[glyph]
    loca = face.table["loca"]["offset"]
    count = face.numGlyphs + 1
    if index_to_loc_format == 0:
        face.glyphPos = [n << 1 for n in unpack_from(f">{count}H", data, loca)]
        face._pos = loca + 2 * count
    elif index_to_loc_format == 1:
        face.glyphPos = list(unpack_from(f">{count}L", data, loca))
        face._pos = loca + 4 * count
    else:
        raise _NotQuick
    if 0x20 in char_to_glyph:
        char_to_glyph[0xA0] = char_to_glyph[0x20]
        face.charWidths[0xA0] = face.charWidths[0x20]
    elif 0xA0 in char_to_glyph:
        char_to_glyph[0x20] = char_to_glyph[0xA0]
        face.charWidths[0x20] = face.charWidths[0xA0]
    for name in _SET_LAST:      # the order ReportLab's parser sets them in (ours set three early, to None)
        face.__dict__[name] = face.__dict__.pop(name)


_SET_LAST = ("charToGlyph", "glyphToChar", "charWidths", "hmetrics", "defaultWidth", "glyphPos")


def _read_cmap(face, data) -> tuple[list, list]:
    """The character map ReportLab chooses (its rules: the last Windows or Unicode subtable)."""
    cmap = face.table["cmap"]["offset"]
    version, count = unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    for n in range(count):
        platform, encoding, offset = unpack_from(">HHL", data, cmap + 4 + 8 * n)
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            kind, chosen = 1, offset
        elif platform == 1 and encoding == 0 and kind != 1:
            kind, chosen = 2, offset
    if chosen is None:
        raise _NotQuick
    start = cmap + chosen
    fmt = unpack_from(">H", data, start)[0]
    chars: list[int] = []       # every character of the map, in ReportLab's order...
    glyphs: list[int] = []      # ... and its glyph
    if fmt == 4:
        _format4(data, start, chars, glyphs)
    elif fmt == 12:
        _format12(data, start, chars, glyphs)
    else:
        raise _NotQuick
    return chars, glyphs


def _format4(data, start, chars: list, glyphs: list) -> None:
    length = unpack_from(">H", data, start + 2)[0]
    limit = start + length
    segments = int(unpack_from(">H", data, start + 6)[0] / 2.0)
    ends = unpack_from(f">{segments}H", data, start + 14)
    starts = unpack_from(f">{segments}H", data, start + 16 + 2 * segments)
    deltas = unpack_from(f">{segments}h", data, start + 16 + 4 * segments)
    range_start = start + 16 + 6 * segments
    range_offsets = unpack_from(f">{segments}H", data, range_start)
    for n in range(segments):
        first, last, delta, range_offset = starts[n], ends[n], deltas[n], range_offsets[n]
        if first > last:
            continue
        chars.extend(range(first, last + 1))
        if range_offset == 0:
            low, high = first + delta, last + delta + 1
            if 0 <= low and high <= 0x10000:
                glyphs.extend(range(low, high))
            else:
                _shifted(low, high, glyphs)
        else:
            count = last + 1 - first
            base = range_start + 2 * n + range_offset
            inside = max(0, min(count, (limit - base + 1) // 2))   # beyond the table: glyph 0 (as ReportLab)
            read = unpack_from(f">{inside}H", data, base) if inside else ()
            glyphs.extend([(g + delta) & 0xFFFF if g else 0 for g in read])
            glyphs.extend([0] * (count - inside))


def _shifted(low: int, high: int, glyphs: list) -> None:
    """``(c + delta) & 0xFFFF`` for the characters of a segment, c + delta running from ``low``
    up to ``high``: one range, or two where it wraps past 0 or 0xFFFF."""
    for base in (-0x10000, 0, 0x10000):
        a, b = max(low, base), min(high, base + 0x10000)
        if a < b:
            glyphs.extend(range(a - base, b - base))


def _format12(data, start, chars: list, glyphs: list) -> None:
    groups = unpack_from(">L", data, start + 12)[0]
    values = unpack_from(f">{3 * groups}L", data, start + 16)
    for n in range(0, 3 * groups, 3):
        first, last, glyph = values[n], values[n + 1], values[n + 2]
        chars.extend(range(first, last + 1))
        glyphs.extend(range(glyph, glyph + last + 1 - first))


def _read_hmtx(face, data, hmetric_count: int) -> list:
    """``hmetrics`` as ReportLab keeps them (beyond the long metrics, the last advance already
    scaled, as its loop leaves it) and ``defaultWidth``; every glyph's scaled advance returned."""
    offset = face.table["hmtx"]["offset"]
    long_metrics = unpack_from(f">{2 * hmetric_count}H", data, offset)
    advances = long_metrics[0::2]
    hmetrics = list(zip(advances, long_metrics[1::2]))
    if face.unitsPerEm == 1000:     # ReportLab's _pdfScale: the advance itself, or times 1000 / unitsPerEm
        widths = list(advances)
    else:
        factor = 1000 / face.unitsPerEm
        widths = [a * factor for a in advances]
    last = widths[-1]
    rest = face.numGlyphs - hmetric_count
    if rest > 0:
        bearings = unpack_from(f">{rest}H", data, offset + 4 * hmetric_count)
        hmetrics += zip([last] * rest, bearings)
        widths += [last] * rest
    face.hmetrics = hmetrics
    face.defaultWidth = widths[0]
    return widths


class _SmallTables(TTFontFace):
    """A face read as far as maxp: ReportLab's own reading of the small tables, and its checks."""

    def extractInfo(self, charInfo=1):
        TTFontFace.extractInfo(self, 0)


def readable(file) -> bool:
    """Is ``QuickFace(file)`` sure to read the file (a path, or a file object as ReportLab takes)?
    ReportLab reads its small tables (raising its own error when it cannot); then its character
    map is read (not yet turned into dicts) and the metrics and glyph locations found inside the
    file. False: read it now to learn why (or that it can be read after all). A font checked
    here is read in full only when first needed."""
    return quick_code_points(file) is not None


def quick_code_points(file) -> frozenset[int] | None:
    """The characters ``QuickFace(file).charToGlyph`` maps, when ``QuickFace`` is sure to read
    the file (see ``readable``; None when it is not): read from its small tables and character
    map alone, a fifth of reading it (what the glyph audit asks of a font no text is set in)."""
    face = _SmallTables(file)
    try:
        data = face._ttf_data
        index_to_loc_format, glyph_data_format = unpack_from(">HH", data, face.table["head"]["offset"] + 50)
        hmetric_count = unpack_from(">H", data, face.table["hhea"]["offset"] + 34)[0]
        if glyph_data_format != 0 or index_to_loc_format not in (0, 1):
            return None
        chars, glyphs = _read_cmap(face, data)
        glyph_count = face.numGlyphs
        hmtx_end = face.table["hmtx"]["offset"] + 4 * hmetric_count + 2 * max(0, glyph_count - hmetric_count)
        loca_end = face.table["loca"]["offset"] + (glyph_count + 1) * (2 << index_to_loc_format)
        measured = max(hmetric_count, glyph_count)
        for space in (0x20, 0xA0):      # ReportLab gives the no-break space the space's width, or the other way round
            if space in chars:
                if not any(0 <= g < measured for g in compress(glyphs, map(space.__eq__, chars))):
                    return None
                break
        if hmtx_end > len(data) or loca_end > len(data):
            return None
        points = set(chars)
        points.update((0xA0,) if 0x20 in points else (0x20,) if 0xA0 in points else ())
        return frozenset(points)
    except Exception:       # noqa: BLE001 - not sure: the file is read in full now, which says why
        return None


__all__ = ["QuickFace", "quick_code_points", "readable"]
