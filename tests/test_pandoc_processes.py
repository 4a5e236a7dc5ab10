"""How many pandoc processes read the sources: one per core when there is much to read, one when
there is little (a second then costs more than it saves: it and the build's own work share the
cores). Decided from the sources' sizes, a Word file's compressed bytes weighing more."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def _big_markdown(path: Path, paragraphs: int) -> None:
    path.write_text("".join(f"Paragraph {n} of a long case study, *with* some **emphasis** and a [link](https://example.org).\n\n"
                            for n in range(paragraphs)))


def test_a_text_is_given_out_while_pandoc_still_reads_the_others(tmp_path):
    """The build's first job may begin before pandoc has read every source (``Converter.raw``
    waits for the one it needs): the first source's document is there while a long one is still
    being read."""
    import threading

    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "short.md").write_text("A short case study.\n")
    _big_markdown(folder / "long.md", 20_000)
    todo = [SourceFile(folder / "short.md", "short"), SourceFile(folder / "long.md", "long")]
    conv = converter(tmp_path, jobs=1)
    running = threading.Thread(target=conv.convert_all, args=(todo,))
    running.start()
    try:
        assert conv.started.wait(60)
        document = conv.raw("short")
        still_reading = running.is_alive()
    finally:
        running.join(120)
    assert words(document) == ["A", "short", "case", "study."]
    assert still_reading, "the short source's document was given out only once pandoc had read them all"
    assert conv.converted == 2, "each source read once (not read again for being asked for early)"
    long = words(conv.raw("long"))
    assert long[long.index("19999") - 1:long.index("19999") + 2] == ["Paragraph", "19999", "of"], "read to its end"


def words(raw: bytes) -> list[str]:
    """The words of a document as pandoc wrote it (its Str elements, in order)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Str":
                found.append(node["c"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(raw)["blocks"])
    return found


def test_a_text_pandoc_could_not_read_is_said_as_the_conversion_says_it(tmp_path):
    """Asked for while pandoc works, the text of a source pandoc then fails on (a zip file that is
    not a Word document) raises the conversion's own problem, naming the file, not a bug."""
    import threading
    import zipfile

    from book.core.errors import UserError

    folder = tmp_path / "sources"
    folder.mkdir()
    _big_markdown(folder / "long.md", 5_000)
    with zipfile.ZipFile(folder / "not-word.docx", "w") as archive:
        archive.writestr("hello.txt", "hello")
    todo = [SourceFile(folder / "long.md", "long"), SourceFile(folder / "not-word.docx", "not-word.docx")]
    conv = converter(tmp_path, jobs=1)
    running = threading.Thread(target=lambda: pytest.raises(UserError, conv.convert_all, todo))
    running.start()
    try:
        assert conv.started.wait(60)
        with pytest.raises(UserError) as raised:
            conv.raw("not-word.docx")
    finally:
        running.join(120)
    assert any("not-word.docx" in str(problem) and "pandoc cannot read it" in str(problem) for problem in raised.value.problems)
