"""What a report designer measures on a built compendium PDF (issue 16).

Usable from tests::

    from layout_metrics import measure
    report = measure("dist/compendium.pdf", style="house")   # or style=HouseStyle, 10.5, None
    assert 60 <= report.measure.median <= 75, report.measure.explain()
    assert not report.problems(), "\\n".join(report.problems())

and from the command line::

    python tests/layout_metrics.py dist/compendium.pdf [--print] [--large-print] [--styles DIR]

Every figure is a function of a :class:`Document` (the PDF read once) returning a small dataclass
of numbers plus the offending pages, each with ``problems(limits)`` (human-readable strings; empty
when the figure is within the limits) and ``summary()`` (one line for the report):

==================  ======================  =================================================
function            returns                 what
==================  ======================  =================================================
chars_per_line      MeasureFigure           body text characters a line: median, p10, p90
short_pages         ShortPagesFigure        pages whose text stops above half the text block;
                                            blank pages; which fall mid case study
hyphenation         HyphenationFigure       runs of hyphenated line ends, fragments < 3 letters
word_spacing        WordSpacingFigure       word spaces in justified lines / normal space
imposition          ImpositionFigure        folios and running heads on the outer edge, inner
                                            margin > outer, part openers on odd pages
figures             FiguresFigure           images narrower than half the measure
type_sizes          TypeSizesFigure         smallest body and smallest non-artifact text size
==================  ======================  =================================================

:func:`measure` runs them all and returns a :class:`LayoutReport`.

How the text is read (pdfplumber's characters):

* Pages are physical pages of the file, 1-based; odd = recto (right-hand page), its outer edge
  the right. Everything is measured inside the page's TrimBox (the MediaBox when there is none),
  so crop marks and bleed of a ``--print`` file are ignored; characters outside it are dropped.
* Artifacts: the compendium is tagged; folios, running heads, rules and dot leaders are marked
  content ``/Artifact`` (pdfplumber reports the innermost marked-content tag as ``char['tag']``).
  In an untagged PDF (no character has a tag) text in the top 6 % or bottom 6 % of the trimmed
  page is taken to be the page's furniture instead.
* Lines: characters are grouped by their exact baseline (the text matrix's y, not ``top``, which
  moves with the font size), within 1 pt. A group of smaller characters sitting just above or
  below a line (a note reference, a subscript) joins that line. A baseline group is then split
  into *segments* (one per column, or per table cell: TD/TH content of another MCID after a gap
  wider than 1 em) at any horizontal gap wider than 1 em that crosses a *gutter*
  of the page: an x range at least 2 pt wide covered by the characters of at most k lines
  (lines of display type, over 1.3 times the page's commonest size, left out: a title may
  span a side column)
  (k = 0..3: a heading may span the gutter) where k is under 30 % of the most lines covering any
  x on its left and on its right (a sparse side column of few lines still has its gutter; a
  loose word space in one line is not a gutter, because the lines above and below cover it).
  Two columns, a text column with a side column, or a table's columns all become separate
  segments; the gutters split the page into *bands* (columns), and each segment belongs to the
  band holding its centre.
* Last lines of paragraphs: a segment is *final* when it does not reach its band's right edge
  (the rightmost character of that band's lines of the same size on the page; 1 em slack) and
  the next line of the band is missing, or further down than the band's normal line pitch for
  that size (+1 pt: paragraph spacing), or of another size, or starts further right (an indent),
  or starts with a list label (a bullet or number: a new item).
  A justified line that reaches the right edge is never final.
* Body text: lines whose characters are mostly of the body size (from the style, or the most
  common size in the document weighted by characters) and whose tags are not headings, titles,
  captions, table cells, contents entries, notes, block quotes or code; lines with dot leaders
  (or with page numbers after a gap wider than 3 em, as in an index) are left out.

Pass the style the PDF was built with (``style=``; the command line loads ``house`` or, with
``--large-print``, ``large-print`` from styles/): its body size and margins are then used. Without
it the body size is the most common size of running text, which on the 2025 sample is the 13 pt
standfirst (most case studies are set in it), and the text block is inferred from the pages.

What could fool it is listed at each function.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

MM = 72 / 25.4

# Tags (structure roles of marked content) that are not running text.
NOT_BODY_TAGS = re.compile(r"^(H\d?|Title|Caption|TD|TH|TOC|TOCI|Note|FENote|BlockQuote|Code|Figure|Artifact|Lbl)$")
CELL_TAGS = {"TD", "TH"}
HEADING_TAGS = re.compile(r"^(H\d?|Title)$")
ROMAN = re.compile(r"^[ivxlcdm]+$", re.I)
LABEL = re.compile(r"^([•·▪‣◦●○■□–—\-*]|\(?\d{1,3}[.)]|\(?[a-z][.)])$")
HYPHENS = "-\u2010\u00ad"
LETTERS = re.compile(r"[^\W\d_]+")


@dataclass
class Limits:
    """The issue's limits; a test may pass its own."""

    cpl_min: float = 60
    cpl_max: float = 75
    short_pages_per_part: int = 1
    max_hyphen_run: int = 2
    min_fragment: int = 3
    max_word_space: float = 2.0
    min_figure_fraction: float = 0.5     # of the measure
    full_height_fraction: float = 0.8    # of the text block: a tall figure may be narrow
    min_large_print: float = 16.0


# --------------------------------------------------------------------------- reading the PDF

@dataclass
class Word:
    text: str
    x0: float
    x1: float
    chars: list

    @property
    def font(self):
        return self.chars[0]["fontname"], round(self.chars[0]["size"], 2)


@dataclass
class Line:
    """One line of one column (a segment of a baseline group)."""

    page: int                 # 1-based physical page
    baseline: float           # top-down, in the page's coordinates (pdfplumber's)
    x0: float
    x1: float
    size: float               # the size most of its characters have
    chars: list
    tags: Counter
    band: int = 0
    final: bool = False       # last line of its paragraph
    leader: bool = False      # dot leaders or a tab-like gap before a page number
    artifact: bool = False

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def words(self) -> list[Word]:
        if not hasattr(self, "_words"):
            self._words = split_words(self.chars)
        return self._words

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def text_x0(self) -> float:
        """Where the text starts, after a list label (a bullet or number)."""
        w = self.words
        if len(w) > 1 and (LABEL.match(w[0].text) or w[0].chars[0].get("tag") == "Lbl"):
            return w[1].x0
        return self.x0

    @property
    def main_tag(self):
        return self.tags.most_common(1)[0][0] if self.tags else None

    def where(self, limit: int = 60) -> str:
        t = self.text
        return f"p.{self.page} \u201c{t[:limit]}{'...' if len(t) > limit else ''}\u201d"


@dataclass
class Page:
    number: int                   # 1-based physical page
    trim: tuple                   # x0, top, x1, bottom (top-down, pdfplumber coordinates)
    lines: list                   # content Lines (segments), reading order: band, baseline
    furniture: list               # artifact / margin Lines (segments), not dot leaders
    images: list                  # pdfplumber image dicts inside the trim, not artifacts
    bands: list                   # [(x0, x1)] columns found on the page

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1

    @property
    def blank(self) -> bool:
        return not self.lines and not self.images

    @property
    def trim_width(self):
        return self.trim[2] - self.trim[0]


@dataclass
class OutlineEntry:
    level: int
    title: str
    page: int | None              # 1-based
    top: float | None             # top-down y of the destination, if given


@dataclass
class Document:
    path: Path
    pages: list
    body_size: float
    outline: list
    tagged: bool
    block_top: float              # the text block, top-down, from the trim's top edge
    block_bottom: float
    measure: float                # the width of a full body line (points)
    pitch: dict                   # size -> usual baseline distance

    @property
    def lines(self):
        for page in self.pages:
            yield from page.lines

    def body_lines(self):
        for line in self.lines:
            if is_body(line, self.body_size):
                yield line


def is_body(line: Line, body_size: float) -> bool:
    if line.leader or abs(line.size - body_size) > 0.3:
        return False
    tag = line.main_tag
    return not (tag and NOT_BODY_TAGS.match(tag))


def _baseline(ch) -> float:
    # the text origin's y in PDF space is matrix[5]; y1 is the glyph box's top in the same space
    return ch["top"] + (ch["y1"] - ch["matrix"][5])


def _trim(page) -> tuple:
    """The TrimBox in pdfplumber's top-down coordinates (the page's box when there is none)."""
    box = page.page_obj.attrs.get("TrimBox")
    mb = page.mediabox
    if box is None:
        return (page.bbox[0], page.bbox[1], page.bbox[2], page.bbox[3])
    from pdfplumber.utils import resolve_all
    x0, y0, x1, y1 = [float(v) for v in resolve_all(box)]
    top_of_page = float(mb[3])
    return (x0, top_of_page - y1, x1, top_of_page - y0)


def split_words(chars) -> list[Word]:
    """Words of a line: split at space characters, or at gaps wider than 0.15 em."""
    words, cur = [], []
    last = None
    for ch in chars:
        if ch["text"].isspace():
            if cur:
                words.append(cur)
            cur, last = [], None
            continue
        if cur and last is not None and ch["x0"] - last["x1"] > 0.15 * ch["size"]:
            words.append(cur)
            cur = []
        cur.append(ch)
        last = ch
    if cur:
        words.append(cur)
    return [Word("".join(c["text"] for c in w), w[0]["x0"], w[-1]["x1"], w) for w in words]


def _group_baselines(chars) -> list[list]:
    """Characters -> lines by baseline (1 pt); small raised/lowered characters join their line."""
    chars = sorted(chars, key=lambda c: (c["_bl"], c["x0"]))
    groups: list[list] = []
    for ch in chars:
        if groups and abs(ch["_bl"] - groups[-1][0]["_bl"]) <= 1.0:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    sizes = [Counter(round(c["size"], 1) for c in g).most_common(1)[0][0] for g in groups]
    keep = [True] * len(groups)
    for i, g in enumerate(groups):
        small = max(c["size"] for c in g)
        gx0, gx1 = min(c["x0"] for c in g), max(c["x1"] for c in g)
        for j in (i - 1, i + 1):
            if 0 <= j < len(groups) and keep[j] and small < 0.85 * sizes[j]:
                host = groups[j]
                if abs(g[0]["_bl"] - host[0]["_bl"]) < 0.6 * sizes[j] and \
                        gx0 >= min(c["x0"] for c in host) - sizes[j] and gx1 <= max(c["x1"] for c in host) + sizes[j]:
                    host.extend(g)
                    keep[i] = False
                    break
    out = [sorted(g, key=lambda c: c["x0"]) for g, k in zip(groups, keep) if k]
    return out


def _gutters(groups, x_lo, x_hi) -> list[tuple]:
    """x ranges between columns: see the module docstring."""
    n = len(groups)
    if n < 3:
        return []
    lo, hi = int(math.floor(x_lo)), int(math.ceil(x_hi))
    cover = [0] * (hi - lo + 2)
    for g in groups:
        seen = set()
        for c in g:
            for x in range(max(lo, int(c["x0"])), min(hi, int(math.ceil(c["x1"]))) + 1):
                seen.add(x)
        for x in seen:
            cover[x - lo] += 1
    # a gutter: a run of x covered by at most k lines (k = 0..3: headings, figures spanning it)
    # with text on both sides, where k is under 30 % of the busiest x on either side; a sparse
    # side column (few lines) still has its gutter, a word space of one line is covered by others
    found = []
    for k in range(4):
        start = None
        for i, c in enumerate(cover + [10 ** 9]):
            if c <= k and start is None:
                start = i
            elif c > k and start is not None:
                if start > 0 and i < len(cover) and i - start >= 2:
                    left, right = max(cover[:start]), max(cover[i:])
                    if left and right and k <= 0.3 * min(left, right):
                        found.append((start + lo, i + lo))
                start = None
    found.sort()
    merged = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _split(group, gutters) -> list[list]:
    segs, cur = [], [group[0]]
    for prev, ch in zip(group, group[1:]):
        gap0, gap1 = prev["x1"], ch["x0"]
        wide = gap1 - gap0 > 1.0 * ch["size"]
        cells = prev.get("tag") in CELL_TAGS and ch.get("tag") in CELL_TAGS and prev.get("mcid") != ch.get("mcid")
        if wide and (cells or any(a < gap1 and b > gap0 for a, b in gutters)):
            segs.append(cur)
            cur = []
        cur.append(ch)
    segs.append(cur)
    return segs


def _make_line(page_no, seg) -> Line:
    vis = [c for c in seg if not c["text"].isspace()] or seg
    size = Counter(round(c["size"], 1) for c in vis).most_common(1)[0][0]
    return Line(page=page_no, baseline=statistics.median(c["_bl"] for c in vis), x0=vis[0]["x0"],
                x1=max(c["x1"] for c in vis), size=size, chars=seg,
                tags=Counter(c.get("tag") for c in vis if c.get("tag")))


def _read_page(page, number, tagged) -> tuple[Page, list]:
    trim = _trim(page)
    tx0, ttop, tx1, tbottom = trim
    chars = []
    for ch in page.chars:
        if not ch.get("upright", True):
            continue
        if ch["x1"] - ch["x0"] < 0.02 * ch["size"]:
            continue        # invisible text squeezed to nothing (the contents' spoken ", page"): not printed
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        if not (tx0 <= cx <= tx1 and ttop <= cy <= tbottom):
            continue
        ch = dict(ch)
        ch["_bl"] = _baseline(ch)
        chars.append(ch)
    height = tbottom - ttop

    def is_artifact(c):
        if tagged:
            return c.get("tag") == "Artifact"
        return c["_bl"] < ttop + 0.06 * height or c["top"] > tbottom - 0.06 * height

    content = [c for c in chars if not is_artifact(c)]
    artifacts = [c for c in chars if is_artifact(c)]
    groups = _group_baselines(content) if content else []
    # gutters from the lines of running-text size: display type (titles, headings set larger
    # than 1.3 times the page's commonest size) may span columns, as a title over a side column
    common = Counter(round(c["size"], 1) for c in content if not c["text"].isspace())
    dominant = common.most_common(1)[0][0] if common else 0
    gutters = _gutters([g for g in groups if len(g) > 1 and
                        statistics.median(c["size"] for c in g) <= 1.3 * dominant], tx0, tx1)
    segs = [s for g in groups for s in _split(g, gutters)]
    lines = [_make_line(number, s) for s in segs if any(not c["text"].isspace() for c in s)]

    # bands: the x ranges between gutters that hold text
    edges = [tx0] + [x for a, b in gutters for x in (a, b)] + [tx1]
    bands = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    for line in lines:
        mid = (line.x0 + line.x1) / 2
        line.band = next((i for i, (a, b) in enumerate(bands) if a <= mid <= b), 0)

    # furniture (folios, running heads) and leaders, from the artifacts
    furniture, leader_baselines = [], []
    if artifacts:
        for g in _group_baselines(artifacts):
            # split furniture at wide gaps: a folio and a running foot on one baseline are two items
            items, cur = [], [g[0]]
            for prev, ch in zip(g, g[1:]):
                if ch["x0"] - prev["x1"] > 2.0 * ch["size"]:
                    items.append(cur)
                    cur = []
                cur.append(ch)
            items.append(cur)
            for item in items:
                text = "".join(c["text"] for c in item).strip()
                if not text:
                    continue
                if set(text) <= set(". \u2026\u00b7"):
                    leader_baselines.append(_baseline(item[0]))
                    continue
                line = _make_line(number, item)
                line.artifact = True
                furniture.append(line)
    for line in lines:
        if any(abs(line.baseline - b) < 1.5 for b in leader_baselines) or re.search(r"\.{4,}", line.text):
            line.leader = True
            continue
        words = line.words
        k = len(words)
        while k > 1 and re.fullmatch(r"[\divxlc,\u2013\-]+", words[k - 1].text, re.I):
            k -= 1
        if k < len(words) and any(words[j].x0 - words[j - 1].x1 > 3 * line.size for j in range(k, len(words))):
            line.leader = True          # page numbers set after a tab
    images = []
    for im in page.images:
        if im.get("tag") == "Artifact":
            continue
        cx, cy = (im["x0"] + im["x1"]) / 2, (im["top"] + im["bottom"]) / 2
        if tx0 <= cx <= tx1 and ttop <= cy <= tbottom:
            images.append(im)
    lines.sort(key=lambda l: (l.band, l.baseline, l.x0))
    pg = Page(number=number, trim=trim, lines=lines, furniture=furniture, images=images,
              bands=bands)
    return pg, chars


def _mark_finals(doc_pages, pitch):
    for page in doc_pages:
        by_band = defaultdict(list)
        for line in page.lines:
            if not line.leader:
                by_band[line.band].append(line)
        for band_lines in by_band.values():
            right = defaultdict(float)
            for l in band_lines:
                right[l.size] = max(right[l.size], l.x1)
            for i, line in enumerate(band_lines):
                if line.x1 >= right[line.size] - 1.0 * line.size:
                    line.final = False
                    # ragged text: the longest line reaches the edge too; a final line of a
                    # ragged paragraph is judged by what follows (below)
                    if not _ragged(band_lines, line.size):
                        continue
                nxt = next((n for n in band_lines[i + 1:] if n.baseline > line.baseline + 0.5), None)
                p = pitch.get(line.size, 1.2 * line.size)
                line.final = (nxt is None or nxt.baseline - line.baseline > p + 1.0
                              or abs(nxt.size - line.size) > 0.3 or nxt.x0 > line.text_x0 + 1.0
                              or nxt.text_x0 != nxt.x0)     # the next line starts a list item


def _ragged(band_lines, size) -> bool:
    """True when lines of that size end at scattered x (ragged right), not at one edge."""
    ends = [l.x1 for l in band_lines if l.size == size]
    if len(ends) < 3:
        return False
    right = max(ends)
    at_edge = sum(1 for e in ends if e >= right - 0.5)
    return at_edge < 0.4 * len(ends)


def _pitch(pages) -> dict:
    """size -> the most common baseline distance between consecutive lines of that size."""
    dist = defaultdict(Counter)
    for page in pages:
        by_band = defaultdict(list)
        for line in page.lines:
            by_band[line.band].append(line)
        for ls in by_band.values():
            for a, b in zip(ls, ls[1:]):
                if a.size == b.size and 0 < b.baseline - a.baseline < 2.5 * a.size:
                    dist[a.size][round(b.baseline - a.baseline, 1)] += 1
    return {s: c.most_common(1)[0][0] for s, c in dist.items() if c}


def _outline(pdf_path) -> list[OutlineEntry]:
    import pikepdf

    out = []
    with pikepdf.open(pdf_path) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        names = {}
        try:
            from pikepdf import NameTree
            if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
                names = NameTree(pdf.Root.Names.Dests)
        except Exception:  # pragma: no cover - no named destinations
            names = {}
        if "/Outlines" not in pdf.Root:
            return out
        with pdf.open_outline() as ol:
            def walk(items, level):
                for it in items:
                    dest = it.destination
                    if dest is None and it.action is not None and it.action.get("/S") == "/GoTo":
                        dest = it.action.get("/D")
                    if isinstance(dest, (pikepdf.String, pikepdf.Name, str)):
                        try:
                            dest = names[str(dest)]
                        except Exception:
                            dest = None
                    if isinstance(dest, pikepdf.Dictionary) and "/D" in dest:
                        dest = dest.D
                    page = top = None
                    if isinstance(dest, pikepdf.Array) and len(dest) > 0:
                        target = dest[0]
                        if isinstance(target, pikepdf.Dictionary):
                            i = index.get(target.objgen)
                            if i is not None:
                                page = i + 1
                                mb = pdf.pages[i].MediaBox
                                if len(dest) > 3 and str(dest[1]) == "/XYZ" and dest[3] is not None:
                                    try:
                                        top = float(mb[3]) - float(dest[3])
                                    except (TypeError, ValueError):
                                        top = None
                        elif isinstance(target, int):
                            page = target + 1
                    out.append(OutlineEntry(level, str(it.title), page, top))
                    walk(it.children, level + 1)
            walk(ol.root, 0)
    return out


def _style_body_and_geometry(style):
    """style: None, a number (body size), a style name ('house', 'large-print') or a HouseStyle."""
    if style is None:
        return None, None
    if isinstance(style, (int, float)):
        return float(style), None
    if isinstance(style, str):
        from book.style.house import load_style
        style = load_style(Path(__file__).resolve().parent.parent / "styles", style)
    return float(style.styles["body"]["fontSize"]), style.page


def load(pdf_path, style=None, text_block=None) -> Document:
    """Read the PDF once.

    ``style``: the body size (a number), a style name or a ``HouseStyle``; None: the most common
    size of content text, weighted by characters. ``text_block``: (top, bottom) in points from the
    trim's top edge; default: from the style's margins, else inferred (the 10th percentile of the
    pages' first baselines' tops, the highest of their last lines' bottoms; page 1, the cover,
    left out).
    """
    pdf_path = Path(pdf_path)
    body_size, geometry = _style_body_and_geometry(style)
    pages, sizes = [], Counter()
    tops, bottoms = [], []
    with pdfplumber.open(pdf_path) as pdf:
        tagged = any(c.get("tag") for p in pdf.pages[:8] for c in p.chars)
        for i, p in enumerate(pdf.pages):
            page, chars = _read_page(p, i + 1, tagged)
            pages.append(page)
            for line in page.lines:
                tag = line.main_tag
                if not (tag and NOT_BODY_TAGS.match(tag)) and not line.leader:
                    sizes[line.size] += len(line.chars)
            if page.lines and i > 0:
                ttop = page.trim[1]
                tops.append(min(min(c["top"] for c in l.chars) for l in page.lines) - ttop)
                bottoms.append(max(max(c["bottom"] for c in l.chars) for l in page.lines) - ttop)
            p.flush_cache()
    if body_size is None:
        body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    if text_block is None and geometry is not None:
        text_block = (geometry.margin_top, geometry.height - geometry.margin_bottom)
    if text_block is None:
        if tops:
            text_block = (sorted(tops)[len(tops) // 10], max(bottoms))
        else:
            h = pages[0].trim[3] - pages[0].trim[1] if pages else 842
            text_block = (0.07 * h, 0.93 * h)
    pitch = _pitch(pages)
    _mark_finals(pages, pitch)
    measure = _measure(pages, body_size)
    return Document(path=pdf_path, pages=pages, body_size=body_size, outline=_outline(pdf_path),
                    tagged=tagged, block_top=text_block[0], block_bottom=text_block[1],
                    measure=measure, pitch=pitch)


def _measure(pages, body_size) -> float:
    """The width of a full line of body text: the most common width of the body lines (justified
    lines share it) when at least 3 lines and a fifth of them have it; else (ragged text, or
    very little of it) the widest body line."""
    widths = [round(l.width) for p in pages for l in p.lines if is_body(l, body_size) and not l.final]
    if not widths:
        widths = [round(l.width) for p in pages for l in p.lines if is_body(l, body_size)]
    if not widths:
        return 0.0
    width, n = Counter(widths).most_common(1)[0]
    if n >= 3 and n >= 0.2 * len(widths):
        return float(width)
    return float(max(widths))


def _pct(values, q):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * q
    f = math.floor(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def _pages(nums, limit=40) -> str:
    nums = sorted(set(nums))
    if not nums:
        return "none"
    s = ", ".join(str(n) for n in nums[:limit])
    return s + (f" (+{len(nums) - limit} more)" if len(nums) > limit else "")


# --------------------------------------------------------------------------- 1. measure

@dataclass
class MeasureFigure:
    median: float
    p10: float
    p90: float
    lines: int
    longest: list          # [(page, chars, text)], the 10 longest
    by_page: dict          # page -> median characters a line

    def summary(self):
        return (f"characters per line of body text: median {self.median:.0f} (p10 {self.p10:.0f}, "
                f"p90 {self.p90:.0f}) over {self.lines} lines; longest {self.longest[0][1] if self.longest else 0}"
                + (f" on p.{self.longest[0][0]}" if self.longest else ""))

    def problems(self, limits=Limits()):
        if not self.lines:
            return ["characters per line: no body text found"]
        if not limits.cpl_min <= self.median <= limits.cpl_max:
            worst = sorted(self.by_page.items(), key=lambda kv: -kv[1])[:8]
            return [f"median characters per line of body text {self.median:.0f}, not "
                    f"{limits.cpl_min:.0f}-{limits.cpl_max:.0f} (p10 {self.p10:.0f}, p90 {self.p90:.0f}); "
                    f"longest pages: " + ", ".join(f"p.{p} ({n:.0f})" for p, n in worst)]
        return []

    explain = lambda self: "; ".join(self.problems()) or self.summary()


def chars_per_line(doc: Document) -> MeasureFigure:
    """Characters (spaces included, one per word space) per line of body text.

    Counts body lines that are not the last line of their paragraph (see the module docstring).
    Fooled by: a body size shared with non-body text that carries no tag (in an untagged PDF,
    a contents list or table at the body size counts); a paragraph's last line that happens to
    reach the right edge counts (harmless: it is full); in ragged text the last line of a page
    is taken as final.
    """
    counts, per_page = [], defaultdict(list)
    for line in doc.body_lines():
        if line.final:
            continue
        n = len(line.text)
        counts.append((n, line))
        per_page[line.page].append(n)
    values = [n for n, _ in counts]
    longest = [(l.page, n, l.text) for n, l in sorted(counts, key=lambda t: -t[0])[:10]]
    return MeasureFigure(median=_pct(values, 0.5), p10=_pct(values, 0.1), p90=_pct(values, 0.9),
                         lines=len(values), longest=longest,
                         by_page={p: statistics.median(v) for p, v in per_page.items()})


# --------------------------------------------------------------------------- 2. short pages

@dataclass
class ShortPage:
    page: int
    fraction: float          # lowest content baseline, as a fraction of the text block's height
    mid_case_study: bool     # the next page continues the same case study
    case_study: str | None   # the outline entry the page belongs to
    part: str | None


@dataclass
class ShortPagesFigure:
    short: list              # [ShortPage]
    blank: list              # [page]
    pages: int

    @property
    def mid_case_study(self):
        return [s for s in self.short if s.mid_case_study]

    def per_part(self) -> dict:
        out = Counter(s.part for s in self.short)
        return dict(out)

    def summary(self):
        return (f"pages whose text stops above half the text block: {len(self.short)} of {self.pages} "
                f"(pp. {_pages(s.page for s in self.short)}); mid case study: "
                f"{len(self.mid_case_study)} (pp. {_pages(s.page for s in self.mid_case_study)}); "
                f"blank pages: {len(self.blank)} (pp. {_pages(self.blank)})")

    def problems(self, limits=Limits()):
        out = []
        for s in self.mid_case_study:
            out.append(f"p.{s.page}: text stops at {s.fraction:.0%} of the text block in the middle of "
                       f"the case study \u201c{(s.case_study or '')[:60]}\u201d")
        for part, n in self.per_part().items():
            if n > limits.short_pages_per_part:
                pages = [s.page for s in self.short if s.part == part]
                out.append(f"{n} pages whose text stops above half the text block in "
                           f"{part or 'the pages before the first part'} (pp. {_pages(pages)}); "
                           f"at most {limits.short_pages_per_part}")
        return out


CASE_STUDY_PART = re.compile(r"^Part\s+\w+\b", re.I)


def _boundaries(doc: Document):
    """(entries that start units of the book, the level of case studies)."""
    entries = [e for e in doc.outline if e.page is not None]
    has_parts = any(e.level == 0 and CASE_STUDY_PART.match(e.title) for e in entries)
    cs_level = 1 if has_parts else 0
    return [e for e in entries if e.level <= cs_level], cs_level


def _unit_of(doc, bounds, cs_level, page):
    """The outline entry whose unit holds the bottom of ``page``, and the part it is in."""
    cur = part = None
    for e in bounds:
        if e.page <= page:
            cur = e
            if e.level == 0:
                part = e.title if CASE_STUDY_PART.match(e.title) else None
    return cur, part


def short_pages(doc: Document) -> ShortPagesFigure:
    """Pages whose lowest content (text baseline or image bottom) is above the text block's middle.

    Folios and running heads are left out (artifacts, or the furniture bands of an untagged PDF).
    Blank pages (no content at all) are listed apart. A short page is *mid case study* when the
    outline entry holding it is a case study (a child of a "Part N" entry, or a top-level entry
    when there are no parts) and the next page continues it: the next unit starts after the next
    page, or on it below the top of the text block (its destination's y, when the outline gives
    one, more than 2 body lines below the block's top). Fooled by: outline destinations that all
    point at the page top while case studies run on (a run-on start is then taken as the page's
    start); a page whose only low content is a background image.
    """
    bounds, cs_level = _boundaries(doc)
    short, blank = [], []
    height = doc.block_bottom - doc.block_top
    for page in doc.pages:
        if page.blank:
            blank.append(page.number)
            continue
        ttop = page.trim[1]
        low = max([l.baseline for l in page.lines] + [im["bottom"] for im in page.images]) - ttop
        if low >= doc.block_top + height / 2:
            continue
        unit, part = _unit_of(doc, bounds, cs_level, page.number)
        is_cs = unit is not None and unit.level == cs_level and (cs_level == 0 or part is not None)
        mid = False
        if is_cs and page.number < len(doc.pages):
            nxt = next((e for e in bounds[bounds.index(unit) + 1:]), None)   # the next unit
            next_page = doc.pages[page.number]
            if not next_page.blank:
                if nxt is None or nxt.page > page.number + 1:
                    mid = True
                elif nxt.page == page.number + 1 and nxt.top is not None:
                    lead = doc.pitch.get(doc.body_size, 1.4 * doc.body_size)
                    mid = nxt.top - next_page.trim[1] > doc.block_top + 2 * lead
        short.append(ShortPage(page.number, (low - doc.block_top) / height if height else 0, mid,
                               unit.title if unit else None, part))
    return ShortPagesFigure(short=short, blank=blank, pages=len(doc.pages))


# --------------------------------------------------------------------------- 3. hyphenation

@dataclass
class HyphenBreak:
    page: int
    left: str                # the word before the hyphen, with it ("ap-")
    right: str               # the first word of the next line ("proached")
    real: bool               # hyphenation, not a compound's own hyphen
    heading: bool = False    # in a heading or title (tagged H1-H6, Title)


@dataclass
class HyphenationFigure:
    breaks: list             # [HyphenBreak], real ones and compounds
    runs: list               # [(page, length, [words])], runs of 2 or more, longest first
    short_fragments: list    # [HyphenBreak]

    @property
    def max_run(self):
        return self.runs[0][1] if self.runs else (1 if any(b.real for b in self.breaks) else 0)

    def summary(self):
        real = [b for b in self.breaks if b.real]
        where = f" (p.{self.runs[0][0]})" if self.runs else ""
        return (f"hyphenation: {len(real)} hyphenated line ends ({len(self.breaks) - len(real)} compounds "
                f"split at their hyphen), longest run {self.max_run}{where}; fragments under 3 letters: "
                f"{len(self.short_fragments)}"
                + (" (" + ", ".join(f"p.{b.page} {b.left}/{b.right}" for b in self.short_fragments[:6]) + ")"
                   if self.short_fragments else "")
                + f"; in headings: {sum(1 for b in self.breaks if b.real and b.heading)}")

    def problems(self, limits=Limits()):
        out = []
        for page, n, words in self.runs:
            if n > limits.max_hyphen_run:
                out.append(f"p.{page}: {n} hyphenated line ends in a row ({', '.join(words)})")
        for b in self.breaks:
            if b.real and b.heading:
                out.append(f"p.{b.page}: a heading is hyphenated: \u201c{b.left}\u201d / \u201c{b.right}\u201d")
        for b in self.short_fragments:
            out.append(f"p.{b.page}: hyphen leaves a fragment under {limits.min_fragment} letters: "
                       f"\u201c{b.left}\u201d / \u201c{b.right}\u201d")
        return out


def _vocabulary(doc):
    words, compounds = Counter(), Counter()
    for line in doc.lines:
        for w in line.words[:-1] if line.words and line.words[-1].text[-1:] in HYPHENS else line.words:
            t = w.text.lower().strip(".,;:!?()[]\u201c\u201d\u2018\u2019\"'")
            if "-" in t[1:-1]:
                compounds[t] += 1
            for part in LETTERS.findall(t):
                words[part] += 1
    return words, compounds


def _overlap(a, b) -> bool:
    """Two lines share most of the narrower one's x range (one column, one table cell)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 * min(a.width, b.width)


def _next_line(doc, page_i, line):
    """The line a hyphenated word continues on: the next in its band, the next band of a like
    width on the page, or the band of the next page that overlaps it most."""
    page = doc.pages[page_i]
    below = [l for l in page.lines if l.band == line.band and not l.leader
             and l.baseline > line.baseline + 0.5 and _overlap(l, line)]
    if below:
        return min(below, key=lambda l: l.baseline)
    width = page.bands[line.band][1] - page.bands[line.band][0]
    for b in range(line.band + 1, len(page.bands)):
        a0, a1 = page.bands[b]
        cand = [l for l in page.lines if l.band == b and not l.leader]
        if cand and abs((a1 - a0) - width) < 0.25 * width:
            return cand[0]
    if page_i + 1 < len(doc.pages):
        nxt = doc.pages[page_i + 1]
        lx0, lx1 = line.x0, line.x1
        best = None
        for b, (a0, a1) in enumerate(nxt.bands):
            cand = [l for l in nxt.lines if l.band == b and not l.leader]
            ov = min(a1, lx1) - max(a0, lx0)
            if cand and (best is None or ov > best[0]):
                best = (ov, cand[0])
        if best:
            return best[1]
    return None


def hyphenation(doc: Document) -> HyphenationFigure:
    """Line ends with a hyphen, in all content text (body, tables, boxes; not headings' absence).

    A line end is *real* hyphenation unless the word is a compound split at its own hyphen. Rule:
    count the joined word ("wellbeing") and the hyphenated form ("well-being") elsewhere in the
    book; the more frequent decides (a tie: hyphenation); when neither occurs, a second fragment
    that starts with a capital or a digit ("COVID-19", "anti-NHS") makes a compound, anything
    else is taken as hyphenation. A *run* is consecutive lines of one column (or table cell) on one page,
    each below the last and sharing its x range, ending in real hyphens. Fragments are letters only ("ed," has 2). Fooled by: a compound that occurs nowhere
    else unbroken (counted as hyphenation); a real break in a word the book also prints as a
    hyphenated compound (not counted); text drawn with its hyphen as a separate object far away.
    """
    words, compounds = _vocabulary(doc)
    breaks, runs, shorts = [], [], []
    for pi, page in enumerate(doc.pages):
        by_band = defaultdict(list)
        for line in page.lines:
            if not line.leader:
                by_band[line.band].append(line)
        for band_lines in by_band.values():
            run, prev = [], None
            for line in band_lines:
                if run and not (line.baseline > prev.baseline + 0.5 and _overlap(line, prev)):
                    if len(run) >= 2:                    # another cell of a table row: a new run
                        runs.append((page.number, len(run), run))
                    run = []
                prev = line
                last = line.words[-1].text if line.words else ""
                real = False
                if len(last) > 1 and last[-1] in HYPHENS and LETTERS.search(last[-2]):
                    nxt = _next_line(doc, pi, line)
                    right = nxt.words[0].text if nxt and nxt.words else ""
                    left_letters = LETTERS.findall(last[:-1].split("-")[-1] if "-" in last[:-1] else last[:-1])
                    lfrag = left_letters[-1] if left_letters else ""
                    m = LETTERS.match(right)
                    rfrag = m.group(0) if m else ""
                    joined = (lfrag + rfrag).lower()
                    hyphened = (last[:-1] + "-" + right).lower().strip(".,;:!?()\u201c\u201d\u2018\u2019\"'")
                    whole, compound = words.get(joined, 0), compounds.get(hyphened, 0)
                    if whole or compound:
                        real = whole >= compound
                    else:
                        real = not (right[:1].isupper() or right[:1].isdigit())
                    b = HyphenBreak(line.page, last, right, real,
                                    bool(line.main_tag and HEADING_TAGS.match(line.main_tag)))
                    breaks.append(b)
                    if real and (len(lfrag) < 3 or len(rfrag) < 3):
                        shorts.append(b)
                if real:
                    run.append(last)
                else:
                    if len(run) >= 2:
                        runs.append((page.number, len(run), run))
                    run = []
            if len(run) >= 2:
                runs.append((page.number, len(run), run))
    runs.sort(key=lambda r: (-r[1], r[0]))
    return HyphenationFigure(breaks=breaks, runs=runs, short_fragments=shorts)


# --------------------------------------------------------------------------- 4. word spacing

@dataclass
class WordSpacingFigure:
    max_ratio: float
    worst: str               # where the widest space is
    loose: list              # [(page, ratio, text)] lines over the limit, worst first
    lines: int
    limit: float = 2.0

    def summary(self):
        return (f"word spacing in justified lines: widest space {self.max_ratio:.2f}x normal ({self.worst}); "
                f"{len(self.loose)} of {self.lines} lines over {self.limit:.1f}x")

    def problems(self, limits=Limits()):
        return [f"p.{p}: word space {r:.2f}x normal in \u201c{t[:70]}\u201d"
                for p, r, t in self.loose if r > limits.max_word_space]


def _space_widths(doc) -> dict:
    """font name -> normal space width per point of size, from the space characters drawn."""
    per_font = defaultdict(list)
    for line in doc.lines:
        for c in line.chars:
            if c["text"] == " " and c["size"] > 0 and c["width"] > 0:
                per_font[c["fontname"]].append(c["width"] / c["size"])
    return {f: statistics.median(v) for f, v in per_font.items()}


def word_spacing(doc: Document, limit: float = 2.0) -> WordSpacingFigure:
    """Each word gap of each justified line, over the normal space of its font and size.

    A gap is the distance from a word's last glyph to the next word's first (the space glyph
    plus any word or character spacing added to justify). The normal space is the width of the
    space glyph of that font (from the space characters in the file; 0.278 em, Arial's, when the
    font draws none). Justified lines: lines that are not final, have no leaders or tab gaps, and
    reach their band's right edge (ragged text has none, except its longest lines, at normal
    spacing). The gap after a list label (tag Lbl, or a bullet or number) is skipped. Fooled by:
    glyphs with a side bearing (a tiny excess), text justified by character spacing only
    (read as word spaces a little wider).
    """
    space = _space_widths(doc)
    ratios, loose, n = [], [], 0
    best = (0.0, "")
    for page in doc.pages:
        right = defaultdict(float)
        for l in page.lines:
            right[(l.band, l.size)] = max(right[(l.band, l.size)], l.x1)
        for line in page.lines:
            if line.final or line.leader or len(line.words) < 2:
                continue
            if line.x1 < right[(line.band, line.size)] - 1.0:
                continue
            n += 1
            words = line.words
            worst = 0.0
            for i, (a, b) in enumerate(zip(words, words[1:])):
                if i == 0 and (LABEL.match(a.text) or a.chars[0].get("tag") == "Lbl"):
                    continue
                fn, size = b.font if b.chars[0]["size"] >= a.chars[-1]["size"] else a.font
                between = [c for c in line.chars if c["text"] == " " and a.x1 - 0.5 <= c["x0"] <= b.x0 + 0.5]
                if between:
                    fn, size = between[0]["fontname"], between[0]["size"]
                normal = space.get(fn, 0.278) * size
                if normal <= 0:
                    continue
                worst = max(worst, (b.x0 - a.x1) / normal)
            if worst > best[0]:
                best = (worst, line.where())
            if worst > limit:
                loose.append((line.page, worst, line.text))
    loose.sort(key=lambda t: -t[1])
    return WordSpacingFigure(max_ratio=best[0], worst=best[1], loose=loose, lines=n, limit=limit)


# --------------------------------------------------------------------------- 5. imposition

@dataclass
class ImpositionFigure:
    furniture_inner: list    # [(page, kind, text)] not on the outer edge; kind: folio, running head, running foot
    furniture_count: int
    margins: list            # [(page, inner_mm, outer_mm)] where inner <= outer
    margin_pages: int        # pages whose margins could be measured
    margin_table: dict       # page -> (inner_mm, outer_mm)
    part_openers_even: list  # [(page, title)]
    part_openers: list       # [(page, title)]
    trimbox: bool
    print_edition: bool

    def summary(self):
        folios = [p for p, k, _ in self.furniture_inner if k == "folio"]
        heads = [p for p, k, _ in self.furniture_inner if k == "running head"]
        feet = [p for p, k, _ in self.furniture_inner if k == "running foot"]
        inner = [v[0] for v in self.margin_table.values()]
        outer = [v[1] for v in self.margin_table.values()]
        return (f"imposition: {len(folios)} folios, {len(heads)} running heads and {len(feet)} running feet "
                f"not on the outer edge "
                f"(of {self.furniture_count} items; folios pp. {_pages(folios, 12)}); inner margin not larger than "
                f"outer on {len(self.margins)} of {self.margin_pages} pages"
                + (f" (inner {min(inner):.1f}-{max(inner):.1f} mm, outer {min(outer):.1f}-{max(outer):.1f} mm)" if inner else "")
                + f"; part openers on even pages: {len(self.part_openers_even)} of {len(self.part_openers)}"
                + (f" (pp. {_pages(p for p, _ in self.part_openers_even)})" if self.part_openers_even else "")
                + ("" if self.trimbox or not self.print_edition else "; NO TrimBox"))

    def problems(self, limits=Limits()):
        out = [f"p.{p}: {k} \u201c{t[:40]}\u201d is not on the outer edge ({'right' if p % 2 else 'left'})"
               for p, k, t in self.furniture_inner]
        out += [f"p.{p}: inner margin {i:.1f} mm is not larger than the outer {o:.1f} mm" for p, i, o in self.margins]
        out += [f"p.{p}: part opener \u201c{t}\u201d on an even (left-hand) page" for p, t in self.part_openers_even]
        if self.print_edition and not self.trimbox:
            out.append("the print edition has no TrimBox")
        return out


def _is_folio(text):
    t = text.strip()
    return bool(re.fullmatch(r"\d{1,4}", t) or (ROMAN.fullmatch(t) and len(t) <= 6))


def imposition(doc: Document, print_edition: bool = False) -> ImpositionFigure:
    """Folios and running heads by physical side; mirrored margins; part openers on rectos.

    Furniture (artifact text, leaders excluded, lying above or below the text block; in an
    untagged PDF, text in the top/bottom 6 % of the page) is *on the outer edge* when it is
    nearer the outer trim edge than the inner one (a centred folio is not). Folios are digits or
    roman numerals; the rest are running heads (above the block) or feet (below). Margins: a
    page's text block runs from its leftmost to its rightmost content character; a page whose text does not span its side's
    grid (from the leftmost to the rightmost content of any page of the same side; 2 pt slack)
    is judged by that grid: ragged or short text, or no side column where others have one,
    cannot show where its block ends. A page set off its grid widens the grid of its side, so
    the fault shows, on the pages judged by the grid too. Measured against the trim.
    Fooled by: a page (a cover) whose text runs wider than the others widens its side's grid (and
    so decides the pages judged by the grid); a text block whose widest line is indented on both
    sides; furniture that is not marked as an artifact in a tagged PDF (it is then content, and
    widens the text block).
    """
    inner_items, count = [], 0
    margins, table, judged = [], {}, 0
    # the grid of each side: from the leftmost to the rightmost content of any page of that side
    grid = {0: [math.inf, -math.inf], 1: [math.inf, -math.inf]}
    for p in doc.pages:
        if p.lines:
            g = grid[p.number % 2]
            g[0] = min(g[0], min(l.x0 for l in p.lines))
            g[1] = max(g[1], max(l.x1 for l in p.lines))
    for page in doc.pages:
        tx0, ttop, tx1, _ = page.trim
        for item in page.furniture:
            rel_top = min(c["top"] for c in item.chars) - ttop
            rel_bottom = max(c["bottom"] for c in item.chars) - ttop
            if doc.block_top - 2 < rel_bottom and rel_top < doc.block_bottom + 2 and doc.tagged:
                # an artifact inside the text block (a rule's label, a decoration): not furniture
                if not (rel_bottom <= doc.block_top + 2 or rel_top >= doc.block_bottom - 2):
                    continue
            count += 1
            left_gap, right_gap = item.x0 - tx0, tx1 - item.x1
            outer_gap, inner_gap = (right_gap, left_gap) if page.recto else (left_gap, right_gap)
            if not outer_gap < inner_gap - 1.0:
                kind = ("folio" if _is_folio(item.text) else
                        "running head" if rel_bottom <= doc.block_top + 2 else "running foot")
                inner_items.append((page.number, kind, item.text))
        if page.lines:
            x0 = min(l.x0 for l in page.lines)
            x1 = max(l.x1 for l in page.lines)
            g0, g1 = grid[page.number % 2]
            if x1 - x0 < (g1 - g0) - 2.0:    # ragged, short, or no side column: the side's grid
                x0, x1 = g0, g1
            left, right = (x0 - tx0) / MM, (tx1 - x1) / MM
            inner, outer = (left, right) if page.recto else (right, left)
            table[page.number] = (inner, outer)
            judged += 1
            if inner <= outer + 0.1:
                margins.append((page.number, inner, outer))
    openers = [(e.page, e.title) for e in doc.outline
               if e.level == 0 and e.page and CASE_STUDY_PART.match(e.title)]
    even = [(p, t) for p, t in openers if p % 2 == 0]
    trimbox = False
    try:
        import pikepdf
        with pikepdf.open(doc.path) as pdf:
            trimbox = all("/TrimBox" in p.obj for p in pdf.pages)
    except Exception:  # pragma: no cover
        pass
    return ImpositionFigure(inner_items, count, margins, judged, table, even, openers, trimbox, print_edition)


# --------------------------------------------------------------------------- 6. figures

@dataclass
class FiguresFigure:
    images: list             # [(page, width fraction of the measure, height fraction of the block)]
    narrow: list             # the same, those too narrow

    def summary(self):
        return (f"figures: {len(self.images)} images, {len(self.narrow)} narrower than half the measure"
                + (" (" + ", ".join(f"p.{p} {w:.0%} wide, {h:.0%} high" for p, w, h in self.narrow[:6]) + ")"
                   if self.narrow else ""))

    def problems(self, limits=Limits()):
        return [f"p.{p}: image {w:.0%} of the measure wide and {h:.0%} of the text block high"
                for p, w, h in self.narrow]


def figures(doc: Document, limits: Limits = Limits()) -> FiguresFigure:
    """Images (not artifacts, inside the trim) against the measure (the width of a full body
    line: the most common width of body lines, or the widest when widths scatter) and the text block's height. A 2-column book's
    measure is its column: an image spanning both is wide. Fooled by: an image drawn as tiles (each
    tile judged alone); vector drawings (not images: not seen); a body text set narrower than
    the column (a narrow measure makes figures look wide)."""
    images, narrow = [], []
    height = doc.block_bottom - doc.block_top
    for page in doc.pages:
        for im in page.images:
            w = (im["x1"] - im["x0"]) / doc.measure if doc.measure else 1.0
            h = (im["bottom"] - im["top"]) / height if height else 1.0
            images.append((page.number, w, h))
            if w < limits.min_figure_fraction and h < limits.full_height_fraction:
                narrow.append((page.number, w, h))
    return FiguresFigure(images, narrow)


# --------------------------------------------------------------------------- 7. type sizes

@dataclass
class TypeSizesFigure:
    body_size: float               # the body size used to find body text
    min_body: float                # smallest size in running text (tags P, Link, LBody, Span...)
    min_body_where: str
    min_any: float                 # smallest size of any text that is not an artifact
    min_any_where: str
    min_artifact: float            # folios, running heads (for information)
    large_print: bool = False

    def summary(self):
        return (f"type sizes: body {self.body_size:g} pt; smallest running text {self.min_body:g} pt "
                f"({self.min_body_where}); smallest text {self.min_any:g} pt ({self.min_any_where}); "
                f"smallest folio/running head {self.min_artifact:g} pt")

    def problems(self, limits=Limits()):
        if not self.large_print:
            return []
        out = []
        if self.min_body < limits.min_large_print:
            out.append(f"large print: running text at {self.min_body:g} pt ({self.min_body_where}), "
                       f"under {limits.min_large_print:g} pt")
        if self.min_any < limits.min_large_print:
            out.append(f"large print: text at {self.min_any:g} pt ({self.min_any_where}), "
                       f"under {limits.min_large_print:g} pt")
        return out


def type_sizes(doc: Document, large_print: bool = False) -> TypeSizesFigure:
    """Smallest sizes, from every character (superscripts included: a note reference at 6 pt is
    text a reader must read). Running text: characters whose tag is not a heading, title,
    caption, table cell, note, label or artifact (all text, in an untagged PDF). Any text: every
    character that is not an artifact, except a list label's bullet glyph (a 6 pt square is a
    graphic; a list's numbers count). Fooled by: text
    drawn scaled by a transformation matrix (pdfplumber's size includes it: not fooled), text as
    outlines or in images (not seen)."""
    def smallest(lines, pick):
        best = (math.inf, "")
        for line in lines:
            for c in line.chars:
                if c["text"].isspace() or not pick(c):
                    continue
                if c["size"] < best[0] - 0.01:
                    best = (round(c["size"], 2), line.where(40))
        return best if best[0] < math.inf else (0.0, "none")

    content = [l for p in doc.pages for l in p.lines]
    body = smallest(content, lambda c: not (c.get("tag") and NOT_BODY_TAGS.match(c["tag"])))
    anyt = smallest(content, lambda c: not (c.get("tag") == "Lbl" and not c["text"].isalnum()))
    art = smallest([l for p in doc.pages for l in p.furniture], lambda c: True)
    return TypeSizesFigure(doc.body_size, body[0], body[1], anyt[0], anyt[1], art[0], large_print)


# --------------------------------------------------------------------------- all of them

@dataclass
class LayoutReport:
    path: str
    pages: int
    body_size: float
    measure_pt: float
    text_block: tuple
    measure: MeasureFigure
    short_pages: ShortPagesFigure
    hyphenation: HyphenationFigure
    word_spacing: WordSpacingFigure
    imposition: ImpositionFigure
    figures: FiguresFigure
    type_sizes: TypeSizesFigure
    limits: Limits = field(default_factory=Limits)

    FIGURES = ("measure", "short_pages", "hyphenation", "word_spacing", "imposition", "figures", "type_sizes")

    def problems(self, limits: Limits | None = None) -> list[str]:
        limits = limits or self.limits
        return [p for name in self.FIGURES for p in getattr(self, name).problems(limits)]

    def format(self, limits: Limits | None = None, max_problems: int = 60) -> str:
        out = [f"{self.path}: {self.pages} pages; body {self.body_size:g} pt; measure "
               f"{self.measure_pt / MM:.0f} mm; text block {self.text_block[0] / MM:.1f}-"
               f"{self.text_block[1] / MM:.1f} mm from the trim's top"]
        out += ["  " + getattr(self, name).summary() for name in self.FIGURES]
        problems = self.problems(limits)
        out.append(f"  {len(problems)} problems" + (":" if problems else ""))
        out += ["    " + p for p in problems[:max_problems]]
        if len(problems) > max_problems:
            out.append(f"    ... and {len(problems) - max_problems} more")
        return "\n".join(out)


def measure(pdf_path, style=None, print_edition: bool = False, large_print: bool = False,
            text_block=None, limits: Limits | None = None) -> LayoutReport:
    """All the figures of one PDF. ``style``: see :func:`load` (pass the style the PDF was built
    with: its body size and margins are then used rather than inferred)."""
    limits = limits or Limits()
    doc = load(pdf_path, style=style, text_block=text_block)
    return LayoutReport(
        path=str(pdf_path), pages=len(doc.pages), body_size=doc.body_size, measure_pt=doc.measure,
        text_block=(doc.block_top, doc.block_bottom),
        measure=chars_per_line(doc), short_pages=short_pages(doc), hyphenation=hyphenation(doc),
        word_spacing=word_spacing(doc, limits.max_word_space),
        imposition=imposition(doc, print_edition), figures=figures(doc, limits),
        type_sizes=type_sizes(doc, large_print), limits=limits)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdf", type=Path)
    ap.add_argument("--print", dest="print_edition", action="store_true", help="a --print build (TrimBox)")
    ap.add_argument("--large-print", action="store_true", help="the large-print edition (16 pt minimum)")
    ap.add_argument("--style", help="style the PDF was built with (default: house, or large-print)")
    ap.add_argument("--styles", type=Path, help="styles folder (default: the project's styles/)")
    ap.add_argument("--body-size", type=float, help="body size in points (default: from the style)")
    ap.add_argument("--no-style", action="store_true", help="infer the body size and text block from the PDF")
    args = ap.parse_args(argv)
    style = None
    if args.body_size:
        style = args.body_size
    elif not args.no_style:
        name = args.style or ("large-print" if args.large_print else "house")
        root = Path(__file__).resolve().parent.parent
        sys.path.insert(0, str(root))
        from book.style.house import load_style
        style = load_style(args.styles or root / "styles", name)
    report = measure(args.pdf, style=style, print_edition=args.print_edition, large_print=args.large_print)
    print(report.format())
    return 0


if __name__ == "__main__":
    sys.exit(main())
