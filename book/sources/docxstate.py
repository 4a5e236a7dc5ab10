"""What a Word file holds that the printed text leaves out: comments, tracked changes not yet
accepted or rejected, headers and footers, pictures linked to files outside the document.

pandoc drops all of these without a word; the editor is told instead (``warnings``). The .docx
is read as the zip it is, each part streamed through an incremental XML parser and never more
than ``MAX_PART_BYTES`` of it: a part's size as the zip states it is not trusted (a zip bomb
states what it likes), and nothing is built but counts.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, XMLPullParser

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
CHANGES = {W + "ins", W + "del", W + "moveFrom", W + "moveTo"}
HEADER_FOOTER = re.compile(r"word/(header|footer)\d*\.xml$")
MAX_PART_BYTES = 64 * 1024 * 1024      # decompressed; a case study's text is a few hundred kB
CHUNK = 64 * 1024


@dataclass(frozen=True)
class EditorialState:
    comments: int = 0
    changes: int = 0            # insertions, deletions and moves not yet accepted or rejected
    headers: int = 0            # headers and footers with text in them
    linked_pictures: int = 0    # pictures whose file is outside the document
    captions: tuple[str, ...] = ()   # the text of each numbered caption ("Figure 4: Staff uptake")


def read_state(path) -> EditorialState:
    """Count what ``path`` (a .docx) holds beyond its printed text. A file that is not a
    readable zip counts as holding nothing: pandoc's own error says what is wrong with it."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            changes, captions = 0, []
            for part in TEXT_PARTS:
                if part in names:
                    found = _scan_text(package, part)
                    changes += found[0]
                    captions += found[1] if part == TEXT_PARTS[0] else []
            return EditorialState(
                comments=_count(package, "word/comments.xml", names, {W + "comment"}),
                changes=changes,
                captions=tuple(captions),
                headers=sum(1 for name in sorted(names) if HEADER_FOOTER.match(name) and _has_text(package, name)),
                linked_pictures=_linked_pictures(package, names),
            )
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError):
        return EditorialState()


def warnings(state: EditorialState, file_name: str, accept_changes: bool) -> list[tuple[str, str]]:
    """(kind, message) for what the printed text leaves out: comments and tracked changes in one
    message (they are resolved together, in Word's Review tab), headers and footers in another,
    linked pictures in a third."""
    found = []
    changes = 0 if accept_changes else state.changes
    if state.comments or changes:
        counted = " and ".join(filter(None, (_plural(state.comments, "comment"), _plural(changes, "tracked change"))))
        effects = ["comments are not printed"] if state.comments else []
        if changes:
            effects.append("the text is printed as it was before the changes")
        them = "it" if state.comments + changes == 1 else "them"
        fix = f"accept or reject {them} in Word, or build with --accept-changes" if changes else f"resolve or delete {them} in Word"
        found.append(("docx-editorial", f"{counted} in {file_name} ({'; '.join(effects)}): {fix}"))
    if state.headers:
        found.append(("docx-headers", f"{_plural(state.headers, 'header or footer', 'headers and footers')} with text in"
                      f" {file_name} {_are(state.headers)} not printed: move anything that matters into the text"))
    if state.linked_pictures:
        found.append(("docx-linked-picture", f"{_plural(state.linked_pictures, 'picture')} in {file_name}"
                      f" {_are(state.linked_pictures)} linked to a file outside the document and cannot be printed (the"
                      " description is printed instead): in Word, insert the picture itself, not a link to it"))
    return found


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _plural(n: int, one: str, many: str | None = None) -> str:
    if not n:
        return ""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _events(package: zipfile.ZipFile, name: str, events=("start",)):
    """(event, element) of part ``name``, read a chunk at a time and no further than
    MAX_PART_BYTES; a part cut short or malformed ends the events, it does not raise."""
    parser = XMLPullParser(events)
    read = 0
    with package.open(name) as stream:
        while read < MAX_PART_BYTES:
            chunk = stream.read(min(CHUNK, MAX_PART_BYTES - read))
            if not chunk:
                break
            read += len(chunk)
            try:
                parser.feed(chunk)
            except ParseError:
                return
            for event, element in parser.read_events():
                yield event, element
                if event == "end":
                    element.clear()      # only counts are kept: let the parsed text go


def _count(package: zipfile.ZipFile, name: str, names: set[str], tags: set[str]) -> int:
    if name not in names:
        return 0
    return sum(1 for _event, element in _events(package, name) if element.tag in tags)


def _scan_text(package: zipfile.ZipFile, name: str) -> tuple[int, list[str]]:
    """The tracked changes in a part of the text, and the text of each paragraph with a SEQ
    field (Word's numbered captions: pandoc drops the label and number, 'Figure 4')."""
    changes, captions = 0, []
    words: list[str] = []
    numbered = False
    for event, element in _events(package, name, ("start", "end")):
        tag = element.tag
        if event == "start":
            changes += tag in CHANGES
            if tag == W + "p":
                words, numbered = [], False
            elif tag == W + "fldSimple" and _is_seq(element.get(W + "instr")):
                numbered = True
        elif tag == W + "t":
            words.append(element.text or "")
        elif tag == W + "instrText" and _is_seq(element.text):
            numbered = True
        elif tag == W + "p" and numbered:
            captions.append(" ".join("".join(words).split()))
    return changes, captions


def _is_seq(instruction: str | None) -> bool:
    return (instruction or "").split()[:1] == ["SEQ"]


def restore_caption_labels(blocks, captions: tuple[str, ...]) -> int:
    """Put back the label and number pandoc drops from Word's numbered captions (': Staff uptake'
    becomes 'Figure 4: Staff uptake' again); returns how many were restored."""
    from book.document import ast

    if not captions:
        return 0
    restored = 0
    for node in ast.walk(blocks):
        if isinstance(node, (ast.Figure, ast.Table)) and node.caption and isinstance(node.caption[0], ast.Para):
            restored += _restore_one(node.caption[0], captions)
    return restored


def _restore_one(para, captions: tuple[str, ...]) -> int:
    from book.document import ast

    shown = " ".join(ast.stringify(para.content).split())
    for full in captions:
        if full == shown or not shown:
            return 0
        if full.endswith(shown):
            prefix = full[: len(full) - len(shown)]
            # 'Figure 4' + ': Staff uptake' joins as written; 'Figure 4' + 'Staff uptake' takes a space
            para.content[:0] = [ast.Str(prefix.rstrip())] + ([ast.Space()] if prefix != prefix.rstrip() else [])
            return 1
        if _one_word_apart(full.split(), shown.split()):
            para.content[:] = _words(full)   # 'Chart - Staff uptake': the number dropped from the middle
            return 1
    return 0


def _one_word_apart(full: list[str], shown: list[str]) -> bool:
    return len(full) == len(shown) + 1 and any(full[:i] + full[i + 1:] == shown for i in range(len(full)))


def _words(text: str) -> list:
    from book.document import ast

    out = []
    for n, word in enumerate(text.split()):
        if n:
            out.append(ast.Space())
        out.append(ast.Str(word))
    return out


def _has_text(package: zipfile.ZipFile, name: str) -> bool:
    """A header or footer with words in it (Word writes empty ones, and page numbers are fields)."""
    for event, element in _events(package, name, ("end",)):
        if element.tag == W + "t" and (element.text or "").strip():
            return True
    return False


def _linked_pictures(package: zipfile.ZipFile, names: set[str]) -> int:
    rels = "word/_rels/document.xml.rels"
    if rels not in names:
        return 0
    return sum(1 for _event, element in _events(package, rels)
               if element.tag == REL + "Relationship" and element.get("TargetMode") == "External"
               and element.get("Type", "").endswith("/image"))
