"""How many pandoc processes read the sources: one per core when there is much to read, one when
there is little (a second then costs more than it saves: it and the build's own work share the
cores). Decided from the sources' sizes, a Word file's compressed bytes weighing more."""
from __future__ import annotations

from pathlib import Path

from book.core.cache import BuildCache
from book.sources.convert import PANDOC_SHARE, ZIPPED_WEIGHT, Converter
from book.sources.sourcefile import READERS, SourceFile


def sources(folder: Path, count: int, size: int, suffix: str = ".md") -> list[tuple]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        path = folder / f"case-{n}{suffix}"
        path.write_bytes(b"x" * size)
        made.append((SourceFile(path, path.name), READERS[suffix].split("-")[0] if suffix != ".md" else READERS[suffix],
                     f"key-{n}"))
    return made


def converter(tmp_path: Path, jobs: int) -> Converter:
    return Converter(tmp_path / "out" / ".cache" / "pandoc", jobs=jobs, cache=BuildCache(tmp_path / "out" / ".cache"))


def test_a_small_edition_is_read_by_one_pandoc(tmp_path):
    # twenty case studies of 6 KB: less than pandoc reads while the build imports and reads the style
    todo = sources(tmp_path / "small", 20, 6 * 1024)
    assert converter(tmp_path, jobs=2).processes_for(todo) == 1


def test_a_large_edition_is_read_by_one_pandoc_per_core(tmp_path):
    todo = sources(tmp_path / "large", 100, 7 * 1024)
    assert converter(tmp_path, jobs=2).processes_for(todo) == 2
    assert converter(tmp_path, jobs=4).processes_for(todo) == 4
    # never more processes than sources
    assert converter(tmp_path, jobs=4).processes_for(sources(tmp_path / "three", 3, PANDOC_SHARE * 2)) == 3


def test_word_files_weigh_more_than_their_compressed_size(tmp_path):
    size = PANDOC_SHARE // 6           # six of them, as Markdown: about one share
    markdown = sources(tmp_path / "md", 6, size)
    word = sources(tmp_path / "docx", 6, size, ".docx")
    assert converter(tmp_path, jobs=2).processes_for(markdown) == 1
    assert ZIPPED_WEIGHT > 1 and converter(tmp_path, jobs=2).processes_for(word) == 2
