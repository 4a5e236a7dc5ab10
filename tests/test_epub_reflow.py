"""The EPUB on every screen (issue 20): every document opened in headless Chromium at 320 CSS px
(WCAG 1.4.10), measured: no document scrolls sideways (``scrollWidth <= clientWidth``).

Outside CI the test is skipped, with the reason, where Chromium is not installed; in CI
(``CI=true``, where ``.ci/run`` installs it) its absence fails.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from book.style.css import CssWriter
from book.style.house import load_style
from conftest import source_date_epoch
from editions import minimal_edition
from reflow import missing, overflows
from util import ROOT, run_cli

LONG = """# Long words

The address https://www.example.nhs.uk/occupational-health/wellbeing/case-studies/2025/a-very-long-path-that-never-ends/index.html
is printed as text, and so is <https://www.example.nhs.uk/occupational-health/wellbeing/case-studies/2025/another-very-long-path/>.
Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch has a hospital; so has
Pneumonoultramicroscopicsilicovolcanoconiosisclinicofthenorthwestregionalnetwork.

| Organisation | Contact | Region | Integrated care system | Award | Themes | Staff | Year |
|---|---|---|---|---|---|---|---|
| Betsi Cadwaladr University Health Board | occupational.health.enquiries@betsicadwaladr.wales.nhs.uk | Wales | North Wales | Highly Commended | Musculoskeletal, mental health | 19000 | 2025 |

```
curl --header "Authorization: Bearer 0123456789abcdef0123456789abcdef" https://api.example.nhs.uk/v1/occupational-health/referrals?status=open
```
"""


def chromium_or_skip() -> None:
    why = missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must measure reflow in Chromium: {why}")
        pytest.skip(f"Chromium is needed to measure reflow: {why}")


@pytest.fixture(scope="module")
def long_words_epub(tmp_path_factory):
    root = tmp_path_factory.mktemp("reflow")
    sources = minimal_edition(root, LONG)
    with source_date_epoch():
        code, printed = run_cli("epub", "--sources", str(sources), "--out", str(root / "dist"), "-q")
    assert code == 0, printed
    return root / "dist" / "compendium.epub"


@pytest.mark.parametrize("which", ["sample", "long words"])
def test_no_document_scrolls_sideways_at_320_px(which, sample_build, long_words_epub):
    chromium_or_skip()
    epub = sample_build / "compendium.epub" if which == "sample" else long_words_epub
    sizes = overflows(epub, 320)
    assert len(sizes) > 3
    wide = {name: size for name, size in sizes.items() if size[0] > size[1]}
    assert wide == {}, f"scrolls sideways at 320 px (scrollWidth, clientWidth): {wide}"


def test_the_style_sheet_reflows():
    css = CssWriter(load_style(ROOT / "styles")).write()
    assert "overflow-wrap: anywhere" in css and "overflow-wrap: break-word" in css
    assert "@media (max-width: 35em)" in css and "text-align: left" in css.split("@media (max-width: 35em)")[1]
    body = css.split("\nbody {")[1].split("}")[0]
    assert "padding: 0 0.75em" in body
    # the reader's settings win: no px sizes, nothing !important
    assert "!important" not in css
    assert not [line for line in css.splitlines() if "font-size" in line and "px" in line]
