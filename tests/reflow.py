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
from contextlib import contextmanager
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


@contextmanager
def browser(width: int = 320, height: int = 900):
    """Headless Chromium with a fresh profile, its page ``width`` CSS px wide (the EPUB's reflow
    test and the web edition's tests and pictures all start it here)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        resize(driver, width, height)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def resize(driver, width: int, height: int = 900, scale: float = 1, phone: bool = False) -> None:
    """The window's size in CSS px; ``scale``: device pixels per CSS px (2 for sharp pictures);
    ``phone``: scroll bars drawn over the page, as a phone's (else they take 15 px of its width)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": phone})


def widths(driver) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the page as it is: wider scrolling means it overflows."""
    sizes = driver.execute_script("const e = document.scrollingElement || document.documentElement;"
                                  "return [e.scrollWidth, e.clientWidth];")
    return int(sizes[0]), int(sizes[1])


def overflows(epub: Path, width: int = 320) -> dict[str, tuple[int, int]]:
    """document -> (scrollWidth, clientWidth) of every XHTML document of ``epub`` at ``width``."""
    work = Path(tempfile.mkdtemp(prefix="reflow-"))
    try:
        with zipfile.ZipFile(epub) as z:
            z.extractall(work / "book")
        with browser(width) as driver:
            result = {}
            for doc in sorted((work / "book").rglob("*.xhtml")):
                driver.get(doc.as_uri())
                result[doc.name] = widths(driver)
            return result
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
