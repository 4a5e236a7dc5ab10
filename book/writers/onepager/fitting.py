"""Copy-fitting: each block of a page fitted to its place in the grid, in the fixed order the
series needs (the opening of the full text shortened, the other case studies' summaries left
out, the type shrunk to its floor, then the style's drop order), each step found by halving.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from reportlab.pdfbase.pdfmetrics import stringWidth

from book.writers.onepager import layout
from book.writers.onepager.blocks import Blocks
from book.writers.onepager.content import FACT_DROPS, STORY_DROPS, CaseContent, Context, PageContent, sentences, without


# ------------------------------------------------------------------ copy-fitting
@dataclass(frozen=True)
class Overflow:
    case_id: str
    line: int | None
    points: float
    body_size: float
    block: str = "story"


@dataclass(frozen=True)
class Fit:
    cases: tuple[CaseContent, ...]
    steps: int = 0                  # the story's type scale
    shown: int = 0                  # other case studies shown with their summaries
    excerpt: int = 0                # sentences of the featured one's full text
    related: int = 0                # other organisations' case studies listed ('Also in this edition')
    title_size: float = 0.0
    facts_size: float = 0.0
    dropped: tuple[tuple[str, str], ...] = ()       # (case study id, element): left out, with a warning
    overflow: Overflow | None = None
    # the flowables the fitting made and measured (``Blocks.memo``): the page is drawn from them
    made: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def listed(self) -> tuple[str, ...]:
        """The case studies listed by title and page only (their summaries left out)."""
        return tuple(c.id for c in self.cases[1 + self.shown:])


def fit_page(page: PageContent, ctx: Context) -> Fit:
    """The page's blocks fitted to the grid: the title area, the facts panel and the story each
    on their own (none of them moves or grows for another)."""
    made: dict = {}
    title_size = fit_title(page, ctx, made)
    facts_size, facts_dropped = fit_facts(page, ctx, made)
    fit = fit_story(page, ctx)
    fit = replace(fit, title_size=title_size or 0.0, facts_size=facts_size or 0.0,
                  dropped=fit.dropped + tuple((page.cases[0].id, e) for e in facts_dropped), made={**made, **fit.made})
    if fit.overflow is None and title_size is None:
        fit = replace(fit, overflow=Overflow(page.cases[0].id, page.cases[0].line, 0, 0, "title"))
    if fit.overflow is None and facts_size is None:
        fit = replace(fit, overflow=Overflow(page.cases[0].id, page.cases[0].line, 0, 0, "facts"))
    return fit


def fit_title(page: PageContent, ctx: Context, memo: dict | None = None) -> float | None:
    """The largest size of the featured title at which it fits the title area."""
    box = ctx.grid.box("title")
    blocks = Blocks(page, ctx, memo=memo)
    sizes = layout.fitted_size(ctx.style, "onepager_title", ctx.style.onepager["min_font_size"])
    return largest(sizes, lambda size: layout.stack_height(blocks.title(page.cases[0], len(page.cases), size), box.width)
                   <= box.height)


def fit_facts(page: PageContent, ctx: Context, memo: dict | None = None) -> tuple[float | None, tuple[str, ...]]:
    """The largest size of the facts at which they fit the panel; if none, the facts of the
    drop order left out until they do."""
    box = ctx.grid.box("facts")
    pad = facts_padding(ctx)
    blocks = Blocks(page, ctx, memo=memo)
    drops = [e for e in ctx.drop_order if e in FACT_DROPS] if ctx.allow_drop else []
    sizes = layout.fitted_size(ctx.style, "onepager_facts", ctx.style.onepager["min_font_size"], grow=2)
    for n in range(len(drops) + 1):
        size = largest(sizes, lambda size: layout.stack_height(blocks.facts(page.cases, size, tuple(drops[:n])),
                                                                box.width - 2 * pad) <= box.height - 2 * pad)
        if size is not None:
            return size, tuple(drops[:n])
    return None, ()


def largest(sizes: list[float], fits) -> float | None:
    """The first of ``sizes`` (largest first) at which ``fits``, by halving (text only gets
    shorter as its type gets smaller); None if not even the last."""
    if fits(sizes[0]):
        return sizes[0]
    if not fits(sizes[-1]):
        return None
    low, high = 1, len(sizes) - 1       # sizes[high] fits
    while low < high:
        middle = (low + high) // 2
        if fits(sizes[middle]):
            high = middle
        else:
            low = middle + 1
    return sizes[high]


def facts_padding(ctx: Context) -> float:
    return ctx.style.paragraph_style("onepager_facts", lang=None).fontSize * 0.9


def fit_story(page: PageContent, ctx: Context) -> Fit:
    """The story in its frames: as many of the other case studies with their summaries as fit at
    the designed size; else the type shrunk; else the drop order; then the opening of the full
    text fills what is left."""
    frames = ctx.grid.story_frames
    others = len(page.cases) - 1

    memos: dict[tuple, dict] = {}
    heights: dict[tuple, float | None] = {}

    def fits(cases, shown: int, steps: int, excerpt: int = 0, related: int = 0) -> float | None:
        arrangement = (cases, shown, steps, excerpt, related)
        if arrangement not in heights:
            memo = memos.setdefault((steps, cases), {})
            flowables, _ = Blocks(page, ctx, steps, memo).story(cases, shown, excerpt, related)
            heights[arrangement] = layout.flow_height(flowables, frames)
        return heights[arrangement]

    cases = page.cases
    max_steps = layout.TypeScale(ctx.style, 0, ctx.lang).max_steps
    found = next(((shown, 0) for shown in range(others, -1, -1) if fits(cases, shown, 0) is not None), None)
    if found is None:
        found = smallest_steps(lambda steps: fits(cases, 0, steps) is not None, max_steps)
        found = None if found is None else (0, found)
    dropped = []
    drops = [e for e in ctx.drop_order if e in STORY_DROPS] if ctx.allow_drop else []
    for element in drops:
        if found is not None:
            break
        if not getattr(cases[0], element):
            continue
        cases = (without(cases[0], element),) + cases[1:]
        dropped.append((cases[0].id, element))
        steps = smallest_steps(lambda steps: fits(cases, 0, steps) is not None, max_steps)
        found = None if steps is None else (0, steps)
    if found is None:
        flowables, _ = Blocks(page, ctx, max_steps).story(cases, 0, 0)
        over = layout.stack_height(flowables, frames[0].width) - sum(f.height for f in frames)
        scale = layout.TypeScale(ctx.style, max_steps, ctx.lang)
        return Fit(cases, max_steps, dropped=tuple(dropped),
                   overflow=Overflow(cases[0].id, cases[0].line, max(over, 1.0), scale.body_size))
    shown, steps = found
    # Where the frames are all of one width, the story is drawn from the flowables its fit
    # measured, and the guess at how many entries 'Also in this edition' holds measures them too.
    # (Across widths, a paragraph of several fragments is broken at the second from the word list
    # the first left: measured in another order, its word spacing could differ in the last decimal.)
    same_width = len({frame.width for frame in frames}) == 1
    # (smallest_steps gives 1 where the style has no step to shrink by: the type of 0, not tried at 1)
    memo = memos.setdefault((steps, cases), {})
    blocks, room, width = Blocks(page, ctx, steps, memo), sum(frame.height for frame in frames), frames[0].width
    # the opening of the full text, as many sentences as the frames still hold
    excerpt = most(lambda n: fits(cases, shown, steps, n) is not None, len(sentences(cases[0].excerpt)),
                   guess=sentences_held(blocks, cases[0], room - fits(cases, shown, steps), width))
    # then other organisations' case studies, when the text runs out before the room does
    related = most(lambda n: fits(cases, shown, steps, excerpt, n) is not None, len(page.related),
                   guess=entries_held(blocks, room - fits(cases, shown, steps, excerpt), width) if same_width else 1)
    return Fit(cases, steps, shown, excerpt, related, dropped=tuple(dropped),
               made=memo if same_width else {})


def most(fits, limit: int, guess: int = 1) -> int:
    """The largest n <= limit with ``fits(n)`` (``fits(0)`` holds; more only gets longer): from
    ``guess``, by steps doubling away from it, then halving. A good guess costs two tries (it
    fits, one more does not); a bad one, a few more than halving from nothing would."""
    if limit < 1:
        return 0
    low, high = 0, limit            # fits(low); nothing over high fits
    first, step = min(max(guess, 1), limit), 1
    if fits(first):
        low = first
        while low < high:
            n = min(low + step, high)
            if not fits(n):
                high = n - 1
                break
            low, step = n, step * 2
    else:
        high = first - 1
        while low < high:
            n = max(high + 1 - step, low + 1)
            if fits(n):
                low = n
                break
            high, step = n - 1, step * 2
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def sentences_held(blocks: Blocks, case: CaseContent, room: float, width: float) -> int:
    """About how many sentences of the case study's full text ``room`` holds, by the width of
    their words: where ``most`` starts (it finds the number itself)."""
    body = blocks.ts("onepager_body")
    heading = blocks.ts("onepager_heading")
    room -= heading.spaceBefore + heading.leading + heading.spaceAfter
    done, paragraph, line = 0.0, None, 0.0        # the height of the paragraphs before this one; its words' width
    for n, (number, sentence) in enumerate(sentences(case.excerpt)):
        if number != paragraph:
            done += math.ceil(line / width) * body.leading + body.spaceBefore + body.spaceAfter if line else 0.0
            paragraph, line = number, 0.0
        line += stringWidth(sentence + " ", body.fontName, body.fontSize) * 1.05     # what line ends leave
        if done + math.ceil(line / width) * body.leading + body.spaceBefore > room:
            return n
    return len(sentences(case.excerpt))


def entries_held(blocks: Blocks, room: float, width: float) -> int:
    """About how many of the other organisations' case studies ``room`` holds, each measured
    (the tries that follow use them): where ``most`` starts."""
    rule, heading = blocks.also_head()
    room -= sum(f.getSpaceBefore() + layout.measured_height(f, width) + f.getSpaceAfter() for f in (rule, heading))
    for n, item in enumerate(blocks.page.related):
        entry = blocks.also_entry(*item)
        room -= entry.getSpaceBefore() + layout.measured_height(entry, width) + entry.getSpaceAfter()
        if room < 0:
            return n
    return len(blocks.page.related)


def smallest_steps(fits, max_steps: int) -> int | None:
    """The fewest shrink steps at which ``fits(steps)``, by binary search (text only gets
    shorter as the type gets smaller); None if not even at the floor."""
    if not fits(max_steps):
        return None
    low, high = 1, max_steps
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low
