"""The one-pager's grid, and how flowables are measured and poured into its blocks.

The grid is the style's (``onepager.blocks``): the band across the top, the footer on the bottom
margin, and between them fixed blocks (the title area, the story, the facts panel, the QR code).
Every block sits at the same place, at the same size, on every page of the series; what is in it
is fitted to it, never the other way round.

Everything here measures before it draws: a block's height comes from ``wrap()`` at the width it
is drawn at, so the copy-fitting (``fitting``) decides with the same numbers the page is drawn
with. Nothing is clipped: text that does not fit is shortened by the copy-fitting, which says
what it left out. The type at each copy-fitting step (``TypeScale``) is here too.

The flowables set in the blocks are in ``flowables``; the band, footer, panel and QR code, drawn
straight on the canvas, in ``furniture``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

TALL = 100_000           # "as much height as you like" when measuring


# ------------------------------------------------------------------ the grid
@dataclass(frozen=True)
class Box:
    """A block of the grid, in points, origin at the bottom left of the trimmed page."""

    name: str
    page: int           # 1-based
    x: float
    y: float            # its bottom
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Grid:
    """Where everything sits on the trimmed page (points). The band and the footer are on every
    page; the blocks where the style puts them."""

    width: float
    height: float
    pages: int
    margin_left: float
    margin_right: float
    margin_bottom: float
    band_height: float
    footer_height: float
    gutter: float
    name_lines: int
    qr_size: float
    boxes: tuple[Box, ...]

    @classmethod
    def from_style(cls, style) -> "Grid":
        s, m = style.onepager, style.onepager["margins"]
        width, height = s.get("size") or (style.page.width, style.page.height)
        boxes = tuple(Box(name, b["page"], b["x"], height - b["y"] - b["height"], b["width"], b["height"])
                      for name, b in s["blocks"].items())
        return cls(width, height, s["pages"], m["left"], m["right"], m["bottom"], s["band_height"], s["footer_height"],
                   s["gutter"], s["name_lines"], s["qr_size"], boxes)

    def box(self, name: str) -> Box | None:
        return next((b for b in self.boxes if b.name == name), None)

    @property
    def story_frames(self) -> list[Box]:
        """Where the story flows: its block, then (on a second page) its continuation."""
        return [b for b in (self.box("story"), self.box("more")) if b is not None]

    @property
    def text_boxes(self) -> list[Box]:
        """The grid's text area: the blocks that hold the page's words (the title area, the story
        and its continuation, the facts panel). The band, the QR block and the footer are not in it."""
        return [b for b in self.boxes if b.name in ("title", "story", "more", "facts")]

    @property
    def text_width(self) -> float:
        return self.width - self.margin_left - self.margin_right

    @property
    def band_bottom(self) -> float:
        return self.height - self.band_height

    @property
    def footer_top(self) -> float:
        return self.margin_bottom + self.footer_height


# ------------------------------------------------------------------ stacks of flowables
def stack_height(flowables: list[Flowable], width: float) -> float:
    """Height of flowables set one under another (no space before the first or after the last)."""
    total = 0.0
    for n, f in enumerate(flowables):
        total += measured_height(f, width) + (f.getSpaceBefore() if n else 0)
        total += f.getSpaceAfter() if n < len(flowables) - 1 else 0
    return total


def measured_height(flowable: Flowable, width: float) -> float:
    """A flowable's height at ``width``, measured once: copy-fitting asks for the same block at
    the same width many times. Drawing always wraps again, so the flowable is drawn as wrapped
    for its place."""
    heights = flowable.__dict__.setdefault("_heights", {})
    height = heights.get(width)
    if height is None:
        height = heights[width] = flowable.wrap(width, TALL)[1]
    return height


def draw_stack(canv, flowables: list[Flowable], x: float, top: float, width: float) -> float:
    """Flowables one under another from ``top``; returns where the last one ends."""
    y = top
    for n, f in enumerate(flowables):
        y -= f.wrap(width, TALL)[1] + (f.getSpaceBefore() if n else 0)
        f.drawOn(canv, x, y)
        if n < len(flowables) - 1:
            y -= f.getSpaceAfter()
    return y


def keep_with_next(flowable: Flowable) -> Flowable:
    """Mark a flowable (a heading, a rule over a heading) to stand in the same frame as the one
    after it: a heading never ends a frame alone."""
    flowable._keep_with_next = True
    return flowable


def flow(flowables: list[Flowable], frames: list[Box]) -> list[list[Flowable]] | None:
    """The flowables poured into the frames in order, whole (a flowable that does not fit what is
    left of a frame starts the next one, and so does one kept with the next when the two do not
    fit together); None when they do not all fit."""
    placed: list[list[Flowable]] = [[] for _ in frames]
    frame, used = 0, 0.0
    for n, f in enumerate(flowables):
        while frame < len(frames):
            width, room = frames[frame].width, frames[frame].height
            gap = (placed[frame][-1].getSpaceAfter() + f.getSpaceBefore()) if placed[frame] else 0.0
            height = measured_height(f, width)
            kept = kept_height(flowables, n, width)
            fits_here = used + gap + height + kept <= room + 0.01
            if fits_here or (not placed[frame] and used + gap + height <= room + 0.01):
                placed[frame].append(f)
                used += gap + height
                break
            frame, used = frame + 1, 0.0
        else:
            return None
    return placed


def kept_height(flowables: list[Flowable], n: int, width: float) -> float:
    """The height the flowables after the n-th that it is kept with need beside it."""
    total, previous = 0.0, flowables[n]
    for f in flowables[n + 1:]:
        if not getattr(previous, "_keep_with_next", False):
            break
        total += previous.getSpaceAfter() + f.getSpaceBefore() + measured_height(f, width)
        previous = f
    return total


def flow_height(flowables: list[Flowable], frames: list[Box]) -> float | None:
    """How far down the last frame used the flowables reach (None: they do not fit)."""
    placed = flow(flowables, frames)
    if placed is None:
        return None
    last = max((n for n, column in enumerate(placed) if column), default=0)
    return sum(f.height for f in frames[:last]) + stack_height(placed[last], frames[last].width)


# ------------------------------------------------------------------ type at a copy-fitting step
class TypeScale:
    """The house paragraph styles at one copy-fitting step: each ``steps`` x ``shrink_step``
    smaller than designed, never below the legible floor (styles designed smaller keep their
    size). Leading and spacing shrink in proportion, so the rhythm of the page stays."""

    def __init__(self, style, steps: int, lang: str):
        self.style, self.lang = style, lang
        self.step = float(style.onepager["shrink_step"])
        self.floor = float(style.onepager["min_font_size"])
        self.base = style.paragraph_style("onepager_body").fontSize
        self.steps = max(0, min(steps, self.max_steps))

    @property
    def max_steps(self) -> int:
        return max(0, math.ceil((self.base - self.floor) / self.step - 1e-9))

    @property
    def body_size(self) -> float:
        return self.size(self.base)

    def size(self, designed: float) -> float:
        return designed if designed <= self.floor else max(self.floor, designed - self.steps * self.step)

    def __call__(self, name: str, **overrides) -> ParagraphStyle:
        # shared by every page set at this step (never changed: a paragraph that needs another
        # style makes one from it)
        key = (self.style.fingerprint(), name, self.steps, self.lang, tuple(sorted(overrides.items())))
        found = _SCALED.get(key)
        if found is None:
            found = _SCALED[key] = scaled(self.style, name, self.size, self.lang, **overrides)
        return found


_SCALED: dict[tuple, ParagraphStyle] = {}


def house_style(style, name: str, lang: str | None = None, **overrides) -> ParagraphStyle:
    """``style.paragraph_style(name, lang=lang, **overrides)``, made once per process and shared
    by every page (never changed, as above)."""
    key = ("house", style.fingerprint(), name, lang, tuple(sorted(overrides.items())))
    found = _SCALED.get(key)
    if found is None:
        found = _SCALED[key] = style.paragraph_style(name, lang=lang, **overrides)
    return found


def scaled(style, name: str, size_for, lang: str | None, **overrides) -> ParagraphStyle:
    """A fresh copy of a house style at the size ``size_for`` gives its designed size."""
    designed = style.paragraph_style(name, lang=lang)
    size = size_for(designed.fontSize)
    ratio = size / designed.fontSize
    keys = ("leading", "spaceBefore", "spaceAfter", "leftIndent", "bulletIndent", "bulletFontSize")
    # the house style's hyphenator already breaks "under-resourced" after its own hyphen
    return style.paragraph_style(name, lang=lang, **{"fontSize": size, **{k: getattr(designed, k) * ratio for k in keys}, **overrides})


def fitted_size(style, name: str, floor: float, grow: float = 0.0) -> list[float]:
    """The sizes a block's type may take, largest first: ``grow`` points over the designed size
    (a block with little in it sets it larger), then down by the style's step to ``floor`` (a
    style designed smaller keeps its size)."""
    designed = style.paragraph_style(name, lang=None).fontSize
    step = float(style.onepager["shrink_step"])
    sizes, size = [designed + grow], designed + grow
    while size - step >= floor - 1e-9:
        size -= step
        sizes.append(round(size, 4))
    return sizes
