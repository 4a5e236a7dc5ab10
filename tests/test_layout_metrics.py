"""The layout instrument itself (tests/layout_metrics.py), on tiny PDFs drawn here with ReportLab.

Each test plants a known fault (a loose line, a page stopping at 30 %, a run of hyphens, a folio
in the spine, an image at 20 % of the measure, text under 16 pt) and checks that the instrument
finds exactly that, and nothing on a clean page. The book's own layout is not judged here.
"""
from __future__ import annotations

import random

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

import layout_metrics as lm
from layout_metrics import MM

W, H = A4
FONT, SIZE, LEADING = "Helvetica", 10.0, 14.0
SPACE = stringWidth(" ", FONT, SIZE)
TOP, BOTTOM = 20 * MM, H - 22 * MM            # the text block, top-down
INNER, OUTER = 22 * MM, 18 * MM
MAIN = 115 * MM                               # the main column: about 72 characters at 10 pt
GAP, SIDE = 6 * MM, 49 * MM                   # and a side column: 22 + 115 + 6 + 49 + 18 = 210 mm
FILLER = ("staff health work team care plan trust nurse welfare service support review model "
          "clinic roles people access senior manager survey network referral record results "
          "mental absence partner regional pathway evidence practice").split()
SHORT = ["of", "to", "in", "a"]


class Doc:
    """A canvas that tags what it draws: content as /P with an MCID, furniture as /Artifact."""

    def __init__(self, path, pagesize=A4, trim=None):
        self.c = canvas.Canvas(str(path), pagesize=pagesize)
        self.path = path
        self.mcid = 0
        self.trim = trim
        self.dx = self.dy = 0.0
        if trim:
            self.c.setTrimBox(trim)
            self.dx, self.dy = trim[0], trim[1]
        self.page = 1

    def y(self, top):                         # top-down (from the trim's top) -> PDF y
        return self.dy + H - top

    def text(self, x, top, s, size=SIZE, font=FONT, tw=0.0, artifact=False, tag="P"):
        code = self.c._code
        code.append("/Artifact BMC" if artifact else f"/{tag} <</MCID {self.mcid}>> BDC")
        self.mcid += 0 if artifact else 1
        t = self.c.beginText(self.dx + x, self.y(top))
        t.setFont(font, size)
        t.setWordSpace(tw)
        t.textOut(s)
        self.c.drawText(t)
        code.append("EMC")

    def image(self, x, top, w, h):
        self.c._code.append(f"/Figure <</MCID {self.mcid}>> BDC")
        self.mcid += 1
        img = Image.new("RGB", (40, 30), (0, 94, 184))
        self.c.drawImage(ImageReader(img), self.dx + x, self.y(top + h), w, h)
        self.c._code.append("EMC")

    def folio(self, n, outer=True, head=None):
        recto = self.page % 2 == 1
        right = recto == outer
        s = str(n)
        w = stringWidth(s, FONT, 8)
        x = W - OUTER - w if right else OUTER
        if not outer:
            x = W - INNER - w if right else INNER
        self.text(x, H - 11 * MM, s, size=8, artifact=True)
        if head:
            hw = stringWidth(head, FONT, 8)
            self.text(W - OUTER - hw if recto else OUTER, 12 * MM, head, size=8, artifact=True)

    def bookmark(self, title, level=0):
        key = f"b{self.page}-{title}"
        self.c.bookmarkPage(key)
        self.c.addOutlineEntry(title, key, level=level)

    def next_page(self):
        self.c.showPage()
        self.page += 1
        if self.trim:
            self.c.setTrimBox(self.trim)

    def save(self):
        self.c.save()
        return self.path


def width(words, size=SIZE):
    return stringWidth(" ".join(words), FONT, size)


def fill(rng, measure, first=None, last=None, size=SIZE):
    """Words filling a line of ``measure`` closely (word spaces at most about 1.5x normal)."""
    words = [first] if first else []
    end = [last] if last else []
    while True:
        w = rng.choice(FILLER)
        if width(words + [w] + end, size) > measure:
            break
        words.append(w)
    for w in SHORT:                           # fill the rest with short words
        while width(words + [w] + end, size) <= measure:
            words.append(w)
    return words + end


def justify(words, measure, size=SIZE):
    """(text, word spacing) for a line justified to ``measure``."""
    text = " ".join(words)
    return text, (measure - stringWidth(text, FONT, size)) / text.count(" ")


def ratio(words, measure, size=SIZE):
    return 1 + justify(words, measure, size)[1] / stringWidth(" ", FONT, size)


def paragraph(doc, x, top, lines, measure):
    """Justified lines, the last one set ragged; returns the next top and the lines' texts."""
    texts = []
    for i, words in enumerate(lines):
        text, tw = justify(words, measure)
        doc.text(x, top, text, tw=0 if i == len(lines) - 1 else tw)
        texts.append(text)
        top += LEADING
    return top + 7, texts


def text_page(doc, rng, stop=BOTTOM, side=True, mirrored=True, sparse=False):
    """A page of justified paragraphs in the main column (from the block's top down to ``stop``),
    with a side column of 9 pt text on the same baselines; returns the main lines' texts (all
    but the last of each paragraph) and the paragraphs' last lines. ``sparse``: only a paragraph
    at the top and one at the bottom (fewer characters for pdfplumber to read: faster tests)."""
    recto = doc.page % 2 == 1
    left = INNER if recto or not mirrored else OUTER
    main_x, side_x = (left, left + MAIN + GAP) if recto or not mirrored else (left + SIDE + GAP, left)
    top, texts, finals = TOP + SIZE, [], []
    while top + LEADING <= stop:
        n = min(4, int((stop - top) // LEADING) + 1)
        lines = [fill(rng, MAIN) for _ in range(n - 1)] + [rng.sample(FILLER, 3)]
        top, t = paragraph(doc, main_x, top, lines, MAIN)
        texts += t[:-1]
        finals.append(t[-1])
        if sparse:                                # a paragraph at the top, one at the bottom
            top = max(top, stop - 3 * LEADING)
    if side:                                      # 9 pt on the main column's baselines
        st = TOP + SIZE
        words = fill(rng, SIDE, size=9)
        while ratio(words, SIDE, 9) > 1.6:          # one full line: the column's right edge
            words = fill(rng, SIDE, size=9)
        text, tw = justify(words, SIDE, 9)
        doc.text(side_x, st, text, tw=tw, size=9)
        st += LEADING
        for _ in range(5):
            words = rng.sample(FILLER, 3)
            while width(words, 9) > SIDE:
                words.pop()
            doc.text(side_x, st, " ".join(words), size=9)
            st += LEADING
    return texts, finals


@pytest.fixture
def rng():
    return random.Random(16)


def test_clean_pages_show_nothing(tmp_path, rng):
    doc = Doc(tmp_path / "clean.pdf")
    texts = []
    for n in (1, 2):
        doc.folio(n, head="Running head")
        t, _ = text_page(doc, rng)
        texts += t
        doc.next_page()
    left = INNER + (MAIN - 0.8 * MAIN) / 2                      # a figure 80 % of the measure
    doc.image(left, TOP, 0.8 * MAIN, 60 * MM)
    t, _ = text_page(doc, rng, side=False, sparse=True)
    doc.folio(3, head="Running head")
    doc.save()
    assert max(ratio(t.split(), MAIN) for t in texts) < 1.8    # the page is clean as planted

    report = lm.measure(doc.path, style=SIZE)
    assert report.hyphenation.breaks == [] and report.hyphenation.max_run == 0
    assert report.word_spacing.loose == [] and report.word_spacing.max_ratio < 1.8
    assert report.short_pages.short == [] and report.short_pages.blank == []
    assert report.figures.narrow == [] and len(report.figures.images) == 1
    imp = report.imposition
    assert imp.furniture_count == 6 and imp.furniture_inner == [] and imp.margins == []
    assert set(imp.margin_table) == {1, 2, 3}
    for inner, outer in imp.margin_table.values():
        assert inner == pytest.approx(22, abs=0.3) and outer == pytest.approx(18, abs=0.3)
    assert report.problems() == [] or report.problems() == report.measure.problems()
    # the text block is found from the pages: 20 mm down to 22 mm from the bottom
    assert report.text_block[0] == pytest.approx(TOP, abs=3)     # the first line's tops
    assert report.text_block[1] == pytest.approx(BOTTOM, abs=LEADING + 7)   # the last line's bottom
    assert report.measure_pt == pytest.approx(MAIN, abs=1)


def test_characters_per_line_counts_body_lines_of_the_main_column_only(tmp_path, rng):
    doc = Doc(tmp_path / "measure.pdf")
    doc.text(INNER, TOP + 16, "A heading set large enough to be no body text", size=16, tag="H1")
    texts, finals = text_page(doc, rng)              # with a side column on the same baselines
    doc.folio(1)
    doc.save()

    fig = lm.chars_per_line(lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM)))
    lengths = sorted(len(t) for t in texts)
    assert fig.lines == len(texts)                   # not the last lines, heading, folio or side column
    assert fig.median == pytest.approx(lengths[len(lengths) // 2], abs=1)
    assert fig.longest[0][1] == max(lengths)         # no line merged with the side column
    assert 60 <= fig.median <= 75 and fig.problems() == []


def test_a_page_stopping_at_30_percent_mid_case_study_and_a_blank_page(tmp_path, rng):
    doc = Doc(tmp_path / "short.pdf")
    doc.bookmark("Part 1: Alpha")
    doc.text(INNER, TOP + 40, "Part 1: Alpha", size=30, tag="H1")     # p.1: a part opener, short
    doc.next_page()
    doc.bookmark("Case study A", 1)
    text_page(doc, rng, sparse=True)                                                  # p.2
    doc.folio(2)
    doc.next_page()
    stop = TOP + 0.3 * (BOTTOM - TOP)
    text_page(doc, rng, sparse=True, stop=stop, side=False)                           # p.3: stops at 30 %
    doc.folio(3)
    doc.next_page()
    text_page(doc, rng, sparse=True)                                                  # p.4: A goes on
    doc.folio(4)
    doc.next_page()
    doc.bookmark("Case study B", 1)
    text_page(doc, rng, sparse=True)                                                  # p.5
    doc.folio(5)
    doc.next_page()
    doc.folio(6)                                                         # p.6: blank but a folio
    doc.next_page()
    doc.bookmark("Part 2: Beta")
    doc.text(INNER, TOP + 40, "Part 2: Beta", size=30, tag="H1")
    text_page(doc, rng, sparse=True, side=False)                                      # p.7
    doc.save()

    fig = lm.short_pages(lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM)))
    assert [s.page for s in fig.short] == [1, 3]
    assert fig.blank == [6]
    three = fig.short[1]
    assert three.mid_case_study and three.case_study == "Case study A" and three.part == "Part 1: Alpha"
    assert 0.2 < three.fraction <= 0.3
    assert not fig.short[0].mid_case_study
    problems = fig.problems()
    assert len(problems) == 2 and "p.3" in problems[0] and "Part 1: Alpha" in problems[1]


def test_hyphen_runs_and_short_fragments(tmp_path, rng):
    doc = Doc(tmp_path / "hyphens.pdf")
    # (last word of a line, first word of the next); "well-being" is printed whole elsewhere
    plan = [("organ-", "isation"), ("estab-", "lished"), ("commun-", "ication"),   # a run of 3
            (None, None), ("ap-", "proached"), (None, None), ("well-", "being"),  # 2 letters; compound
            (None, None), ("read-", "ing"), (None, None)]                          # 3 letters: fine
    lines, first = [], None
    for last, nxt in plan:
        lines.append(fill(rng, MAIN, first=first, last=last))
        first = nxt
    lines.append(["well-being", "and", "organisation", "established", "communication", "approached"])
    lines.append(["reading", "end"])
    paragraph(doc, INNER, TOP + SIZE, lines, MAIN)
    doc.save()

    fig = lm.hyphenation(lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM)))
    real = [(b.left, b.right) for b in fig.breaks if b.real]
    assert real == [("organ-", "isation"), ("estab-", "lished"), ("commun-", "ication"),
                    ("ap-", "proached"), ("read-", "ing")]
    assert [(b.left, b.real) for b in fig.breaks if not b.real] == [("well-", False)]
    assert fig.max_run == 3 and fig.runs[0][:2] == (1, 3)
    assert [(b.left, b.right) for b in fig.short_fragments] == [("ap-", "proached")]
    problems = fig.problems()
    assert len(problems) == 2 and "3 hyphenated line ends" in problems[0] and "ap-" in problems[1]


def test_one_loose_line_is_found_and_nothing_else(tmp_path, rng):
    doc = Doc(tmp_path / "spacing.pdf")
    lines = [fill(rng, MAIN) for _ in range(3)]
    loose = []                                      # a line set with word spaces over 2.5x normal
    while True:
        w = rng.choice(FILLER)
        if width(loose + [w]) + (len(loose) + 1) * 1.5 * SPACE > MAIN:
            break
        loose.append(w)
    planted = ratio(loose, MAIN)
    assert planted > 2.5
    lines += [loose, fill(rng, MAIN), ["a", "short", "last", "line"]]
    top, _ = paragraph(doc, INNER, TOP + SIZE, lines, MAIN)
    # a list item: the gap after its bullet is no word space
    doc.text(INNER, top, "\u2022", tag="Lbl")
    text, tw = justify(fill(rng, MAIN - 14), MAIN - 14)
    doc.text(INNER + 14, top, text, tw=tw)
    doc.text(INNER + 14, top + LEADING, "and its last line")
    top += 3 * LEADING
    # contents lines: dot leaders (artifacts) and a page number, or a page number after a tab
    for entry, page in (("Case study A", "12"), ("Case study B", "3, 7, 19")):
        doc.text(INNER, top, entry)
        x = INNER + width([entry]) + 4
        doc.text(x, top, "." * int((MAIN - 30 - x + INNER) / stringWidth(".", FONT, SIZE)), artifact=True)
        doc.text(INNER + MAIN - width([page]), top, page)
        top += LEADING
    doc.text(INNER, top, "Index entry")
    doc.text(INNER + MAIN - width(["4, 9"]), top, "4, 9")
    doc.save()

    fig = lm.word_spacing(lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM)))
    assert [(p, t) for p, _, t in fig.loose] == [(1, " ".join(loose))]
    assert fig.max_ratio == pytest.approx(planted, abs=0.02)
    assert fig.lines == 6                            # 5 justified lines + the list item's first
    assert len(fig.problems()) == 1 and "p.1" in fig.problems()[0]


def test_folio_in_the_spine_unmirrored_margins_and_a_part_on_the_left(tmp_path, rng):
    doc = Doc(tmp_path / "imposition.pdf")
    text_page(doc, rng, sparse=True)
    doc.folio(1, outer=False, head="Running head")   # p.1 (recto): folio on the inner edge
    doc.next_page()
    doc.bookmark("Part 1: Alpha")
    text_page(doc, rng, sparse=True, mirrored=False)              # p.2 (verso): set as a recto: 18 mm inside
    doc.folio(2, head="Running head")
    doc.next_page()
    text_page(doc, rng, sparse=True)
    doc.folio(3, head="Running head")
    doc.save()

    fig = lm.imposition(lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM)))
    assert fig.furniture_inner == [(1, "folio", "1")]
    assert [p for p, _, _ in fig.margins] == [2]
    assert fig.margins[0][1] == pytest.approx(18, abs=0.3) and fig.margins[0][2] == pytest.approx(22, abs=0.3)
    assert fig.part_openers_even == [(2, "Part 1: Alpha")]
    assert len(fig.problems()) == 3


def test_print_edition_is_measured_against_the_trim_box(tmp_path, rng):
    bleed, slug = 3 * MM, 9 * MM                      # crop marks and bleed around an A4 trim
    off = bleed + slug
    doc = Doc(tmp_path / "print.pdf", pagesize=(W + 2 * off, H + 2 * off), trim=(off, off, off + W, off + H))
    for n in (1, 2):
        text_page(doc, rng, sparse=True)
        doc.folio(n, head="Running head")
        doc.c.setFont(FONT, 6)                        # printer's marks outside the trim
        doc.c.drawString(2, 2, "compendium.pdf  page %d  crop marks" % n)
        doc.next_page()
    doc.save()

    report = lm.measure(doc.path, style=SIZE, print_edition=True, text_block=(TOP, BOTTOM))
    imp = report.imposition
    assert imp.trimbox and imp.furniture_inner == [] and imp.margins == [] and imp.furniture_count == 4
    for inner, outer in imp.margin_table.values():
        assert inner == pytest.approx(22, abs=0.3) and outer == pytest.approx(18, abs=0.3)
    assert report.short_pages.short == []
    assert imp.problems() == []


def test_narrow_figure_is_found_and_a_tall_one_is_not(tmp_path, rng):
    doc = Doc(tmp_path / "figures.pdf")
    text_page(doc, rng, sparse=True, stop=TOP + 200, side=False)
    doc.image(INNER, TOP + 220, 0.2 * MAIN, 0.3 * (BOTTOM - TOP))        # 20 % of the measure
    doc.next_page()
    text_page(doc, rng, sparse=True, stop=TOP + 200, side=False)
    doc.image(OUTER + 40, TOP + 220, MAIN, 100)                          # full measure
    doc.next_page()
    doc.image(INNER, TOP, 0.2 * MAIN, 0.9 * (BOTTOM - TOP))              # narrow but full height
    doc.save()

    fig = lm.figures(lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM)))
    assert len(fig.images) == 3
    assert len(fig.narrow) == 1
    page, w, h = fig.narrow[0]
    assert page == 1 and w == pytest.approx(0.2, abs=0.01) and h == pytest.approx(0.3, abs=0.01)


def test_large_print_sizes(tmp_path):
    doc = Doc(tmp_path / "large.pdf")
    doc.text(INNER, TOP + 20, "Body text at sixteen points", size=16)
    doc.text(INNER, TOP + 60, "A heading at twenty-two", size=22, tag="H1")
    doc.text(INNER, TOP + 90, "A caption at fourteen", size=14, tag="Caption")
    doc.text(INNER, H - 11 * MM, "3", size=10, artifact=True)
    doc.save()

    fig = lm.type_sizes(lm.load(doc.path, style=16, text_block=(TOP, BOTTOM)), large_print=True)
    assert (fig.min_body, fig.min_any, fig.min_artifact) == (16, 14, 10)
    assert "fourteen" in fig.min_any_where
    problems = fig.problems()
    assert len(problems) == 1 and "14 pt" in problems[0]
    assert lm.type_sizes(lm.load(doc.path, style=16), large_print=False).problems() == []


def test_command_line_prints_every_figure(tmp_path, rng, capsys):
    doc = Doc(tmp_path / "cli.pdf")
    text_page(doc, rng, sparse=True)
    doc.folio(1)
    doc.save()
    assert lm.main([str(doc.path), "--body-size", "10"]) == 0
    out = capsys.readouterr().out
    for word in ("characters per line", "stops above half", "hyphenation", "word spacing",
                 "imposition", "figures", "type sizes", "problems"):
        assert word in out


def test_a_case_study_running_on_to_a_page_where_the_next_one_starts_lower(tmp_path, rng):
    """Destinations with a y (/XYZ): the next case study starting half-way down the next page
    means the short page is mid case study; starting at the block's top, it is not."""
    doc = Doc(tmp_path / "runon.pdf")
    doc.bookmark("Part 1: Alpha")
    doc.c.bookmarkHorizontal("a", 0, doc.y(TOP))
    doc.c.addOutlineEntry("Case study A", "a", level=1)
    text_page(doc, rng, sparse=True, stop=TOP + 0.3 * (BOTTOM - TOP), side=False)      # p.1: short
    doc.next_page()
    text_page(doc, rng, sparse=True, side=False)        # p.2: A goes on, B starts half-way
    doc.c.bookmarkHorizontal("b", 0, doc.y(TOP + 0.5 * (BOTTOM - TOP)))
    doc.c.addOutlineEntry("Case study B", "b", level=1)
    doc.next_page()
    text_page(doc, rng, sparse=True, stop=TOP + 0.3 * (BOTTOM - TOP), side=False)      # p.3: short, B ends
    doc.next_page()
    doc.c.bookmarkHorizontal("c", 0, doc.y(TOP))
    doc.c.addOutlineEntry("Case study C", "c", level=1)  # p.4: C starts at the top
    text_page(doc, rng, sparse=True, side=False)
    doc.save()

    d = lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM))
    assert [(e.title, e.page) for e in d.outline] == [("Part 1: Alpha", 1), ("Case study A", 1),
                                                      ("Case study B", 2), ("Case study C", 4)]
    fig = lm.short_pages(d)
    assert [(s.page, s.mid_case_study, s.case_study) for s in fig.short] == [
        (1, True, "Case study A"), (3, False, "Case study B")]


def test_two_columns_are_read_column_by_column(tmp_path, rng):
    doc = Doc(tmp_path / "columns.pdf")
    col = (W - INNER - OUTER - GAP) / 2
    counts = []
    for x, plan in ((INNER, [None] * 6), (INNER + col + GAP, ["ac-", "ex-", None, None, None, None])):
        lines, first = [], None
        for last in plan:
            lines.append(fill(rng, col, first=first, last=last))
            first = {"ac-": "cess", "ex-": "pected"}.get(last)
        lines[-1] = rng.sample(FILLER, 3)                 # a short last line
        _, texts = paragraph(doc, x, TOP + SIZE, lines, col)
        counts += [len(t) for t in texts[:-1]]
    doc.save()

    d = lm.load(doc.path, style=SIZE, text_block=(TOP, BOTTOM))
    fig = lm.chars_per_line(d)
    assert fig.lines == 10 and fig.longest[0][1] == max(counts)
    hy = lm.hyphenation(d)
    assert [(b.left, b.right) for b in hy.breaks] == [("ac-", "cess"), ("ex-", "pected")]
    assert hy.max_run == 2 and len(hy.short_fragments) == 2
    assert lm.word_spacing(d).loose == []
