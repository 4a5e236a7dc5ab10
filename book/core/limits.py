"""What an input may cost: every limit the toolkit puts on its input, in one place.

Each is checked before the work it bounds, and an input over one gets one message naming the
file and the limit. They are set well above any real edition (a case study is a few pages, its
index entry a few hundred characters) and low enough that no input makes a build use more than
1 GiB of memory or run for minutes (README: "What the toolkit refuses").
"""
from __future__ import annotations

import io
import zipfile

MiB = 1024 * 1024

# ------------------------------------------------------------------ the index (and any YAML file)
MAX_YAML_BYTES = 4 * MiB            # a thousand case studies' index is about 0.6 MB
FIELD_CHARS = {                     # the longest text of each field of the index, in characters
    "summary": 20_000,              # (a one-pager says by how much a long one overflows its page)
    "highlights": 20_000,
    "text": 20_000,                 # a quote (one of 1,200 words runs over pages in the book)
    "rights": 20_000,
    "url": 2_000,
}
DEFAULT_FIELD_CHARS = 1_000         # titles, names, themes and every other field

# ------------------------------------------------------------------ sources
MAX_SOURCE_BYTES = 50 * MiB         # a Word or OpenDocument file, its images inside it
MAX_TEXT_SOURCE_BYTES = 8 * MiB     # Markdown, HTML, reStructuredText: about 1.3 million words
MAX_PACKAGE_PARTS = 2000            # files inside a .docx/.odt
MAX_PACKAGE_BYTES = 200 * MiB       # all of them, uncompressed
MAX_XML_PART_BYTES = 4 * MiB        # one XML part uncompressed (pandoc needs about 75 times that)
MAX_MEDIA_PART_BYTES = 50 * MiB     # one image or other part that is not XML, uncompressed
MAX_NODES = 2_000_000               # elements of one source's document (a word and a space are two)
MAX_NOTES = 20_000                  # footnotes in one source
# pictures: a 40-megapixel photo is already far more than print needs; refused before decoding
MAX_PIXELS = 40_000_000


def field_limit(name: str) -> int:
    return FIELD_CHARS.get(name, DEFAULT_FIELD_CHARS)


def size_words(size: int) -> str:
    """'12.5 MB' or '3 KB': sizes in messages."""
    if size >= MiB:
        return f"{size / MiB:.1f} MB"
    return f"{max(1, size // 1024)} KB"


def package_problem(data: bytes) -> str | None:
    """What is wrong with a .docx/.odt's zip package as to size, or None. The sizes in the zip's
    directory are checked first (a few bytes each); then each part is inflated, up to its limit
    and never further, since a crafted directory can understate a part (its real size is what
    pandoc's memory pays for)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError):
        return None         # not a zip pandoc can read either: pandoc's own message says so
    try:
        with package:
            parts = package.infolist()
            if len(parts) > MAX_PACKAGE_PARTS:
                return f"holds {len(parts)} files; a document is limited to {MAX_PACKAGE_PARTS}"
            declared = sum(p.file_size for p in parts)
            if declared > MAX_PACKAGE_BYTES:
                return (f"unpacks to {size_words(declared)}; a document is limited to {size_words(MAX_PACKAGE_BYTES)}"
                        " uncompressed: split it or make its images smaller")
            for part in parts:
                problem = _part_problem(package, part)
                if problem:
                    return problem
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        return f"is damaged ({exc}): open it in its editor and save it again"
    return None


def _part_problem(package: zipfile.ZipFile, part: zipfile.ZipInfo) -> str | None:
    xml = part.filename.lower().endswith((".xml", ".rels"))
    limit = MAX_XML_PART_BYTES if xml else MAX_MEDIA_PART_BYTES
    what = "text" if xml else "file"
    too_big = (f"has a {what} inside ({part.filename}) of more than {size_words(limit)} uncompressed; the limit is"
               f" {size_words(limit)}: split the document")
    if part.file_size > limit:
        return too_big
    inflated = 0
    with package.open(part) as stream:      # stops at the declared size, and checks the CRC there
        while chunk := stream.read(MiB):
            inflated += len(chunk)
            if inflated > limit:
                return too_big
    return None
