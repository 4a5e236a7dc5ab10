"""What is drawn on the compendium's pages around the text: cover, part openers, running heads,
folios, and the deferred page numbers of the contents and indexes."""
from __future__ import annotations

import contextlib

import hashlib
import re
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from book.pdf.pdfinline import clean
from book.pdf.pdfpage import Sketch
from book.pdf.pdftags import artifact, content

PAGE_REF_WIDTH = 28       # room kept at the right of a contents line for its page number
NO_LEADERS = "!"          # after a page reference's style name: its line has no dotted leaders
LEADER_GAP = 5


def ref_slot(font: str, size: float) -> float:
    """Room for one page number (up to three digits) and the comma that may follow it."""
    return stringWidth("000,", font, size) + 4


def form_name(key: str) -> str:
    """A PDF name for a key's page-number form: one per key (each other character spelt out; a
    long key, as an index line's several, by its hash, since a PDF name has at most 127 bytes)."""
    name = "pg_" + re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group()):x}_", key)
    return name if len(name) <= 100 else "pg_h" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class PageInfo:
    """What a typeset page needs around its text, once its place in the book is known."""

    kind: str               # its page template: cover, front, part, body or index
    running_head: str       # the organisation (or 'Index') a recto page names
    suppressed: bool        # no running head: the first page of a case study or index


class PageDecorator:
    """Backgrounds (cover, part openers: drawn while typesetting), running heads and folios
    (drawn when the pages are assembled, when each page's number and side are known), and
    the deferred page numbers of the contents and indexes."""

    def __init__(self, style, edition, print_marks=None, *, part_band: float):
        self.style = style
        self.part_band = part_band      # a part's band, from the head of the page (the writer's measure)
        self.edition = edition
        self.print_marks = print_marks
        page = style.page
        self.pagesize = (page.width, page.height)
        self.left, self.right = page.margin_inner, page.margin_outer
        self.top, self.bottom = page.margin_top, page.margin_bottom
        self.page_refs: set[str] = set()       # keys whose page numbers were drawn
        self.drawn: dict[str, set[str]] = {}    # font -> the characters drawn in it by ``_text``

    # ---------------------------------------------------------------- helpers
    def _color(self, name: str):
        return colors.HexColor(self.style.color(name))

    def _bleed(self) -> float:
        return self.print_marks.bleed if self.print_marks else 0.0

    def _fill_page(self, canv, color_name: str):
        b = self._bleed()
        canv.setFillColor(self._color(color_name))
        canv.rect(-b, -b, self.pagesize[0] + 2 * b, self.pagesize[1] + 2 * b, stroke=0, fill=1)

    def _font(self, style_name: str):
        ps = self.style.paragraph_style(style_name)
        return ps.fontName, ps.fontSize, ps.textColor

    def _text(self, canv, style_name: str, x: float, y: float, text: str, align: str = "left", color=None):
        """One line of text; characters the style's font lacks drawn in the fallback font."""
        font, size, color_default = self._font(style_name)
        canv.setFillColor(color or color_default)
        runs = [(run, fallback or font) for run, fallback in self.style.fonts.split_by_font(clean(text), font)]
        width = sum(stringWidth(run, name, size) for run, name in runs)
        x -= {"left": 0, "right": width, "centre": width / 2}[align]
        for run, name in runs:
            canv.setFont(name, size)
            canv.drawString(x, y, run)
            x += stringWidth(run, name, size)
            self.drawn.setdefault(name, set()).update(run)

    # ---------------------------------------------------------------- cover and openers (while typesetting)
    def cover(self, canv, doc):
        canv.saveState()
        self._fill_page(canv, "nhs-blue")
        w, h = self.pagesize
        # a band of dark blue across the foot: the NHS identity without external artwork
        canv.setFillColor(self._color("nhs-dark-blue"))
        b = self._bleed()
        canv.rect(-b, -b, w + 2 * b, h * 0.22 + b, stroke=0, fill=1)
        image = self.edition.cover_image
        if image is not None:
            canv.drawImage(str(image.path), 0, h * 0.22, width=w, height=h * 0.78, preserveAspectRatio=True, anchor="n", mask="auto")
        canv.restoreState()

    def part(self, canv, doc):
        """A part's first page: a band of the part's colour across its head (into the bleed), or
        the whole page when the style gives parts pages of their own."""
        canv.saveState()
        w, h = self.pagesize
        b = self._bleed()
        if self.style.page.part_pages:
            self._fill_page(canv, "nhs-dark-blue")
            canv.setFillColor(self._color("nhs-blue"))
            canv.rect(0, h * 0.62, w * 0.09, h * 0.2, stroke=0, fill=1)
        else:
            band = self.part_band
            canv.setFillColor(self._color("nhs-dark-blue"))
            canv.rect(-b, h - band, w + 2 * b, band + b, stroke=0, fill=1)
            canv.setFillColor(self._color("nhs-warm-yellow"))
            canv.rect(-b, h - band, w + 2 * b, 3, stroke=0, fill=1)
        canv.restoreState()

    # ---------------------------------------------------------------- running heads and folios (when assembled)
    def overlay(self, canv, info: PageInfo, page: int, label: str, verso: bool) -> None:
        """What goes around the text of page ``page`` (0-based), whose printed number is ``label``."""
        if info.kind == "front" and page > 0:      # the cover has no folio
            with pagination(canv, "Footer", self):
                self._folio(canv, label, verso, with_edition=True)
        elif info.kind in ("body", "index", "part"):
            if not info.suppressed:
                with pagination(canv, "Header", self):
                    self._running_head(canv, info.running_head, verso)
            with pagination(canv, "Footer", self):
                self._folio(canv, label, verso, with_edition=not info.suppressed)

    def decorated(self, info: PageInfo, page: int) -> bool:
        return (info.kind == "front" and page > 0) or info.kind in ("body", "index", "part")

    def type_area(self, verso: bool) -> tuple[float, float]:
        """The left and right edges of a page's type area: the inner margin is at the spine, on
        the right of a left-hand page and on the left of a right-hand one."""
        w = self.pagesize[0]
        return (self.right, w - self.left) if verso else (self.left, w - self.right)

    def _running_head(self, canv, running_head: str, verso: bool) -> None:
        canv.saveState()
        w, h = self.pagesize
        y = h - self.top + 18
        left, right = self.type_area(verso)
        text = self.edition.title if verso else running_head
        self._text(canv, "running_head", left if verso else right, y,
                   _fit(text, self._font("running_head"), right - left, self.style.fonts), "left" if verso else "right")
        canv.setStrokeColor(self._color("nhs-pale-grey"))
        canv.setLineWidth(0.6)
        canv.line(left, y - 6, right, y - 6)
        canv.restoreState()

    def _folio(self, canv, label: str, verso: bool, with_edition: bool) -> None:
        canv.saveState()
        y = self.bottom - 28
        left, right = self.type_area(verso)
        # the folio on the outer edge, where a thumb finds it, and the edition's name beside it
        self._text(canv, "footer", left if verso else right, y, label, "left" if verso else "right")
        if with_edition:
            gap = stringWidth(label + "    ", *self._font("footer")[:2])
            self._text(canv, "footer", left + gap if verso else right - gap, y,
                       f"{self.edition.publisher} \u00b7 {self.edition.edition}", "left" if verso else "right")
        canv.restoreState()

    # ---------------------------------------------------------------- deferred page numbers
    def draw_pending(self, canv, label: str, x: float, y: float, element=None):
        """Leaders (decoration) and page numbers (content of ``element``, the line's element)."""
        width_text, style_name, ref = label.split("|", 2)     # ref: the keys whose pages it gives, joined by ';'
        width = float(width_text)
        leaders = not style_name.endswith(NO_LEADERS)
        style_name = style_name.removesuffix(NO_LEADERS)
        font, size, _ = self._font(style_name)
        slots = ref_slot(font, size) * (ref.count(";") + 1)     # the room kept for the numbers
        canv.saveState()
        canv.setFont(font, size)
        canv.setFillColor(self._color("nhs-dark-grey"))
        # one run of dots on a fixed grid: they line up down the page and extract as one word
        step = 4.5
        dot_x = (int((x + LEADER_GAP) / step) + 1) * step
        count = int((width - slots - LEADER_GAP - dot_x) / step) if leaders else 0
        if count > 0:
            with artifact(canv):
                text = canv.beginText(dot_x, y)
                text.setFont(font, size)
                text.setCharSpace(step - stringWidth(".", font, size))
                text.textOut("." * count)
                text.setCharSpace(0)   # character spacing is graphics state: it would stretch the numbers too
                canv.drawText(text)
        # the line's numbers as one form, set right-aligned as one string ('2, 3, 18'), so that
        # they are spaced as text is, whatever their widths
        self.page_refs.add(ref)
        with content(canv, element):
            spoken_separator(canv, font, size, width - slots, y, "pages" if ";" in ref else "page")
            canv.saveState()
            canv.translate(width, y)
            canv.doForm(form_name(ref))
            canv.restoreState()
        canv.restoreState()

    def page_ref_forms(self, labels: dict[str, str]):
        """(name, content, bounding box, fonts) of the form that draws the page numbers of each
        reference in ``labels`` (its keys joined by ';' -> the printed numbers, '2, 3, 18')."""
        font, size, color = self._font("toc_entry")
        sketch = Sketch(font)

        def numbers(ref):
            def draw(canv):
                canv.setFont(font, size)
                canv.setFillColor(color)
                canv.drawRightString(0, 0, labels[ref])
            return draw

        forms = [(ref, form_name(ref), sketch.ops(numbers(ref))) for ref in sorted(labels)]
        fonts = sketch.fonts()
        return [(name, ops, (-max(PAGE_REF_WIDTH, stringWidth(labels[ref], font, size) + 2), -size * 0.3, 2, size), fonts)
                for ref, name, ops in forms]


@contextlib.contextmanager
def pagination(canv, subtype: str, decorator=None):
    """A running head or foot as the artifact it is (PDF 14.8.2.2.2): a pagination artifact of
    subtype Header or Footer, which assistive technology can skip on every page (on a tagged
    page: ``decorator.paginate``)."""
    if not getattr(decorator, "paginate", True):
        yield
        return
    canv._code.append(f"/Artifact <</Type /Pagination /Subtype /{subtype}>> BDC")
    try:
        yield
    finally:
        canv._code.append("EMC")


def spoken_separator(canv, font: str, size: float, x: float, y: float, word: str) -> None:
    """", page " before a contents or index line's page numbers, as invisible text (render mode
    3, squeezed to nothing): the page shows the leaders, the tags read "Part 1 · London, page 7"
    rather than "London7"."""
    text = canv.beginText(x, y)
    text.setFont(font, size)
    text.setTextRenderMode(3)
    text.setHorizScale(1)
    text.textOut(f", {word} ")
    text.setHorizScale(100)
    text.setTextRenderMode(0)
    canv.drawText(text)


def _fit(text: str, font, max_width: float, fonts) -> str:
    """A running head never runs past its line: shorten it with an ellipsis."""
    name, size, _ = font

    def width(t: str) -> float:
        return sum(stringWidth(run, fallback or name, size) for run, fallback in fonts.split_by_font(t, name))

    if width(text) <= max_width:
        return text
    while text and width(text + "\u2026") > max_width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def note_position(canv, kind, label):
    """The onDraw callback of a ``DeferredDrawParagraph``. ReportLab calls it before the line's
    text is emitted, so only the place is noted here."""
    info = canv._curr_tx_info
    canv._pending_draws.append((label, info["cur_x"], info["cur_y"]))


class DeferredDrawParagraph(Paragraph):
    """A paragraph with something drawn after its text at each place its markup notes
    (``<onDraw name="notePosition" label="..."/>``). Drawn after the paragraph has drawn itself,
    not inside it: the content stream stays in reading order, and on a tagged canvas what is
    drawn is marked as content of the paragraph's element (or as an artifact), with every
    marked-content sequence nested properly in the q/Q of the drawing."""

    def drawOn(self, canvas, x, y, _sW=0):
        canvas.notePosition, canvas._pending_draws = note_position, []
        super().drawOn(canvas, x, y, _sW)
        noted, canvas._pending_draws = canvas._pending_draws, []
        if noted:
            self.draw_noted(canvas, self._hAlignAdjust(x, _sW), y, noted)

    def draw_noted(self, canvas, x: float, y: float, noted: list[tuple[str, float, float]]) -> None:
        """Draw what goes at each noted (label, x, y), those relative to the paragraph's (x, y)."""
        raise NotImplementedError


class PageRefParagraph(DeferredDrawParagraph):
    """A contents or index line: its text, then dotted leaders and the deferred page number(s)."""

    def __init__(self, text, style, decorator=None, **kwargs):
        super().__init__(text, style, **kwargs)   # Paragraph.split calls this with frags=...
        self._decorator = decorator

    def draw_noted(self, canvas, x, y, noted):
        canvas.saveState()
        canvas.translate(x, y)
        for label, px, py in noted:
            self._decorator.draw_pending(canvas, label, px, py, getattr(self, "_struct", None))
        canvas.restoreState()

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part._decorator = self._decorator
        return parts
