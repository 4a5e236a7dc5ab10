"""`ohwb-book serve` (issue 23): the preview server, run as an editor runs it, watched in headless
Chromium. A saved source is rebuilt and the open page reloads to show it; a broken index's error
is shown over the page (which stays as last built) and in the terminal; fixing it reloads the page.
The server answers on 127.0.0.1 only, and adds its script to the pages it serves, not the files."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import EPOCH
from site_browser import browser, missing
from test_watch import lines_of, wait_for
from util import ROOT

WAIT = 120      # seconds at most for what is awaited (a guard, not a timing)


@pytest.fixture
def preview(tmp_path):
    """A running `ohwb-book serve site` on a copy of the sample: (base address, sources, out, lines, seen)."""
    sources, out = tmp_path / "sources", tmp_path / "dist"
    shutil.copytree(ROOT / "sources", sources)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "site", "--port", "0", "--sources", str(sources),
                             "--styles", str(ROOT / "styles"), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    seen: list[str] = []
    try:
        lines = lines_of(proc)
        address = re.search(r"http://127\.0\.0\.1:\d+", wait_for(lines, "previewing", seen)).group(0)
        wait_for(lines, "watching", seen)
        yield address, sources, out, lines, seen
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def text_of(driver, selector: str) -> str | None:
    """The text of the element, read in one step (the page may reload between two)."""
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", selector)


def until(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {WAIT} s for {what}")


def test_the_page_reloads_after_a_save_and_shows_a_broken_index(preview):
    why = missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must check the preview in Chromium: {why}")
        pytest.skip(f"Chromium is needed to watch the preview: {why}")
    address, sources, out, lines, seen = preview
    page = "/site/case-studies/leeds-financial-wellbeing.html"
    assert "reload.js" not in (out / page.lstrip("/")).read_text(encoding="utf-8")     # not in the files
    with browser(1280) as driver:
        driver.get(address + page)
        assert "Leeds" in driver.find_element("css selector", "h1").text
        driver.execute_script("window.notReloaded = true")
        source = sources / "case-studies" / "leeds-financial-wellbeing.md"
        source.write_text(source.read_text(encoding="utf-8") + "\nA sentence saved during the preview.\n", encoding="utf-8")
        wait_for(lines, "built in", seen)
        until(lambda: "A sentence saved during the preview." in (text_of(driver, "main") or ""), "the page to show the saved sentence")
        assert driver.execute_script("return window.notReloaded === undefined")      # a new page, not patched text

        index = sources / "index.yaml"
        good = index.read_text(encoding="utf-8")
        index.write_text(good.replace("  leeds:\n", "  leeds\n", 1), encoding="utf-8")      # a key without its colon
        assert "index.yaml" in wait_for(lines, "error:", seen)
        panel = until(lambda: text_of(driver, "#ohwb-preview[role=alert]"), "the problems shown")
        assert "The last build failed" in panel and "index.yaml:" in panel
        assert "A sentence saved during the preview." in text_of(driver, "main")     # the last good build

        index.write_text(good, encoding="utf-8")
        until(lambda: text_of(driver, "h1") and text_of(driver, "#ohwb-preview[role=alert]") is None, "the problems gone")
        assert "Leeds" in text_of(driver, "h1")


def test_the_server_serves_the_output_folder_on_this_machine_only(preview):
    address, _, out, _, _ = preview
    assert address.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(address + "/") as response:          # the site's home page
        assert response.url.endswith("/site/index.html")
        assert b'<script src="/__preview/reload.js"' in response.read()
        assert response.headers["Cache-Control"] == "no-store"
    with urllib.request.urlopen(address + "/__preview/status.json") as response:
        assert b'"ok": true' in response.read()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(address + "/../../etc/passwd")


def test_the_preview_shows_the_pdfs_pages_as_pictures(sample_build):
    """Every page of the compendium and of each one-pager, drawn from the files the build wrote;
    nothing but the build's PDFs is drawn."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    from book.build.pipeline import Options
    from book.commands.serve import BuildState, serve

    state = BuildState()
    state.finished([], [])
    server = serve(Options(out=sample_build), 0, state)
    address = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(address + "/__preview/pages.html") as response:
            page = response.read().decode()
        pictures = re.findall(r'<img [^>]*src="(/__preview/page\.png\?file=([^&]+)&amp;n=(\d+)[^"]*)"', page)
        compendium = [p for p in pictures if p[1] == "compendium.pdf"]
        assert len(compendium) == len(PdfReader(sample_build / "compendium.pdf").pages)
        assert {p[1] for p in pictures} - {"compendium.pdf"} == {f"one-pagers/{p.name}" for p in (sample_build / "one-pagers").glob("*.pdf")}
        with urllib.request.urlopen(address + compendium[2][0].replace("&amp;", "&")) as response:
            image = Image.open(io.BytesIO(response.read()))
        assert image.format == "PNG" and abs(image.height / image.width - 297 / 210) < 0.01
        for wrong in ("file=../../etc/passwd&n=1", "file=compendium.pdf&n=9999", "file=site/index.html&n=1"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{address}/__preview/page.png?{wrong}")
    finally:
        server.shutdown()
        server.server_close()
