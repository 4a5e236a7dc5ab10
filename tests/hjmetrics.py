"""Hyphenation and justification, measured on a built PDF (pdfplumber): what a typographer looks
at on the proof. Self-contained on purpose (a general layout-metrics module is written apart).

A *line* is a run of words on one baseline with no gap wider than a column gutter; lines follow
one another when they share a left edge and the next baseline is one leading below. A line ends
*hyphenated* when its last word ends in a hyphen after a letter. A line is *justified* when it
ends flush with the right edge that several lines of its page share (and is not its
paragraph's last line, which ends short): its widest word space is compared with the normal
space of its type.

``python tests/hjmetrics.py some.pdf`` prints the figures and the worst cases.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field

SPACE_EM = 0.2778      # Liberation Sans (all faces): the space is 569/2048 em
GUTTER_SPACES = 6.0    # a gap wider than this many spaces separates columns or table cells
_HYPHEN_END = re.compile(r"[^\W\d_][-\xad]$")
_LEADING_LETTERS = re.compile(r"^[^\W\d_]*")
_TRAILING_LETTERS = re.compile(r"[^\W\d_]*[-\xad]$")
_LABEL = re.compile(r"^([•◦▪‣–—-]|\d+[.)]|[a-zA-Z][.)]|[ivxlc]+[.)])$")
_LEADER = re.compile(r"^[.·]{3,}")


@dataclass
class Line:
    page: int
    top: float
    x0: float
    x1: float
    size: float
    words: list          # pdfplumber words, left to right

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    def max_space_ratio(self) -> float:
        """The widest gap between two words, in normal spaces of the line's type (not the gap
        after a list label, nor a leader of dots, which are set apart on purpose)."""
        words = self.words[1:] if _LABEL.match(self.words[0]["text"]) else self.words
        gaps = [b["x0"] - a["x1"] for a, b in zip(words, words[1:])]
        return max(gaps) / (SPACE_EM * self.size) if gaps else 0.0


@dataclass
class Metrics:
    lines: int = 0
    hyphenated: int = 0
    max_hyphen_run: int = 0
    short_fragments: list = field(default_factory=list)   # "head-/tail" with a side under 3 letters
    loose: list = field(default_factory=list)             # (ratio, page, text) over the limit
    justified: int = 0
    runs: list = field(default_factory=list)              # (length, page, first line) of runs > 2

    def summary(self) -> dict:
        return {"lines": self.lines, "hyphenated": self.hyphenated, "max_hyphen_run": self.max_hyphen_run,
                "runs_over_2": len(self.runs), "short_fragments": len(self.short_fragments),
                "justified": self.justified, "loose_over_2x": len(self.loose)}


def page_lines(page, number: int) -> list[Line]:
    """The page's lines, split at column gutters."""
    # invisible text squeezed to nothing (the contents' spoken ", page") is not printed
    page = page.filter(lambda o: o.get("object_type") != "char" or o["x1"] - o["x0"] >= 0.02 * o["size"])
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
    rows: dict[float, list] = {}
    for w in words:
        rows.setdefault(round(w["bottom"], 1), []).append(w)
    lines = []
    for bottom, row in sorted(rows.items()):
        row.sort(key=lambda w: w["x0"])
        current = [row[0]]
        for w in row[1:]:
            if w["x0"] - current[-1]["x1"] > GUTTER_SPACES * SPACE_EM * w["size"]:
                lines.append(_line(number, current))
                current = []
            current.append(w)
        lines.append(_line(number, current))
    return lines


def _line(page: int, words: list) -> Line:
    size = Counter(round(w["size"], 1) for w in words).most_common(1)[0][0]
    return Line(page, words[0]["top"], words[0]["x0"], words[-1]["x1"], size, words)


def _next_line(line: Line, lines: list[Line]) -> Line | None:
    """The line set directly below ``line`` in its column (same left edge, one leading down)."""
    best = None
    for other in lines:
        if abs(other.x0 - line.x0) < 15 and 0.5 * line.size < other.top - line.top < 2.2 * line.size:
            if best is None or other.top < best.top:
                best = other
    return best


def measure(pdf_path, *, limit: float = 2.0, pages=None) -> Metrics:
    import pdfplumber

    m = Metrics()
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            if pages is not None and number not in pages:
                continue
            lines = page_lines(page, number)
            m.lines += len(lines)
            _hyphens(m, lines)
            _spacing(m, lines, limit)
    return m


def _hyphens(m: Metrics, lines: list[Line]) -> None:
    following = {id(line): _next_line(line, lines) for line in lines}
    continued = {id(n) for n in following.values() if n is not None}
    for line in lines:
        if not _HYPHEN_END.search(line.words[-1]["text"]):
            continue
        m.hyphenated += 1
        below = following[id(line)]
        head = _TRAILING_LETTERS.search(line.words[-1]["text"]).group(0)[:-1]
        tail = _LEADING_LETTERS.match(below.words[0]["text"]).group(0) if below else ""
        if below is not None and (len(head) < 3 or len(tail) < 3):
            m.short_fragments.append((line.page, f"{head}-/{tail}"))
        if id(line) in continued:
            continue
        _note_run(m, line, following)     # the first line of a run: follow it down
    # a run that starts below a line that is not hyphenated is found from its first line above;
    # a line continued from a non-hyphenated one starts a run too
    for line in lines:
        if id(line) in continued and _HYPHEN_END.search(line.words[-1]["text"]):
            above = next((a for a in lines if following[id(a)] is line), None)
            if above is not None and not _HYPHEN_END.search(above.words[-1]["text"]):
                _note_run(m, line, following)


def _note_run(m: Metrics, line: Line, following: dict) -> None:
    """The run of hyphenated line ends that starts at ``line``, followed down its column."""
    run, cur = 0, line
    while cur is not None and _HYPHEN_END.search(cur.words[-1]["text"]):
        run += 1
        cur = following[id(cur)]
    m.max_hyphen_run = max(m.max_hyphen_run, run)
    if run > 2:
        m.runs.append((run, line.page, line.text))


def _spacing(m: Metrics, lines: list[Line], limit: float) -> None:
    """Lines flush with a right edge shared by three or more lines of the page, that have a line
    below them in the same column (a paragraph's last line is set short), are justified."""
    edges = Counter(round(line.x1) for line in lines if len(line.words) > 2)
    shared = [edge for edge, n in edges.items() if n >= 3]
    sizes = Counter()
    for line in lines:
        sizes[line.size] += len(line.words)
    body = sizes.most_common(1)[0][0] if sizes else None
    for line in lines:
        if any(_LEADER.match(w["text"]) for w in line.words):
            continue
        if line.size != body:
            continue        # running text only: a table row's cells on one baseline are not a line
        if len(line.words) < 2 or not any(abs(line.x1 - e) <= 0.8 for e in shared):
            continue
        if _next_line(line, lines) is None:
            continue
        m.justified += 1
        ratio = line.max_space_ratio()
        if ratio > limit:
            m.loose.append((round(ratio, 2), line.page, line.text))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        result = measure(path)
        print(path, result.summary())
        for run in result.runs[:10]:
            print("  run", run)
        for frag in result.short_fragments[:20]:
            print("  short", frag)
        for loose in sorted(result.loose, reverse=True)[:15]:
            print("  loose", loose)
