"""The one-pagers in the writer table: drawn in worker processes from the start (they need the
compendium's page numbers only when they are assembled), one file per organisation and all of
them in one file for the printer. A file already there, made from the same things, is kept."""
from __future__ import annotations

from book.writers.registry import Writer, register

FOLDER = "one-pagers"
COMBINED_FILE = "one-pagers.pdf"


def _path(name: str) -> str:
    from book.writers.onepager.onepager import COMBINED

    return COMBINED_FILE if name == COMBINED else f"{FOLDER}/{name}.pdf"


class OnePagerWriter(Writer):
    name = "onepagers"
    help = "one page per organisation (one-pagers/<key>.pdf, and one-pagers.pdf for the printer)"
    places = (COMBINED_FILE, FOLDER)
    check_step = "drawing the one-pagers"     # the check waits for the pages to be drawn
    write_step = "setting the one-pagers"

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative == COMBINED_FILE or (relative.startswith(FOLDER + "/") and relative.count("/") == 1
                                             and relative.endswith(".pdf"))

    def start(self) -> None:
        from book.writers.onepager.onepager import start_onepagers

        self.running = start_onepagers(self.given.loaded, self.given.options)

    def check(self) -> None:
        self.running.check(self.given.reporter)     # a page that cannot be drawn stops the build here

    def begin(self) -> None:
        made_before = self.given.made_before
        self.running.assemble(self.given.page_map, self.given.reporter,
                              kept=lambda name, key: made_before(_path(name), key))

    def write(self) -> dict[str, bytes]:
        running = self.running
        pages, combined = running.finish(self.given.reporter)
        self.remade = {"one-pagers drawn": len(running.pending.todo), "one-pager files assembled": running.made}
        files = {_path(name): data for name, data in pages.items()}
        if combined is not None:
            files[COMBINED_FILE] = combined
        self.keys = {_path(name): key for name, key in running.keys.items()}
        self.kept = [_path(name) for name in running.kept]
        return files


register(OnePagerWriter)
