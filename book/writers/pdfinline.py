"""Inline nodes -> ReportLab paragraph markup, every text node escaped.

ReportLab's paragraph markup is XML-like: an unescaped ``&``, ``<`` or ``>`` silently corrupts or
drops words, so markup is only ever built here, from the model, never from source text.
Characters the body font lacks are wrapped in the fallback font the style declares.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape as _xml_escape

from .. import ast

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_TAGS = {
    ast.Emph: "i",
    ast.Strong: "b",
    ast.Underline: "u",
    ast.Strikeout: "strike",
    ast.Superscript: "super",
    ast.Subscript: "sub",
}


_LONG_WORD = re.compile(r"[^\s/]{31,}")
SOFT_HYPHEN = "\u00ad"


def breakable(text: str) -> str:
    """Offer a soft hyphen every 12 characters inside words longer than 30 characters.

    ReportLab can split an over-long word, but after hyphenating its first piece it lets the rest
    run past the margin; explicit break points keep every piece inside the measure.
    """
    return _LONG_WORD.sub(lambda m: SOFT_HYPHEN.join(m.group(0)[i:i + 12] for i in range(0, len(m.group(0)), 12)), text)


def clean(text: str) -> str:
    """Control characters have no glyph and no meaning on a page: drop them."""
    return _CONTROL.sub("", text)


def escape(text: str) -> str:
    return _xml_escape(clean(text), {'"': "&quot;"})


_DRAWABLE: dict[str, set[str]] = {}   # font name -> characters known to have a glyph in it


def _all_drawable(fonts, font_name: str, text: str) -> bool:
    known = _DRAWABLE.setdefault(font_name, set())
    new = set(text) - known
    if not new:
        return True
    ok = {c for c in new if c.isspace() or fonts.has_glyph(font_name, c)}
    known |= ok
    return ok == new


class InlineMarkup:
    """Renders inlines for one font (the paragraph style's), with the style's glyph fallback."""

    def __init__(self, style, font_name: str, link_color: str = "#005EB8"):
        self.style = style
        self.font_name = font_name
        self.link_color = link_color

    def text(self, text: str) -> str:
        """Escaped text, with runs the font cannot draw set in the fallback font."""
        text = breakable(clean(text))
        if _all_drawable(self.style.fonts, self.font_name, text):
            return escape(text)
        out = []
        for run, fallback in self.style.fonts.split_by_font(text, self.font_name):
            piece = escape(run)
            out.append(f'<font name="{fallback}">{piece}</font>' if fallback else piece)
        return "".join(out)

    def render(self, inlines: list[ast.Inline]) -> str:
        # runs of plain words are escaped and checked against the font as one string, not word by word
        out: list[str] = []
        words: list[str] = []
        for node in inlines:
            kind = type(node)
            if kind is ast.Str:
                words.append(node.text)
            elif kind is ast.Space or kind is ast.SoftBreak:
                words.append(" ")
            else:
                if words:
                    out.append(self.text("".join(words)))
                    words = []
                out.append(self.inline(node))
        if words:
            out.append(self.text("".join(words)))
        return "".join(out)

    def inline(self, node: ast.Inline) -> str:
        tag = _TAGS.get(type(node))
        if tag:
            return f"<{tag}>{self.render(node.content)}</{tag}>"
        if isinstance(node, ast.Str):
            return self.text(node.text)
        if isinstance(node, (ast.Space, ast.SoftBreak)):
            return " "
        if isinstance(node, ast.LineBreak):
            return "<br/>"
        if isinstance(node, ast.Code):
            return f'<font name="{self.style.fonts.font_name("mono")}">{escape(node.text)}</font>'
        if isinstance(node, ast.Math):
            return self.text(node.text)
        if isinstance(node, ast.Quoted):
            open_, close = ("\u201c", "\u201d") if node.double else ("\u2018", "\u2019")
            return open_ + self.render(node.content) + close
        if isinstance(node, ast.Link):
            return self.link(node)
        if isinstance(node, ast.Note):
            return self.note_ref(node)
        if isinstance(node, ast.Image):
            # an image inside running text: its alt text keeps the sentence whole
            return f"<i>{self.text(node.alt)}</i>" if node.alt else ""
        if isinstance(node, ast.SmallCaps):
            return self.render(node.content)
        if isinstance(node, ast.Container) or isinstance(node, ast.Span):
            return self.render(node.content)
        return self.text(ast.stringify([node]))  # an unknown inline still keeps its words

    def link(self, node: ast.Link) -> str:
        if not node.url:
            return self.render(node.content)   # a link whose target was dropped keeps its words
        href = escape(node.url)
        return f'<a href="{href}" color="{self.link_color}"><u>{self.render(node.content)}</u></a>'

    def note_ref(self, note: ast.Note) -> str:
        # a named destination at the reference (the endnote links back here) and a link to the note
        return (
            f'<a name="ref-{note.id}"/><super><a href="#{note.id}" color="{self.link_color}">{note.number}</a></super>'
        )
