"""The web edition written for the tests: the model read as a build reads it, then the site writer
run on it, its files written under ``out`` (``out/site/...``). Returns the files it made."""
from __future__ import annotations

from pathlib import Path

from conftest import source_date_epoch

from book.build.pipeline import Options, load
from book.core.errors import Reporter
from book.writers.registry import WriterInput

ROOT = Path(__file__).resolve().parent.parent


def build_site(sources: Path, out: Path, page_map=None) -> dict[str, bytes]:
    from book.writers.site.writer import SiteWriter

    options = Options(sources=sources, styles=ROOT / "styles", out=out, quiet=True)
    with source_date_epoch():
        loaded = load(options, Reporter(quiet=True))
        given = WriterInput(loaded.publication, loaded.style, loaded.index, options, loaded.build_time,
                            Reporter(quiet=True), page_map=page_map, loaded=loaded)
        files = SiteWriter(given).write()
    for relative, data in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files
