"""Regenerate the README's pictures from a fresh build of the sample edition.

    python docs/make_images.py              every picture (needs pdftoppm, from poppler-utils)
    python docs/make_images.py onepagers    only the one-pagers' contact sheets: the sample
                                            edition's and the archive edition's
                                            (../shared/editions/archive, beside the clone)
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


def render(pdf: Path, page: int, dpi: int = 60) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(pdf), f"{tmp}/p"], check=True)
        return Image.open(next(Path(tmp).glob("p-*.png"))).convert("RGB")


def sheet(images: list[Image.Image], columns: int, gap: int = 16, background=(232, 237, 238)) -> Image.Image:
    w, h = images[0].size
    rows = (len(images) + columns - 1) // columns
    out = Image.new("RGB", (columns * (w + gap) + gap, rows * (h + gap) + gap), background)
    for n, im in enumerate(images):
        out.paste(im.resize((w, h)), (gap + (n % columns) * (w + gap), gap + (n // columns) * (h + gap)))
    return out


def page_of(pdf: Path, needle: str, within: int = 300) -> int:
    import pypdf

    for n, page in enumerate(pypdf.PdfReader(pdf).pages, 1):
        if needle in (page.extract_text() or "")[:within]:
            return n
    raise SystemExit(f"'{needle}' not found in {pdf}")


ARCHIVE = ROOT.parent / "shared" / "editions" / "archive"


def small_png(image: Image.Image, path: Path, colours: int = 96) -> None:
    """A contact sheet as a palette PNG: a tenth of the bytes of full colour, and as legible."""
    image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def onepager_sheet(combined: Path, columns: int, dpi: int) -> Image.Image:
    """Every page of a series' combined file, in the edition's order."""
    import pypdf

    count = len(pypdf.PdfReader(combined).pages)
    return sheet([render(combined, n, dpi) for n in range(1, count + 1)], columns, gap=10)


def onepager_sheets(out: Path, env: dict) -> None:
    """The sample series (built into ``out``) and the archive's: 19 organisations, 1 to 20 case
    studies each, half of them with web addresses (QR codes)."""
    small_png(onepager_sheet(out / "one-pagers.pdf", 6, 36), IMAGES / "onepagers-contact-sheet.png")
    if not (ARCHIVE / "index.yaml").is_file():
        print(f"no archive edition at {ARCHIVE}: its contact sheet is left as it was")
        return
    archive = out / "archive"
    subprocess.run([sys.executable, "build.py", "--sources", str(ARCHIVE), "--out", str(archive), "-q"],
                   cwd=ROOT, env=env, check=True)
    small_png(onepager_sheet(archive / "one-pagers.pdf", 7, 30), IMAGES / "onepagers-archive-contact-sheet.png")


def main() -> None:
    out = Path(tempfile.mkdtemp())
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")
    if sys.argv[1:] == ["onepagers"]:
        subprocess.run([sys.executable, "build.py", "onepagers", "--out", str(out), "-q"], cwd=ROOT, env=env, check=True)
        onepager_sheets(out, env)
        print(f"wrote the one-pagers' contact sheets in {IMAGES}")
        return
    subprocess.run([sys.executable, "build.py", "--out", str(out), "-q"], cwd=ROOT, env=env, check=True)
    pdf = out / "compendium.pdf"
    strategic = page_of(pdf, "A strategic approach", within=10**6)      # the Imperial case study's spread
    pages = [1, 3, page_of(pdf, "PART 4"), strategic - 1, strategic, page_of(pdf, "Index of organisations")]
    sheet([render(pdf, p) for p in pages], 3).save(IMAGES / "compendium-pages.png")
    # the sample edition has no tables or figures: show them from the test edition of every construct
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from editions import full_edition

    full = full_edition(Path(tempfile.mkdtemp()))
    subprocess.run([sys.executable, "build.py", "pdf", "--sources", str(full), "--out", str(out / "full"), "-q"], cwd=ROOT, env=env, check=True)
    full_pdf = out / "full" / "compendium.pdf"
    first = page_of(full_pdf, "Nested lists", within=10**6)
    sheet([render(full_pdf, first), render(full_pdf, first + 1)], 2).save(IMAGES / "compendium-constructs.png")
    onepager_sheets(out, env)
    print(f"wrote the pictures in {IMAGES}")


if __name__ == "__main__":
    main()
