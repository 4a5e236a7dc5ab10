"""A build reads and registers its body text's fonts before it forks its workers, and the
style's other families (the code font) only where they are first drawn with (``FontSet.register``'s
``now``): most editions never set a word in code. The glyph audit looks characters up in every
family, from the fonts' character maps alone (``fontfiles.cmap_of``). A family that shares a font file with another
is registered at once, in the style's order, as every family was (ReportLab gives a font whose
face another name holds that name's: the order decides which name a PDF carries)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from pathlib import Path
from reportlab.pdfbase import pdfmetrics
from book.style import fontfiles
from book.core.usercache import open_user_cache
from book.style.house import load_style
style = load_style(Path(sys.argv[1]), "house", open_user_cache())       # checked (and read) once, then kept
style.fonts.register(now=("sans",))
registered = set(pdfmetrics.getRegisteredFontNames())
print("sans", "Sans" in registered and "Sans-BoldItalic" in registered)
print("mono", "Mono" in registered)
mono = {fontfiles.file_digest(path) for path in style.fonts.families["mono"].values()}
style.fonts.audit({"text": "Plain words, \u0175 and \u2013"})     # the build's glyph audit: every family looked up in
print("mono read", bool(mono & ({d for _, d in fontfiles._ttfonts} | set(fontfiles._faces))))
width = pdfmetrics.stringWidth("code", "Mono-Bold", 10)       # asked for: read and registered now
print("asked", "Mono-Bold" in pdfmetrics.getRegisteredFontNames(), round(width, 3))
"""


def fresh(script: str, styles: Path, cache: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", script, str(styles)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "OHWB_BOOK_CACHE": str(cache)})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_the_code_font_is_read_only_when_it_is_drawn_with(tmp_path):
    fresh(PROBE, ROOT / "styles", tmp_path)       # the style checked (every file read), kept
    assert fresh(PROBE, ROOT / "styles", tmp_path) == ["sans True", "mono False", "mono read False", "asked True 24.004"]


def test_a_family_sharing_a_file_with_another_is_registered_at_once(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    house = styles / "house.yaml"
    text = house.read_text(encoding="utf-8")
    house.write_text(text.replace("fonts/LiberationMono-", "fonts/LiberationSans-"), encoding="utf-8")
    fresh(PROBE, styles, tmp_path)
    assert fresh(PROBE, styles, tmp_path)[:2] == ["sans True", "mono True"]
