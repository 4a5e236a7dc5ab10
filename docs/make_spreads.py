"""Pictures of facing pages (spreads) of the sample and archive editions, for the README.

    python docs/make_spreads.py                  # with this checkout's code: *-after.png
    python docs/make_spreads.py --code DIR --label before   # with another checkout's (git worktree)

A spread is a left-hand page (even, counted from the cover) beside the right-hand page after it,
as the printed book opens. Needs pdftoppm (Debian's poppler-utils).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
ARCHIVE = ROOT.parent / "shared" / "editions" / "archive"
SPREADS = {"sample": [(10, 11), (14, 15)], "archive": [(12, 13), (28, 29)]}


def render(pdf: Path, page: int, dpi: int = 45) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(pdf), f"{tmp}/p"], check=True)
        return Image.open(next(Path(tmp).glob("p-*.png"))).convert("RGB")


def spreads(pdf: Path, pairs: list[tuple[int, int]], gap: int = 24, background=(200, 205, 208)) -> Image.Image:
    """Each pair as an open book (no gap at the spine), the pairs one under another."""
    rows = [[render(pdf, left), render(pdf, right)] for left, right in pairs]
    w, h = rows[0][0].size
    out = Image.new("RGB", (2 * w + 2 * gap, len(rows) * (h + gap) + gap), background)
    for n, (left, right) in enumerate(rows):
        out.paste(left, (gap, gap + n * (h + gap)))
        out.paste(right, (gap + w, gap + n * (h + gap)))
    return out


def build(code: Path, sources: Path, out: Path) -> Path:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")
    subprocess.run([sys.executable, "build.py", "pdf", "--sources", str(sources), "--out", str(out), "-q"],
                   cwd=code, env=env, check=True)
    return out / "compendium.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose build.py makes the books")
    parser.add_argument("--label", default="after")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp())
    for name, sources in (("sample", ROOT / "sources"), ("archive", ARCHIVE)):
        pdf = build(args.code.resolve(), sources, out / name)
        spreads(pdf, SPREADS[name]).save(IMAGES / f"spreads-{name}-{args.label}.png", optimize=True)


if __name__ == "__main__":
    main()
