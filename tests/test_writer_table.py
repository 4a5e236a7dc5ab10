"""The writer table: an output is one module plus one registration line, and the command line, its
help and the removal of outputs no longer made all follow the table."""
from __future__ import annotations

import pytest

from book.writers.registry import Writer, register, unregister
from util import ROOT, run_cli


class ContentsList(Writer):
    """A plain-text list of the chapters and the page each begins on: made from the model and
    the page map alone, as any new writer would be."""

    name = "contentslist"
    help = "the chapters and their first pages, as plain text (contents.txt)"
    default = False

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative == "contents.txt"

    def write(self) -> dict[str, bytes]:
        pages = self.given.page_map
        lines = [f"{pages.chapter_label(c.id)}\t{c.title}" for c in self.given.publication.chapters
                 if c.id in pages.chapter_pages]      # the case studies (front matter is found by anchor)
        return {"contents.txt": "\n".join(lines).encode()}


@pytest.fixture
def contents_writer():
    register(ContentsList)          # the one line that adds the output
    yield ContentsList
    unregister(ContentsList.name)


def test_a_registered_writer_builds_its_file_from_the_model(contents_writer, tmp_path):
    out = tmp_path / "out"
    code, printed = run_cli("contentslist", "--sources", str(ROOT / "sources"), "--out", str(out), "-q")
    assert code == 0, printed
    lines = (out / "contents.txt").read_text().splitlines()
    assert len(lines) > 10
    labels = [line.split("\t")[0] for line in lines]
    arabic = [int(label) for label in labels if label.isdigit()]
    assert arabic == sorted(arabic) and len(arabic) > 10      # the printed folios, in reading order
    assert any("Occupational" in line or "health" in line.lower() for line in lines)
    # only what was asked for: the other writers' files are not made
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["contents.txt"]


def test_the_command_line_and_its_help_follow_the_table(contents_writer, tmp_path):
    code, printed = run_cli("--help")
    assert code == 0 and "contentslist  the chapters and their first pages" in printed
    code, printed = run_cli("contentlist", "--sources", str(ROOT / "sources"), "--out", str(tmp_path))
    assert code == 2 and "did you mean 'contentslist'" in printed


def test_a_plain_build_makes_only_the_default_writers(contents_writer, tmp_path):
    code, printed = run_cli("--sources", str(ROOT / "sources"), "--out", str(tmp_path / "out"), "-q")
    assert code == 0, printed
    made = {p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")}
    assert "contents.txt" not in made and {"compendium.pdf", "compendium.epub", "one-pagers.pdf"} <= made


def test_a_writer_asking_for_chapter_documents_says_which():
    """chapter_documents says "every" or "remade" (or nothing): a writer still saying True, as the
    interface once had it, is refused when registered rather than given no documents silently."""
    from book.writers.registry import CHAPTER_DOCUMENTS, Writer, register, writers

    class OldStyle(Writer):
        name = "oldstyle"
        chapter_documents = True

    with pytest.raises(ValueError, match="chapter_documents"):
        register(OldStyle)
    assert "oldstyle" not in writers()
    assert all(w.chapter_documents in CHAPTER_DOCUMENTS for w in writers().values())


WRITTEN: list[str] = []


class OneFile(Writer):
    """A writer of one file (``file``, holding ``content()``), noting when it is written."""

    default = False
    file = ""

    @classmethod
    def owns(cls, relative: str) -> bool:
        return relative == cls.file

    def write(self) -> dict[str, bytes]:
        WRITTEN.append(self.name)
        return {self.file: self.content()}


class InBackground(OneFile):
    """Work begun in ``begin`` (as the EPUB's, in a worker process), waited for in ``write``."""

    name, file = "inbackground", "background.txt"

    def begin(self) -> None:
        self.pages = len(self.given.page_map.chapter_pages)

    def content(self) -> bytes:
        return str(self.pages).encode()


class InForeground(OneFile):
    name, file = "inforeground", "foreground.txt"

    def content(self) -> bytes:
        return b"made here"


@pytest.fixture
def two_writers():
    register(InBackground)
    register(InForeground)
    WRITTEN.clear()
    yield
    unregister(InBackground.name)
    unregister(InForeground.name)


def test_writers_with_background_work_are_written_last(two_writers, tmp_path):
    """Named first on the command line, the writer whose work runs in the background is still
    written after the one that works in the build's process: that work then overlaps its own."""
    out = tmp_path / "out"
    code, printed = run_cli("inbackground", "inforeground", "--sources", str(ROOT / "sources"), "--out", str(out), "-q")
    assert code == 0, printed
    assert WRITTEN == ["inforeground", "inbackground"]
    assert int((out / "background.txt").read_text()) > 10 and (out / "foreground.txt").read_bytes() == b"made here"
