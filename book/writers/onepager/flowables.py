"""The flowables set inside the one-pager's blocks: plain paragraphs and web addresses, the
paragraphs that end with a case study's compendium page (drawn from a form filled in when the
page's file is assembled), list items, and the boxes of the story (the highlights panel, the
ruled pull quote, the hairline between case studies).

Tagged PDF: the flowables carry their structure elements (``pdftags``); boxes, bars and rules are
decoration (artifacts); only their text is marked. On a canvas without a ``Tagger`` nothing of
this changes what is drawn.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from book.pdf.pdfinline import InlineMarkup
from book.pdf.pdfpages import DeferredDrawParagraph, form_name
from book.pdf.pdftags import Node, content
from book.writers.onepager.layout import draw_stack, stack_height


def paragraph(style, ps: ParagraphStyle, text: str, label: str = "", bold: bool = False) -> Paragraph:
    """Plain text (escaped, with glyph fallback), optionally after a bold label, or all bold."""
    markup = InlineMarkup(style, ps.fontName)
    body = markup.text(text)
    if bold:
        body = f"<b>{body}</b>"
    return Paragraph(f"<b>{markup.text(label)}</b> {body}" if label else body, ps)


def display_url(url: str) -> str:
    """A web address as printed: without its scheme (a phone's camera adds it back)."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme):]
    return url


def url_markup(style, ps: ParagraphStyle, url: str, width: float) -> str:
    """A printed web address broken into lines of ``width`` after a '/' or '.', never with a
    hyphen (a hyphen would read as part of the address)."""
    text = display_url(url)
    pieces, start = [], 0
    for n, char in enumerate(text):
        if char in "/." and n + 1 < len(text):
            pieces.append(text[start:n + 1])
            start = n + 1
    pieces.append(text[start:])
    lines, line = [], ""
    for piece in pieces:
        if line and stringWidth(line + piece, ps.fontName, ps.fontSize) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    markup = InlineMarkup(style, ps.fontName)
    return "<br/>".join(markup.text(line, wrap_long=False) for line in lines)


class PageNumberParagraph(DeferredDrawParagraph):
    """A paragraph that ends with a case study's page in the compendium, drawn from a form
    XObject (``number_form``) after the paragraph's text, as content of the paragraph's element."""

    def __init__(self, text, style, case_id: str = "", **kwargs):
        super().__init__(text, style, **kwargs)     # Paragraph.split calls this with frags=...
        self.case_id = case_id

    def draw_noted(self, canvas, x, y, noted):
        for case_id, px, py in noted:
            with content(canvas, getattr(self, "_struct", None)):
                canvas.saveState()
                canvas.translate(x + px, y + py)
                canvas.doForm(number_form(case_id, self.style))
                canvas.restoreState()
            canvas.numbers_drawn.append(NumberForm(number_form(case_id, self.style), case_id, self.style.fontName,
                                                   self.style.fontSize, self.style.textColor.hexval()))


def page_number_paragraph(style, ps: ParagraphStyle, markup_text: str, case_id: str) -> PageNumberParagraph:
    """``markup_text`` then the case study's compendium page, in room kept at the right for four
    digits: the page is laid out and drawn the same whatever page the case study falls on."""
    room = stringWidth(" 0000", ps.fontName, ps.fontSize)
    ps = ParagraphStyle(ps.name, parent=ps, rightIndent=ps.rightIndent + room)
    return PageNumberParagraph(markup_text + f'<onDraw name="notePosition" label="{case_id}"/>', ps, case_id)


@dataclass(frozen=True)
class NumberForm:
    """A form a page draws its case study's page number from: defined when the page is
    assembled, when the number is known."""

    name: str
    case_id: str
    font: str
    size: float
    color: str          # '0x005eb8'


def number_form(case_id: str, ps: ParagraphStyle) -> str:
    return form_name(f"page-of:{case_id}@{ps.fontName}@{ps.fontSize:g}@{ps.textColor.hexval()}")


def marked(canv, node: Node | None, link_texts: dict[str, str] | None = None):
    """``with marked(canv, node):`` canvas drawing that is the content of ``node`` (links made
    inside belong to it); nothing on an untagged canvas or without a node."""
    tagger = getattr(canv, "_tagger", None)
    if tagger is None or node is None:
        return contextlib.nullcontext()
    return tagger.mark(node, link_texts=link_texts)


class BulletItem(Paragraph):
    """A list item's paragraph with its bullet (``bulletText``), drawn exactly as a Paragraph.
    Tagged, its element is the item's LBody (given with ``pdftags.container``, so that it is marked
    here, not around the whole drawing) and the bullet, which ReportLab draws as a text object of
    its own before the text's, is the item's Lbl."""

    def draw(self):
        canv = self.canv
        tagger = getattr(canv, "_tagger", None)
        body = getattr(self, "_struct", None)
        if tagger is None or body is None:
            return super().draw()
        owners = iter([self._label(body)] if self.bulletText else [])
        draw_text = canv.drawText           # the tagger's hook on this canvas

        def draw_marked(text):
            with tagger.mark(next(owners, body)):       # the bullet's text object first, then the text's
                draw_text(text)

        canv.drawText = draw_marked
        try:
            super().draw()
        finally:
            canv.drawText = draw_text

    @staticmethod
    def _label(body: Node) -> Node:
        """The Lbl before the LBody in its LI (a new element of its own when there is no LI)."""
        item = body.parent
        label = Node("Lbl")
        if item is None or item.role != "LI":
            return label
        label.parent = item
        item.kids.insert(item.kids.index(body), label)
        return label


# ------------------------------------------------------------------ boxes inside the story
class Panel(Flowable):
    """Flowables on a tinted box with a rule along its top (the highlights). The box is decoration;
    ``nodes``: the elements of its content, for the section's structure."""

    def __init__(self, content_: list[Flowable], box: ParagraphStyle, space_before: float, nodes: list | None = None):
        super().__init__()
        self.content, self.box, self.nodes = content_, box, nodes or []
        self.padding = box.borderPadding or box.fontSize
        self.spaceBefore = space_before

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = stack_height(self.content, avail_width - 2 * self.padding) + 2 * self.padding
        return self.width, self.height

    def draw(self):
        canv = self.canv
        canv.setFillColor(self.box.backColor)
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.box.borderColor and self.box.borderWidth:
            canv.setFillColor(self.box.borderColor)
            canv.rect(0, self.height - 2 * self.box.borderWidth, self.width, 2 * self.box.borderWidth, stroke=0, fill=1)
        draw_stack(canv, self.content, self.padding, self.height - self.padding, self.width - 2 * self.padding)


class RuledBlock(Flowable):
    """Flowables beside a vertical bar (the pull quote); the text keeps its own left indent. The bar
    is decoration; ``nodes``: the elements of its content."""

    def __init__(self, content_: list[Flowable], color: str, bar_width: float, space_before: float, nodes: list | None = None):
        super().__init__()
        self.content, self.color, self.bar_width = content_, colors.HexColor(color), bar_width
        self.nodes = nodes or []
        self.spaceBefore = space_before

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = stack_height(self.content, avail_width)
        return self.width, self.height

    def draw(self):
        self.canv.setFillColor(self.color)
        self.canv.rect(0, 0, self.bar_width, self.height, stroke=0, fill=1)
        draw_stack(self.canv, self.content, 0, self.height, self.width)


class Rule(Flowable):
    """A hairline across the column between two case studies (decoration)."""

    def __init__(self, color: str, space: float):
        super().__init__()
        self.color, self.spaceBefore, self.spaceAfter = colors.HexColor(color), space, space
        self._keep_with_next = True         # never a rule at the foot of a frame

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, 0.5
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 0.25, self.width, 0.25)
