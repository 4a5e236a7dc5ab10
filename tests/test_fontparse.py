"""The bulk TrueType reader (``book.pdf.fontparse.QuickFace``) leaves on a face exactly what
ReportLab's own parser leaves: every attribute, its value and (for dicts) its order, for every
font in styles/ and every font ReportLab ships; and a file ReportLab cannot read gives its error."""
from __future__ import annotations

from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase.ttfonts import TTFError, TTFontFace

from book.pdf.fontparse import QuickFace, quick_code_points

ROOT = Path(__file__).resolve().parent.parent
FONTS = sorted((ROOT / "styles" / "fonts").glob("*.ttf")) + sorted((Path(reportlab.__file__).parent / "fonts").glob("*.ttf"))
# and whatever TrueType fonts the machine has (Debian's DejaVu and Liberation families, if installed)
FONTS += sorted(Path("/usr/share/fonts").rglob("*.ttf")) if Path("/usr/share/fonts").is_dir() else []


def _same(ours, theirs, name):
    if isinstance(theirs, dict):
        assert list(ours.items()) == list(theirs.items()), name
    elif callable(theirs):      # _pdfScale, a lambda
        assert [ours(x) for x in (0, 1, 333, 2048, -77)] == [theirs(x) for x in (0, 1, 333, 2048, -77)], name
    else:
        assert type(ours) is type(theirs) and ours == theirs, name


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_every_attribute_is_what_reportlab_reads(path):
    theirs, ours = TTFontFace(str(path)), QuickFace(str(path))
    assert list(vars(ours)) == list(vars(theirs))
    for name, value in vars(theirs).items():
        _same(vars(ours)[name], value, name)


def test_fonts_are_found():
    assert len(FONTS) >= 20


def test_a_map_it_does_not_read_is_read_by_reportlab(tmp_path):
    # Vera's character maps: Macintosh (format 0) and Windows (format 4); with only the first
    # listed, ReportLab's choice is format 0, which its own reader reads, to the same result
    data = bytearray((Path(reportlab.__file__).parent / "fonts" / "Vera.ttf").read_bytes())
    tables = int.from_bytes(data[4:6], "big")
    cmap = next(int.from_bytes(data[20 + 16 * i:24 + 16 * i], "big") for i in range(tables)
                if data[12 + 16 * i:16 + 16 * i] == b"cmap")
    data[cmap + 2:cmap + 4] = (1).to_bytes(2, "big")
    path = tmp_path / "vera-mac.ttf"
    path.write_bytes(bytes(data))
    theirs, ours = TTFontFace(str(path)), QuickFace(str(path))
    assert len(theirs.charToGlyph) > 100
    for name, value in vars(theirs).items():
        _same(vars(ours)[name], value, name)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "no_loca"])
def test_a_damaged_file_gives_reportlabs_own_error(tmp_path, damage):
    data = (ROOT / "styles" / "fonts" / "LiberationSans-Regular.ttf").read_bytes()
    if damage == "garbage":
        data = b"not a font" * 50
    elif damage == "truncated":
        data = data[:len(data) // 3]
    else:
        data = data.replace(b"loca", b"LOCA", 1)
    path = tmp_path / "broken.ttf"
    path.write_bytes(data)
    errors = []
    for parser in (TTFontFace, QuickFace):
        try:
            parser(str(path))
            errors.append(None)
        except Exception as exc:        # noqa: BLE001 - whatever ReportLab raises, ours raises the same
            errors.append((type(exc), str(exc)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("path", [p for p in FONTS if p.parent.name == "fonts" and p.parent.parent.name == "styles"],
                         ids=lambda p: p.name)
def test_the_styles_fonts_are_read_in_bulk(path, monkeypatch):
    # ReportLab's extractInfo reads only the small tables (charInfo=0): no font of the styles
    # falls back to the slow reading
    calls = []
    original = TTFontFace.extractInfo
    monkeypatch.setattr(TTFontFace, "extractInfo", lambda self, charInfo=1: (calls.append(charInfo), original(self, charInfo)))
    QuickFace(str(path))
    assert calls == [0]


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_the_code_points_read_from_the_map_alone_are_what_parsing_gives(path):
    """``quick_code_points`` (the glyph audit's look-up in a font nothing is drawn with): what
    ``QuickFace`` maps, or None where it is not sure to (then the font is parsed)."""
    points = quick_code_points(str(path))
    assert points is None or points == frozenset(QuickFace(str(path)).charToGlyph)


def test_every_font_of_the_styles_is_read_from_its_map_alone():
    styles = [p for p in FONTS if p.parent.parent.name == "styles"]
    assert styles and all(quick_code_points(str(p)) for p in styles)


def test_a_map_it_does_not_read_leaves_the_font_to_be_parsed(tmp_path):
    data = bytearray((Path(reportlab.__file__).parent / "fonts" / "Vera.ttf").read_bytes())
    tables = int.from_bytes(data[4:6], "big")
    cmap = next(int.from_bytes(data[20 + 16 * i:24 + 16 * i], "big") for i in range(tables)
                if data[12 + 16 * i:16 + 16 * i] == b"cmap")
    data[cmap + 2:cmap + 4] = (1).to_bytes(2, "big")       # only the Macintosh map (format 0) listed
    path = tmp_path / "vera-mac.ttf"
    path.write_bytes(bytes(data))
    assert quick_code_points(str(path)) is None
