"""``pdffont._assign`` gives every character of every font in styles/ the (subset, code) the
first, character-by-character version gave: the fixed encoding, hence every PDF, unchanged."""
from __future__ import annotations

from pathlib import Path

import pytest

from book.pdf.fontparse import QuickFace
from book.pdf.pdffont import _FREE_IN_ZERO, _NBSP, PRIORITY, _assign

FONTS = sorted((Path(__file__).resolve().parent.parent / "styles" / "fonts").glob("*.ttf"))


def _assign_one_by_one(chars: set[int]) -> dict[int, int]:
    codes: dict[int, int] = {}
    for c in range(32, 256):
        if c in chars and c != _NBSP and not 127 <= c < 160:
            codes[c] = c
    free = iter(_FREE_IN_ZERO)
    for char in PRIORITY:
        c = ord(char)
        if c in chars and c not in codes:
            codes[c] = next(free)
    if _NBSP in chars or 32 in chars:
        codes[_NBSP] = 32
    subset, code = 1, 1
    for c in sorted(chars):
        if c in codes or c < 32:
            continue
        if code == 32:
            code += 1
        codes[c] = subset << 8 | code
        code += 1
        if code > 255:
            subset, code = subset + 1, 1
    return codes


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_the_codes_are_the_same(path):
    chars = set(QuickFace(str(path)).charToGlyph)
    assert list(_assign(chars).items()) == list(_assign_one_by_one(chars).items())


@pytest.mark.parametrize("chars", [set(), {32}, {0xA0}, {5, 31, 32}, set(range(0, 3000, 3)), set(range(0x10000, 0x10400))])
def test_edge_cases_are_the_same(chars):
    assert list(_assign(chars).items()) == list(_assign_one_by_one(chars).items())
