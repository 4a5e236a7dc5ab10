"""The README's pictures of the web edition, from a fresh build of the sample edition, photographed
in headless Chromium (Debian's chromium and chromium-driver, as the tests use them):

    python docs/make_site_images.py

- docs/images/site-phone.png: the home page and a case study at 320 CSS px (a small phone)
- docs/images/site-wide.png: a case study at 1280 CSS px, its facts in the side column
- docs/images/site-preview.png: `ohwb-book serve` after a broken index was saved: the problem
  over the last good page
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CASE = "case-studies/imperial-oh-transformation.html"


def build(out: Path) -> None:
    from book.cli import main

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    code = main(["--sources", str(ROOT / "sources"), "--styles", str(ROOT / "styles"), "--out", str(out), "-q"])
    if code:
        raise SystemExit(f"the sample edition did not build (exit {code})")


def side_by_side(images: list[Image.Image], gap: int = 32, background=(232, 237, 238)) -> Image.Image:
    width = sum(im.width for im in images) + gap * (len(images) + 1)
    height = max(im.height for im in images) + 2 * gap
    sheet = Image.new("RGB", (width, height), background)
    x = gap
    for im in images:
        sheet.paste(im, (x, gap))
        x += im.width + gap
    return sheet


def index_problem(out: Path) -> list[str]:
    """The problems a build reports for the sample's index with one key's colon left out."""
    import shutil

    from book.core.errors import Reporter, UserError
    from book.sources.index import load_index

    broken = out.parent / "broken-sources"
    shutil.copytree(ROOT / "sources", broken)
    index = broken / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("  leeds:\n", "  leeds\n", 1), encoding="utf-8")
    try:
        load_index(broken, Reporter(quiet=True))
    except UserError as error:
        return [str(p).replace(str(broken), "sources") for p in error.problems]
    raise SystemExit("the broken index was accepted")


def main() -> int:
    from site_browser import browser, missing, resize, screenshot

    why = missing()
    if why:
        print(why)
        return 2
    from book.build.pipeline import Options
    from book.commands.serve import BuildState, serve

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        build(out)
        site = out / "site"
        with browser(320) as driver:
            shots = []
            for page in ("index.html", CASE):
                resize(driver, 320, 1000, scale=2, phone=True)
                driver.get((site / page).as_uri())
                path = Path(tmp) / f"{len(shots)}.png"
                screenshot(driver, path)
                shots.append(Image.open(path).convert("RGB"))
            side_by_side(shots).save(IMAGES / "site-phone.png", optimize=True)

            resize(driver, 1280, 860)
            driver.get((site / CASE).as_uri())
            screenshot(driver, IMAGES / "site-wide.png")

            state = BuildState()
            state.finished(index_problem(out), [])
            server = serve(Options(out=out), 0, state)
            try:
                resize(driver, 1280, 760)
                driver.get(f"http://127.0.0.1:{server.server_address[1]}/site/{CASE}")
                from selenium.webdriver.support.ui import WebDriverWait

                WebDriverWait(driver, 30).until(lambda d: d.find_elements("css selector", "#ohwb-preview"))
                screenshot(driver, IMAGES / "site-preview.png")
            finally:
                server.shutdown()
                server.server_close()
    for name in ("site-phone.png", "site-wide.png", "site-preview.png"):
        print(f"wrote docs/images/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
