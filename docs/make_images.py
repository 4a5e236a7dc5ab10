"""Regenerate the README's pictures from a fresh build of the sample edition.

    python docs/make_images.py        (needs pdftoppm, from Debian's poppler-utils)
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


def main() -> None:
    out = Path(tempfile.mkdtemp())
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")
    subprocess.run([sys.executable, "build.py", "--out", str(out), "-q"], cwd=ROOT, env=env, check=True)
    pdf = out / "compendium.pdf"
    pages = [1, 3, page_of(pdf, "PART 4"), page_of(pdf, "Imperial College Healthcare NHS Trust"),
             page_of(pdf, "A strategic approach"), page_of(pdf, "Index of organisations")]
    sheet([render(pdf, p) for p in pages], 3).save(IMAGES / "compendium-pages.png")
    # the sample edition has no tables or figures: show them from the test edition of every construct
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from editions import full_edition

    full = full_edition(Path(tempfile.mkdtemp()))
    subprocess.run([sys.executable, "build.py", "pdf", "--sources", str(full), "--out", str(out / "full"), "-q"], cwd=ROOT, env=env, check=True)
    full_pdf = out / "full" / "compendium.pdf"
    first = page_of(full_pdf, "Nested lists", within=10**6)
    sheet([render(full_pdf, first), render(full_pdf, first + 1)], 2).save(IMAGES / "compendium-constructs.png")
    onepagers = sorted((out / "one-pagers").glob("*.pdf"), key=lambda p: p.name)
    sheet([render(p, 1, 40) for p in onepagers], 6).save(IMAGES / "onepagers-contact-sheet.png")
    print(f"wrote the pictures in {IMAGES}")


if __name__ == "__main__":
    main()
