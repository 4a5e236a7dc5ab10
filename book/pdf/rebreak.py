"""One paragraph's lines checked against the house limits and broken again where they break them
(see ``linebreak``, which runs this for every paragraph a style gives limits to).

ReportLab's breaker is run under ``_Rules`` (hyphens refused, lines narrowed or widened, names
that may be hyphenated), each run an ``_Attempt`` whose faults are found line by line and cured
in the order a typographer tries: a run of hyphens by refusing one of them, a loose line by
hyphenating a name, shrinking its spaces, or narrowing the line above; what nothing cures is
set ragged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.platypus import paragraph

_HYPHEN_END = re.compile(r"[^\W\d_]-$")
# faults fixed in one paragraph by trying several cures (a few breaks each), then by the cheapest
# cure (one break for a run, none for a loose line), then no more: bounds a long paragraph in a
# narrow column, where nearly every line has a fault
MAX_SEARCHES = 24
MAX_FIXES = 400
# what the breaker did in this process: paragraphs broken again, and by which cures (for reports)
STATS = {"paragraphs": 0, "rebroken": 0, "refused": 0, "names": 0, "shrunk": 0, "narrowed": 0, "ragged": 0}
# a loose line may take the word that would not fit if its spaces shrink by at most this fraction
# (TeX lets a space shrink by a third; ReportLab's default, for every line, is a twentieth)
MAX_SHRINK = 0.2


# ------------------------------------------------------------------------------ the hyphenator
class _Guard:
    """The style's hyphenator for one attempt at breaking a paragraph. Refuses the calls it is
    told to refuse, and records the break ReportLab took from each call: ReportLab stops asking
    at the first break that fits, so a call whose offers were not all read ended on that one.
    Words in ``allow`` may be broken though capitalised (the house may keep names whole only
    where that costs no loose line)."""

    def __init__(self, inner, rules: "_Rules", wider_than: float | None = None, font=None):
        self.inner, self.rules = inner, rules
        self.wider_than, self.font = wider_than, font     # last resort: only words no line holds
        self.taken: list = []                             # per call: the head taken, or None

    def __call__(self, word: str):
        k = len(self.taken)
        self.taken.append(None)
        if k in self.rules.refuse:
            return iter(())
        if self.wider_than is not None and paragraph.stringWidth(word, *self.font) <= self.wider_than:
            return iter(())
        # a word that must be broken (last resort) is broken even if it is a name
        relaxed = (word in self.rules.allow or self.wider_than is not None) and hasattr(self.inner, "names_too")
        return self._offers(k, self.inner.names_too(word) if relaxed else self.inner(word))

    def _offers(self, k: int, offers):
        for head, tail in offers:
            self.taken[k] = head
            yield head, tail
        self.taken[k] = None


# ------------------------------------------------------------------------------ the breaker
@dataclass(frozen=True)
class _Rules:
    """What one attempt at breaking a paragraph is told, beyond ReportLab's own rules."""

    refuse: frozenset = frozenset()     # hyphenator calls (by number) that may not hyphenate
    narrow: tuple = ()                  # (line, points): lines broken this much narrower (< 0: wider)
    allow: frozenset = frozenset()      # capitalised words that may be hyphenated all the same


_NO_RULES = _Rules()        # (frozen: one for every paragraph's first attempt)


@dataclass
class _Attempt:
    lines: object            # ReportLab's ParaLines
    calls: list              # per line: the hyphenator call that ended it hyphenated, or None
    hyphenated: list         # per line: ends with a hyphen
    ratios: list             # per line: widest word space in normal spaces (0: not justified)
    rules: _Rules


class Breaker:
    """One paragraph broken, checked, and broken again until it keeps the limits."""

    def __init__(self, para, width, original):
        self.para, self.original = para, original
        self.style = para.style
        self.widths = list(width) if isinstance(width, (list, tuple)) else [width]
        self.frags = para.frags
        self.limits = getattr(self.style, "lineLimits", None)
        self.justified = self.style.alignment == TA_JUSTIFY

    def run(self):
        hyph = getattr(self.style, "hyphenationLang", "")
        last_resort = getattr(self.style, "lastResortHyphenation", None)
        self.hyphenator = hyph if callable(hyph) else None
        self.last_resort = last_resort if self.hyphenator is None else None
        if self.limits is None or (self.hyphenator is None and self.last_resort is None and not self.justified):
            return self.original(self.para, self.widths)
        ragged: set[int] = set()        # loose lines nothing fixed
        unbroken: set[int] = set()      # runs no refusal breaks (soft hyphens in a long word)
        attempt = self.attempt(_NO_RULES)
        for n in range(MAX_FIXES):
            fault = self.first_fault(attempt, ragged, unbroken)
            if fault is None:
                break
            kind, line = fault
            if n >= MAX_SEARCHES:
                # a long paragraph in a narrow column: no more searching; a run's last hyphen is
                # refused outright (one break each) and a loose line is set ragged
                better = self.refuse(attempt, line) if kind == "run" else None
            elif kind == "run":
                better = self.fix_run(attempt, line)
            else:
                better = self.fix_loose(attempt, line)
            if better is None:
                (ragged if kind == "loose" else unbroken).add(line)
            else:
                attempt = better
        else:
            ragged |= set(range(len(attempt.ratios)))
        if attempt is not self._last:
            attempt = self.attempt(attempt.rules)    # ReportLab's state on the paragraph: this break
        self.count(attempt.rules, self.set_ragged(attempt, ragged))
        return attempt.lines

    @staticmethod
    def count(rules: _Rules, ragged: int) -> None:
        STATS["paragraphs"] += 1
        if rules != _NO_RULES or ragged:
            STATS["rebroken"] += 1
            STATS["refused"] += len(rules.refuse)
            STATS["narrowed"] += sum(delta > 0 for _, delta in rules.narrow)
            STATS["shrunk"] += sum(delta < 0 for _, delta in rules.narrow)
            STATS["names"] += len(rules.allow)
            STATS["ragged"] += ragged

    # ------------------------------------------------------------------ one attempt
    def attempt(self, rules: _Rules) -> _Attempt:
        """Break the paragraph under ``rules``."""
        style, para = self.style, self.para
        para.frags = self.frags       # breaking a paragraph of several fragments replaces them
        guard = None
        if self.hyphenator is not None:
            guard = _Guard(self.hyphenator, rules)
        elif self.last_resort is not None:
            guard = _Guard(self.last_resort, rules, min(self.widths), (style.fontName, style.fontSize))
        saved = style.__dict__.get("hyphenationLang", "")
        try:
            if guard is not None:
                style.__dict__["hyphenationLang"] = guard
            lines = self.original(para, self.line_widths(rules.narrow))
        finally:
            style.__dict__["hyphenationLang"] = saved
        for i, delta in rules.narrow:      # a line broken narrower (wider) is still set to the full width
            if i < len(lines.lines) - 1:
                _widen(lines, i, delta)
        self._last = result = self.analyse(lines, guard.taken if guard else [], rules)
        return result

    def line_widths(self, narrow: tuple) -> list:
        if not narrow:
            return list(self.widths)
        n = max(i for i, _ in narrow) + 2
        widths = [self.widths[min(i, len(self.widths) - 1)] for i in range(max(n, len(self.widths)))]
        for i, delta in narrow:
            widths[i] -= delta
        return widths

    def analyse(self, lines, taken: list, rules: _Rules) -> _Attempt:
        ends = [_line_end(lines, line) for line in lines.lines]
        hyphenated = [bool(_HYPHEN_END.search(end)) for end in ends]
        hyphenated[-1:] = [False] * len(hyphenated[-1:])    # the last line's end is the paragraph's
        calls: list = [None] * len(ends)
        accepted = [(k, head) for k, head in enumerate(taken) if head is not None]
        p = 0
        for i, end in enumerate(ends):
            if p < len(accepted):
                k, head = accepted[p]
                if end.endswith(head if head.endswith(("-", "\xad")) else head + "-"):
                    calls[i] = k
                    p += 1
        ratios = [self.space_ratio(lines, i) for i in range(len(ends))] if self.justified else [0.0] * len(ends)
        return _Attempt(lines, calls, hyphenated, ratios, rules)

    def space_ratio(self, lines, i: int) -> float:
        """How wide line ``i``'s word spaces are drawn, in normal spaces (0: not stretched)."""
        if i == len(lines.lines) - 1 and not getattr(self.para, "_JustifyLast", False):
            return 0.0            # the last line is set ragged (but not the first part's of a split one)
        line = lines.lines[i]
        if lines.kind == 0:
            extra, words = line
            gaps = len(words) - 1 + "".join(words).count("\xa0")      # (no-break spaces stretch too)
            space = paragraph.stringWidth(" ", lines.fontName, lines.fontSize)
        else:
            if line.lineBreak:
                return 0.0
            extra = line.extraSpace
            gaps = line.wordCount - 1 + "".join([getattr(w, "text", "") for w in line.words
                                                 if not hasattr(w, "cbDefn")]).count("\xa0")
            space = paragraph.stringWidth(" ", self.style.fontName, self.style.fontSize)
        if gaps <= 0 or extra <= 1e-8 or space <= 0:
            return 0.0
        return 1.0 + extra / gaps / space

    # ------------------------------------------------------------------ faults and fixes
    def first_fault(self, attempt: _Attempt, ragged: set, unbroken: set):
        """('run', i): line i is one hyphen too many; ('loose', i): line i is stretched too far."""
        run = 0
        for i, hyphenated in enumerate(attempt.hyphenated):
            run = run + 1 if hyphenated else 0
            if self.hyphenator is not None and run > self.limits.consecutive and i not in unbroken:
                return "run", i
            if attempt.ratios[i] > self.limits.max_word_space and i not in ragged:
                return "loose", i
        return None

    def refuse(self, attempt: _Attempt, line: int):
        k = attempt.calls[line]
        return None if k is None else self.attempt(replace(attempt.rules, refuse=attempt.rules.refuse | {k}))

    def fix_run(self, attempt: _Attempt, line: int):
        """Refuse one hyphen of the run ending at ``line``: the last one if its line stays within
        the spacing limit, else the latest earlier one that does; else the last one anyway (its
        loose line is dealt with next)."""
        fallback = None
        for j in range(line, line - self.limits.consecutive - 1, -1):
            k = attempt.calls[j]
            if k is None:
                continue
            cand = self.attempt(replace(attempt.rules, refuse=attempt.rules.refuse | {k}))
            fallback = fallback or cand
            if self.clean_through(cand, line):
                return cand
        return fallback

    def fix_loose(self, attempt: _Attempt, line: int):
        """A loose line, in the order a typographer tries: hyphenate the word that would not fit
        though it is capitalised; let the line's word spaces shrink (by up to ``MAX_SHRINK``) so
        the word fits; make the line above give up its last word (or part of it). A cure is kept
        only if the lines above the ones it means to change stay as they were: the first part of
        a paragraph split over two pages is broken again on its own, and must come out the same."""
        rules, lines = attempt.rules, attempt.lines
        candidates = []
        word = self.first_word(lines, line + 1)
        if word and word[:1].isupper() and word not in rules.allow and hasattr(self.hyphenator, "names_too"):
            candidates.append((replace(rules, allow=rules.allow | {word}), line))
        adjusted = {i for i, _ in rules.narrow}
        if line not in adjusted:
            # ReportLab lets every line shrink a little (spaceShrinkage) already: up to the limit
            shrink = MAX_SHRINK - (getattr(self.style, "spaceShrinkage", 0) or 0)
            room = max(shrink, 0) * _gaps_after_one_more(lines, line) * self.space(lines)
            candidates.append((replace(rules, narrow=rules.narrow + ((line, -room),)), line))
        if line > 0 and line - 1 not in adjusted:
            # just short of what it holds now: its last word no longer fits (a part of it may)
            candidates.append((replace(rules, narrow=rules.narrow + ((line - 1, _extra_space(lines, line - 1) + 0.01),)),
                               line - 1))
        for cand_rules, first_changed in candidates:
            cand = self.attempt(cand_rules)
            if self.clean_through(cand, line) and _same_lines(cand.lines, lines, first_changed):
                return cand
        return None

    def space(self, lines) -> float:
        """The normal word space of the paragraph's type."""
        if lines.kind == 0:
            return paragraph.stringWidth(" ", lines.fontName, lines.fontSize)
        return paragraph.stringWidth(" ", self.style.fontName, self.style.fontSize)

    def first_word(self, lines, i: int) -> str:
        """Line ``i``'s first word as the hyphenator would be asked it (no quotes or commas)."""
        if i >= len(lines.lines):
            return ""
        line = lines.lines[i]
        if lines.kind == 0:
            text = line[1][0] if line[1] else ""
        else:
            text = "".join(getattr(f, "text", "") for f in line.words).lstrip().split(" ")[0]
        text = paragraph._hy_pfx_pat.sub("", text)
        return paragraph._hy_sfx_pat.sub("", text)

    def clean_through(self, attempt: _Attempt, line: int) -> bool:
        """No fault on the lines up to and including ``line``."""
        run = 0
        for i, hyphenated in enumerate(attempt.hyphenated[:line + 1]):
            run = run + 1 if hyphenated else 0
            if run > self.limits.consecutive or attempt.ratios[i] > self.limits.max_word_space:
                return False
        return True

    def set_ragged(self, attempt: _Attempt, ragged: set) -> int:
        """Loose lines nothing fixed are set flush left: ReportLab draws a line without extra
        space, or one ending in a line break, unjustified. Returns how many."""
        lines, n = attempt.lines, 0
        for i in sorted(ragged):
            if i >= len(lines.lines) - 1 or attempt.ratios[i] <= self.limits.max_word_space:
                continue
            n += 1
            if lines.kind == 0:
                lines.lines[i] = (0, lines.lines[i][1])
            else:
                lines.lines[i].lineBreak = True
        return n


def _line_end(lines, line) -> str:
    """The text a broken line ends with."""
    if lines.kind == 0:
        return line[1][-1] if line[1] else ""
    for frag in reversed(line.words):
        text = getattr(frag, "text", "").rstrip()
        if text:
            return text
    return ""


def _gaps_after_one_more(lines, i: int) -> int:
    """Word spaces on line ``i`` once it takes one more word."""
    line = lines.lines[i]
    return len(line[1]) if lines.kind == 0 else line.wordCount


def _same_lines(a, b, n: int) -> bool:
    """The first ``n`` lines of two breaks hold the same text."""
    if len(a.lines) < n or len(b.lines) < n:
        return False
    return all(_line_text(a, x) == _line_text(b, y) for x, y in zip(a.lines[:n], b.lines[:n]))


def _line_text(lines, line) -> str:
    if lines.kind == 0:
        return " ".join(line[1])
    return "".join(getattr(f, "text", "") for f in line.words)


def _extra_space(lines, i: int) -> float:
    line = lines.lines[i]
    return line[0] if lines.kind == 0 else line.extraSpace


def _widen(lines, i: int, delta: float) -> None:
    """Line ``i`` was broken ``delta`` narrower than it is set: it is justified to the full width."""
    if lines.kind == 0:
        extra, words = lines.lines[i]
        lines.lines[i] = (extra + delta, words)
    else:
        lines.lines[i].extraSpace += delta
        lines.lines[i].maxWidth += delta
