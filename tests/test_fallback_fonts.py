"""A style's fallback fonts are checked when the style is read, but read in full and registered
only when a character is first looked up in one: a Latin-only edition reads none of them. A broken
fallback font is still the style's problem, with the message and the place it always had; one
that breaks after the check is reported with the same words when it is first needed.

Each test runs in a fresh interpreter: fonts are read once per process, and another test may
have read them already."""
from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontFace

from book.core.errors import UserError
from book.style.house import load_style

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "styles"


def fresh(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def styles_dir(tmp_path):
    copy = tmp_path / "styles"
    shutil.copytree(STYLES, copy)
    return copy


def test_a_latin_edition_reads_and_registers_no_fallback_font():
    out = fresh("""
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph
from book.style import fontfiles, fonts
from book.style.house import load_style
style = load_style("styles", "house")
para = Paragraph("Plain words, <b>bold</b> and <i>italic</i>: Łódź, ŵ, €5 – “quoted”.", style.paragraph_style("body"))
para.wrap(300, 1000)
read = {fonts._name_to_file[n][1] for n in pdfmetrics.getRegisteredFontNames() if n in fonts._name_to_file}
fallback = {fonts.file_digest(f) for faces in style.fonts.fallback for f in faces.values()}
print(len(fontfiles._cmaps), len(fallback & set(fontfiles._cmaps)), len(fallback & read))
""")
    assert out.split() == ["8", "0", "0"]       # the eight faces of sans and mono, no fallback font


def test_a_fallback_font_is_registered_when_first_asked_for_with_those_before_it():
    out = fresh("""
from reportlab.pdfbase import pdfmetrics
from book.style.house import load_style
style = load_style("styles", "house")
style.fonts.register()
def fallbacks():
    return [n for n in pdfmetrics.getRegisteredFontNames() if n.startswith("Fallback")]
print(fallbacks())
print(pdfmetrics.stringWidth("✓", "Fallback1", 10) > 0, style.fonts.fallback_font("✓", "Sans-Bold"))
print(fallbacks())
print(pdfmetrics.stringWidth("ક", "Fallback6-Bold", 10) > 0)
print(fallbacks())
""")
    lines = out.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "True Fallback1-Bold"
    assert lines[2] == "['Fallback1', 'Fallback1-Bold']"
    assert lines[3] == "True"
    assert lines[4] == str([f"Fallback{i}{face}" for i in range(1, 7) for face in ("", "-Bold")])


def test_a_character_is_drawn_with_the_same_fallback_font_as_when_all_were_read():
    out = fresh("""
from book.style.house import load_style
style = load_style("styles", "house")
for char in "✓→★مשবਅક":
    print(char, style.fonts.fallback_font(char, "Sans"), style.fonts.fallback_font(char, "Sans-Bold"))
""")
    assert out.splitlines() == ["✓ Fallback1 Fallback1-Bold", "→ Fallback1 Fallback1-Bold", "★ Fallback1 Fallback1-Bold",
                                "م Fallback2 Fallback2-Bold", "ש Fallback3 Fallback3-Bold", "ব Fallback4 Fallback4-Bold",
                                "ਅ Fallback5 Fallback5-Bold", "ક Fallback6 Fallback6-Bold"]


def _cmap_format_offset(data: bytes) -> int:
    """Where the format of the character map ReportLab chooses is written in the file."""
    tables = struct.unpack_from(">H", data, 4)[0]
    directory = {data[12 + 16 * i:16 + 16 * i].decode("latin-1"): struct.unpack_from(">L", data, 20 + 16 * i)[0]
                 for i in range(tables)}
    cmap = directory["cmap"]
    count = struct.unpack_from(">H", data, cmap + 2)[0]
    chosen = None
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, cmap + 4 + 8 * n)
        if platform == 3 or (platform == 0 and encoding != 5) or (platform == 1 and encoding == 1):
            chosen = offset
    return cmap + chosen


@pytest.mark.parametrize("damage", ["garbage", "truncated", "cmap_format", "postscript"])
def test_a_broken_fallback_font_is_the_styles_problem_when_it_is_read(styles_dir, damage):
    path = styles_dir / "fonts" / "NotoSansHebrew-Bold.ttf"
    data = bytearray(path.read_bytes())
    if damage == "garbage":
        data = bytearray(b"not a font" * 50)
    elif damage == "truncated":
        data = data[:len(data) // 2]
    elif damage == "cmap_format":       # the small tables are sound: the character map is not
        struct.pack_into(">H", data, _cmap_format_offset(bytes(data)), 99)
    else:
        data[:4] = b"OTTO"
    path.write_bytes(bytes(data))
    try:
        TTFontFace(str(path))
        reportlab_says = None
    except Exception as exc:            # noqa: BLE001 - what ReportLab's own parser says
        reportlab_says = str(exc) if type(exc).__name__ in ("TTFError", "OSError") else f"{type(exc).__name__}: {exc}"
    assert reportlab_says is not None
    with pytest.raises(UserError) as caught:
        load_style(styles_dir, "house")
    message = str(caught.value)
    assert "fonts.fallback.2.bold: ReportLab cannot load font file 'fonts/NotoSansHebrew-Bold.ttf'" in message
    assert f"({reportlab_says})" in message and "house.yaml:" in message


def test_a_fallback_font_broken_after_the_check_is_reported_as_the_style_would_have(styles_dir):
    out = fresh("""
import sys
from pathlib import Path
from book.core.errors import UserError
from book.style.house import load_style
styles = Path(sys.argv[1])
style = load_style(styles, "house")
(styles / "fonts" / "DejaVuSans.ttf").write_bytes(b"not a font any more" * 100)
try:
    style.fonts.fallback_font("✓", "Sans")
    print("no error")
except UserError as error:
    print(error)
""", str(styles_dir))
    assert "fonts.fallback.0.normal: ReportLab cannot load font file 'fonts/DejaVuSans.ttf' (" in out
    assert "house.yaml:" in out and "use a TrueType .ttf file" in out
