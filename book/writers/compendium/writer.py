"""The compendium PDF (and, with --print, the printer's cover) in the writer table. The book is
paginated by the build before any writer runs (the EPUB's page list and the one-pagers' page
references need its pages); this writer assembles the file."""
from __future__ import annotations

from book.writers.registry import Writer, register


class CompendiumWriter(Writer):
    name = "pdf"
    help = "the compendium, a typeset PDF book (compendium.pdf)"
    places = ("compendium.pdf", "compendium-cover.pdf")
    write_step = "assembling the compendium"

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative in cls.places      # the book, and its printer's cover

    def write(self) -> dict[str, bytes]:
        given = self.given
        files = {"compendium.pdf": given.book.assemble()}
        if given.options.print_marks and given.style.page.print_cover:
            from book.writers.compendium.printcover import print_cover

            files["compendium-cover.pdf"] = print_cover(given.loaded, given.book.total)
        self.remade["compendium segments written"] = given.book.segments_written
        return files


register(CompendiumWriter)
