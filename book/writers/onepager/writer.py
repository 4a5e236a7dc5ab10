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
    write_step = "setting the one-pagers"      # waits for the pages to be drawn, then makes the files
    # of each case study read anew, its opening paragraphs, made in the build's jobs while its text is
    # at hand: a page handed to a worker after that job is done does not read and transform the text
    # again (a fifth of drawing a page)
    chapter_documents = "remade"
    document_modules = ("book.writers.onepager.content",)

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative == COMBINED_FILE or (relative.startswith(FOLDER + "/") and relative.count("/") == 1
                                             and relative.endswith(".pdf"))

    def start(self) -> None:
        from book.writers.onepager.onepager import start_onepagers

        self.running = start_onepagers(self.given.loaded, self.given.options, self.given.workers)

    def chapters_made(self, documents: dict) -> None:
        self.running.know_openings(documents)

    @classmethod
    def chapter_document(cls, chapter, publication, cuts, scratch):
        from book.writers.onepager.content import opening_of

        return opening_of(chapter) if chapter.case_study is not None else ("", ())

    # No check or begin: the pages are waited for only here, so that the book is assembled (by
    # the writers before this one) while the last of them are drawn. A page that cannot be drawn
    # still stops the build before anything is written: the outputs are written together, after
    # every writer.
    def write(self) -> dict[str, bytes]:
        running = self.running
        made_before = self.given.made_before
        running.assemble(self.given.page_map, self.given.reporter, kept=lambda name, key: made_before(_path(name), key))
        pages, combined = running.finish(self.given.reporter)
        self.remade = {"one-pagers drawn": len(running.pending.todo), "one-pager files assembled": running.made}
        files = {_path(name): data for name, data in pages.items()}
        if combined is not None:
            files[COMBINED_FILE] = combined
        self.keys = {_path(name): key for name, key in running.keys.items()}
        self.kept = [_path(name) for name in running.kept]
        return files


register(OnePagerWriter)
