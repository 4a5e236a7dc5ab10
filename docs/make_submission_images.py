#!/usr/bin/env python3
"""The README's pictures of the editors' quick start: the Word submission template, and the
one-pager built from a filled-in copy of it (template -> import -> build).

The template is shown through LibreOffice when `soffice` is installed (as an author would see it);
otherwise through pandoc's HTML of the .docx (its paragraph styles kept) in headless Chromium,
styled with the template's own sizes and colours."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "docs")]

CSS = """
body { font-family: Arial, 'Liberation Sans', sans-serif; font-size: 11pt; max-width: 170mm; margin: 14mm 18mm;
       color: #212B32; background: white; }
p { margin: 0 0 4pt 0; }
[data-custom-style] p { margin: 0 0 4pt 0; }
[data-custom-style="OHWB Form heading"] { font-size: 20pt; font-weight: bold; color: #005EB8; }
[data-custom-style="OHWB Form label"] { font-size: 12pt; font-weight: bold; color: #005EB8; margin-top: 8pt; }
[data-custom-style="OHWB Form guidance"] { font-size: 9pt; font-style: italic; color: #425563; }
[data-custom-style="OHWB Title"] { font-size: 14pt; font-weight: bold; }
[data-custom-style^="OHWB "] { border-left: 3px solid #E8EDEE; padding-left: 6px; }
h2 { color: #005EB8; font-size: 13pt; }
"""


def template_png(docx: Path, png: Path, work: Path) -> str:
    """The template as a picture; returns how it was rendered."""
    from make_images import render

    if shutil.which("soffice"):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx)],
                       check=True, capture_output=True, timeout=300)
        render(work / f"{docx.stem}.pdf", 1, dpi=80).save(png)
        return "LibreOffice"
    import pypandoc

    (work / "template.css").write_text(CSS)
    html = work / "template.html"
    pypandoc.convert_file(str(docx), "html", format="docx+styles", outputfile=str(html),
                          extra_args=["--standalone", "--css", "template.css", "--metadata", "title= "])
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--hide-scrollbars", "--window-size=794,1500",
                    f"--screenshot={png}", html.as_uri()], check=True, capture_output=True, timeout=300)
    _trim(png)
    return "pandoc and Chromium"


def _trim(png: Path, margin: int = 24) -> None:
    """The page's empty foot cut off: the window is taller than the template."""
    from PIL import Image, ImageChops

    image = Image.open(png).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box:
        image.crop((0, 0, image.width, min(image.height, box[3] + margin))).save(png)


def main() -> None:
    from make_images import render
    from submissions import VALUES, fill

    from book.sources.submission import write_template

    work = Path(tempfile.mkdtemp())
    write_template(work / "ohwb-case-study-template.docx")
    how = template_png(work / "ohwb-case-study-template.docx", IMAGES / "submission-template.png", work)
    shutil.copytree(ROOT / "sources", work / "sources")
    fill(work / "ohwb-case-study-template.docx", work / "quillfield-walks.docx", VALUES)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")
    command = [sys.executable, str(ROOT / "build.py")]
    subprocess.run([*command, "import", "quillfield-walks.docx"], cwd=work, env=env, check=True)
    subprocess.run([*command, "--only", "quillfield-walks", "--styles", str(ROOT / "styles"), "-q"],
                   cwd=work, env=env, check=True)
    onepager = next((work / "dist" / "only-quillfield-walks" / "one-pagers").glob("quillfield*.pdf"))
    render(onepager, 1, dpi=70).save(IMAGES / "submission-onepager.png")
    print(f"wrote docs/images/submission-template.png (via {how}) and docs/images/submission-onepager.png")


if __name__ == "__main__":
    main()
