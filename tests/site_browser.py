"""Headless Chromium for the web edition's tests and README pictures: a page opened at a width,
measured, checked with axe-core, photographed.

Debian's ``chromium`` and ``chromium-driver`` through Selenium, started as ``reflow.py`` starts
them (nothing that reaches out, a fresh profile). ``python tests/site_browser.py PAGE.html`` prints
the page's widths at 320 px and what axe-core finds on it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from reflow import browser, missing, resize, widths  # noqa: F401  (the tests take them from here)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def axe(driver) -> list[dict]:
    """axe-core's violations on the open page (every rule it runs by default: WCAG 2.0-2.2 A and
    AA, and its best practices), each with its rule, impact and the elements it names."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));")
    return [{"id": v["id"], "impact": v.get("impact"), "help": v["help"],
             "nodes": [n.get("target") for n in v["nodes"]][:5]} for v in json.loads(found)]


def screenshot(driver, path: Path, full_page: bool = False) -> None:
    """A picture of what the window shows; ``full_page``: of all the page's height."""
    import base64

    if not full_page:
        path.write_bytes(driver.get_screenshot_as_png())
        return
    height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    width = driver.execute_script("return document.documentElement.clientWidth")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png",
                                                             "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))


def main(argv=None) -> int:
    why = missing()
    if why:
        print(why)
        return 2
    with browser(320) as driver:
        for page in argv or sys.argv[1:]:
            driver.get(Path(page).resolve().as_uri())
            print(page, widths(driver), json.dumps(axe(driver), indent=1) if AXE.exists() else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
