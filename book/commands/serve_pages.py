"""The preview's page of pictures (``/__preview/pages.html``): every page of the compendium and of
each one-pager, as images drawn from the PDFs the last build wrote, each only when the browser
scrolls to it (``loading="lazy"``), so a thousand-page book costs only the pages looked at.

Drawn with pdfium (``pypdfium2``); pdfium is not safe to use from two threads at once, so one
page is drawn at a time, and each drawn page is kept (by file, its modification time and page)
until the file changes."""
from __future__ import annotations

import html
import io
import threading
from pathlib import Path
from urllib.parse import quote

PAGES = "/__preview/pages.html"
PAGE = "/__preview/page.png"
SCALE = 0.6                 # 72 dpi x 0.6: an A4 page 357 px wide
_lock = threading.Lock()
_drawn: dict[tuple[str, int, int], bytes] = {}


def pdf_files(out: Path) -> list[Path]:
    """The compendium first, then the one-pagers, each organisation's in name order."""
    found = [out / "compendium.pdf"] if (out / "compendium.pdf").is_file() else []
    return found + sorted((out / "one-pagers").glob("*.pdf"))


def page_count(pdf: Path) -> int:
    import pypdfium2

    with _lock:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            return len(document)
        finally:
            document.close()


def pages_page(out: Path, stamp: int) -> bytes:
    """The page of pictures, with the preview's reload script (so it shows each new build)."""
    from book.commands.serve import with_reload

    sections = []
    for pdf in pdf_files(out):
        relative = pdf.relative_to(out).as_posix()
        count = page_count(pdf)
        images = "".join(
            f'<li><img loading="lazy" width="357" height="505" src="{PAGE}?file={quote(relative)}&amp;n={n}&amp;v={stamp}"'
            f' alt="{html.escape(relative)}, page {n}"></li>' for n in range(1, count + 1))
        sections.append(f'<section><h2><a href="/{quote(relative)}">{html.escape(relative)}</a> ({count} page'
                        f'{"s" if count != 1 else ""})</h2><ul>{images}</ul></section>')
    body = "".join(sections) or "<p>No PDF has been built yet: build the compendium or the one-pagers.</p>"
    return with_reload((
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'; img-src \'self\'; '
        'connect-src \'self\'; style-src-attr \'unsafe-inline\'">\n<title>Pages of the PDFs</title>\n</head>\n'
        '<body style="font-family: sans-serif; margin: 1rem; background: #E8EDEE; color: #212B32">\n<main>\n'
        '<h1>Pages of the PDFs, as last built</h1>\n' + body.replace("<ul>", '<ul style="list-style: none; padding: 0; '
        'display: flex; flex-wrap: wrap; gap: 12px">').replace("<img ", '<img style="background: #FFFFFF; display: block; '
        'max-width: 100%; height: auto" ') + '\n</main>\n</body>\n</html>\n').encode(), stamp)


def page_png(out: Path, relative: str, number: int) -> bytes | None:
    """One page drawn as PNG; None when ``relative`` is not one of the build's PDFs or has no such page."""
    import pypdfium2

    pdf = (out / relative).resolve()
    if pdf not in [p.resolve() for p in pdf_files(out)]:
        return None
    key = (str(pdf), pdf.stat().st_mtime_ns, number)
    with _lock:
        if key not in _drawn:
            document = pypdfium2.PdfDocument(str(pdf))
            try:
                if not 1 <= number <= len(document):
                    return None
                image = document[number - 1].render(scale=SCALE).to_pil()
            finally:
                document.close()
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            for old in [k for k in _drawn if k[0] == key[0] and k[1] != key[1]]:
                del _drawn[old]         # the file was rebuilt: its old pictures go
            _drawn[key] = buffer.getvalue()
        return _drawn[key]
