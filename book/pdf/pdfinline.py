"""Inline nodes -> ReportLab paragraph markup, every text node escaped.

ReportLab's paragraph markup is XML-like: an unescaped ``&``, ``<`` or ``>`` silently corrupts or
drops words, so markup is only ever built here, from the model, never from source text.
Characters the body font lacks are wrapped in the fallback font the style declares (code too,
in the mono font). An image with a usable file is set inline, scaled to fit; only links to web,
mail and phone addresses and to places in the book become links.
"""
from __future__ import annotations

import re

from reportlab.pdfbase import pdfmetrics

from book.core.textutil import xml_escape
from book.document import ast
from book.document import maths
from book.document.images import SVG_MIME
from book.pdf.shaping import needs_shaping, shape_run

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_TAGS = {
    ast.Emph: "i",
    ast.Strong: "b",
    ast.Underline: "u",
    ast.Strikeout: "strike",
    ast.Superscript: "super",
    ast.Subscript: "sub",
}


# what a PDF link may point at (as the model's sanitiser): nothing that runs code or opens files
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
INLINE_IMAGE_LINES = 4      # an image in running text is at most this many lines high


def safe_url(url: str) -> bool:
    compact = re.sub(r"[\x00-\x20\x7f]", "", url)
    return compact.startswith("#") or compact.lower().startswith(SAFE_SCHEMES)


_LONG_WORD = re.compile(r"[^\s/]{31,}")
_LONG_TOKEN = re.compile(r"\S*[^\s/]{31,}\S*")
SOFT_HYPHEN = "\u00ad"


def breakable(text: str) -> str:
    """Offer a soft hyphen every 12 characters inside words longer than 30 characters.

    ReportLab can split an over-long word, but after hyphenating its first piece it lets the rest
    run past the margin; explicit break points keep every piece inside the measure. Not in a web
    or e-mail address: it breaks after its own / . - @, with no hyphen (``linebreak``).
    """
    if max(map(len, text.split()), default=0) <= 30:
        return text     # no word that long (nearly every text): the token search would find none, slowly
    return _LONG_TOKEN.sub(_soft_hyphens, text)


def _soft_hyphens(match) -> str:
    from book.pdf.linebreak import url_break_pairs

    token = match.group(0)
    if url_break_pairs(token.strip("\"'()[]<>.,;:!?\u2018\u2019\u201c\u201d")) is not None:
        return token
    return _LONG_WORD.sub(lambda m: SOFT_HYPHEN.join(m.group(0)[i:i + 12] for i in range(0, len(m.group(0)), 12)), token)


def clean(text: str) -> str:
    """Control characters have no glyph and no meaning on a page: drop them."""
    return _CONTROL.sub("", text)


def escape(text: str) -> str:
    return xml_escape(clean(text), quote=True)


_DRAWABLE: dict[str, set[str]] = {}   # font name -> characters known to have a glyph in it
_UNKNOWN: dict[str, re.Pattern] = {}  # font name -> any character not (yet) in its _DRAWABLE


# The characters nearly every text brings (ASCII, Latin-1, Latin Extended-A, the typographer's
# dashes, quotes and ellipsis, the euro): looked up in each font before the first text (``know_common``)
COMMON = "".join(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2027), 0x20AC]))


def know_common(fonts, font_names) -> None:
    """Which of ``COMMON`` each font draws, found once, before the workers are forked: found as
    texts brought them, each text with a character not seen before compiled the font's test again
    (thirty times in a build's first chapter, in each worker)."""
    for font_name in font_names:
        _learn(fonts, font_name, set(COMMON) - _DRAWABLE.get(font_name, set()))


def _all_drawable(fonts, font_name: str, text: str) -> bool:
    unknown = _UNKNOWN.get(font_name)
    if unknown is not None and unknown.search(text) is None:
        return True         # (one search, where taking the text's set of characters cost twice as much)
    new = set(text) - _DRAWABLE.get(font_name, set())
    return not new or _learn(fonts, font_name, new) == new


def _learn(fonts, font_name: str, chars: set[str]) -> set[str]:
    """Those of ``chars`` the font draws, known from now on."""
    ok = {c for c in chars if c.isspace() or fonts.has_glyph(font_name, c)}
    if ok:
        known = _DRAWABLE.setdefault(font_name, set())
        known |= ok
        _UNKNOWN[font_name] = re.compile("[^" + "".join(re.escape(c) for c in sorted(known)) + "]")
    return ok


def _shaped(text: str, font_name: str) -> str:
    """Words of a complex script (Arabic, Bengali...) as their shaped glyphs (``shaping``)."""
    if not needs_shaping(text):
        return text
    try:
        face = pdfmetrics.getFont(font_name).face
    except KeyError:
        return text
    return shape_run(text, face)


class InlineMarkup:
    """Renders inlines for one font (the paragraph style's), with the style's glyph fallback.

    ``images`` (src -> ImageInfo) lets images with a usable file be set inline, at most
    ``image_box`` (width, height) in points; ``has_images`` then tells that the paragraph needs
    ``autoLeading`` for lines as tall as their images."""

    def __init__(self, style, font_name: str, link_color: str = "#005EB8", images=None, image_box=None):
        self.style = style
        self.font_name = font_name
        self.link_color = link_color
        self.images = images or {}
        self.image_box = image_box
        self.has_images = False

    def text(self, text: str, font_name: str | None = None, wrap_long: bool = True) -> str:
        """Escaped text, with runs the font (``font_name``, else the paragraph's) cannot draw set in
        the fallback font. ``wrap_long``: offer break points in over-long words (not in code)."""
        font_name = font_name or self.font_name
        text = clean(text)
        if wrap_long:
            text = breakable(text)
        if _all_drawable(self.style.fonts, font_name, text):
            shaped = _shaped(text, font_name)
            # (cleaned already, unless shaping gave other characters)
            return xml_escape(shaped, quote=True) if shaped is text else escape(shaped)
        out = []
        for run, fallback in self.style.fonts.split_by_font(text, font_name):
            piece = escape(_shaped(run, fallback or font_name))
            out.append(f'<font name="{fallback}">{piece}</font>' if fallback else piece)
        return "".join(out)

    def render(self, inlines: list[ast.Inline]) -> str:
        # runs of plain words are escaped and checked against the font as one string
        return "".join(self.text(run) if isinstance(run, str) else self.inline(run) for run in ast.word_runs(inlines))

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
            return self.code(node.text)
        if isinstance(node, ast.Math):
            return maths.markup(node.text, self.text)     # a displayed formula alone is drawn (pdfblocks)
        if isinstance(node, ast.Quoted):
            open_, close = ("\u201c", "\u201d") if node.double else ("\u2018", "\u2019")
            return open_ + self.render(node.content) + close
        if isinstance(node, ast.Link):
            return self.link(node)
        if isinstance(node, ast.Note):
            return self.note_ref(node)
        if isinstance(node, ast.Image):
            return self.image(node)
        if isinstance(node, ast.SmallCaps):
            return self.render(node.content)
        if isinstance(node, ast.Container) or isinstance(node, ast.Span):
            return self.render(node.content)
        return self.text(ast.stringify([node]))  # an unknown inline still keeps its words

    def code(self, text: str) -> str:
        """Code in the mono font; characters it lacks in the fallback font."""
        mono = self.style.fonts.font_name("mono")
        return f'<font name="{mono}">{self.text(text, mono, wrap_long=False)}</font>'

    def image(self, node: ast.Image) -> str:
        """The image itself, scaled to fit the line box, then its alt text (in italics): the alt
        text keeps the sentence whole for readers who cannot see it, and is all that is printed
        when there is no file to show."""
        alt = f"<i>{self.text(node.alt)}</i>" if node.alt else ""
        info = self.images.get(node.src) if node.src else None
        if info is None or not self.image_box or not info.width or not info.height or info.mime == SVG_MIME:
            return alt      # a paragraph's line can hold only pixels: an SVG within text is named by its alt text
        max_w, max_h = self.image_box
        natural_w = info.width * 72.0 / (info.dpi or 150)
        natural_h = natural_w * info.height / info.width
        scale = min(1.0, max_w / natural_w, max_h / natural_h)
        self.has_images = True
        width = natural_w * scale
        img = f'<img src="{escape(str(info.path))}" width="{width:.2f}" height="{natural_h * scale:.2f}" valign="top"/>'
        if not alt:
            return img
        # under a wide image (ReportLab would let the word after it run past the line's end)
        return img + ("<br/>" if width > max_w / 2 else " ") + alt

    def link(self, node: ast.Link) -> str:
        if not node.url or not safe_url(node.url):
            return self.render(node.content)   # a link whose target was dropped keeps its words
        href = escape(node.url)
        return f'<a href="{href}" color="{self.link_color}"><u>{self.render(node.content)}</u></a>'

    def note_ref(self, note: ast.Note) -> str:
        # a named destination at the reference (the endnote links back here) and a link to the note
        return (
            f'<a name="ref-{note.id}"/><super><a href="#{note.id}" color="{self.link_color}">{note.number}</a></super>'
        )
