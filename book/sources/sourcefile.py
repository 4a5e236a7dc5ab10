"""A source file named by the index, and what makes it one pandoc can read: the reader for
its extension, and the checks made before pandoc is started on it (its size, its encoding, a
Word file that is really a zip package), each problem said with the fix."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from book.core import limits
from book.core.errors import Problems

# Markdown: raw HTML and TeX off, so `<NHS Trust>` and `A&E` stay text.
READERS = {
    ".md": "markdown-raw_html-raw_tex-raw_attribute",
    ".markdown": "markdown-raw_html-raw_tex-raw_attribute",
    ".docx": "docx",
    ".odt": "odt",
    ".html": "html",
    ".htm": "html",
    ".rst": "rst",
}
MEDIA_READERS = {"docx", "odt"}   # formats that carry their images inside
TEXT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".rst"}
MAX_SOURCE_BYTES = limits.MAX_SOURCE_BYTES
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # encrypted Office files and old .doc are OLE, not zip


@dataclass(frozen=True)
class SourceFile:
    path: Path        # on disk
    label: str        # as shown to the user, e.g. "sources/case-studies/imperial.md"


def read_checked(source: SourceFile, problems: Problems) -> bytes | None:
    """The file's bytes, or None after recording why it cannot be converted."""
    path, label = source.path, source.label
    suffix = path.suffix.lower()
    if suffix not in READERS:
        known = ", ".join(sorted(READERS))
        problems.add(f"cannot read '{suffix or 'no extension'}' files: use one of {known}", label)
        return None
    try:
        size = path.stat().st_size
        if path.is_dir():
            problems.add("is a folder, not a file: point `source` at a file inside it", label)
            return None
        if size > MAX_SOURCE_BYTES:
            problems.add(f"is {size // (1024 * 1024)} MB; sources are limited to 50 MB: split it or compress its images", label)
            return None
        if suffix in TEXT_SUFFIXES and size > limits.MAX_TEXT_SOURCE_BYTES:
            problems.add(f"is {limits.size_words(size)}; a text source is limited to"
                         f" {limits.size_words(limits.MAX_TEXT_SOURCE_BYTES)}: split it", label)
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add("file not found: check the `source` path (it is relative to the sources folder)", label)
        return None
    except OSError as exc:
        problems.add(f"cannot be read ({exc.strerror}): check its permissions", label)
        return None
    if not data.strip():
        problems.add("is empty: add the case study's text", label)
        return None
    if suffix in (".docx", ".odt") and not data.startswith(b"PK\x03\x04"):
        if data.startswith(OLE_MAGIC):
            problems.add("is password-protected (or an old .doc saved with a new name): open it in Word, remove the password"
                         " (File > Info > Protect Document) and save it as .docx", label)
        else:
            problems.add(f"is not a real {suffix} file (it is not a zip package): open it in its editor and save it as {suffix}", label)
        return None
    if suffix in (".docx", ".odt"):
        # before pandoc: a small file can unpack to gigabytes, and pandoc's memory pays for them
        problem = limits.package_problem(data)
        if problem:
            problems.add(problem, label)
            return None
    if suffix in TEXT_SUFFIXES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.add(
                f"is not UTF-8 text (byte {exc.start}, {data[exc.start:exc.start + 1]!r}): save it as UTF-8",
                label,
                line,
            )
            return None
    return data
