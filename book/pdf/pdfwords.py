"""Tagged text that reads as words: line ends marked as ISO 32000-1 (14.8.2.2.3, 14.8.2.5) asks.

A paragraph broken into lines loses two things a reader of the tags needs: the space between
the last word of a line and the first of the next ("published" / "on" read as "publishedon"),
and the difference between a hyphen the line breaker added ("organisa-" / "tions") and one that
is part of the word ("health-" / "and-wellbeing"). ``marked_lines`` gives a paragraph's lines as
they are drawn on a tagged canvas:

* a line that ends a word (and is not the paragraph's last) ends with a space glyph (code 32,
  drawn after the last glyph, so nothing visible moves; in a line of fragments it is a fragment of
  its own, outside any link or underline);
* a hyphen added by the line breaker is drawn as U+00AD SOFT HYPHEN, which the fonts draw with
  the hyphen's glyph and width, so the text reads "organisations";
* a line that ends inside a word without a hyphen (a long word or address split) gets nothing.

The page looks exactly as before; only the text the characters stand for changes. Untagged
canvases are not touched.
"""
from __future__ import annotations

import copy
import html
import re

from reportlab.platypus import paragraph as rlpara

from book.pdf.bidi import rtl_alignment, visual_lines

SHY = "\xad"
_TAGS = re.compile(r"<[^>]*>")
_FK_BREAK = 3


def source_text(para) -> str:
    """The paragraph's own text (markup removed), to tell a word's hyphen from an added one."""
    text = getattr(para, "_words_source", None)
    if text is None:
        raw = getattr(para, "text", None)
        if not isinstance(raw, str) or not raw:
            raw = "".join(getattr(f, "text", "") or "" for f in getattr(para, "frags", ()) or ())
        text = " ".join(html.unescape(_TAGS.sub("", raw)).split())
        para._words_source = text
    return text


def _added_hyphen(head: str, source: str) -> bool:
    """``head`` (a line's last word, ending in '-') got its hyphen from the line breaker: the word
    with that hyphen is nowhere in the paragraph's text."""
    if len(head) < 2 or not head[-2].isalpha():
        return False
    return head not in source


def marked_lines(para):
    """A copy of ``para.blPara`` with its line ends marked (see the module), or None when there
    is nothing to mark."""
    bl = getattr(para, "blPara", None)
    lines = getattr(bl, "lines", None)
    if not lines:
        return None
    continues = getattr(para, "_words_go_on", False)      # a piece of a paragraph split over pages
    ends = [i < len(lines) - 1 or continues for i in range(len(lines))]     # lines whose end is marked
    out = _marked_words(lines, ends) if bl.kind == 0 else _marked_fragments(para, lines, ends)
    if out is None:
        return None
    marked = copy.copy(bl)
    marked.lines = out
    return marked


def _marked_words(lines, ends: list[bool]) -> list | None:
    """The lines of a paragraph in one font ((extra space, words) each) with their ends marked,
    or None when none changed."""
    changed = False
    out = []
    for line, marked in zip(lines, ends):
        extra, words = line[0], line[1]
        if words and marked:
            end = words[-1]
            if isinstance(end, (rlpara._SplitWordHY, rlpara._SplitWordLL)) and end.endswith("-"):
                end = end[:-1] + SHY
            elif isinstance(end, rlpara._SplitWord):
                end = None
            elif isinstance(end, str) and not end.endswith((" ", "\xa0")):
                end = end + " "
            else:
                end = None
            if end is not None:         # (a line's words are copied only to change its last)
                words = [*words[:-1], end]
                changed = True
        out.append((extra, words, *line[2:]) if len(line) > 2 else (extra, words))
    return out if changed else None


def _marked_fragments(para, lines, ends: list[bool]) -> list | None:
    """The lines of a paragraph of fragments with their ends marked, or None when none changed."""
    changed = False
    out = []
    for line, marked in zip(lines, ends):
        words = list(getattr(line, "words", ()) or ())
        texts = [n for n, f in enumerate(words) if getattr(f, "_fkind", 0) == 0 and (getattr(f, "text", "") or "")]
        if not texts or not marked:
            out.append(line)
            continue
        n = texts[-1]
        split = words[-1] is not words[n] and getattr(words[-1], "_fkind", 0) == _FK_BREAK \
            and not hasattr(words[-1], "lineBreak")
        end = words[n]
        if split:
            if not (end.text.endswith("-") and _hyphen_added_in(para, words)):
                out.append(line)
                continue
            words[n] = end.clone(text=end.text[:-1] + SHY)
        elif not end.text.endswith((" ", "\xa0")):
            words.insert(n + 1, _space_after(end))
        else:
            out.append(line)
            continue
        changed = True
        line = copy.copy(line)
        line.words = words
        out.append(line)
    return out if changed else None


def _hyphen_added_in(para, words) -> bool:
    """The line (its fragments ``words``) ends in a hyphen the line breaker added."""
    head = "".join(w.text for w in words if getattr(w, "text", None)).split()
    return bool(head) and _added_hyphen(head[-1], source_text(para))


def _space_after(end):
    """A space fragment after the fragment ``end``: plain text, outside any link or underline."""
    space = end.clone(text=" ")
    space.link = []
    space.us_lines = []
    for name in ("cbDefn", "lineBreak"):
        if name in space.__dict__:
            delattr(space, name)
    return space


def draw_marked(para, draw) -> None:
    """``draw()`` (the paragraph's drawOn) with its line ends marked, and right-to-left words in
    visual order (``bidi``: a right-to-left paragraph set flush right)."""
    if not isinstance(para, rlpara.Paragraph):
        draw()
        return
    marked = marked_lines(para)
    visual = visual_lines(para, marked or para.blPara) if getattr(para, "blPara", None) is not None else None
    if visual is not None:
        marked = visual
    if marked is None:
        draw()
        return
    original, style = para.blPara, para.style
    para.blPara = marked
    para.style = rtl_alignment(style, getattr(marked, "_rtl", False))
    try:
        draw()
    finally:
        para.blPara, para.style = original, style
