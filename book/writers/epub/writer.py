"""The EPUB 3 in the writer table: each chapter's XHTML is made by the build's jobs beside its
typesetting (``chapter_documents``); the book is put together here once the pages are known
(``background.Background``): beside the build in a process of its own when it is large, else in the
build's process at once, while the workers still draw the one-pagers."""
from __future__ import annotations

from book.writers.registry import Writer, register


class EpubWriter(Writer):
    name = "epub"
    help = "the same book as an EPUB 3 for e-readers and screen readers (compendium.epub)"
    chapter_documents = "every"
    document_modules = ("book.writers.markup.html",)
    later_modules = ("book.writers.epub.epub",)     # ebooklib, lxml, Pillow's drawing (the cover): 25 ms
    documents_made = "EPUB chapters written"
    places = ("compendium.epub",)
    write_step = "writing the EPUB"

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative == "compendium.epub"

    def begin(self) -> None:
        from book.core.background import Background
        from book.writers.epub.epub import write_epub

        given = self.given
        self.running = Background(write_epub, given.loaded, given.page_map, given.options,
                                  given.per_chapter.get(self.name, {}), weight=len(given.loaded.publication.chapters))

    def write(self) -> dict[str, bytes]:
        from book.writers.epub.epub import A11Y_CONFORMANCE, conformance_gaps

        data = self.running.result()
        for gap in conformance_gaps(self.given.loaded):
            self.given.reporter.warn("no-conformance-claim", f"compendium.epub does not claim {A11Y_CONFORMANCE}: {gap}")
        return {"compendium.epub": data}


    @classmethod
    def chapter_document(cls, chapter, publication, cuts, scratch) -> tuple[str, list[str]]:
        """The chapter's XHTML (with place holders where its pages begin), and the image files it shows."""
        from book.writers.markup.html import chapter_document
        from book.writers.markup.imagestore import ImageStore

        images = ImageStore()
        xhtml = chapter_document(chapter, publication.edition.language, images.href, cuts)
        return xhtml, images.sources()


register(EpubWriter)
