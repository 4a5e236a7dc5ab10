"""Every document of an EPUB opened in headless Chromium at a phone's width, measured: does the
page scroll sideways? (WCAG 1.4.10 Reflow: 320 CSS px.)

Debian's ``chromium`` and ``chromium-driver`` through Selenium; the network is closed, so
Chromium is started with nothing that reaches out, and a fresh profile.
``python tests/reflow.py BOOK.epub`` prints each document's widths.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")


def missing() -> str:
    """Why Chromium cannot be used here ('' when it can)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (shutil.which(path) or os.path.exists(path)):
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    return ""


def overflows(epub: Path, width: int = 320) -> dict[str, tuple[int, int]]:
    """document -> (scrollWidth, clientWidth) of every XHTML document of ``epub`` at ``width``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    work = Path(tempfile.mkdtemp(prefix="reflow-"))
    try:
        with zipfile.ZipFile(epub) as z:
            z.extractall(work / "book")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={work / 'profile'}")
        options.add_argument(f"--window-size={width},900")
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            result = {}
            for doc in sorted((work / "book").rglob("*.xhtml")):
                driver.get(doc.as_uri())
                sizes = driver.execute_script(
                    "const e = document.scrollingElement || document.documentElement;"
                    "return [e.scrollWidth, e.clientWidth, window.innerWidth];")
                result[doc.name] = (int(sizes[0]), int(sizes[1]))
            return result
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> int:
    why = missing()
    if why:
        print(why)
        return 2
    for name, (scroll, client) in overflows(Path((argv or sys.argv[1:])[0])).items():
        print(f"{'OVERFLOW' if scroll > client else 'ok':8} {scroll:5} {client:5}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
