"""The compendium's own flowables (beyond the blocks of a text: ``pdfblocks``): a zero-size
marker of a place, text set at the foot of a box, a flowable spanning the text and side
columns, the side note, the room a case study's opening needs, the rule between case studies;
and what they and the story need to know of the page: which side it is on, the page templates'
cycles, the height of a part's band.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak
from reportlab.platypus.flowables import Flowable

from book.pdf.pdfblocks import Anchor
from book.pdf.pdftags import Node


class Marker(Flowable):
    """Zero-size: marks a place (a chapter's start, a part's start) for the page map and outline."""

    def __init__(self, *anchors: Anchor):
        super().__init__()
        self._anchors = anchors
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        pass


class BottomAligned(Flowable):
    """Flowables set at the foot of the frame (the imprint), or of a box of a fixed height and
    width (the part's band, ``foot`` above its bottom edge), in reading order."""

    def __init__(self, flowables, height: float | None = None, width: float | None = None, foot: float | None = None):
        super().__init__()
        self.flowables, self.box_height, self.box_width, self.foot = flowables, height, width, foot

    def wrap(self, aw, ah):
        self._sizes = [f.wrap(self.box_width or aw, ah) for f in self.flowables]
        self.width, self.height = aw, self.box_height or ah
        return aw, self.height

    def draw(self):
        last = self.flowables[-1].getSpaceAfter()
        foot = last if self.foot is None else self.foot
        y = foot - last + sum(h + f.getSpaceAfter() for f, (_, h) in zip(self.flowables, self._sizes))
        for f, (_, h) in zip(self.flowables, self._sizes):
            y -= h
            f.drawOn(self.canv, 0, y)
            y -= f.getSpaceAfter()


MM = 72 / 25.4
# a chunk's pages after its first alternate verso, recto, ...: every chunk starts on a recto
BODY_CYCLE = ("body-v", "body-r")
FRONT_CYCLE = ("front-v", "front-r")
INDEX_CYCLE = ("index-v", "index-r")


def on_verso(canv) -> bool:
    """Whether the page being drawn is a left-hand page (its frame says: see ``ChunkDoc``)."""
    doc = getattr(canv, "_doctemplate", None)
    frame = getattr(doc, "frame", None)
    return bool(frame is not None and frame.id.endswith("-v"))


def part_band_height(style) -> float:
    """The part's band, from the head of the page: about 45 mm on A4."""
    return style.page.height * 0.152


class Span(Flowable):
    """A flowable set across the text column and the side column (on the outer edge: to the
    right of the text on a recto, to the left on a verso)."""

    def __init__(self, flowable, extra: float):
        super().__init__()
        self.flowable, self.extra = flowable, extra
        for name in ("_anchors", "_block_id", "_role", "_source", "_what", "_continues", "_words_before"):
            if hasattr(flowable, name):
                setattr(self, name, getattr(flowable, name))
        # its element is its flowable's (adopted by the section), marked as that flowable draws
        self._struct, self._struct_container = getattr(flowable, "_struct", None), True

    def wrap(self, aw, ah):
        self._clear = self._below_side_note()
        w, h = self.flowable.wrap(aw + self.extra, ah - self._clear)
        self.width, self.height = aw, h + self._clear
        return aw, self.height

    def _below_side_note(self) -> float:
        """How far down it must start to pass the side note beside the text above it, if any:
        a side note takes no room in the text column, so the frame does not know it is there."""
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        frame = getattr(doc, "frame", None)
        below = getattr(doc, "side_note_bottom", None)
        if frame is None or below is None or below[0] != doc.page:
            return 0.0
        return max(0.0, frame._y - self.flowable.getSpaceBefore() - below[1])

    def getSpaceBefore(self):
        return self.flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self.flowable.getSpaceAfter()

    def split(self, aw, ah):
        return [Span(piece, self.extra) for piece in self.flowable.split(aw + self.extra, ah)]

    def draw(self):
        self.flowable.drawOn(self.canv, -self.extra if on_verso(self.canv) else 0, 0)


class SideNote(Flowable):
    """Flowables set in the side column, level with what follows in the text column; it takes no
    room in the text column (``RoomFor`` before the case study keeps it on its page)."""

    def __init__(self, flowables, column: float, extra: float):
        super().__init__()
        self.flowables, self.column, self.extra = flowables, column, extra
        self.width = self.height = 0
        self._aw = 0.0
        self._struct, self._struct_container = Node("Aside", flowables), True

    def measure(self, ah: float) -> float:
        self._sizes = [f.wrap(self.column, ah) for f in self.flowables]
        return sum(h + f.getSpaceAfter() for f, (_, h) in zip(self.flowables, self._sizes))

    def wrap(self, aw, ah):
        self._aw = aw
        needed = self.measure(ah)
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        frame = getattr(doc, "frame", None)
        if frame is not None:       # what a spanning flowable that follows must clear (``Span``)
            doc.side_note_bottom = (doc.page, frame._y - needed)
        return 0, 0

    def draw(self):
        # the side column is on the outer edge: right of the text on a recto, left on a verso
        x = -self.extra if on_verso(self.canv) else self._aw + self.extra - self.column
        y = 0
        for f, (_, h) in zip(self.flowables, self._sizes):
            y -= h
            f.drawOn(self.canv, x, y)
            y -= f.getSpaceAfter()


class RoomFor(CondPageBreak):
    """A conditional page break whose height is measured when it is laid out (a case study's
    opening: its kicker and title, its side note, the first lines of its text), never more than
    most of a page (a break at the head of a page would only move it to the next)."""

    def __init__(self, needed):
        super().__init__(0)
        self.needed = needed

    def wrap(self, aw, ah):
        frame = self._doctemplateAttr("frame")
        full = frame._height if frame is not None else ah
        self.height = min(self.needed(aw, full), full * 0.8)
        return super().wrap(aw, ah)


class SeparatorRule(Flowable):
    """The short rule above a case study that runs on after another (none at the head of a page)."""

    def __init__(self, width: float, color: str):
        super().__init__()
        self.rule_width, self.color = width, color
        self.width, self.height = 0, 0

    def wrap(self, aw, ah):
        return aw, 34          # 26 pt above the rule, 8 pt below: it belongs to what follows

    def draw(self):
        from book.pdf.pdftags import artifact

        with artifact(self.canv):
            self.canv.saveState()
            self.canv.setStrokeColor(colors.HexColor(self.color))
            self.canv.setLineWidth(2)
            self.canv.line(0, 8, 36, 8)
            self.canv.restoreState()
