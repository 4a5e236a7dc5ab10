"""Hyphenation and justification as a typographer sets them (issue 16), checked on real builds
read back with pdfplumber (``hjmetrics``), and on ReportLab paragraphs broken with the house style:

* at most ``consecutive`` (2) hyphenated line ends in a row;
* at least 3 letters either side of a hyphen, words of 6 letters or more, no break in a heading;
* web and e-mail addresses broken only after / . - @, with nothing added;
* table cells hyphenated with a hyphen, never cut mid-word without one (headers included);
* no justified line with word spaces over twice the normal space.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from reportlab.platypus import Paragraph

from book.core.errors import UserError
from book.style.house import hyphenator, load_style
from book.pdf import linebreak
from book.pdf.linebreak import url_break_pairs
from editions import minimal_edition
from hjmetrics import measure, page_lines
from util import ROOT, run_cli

LONG_WORDS = ("responsibilities occupational understanding organisational implementation representatives "
              "psychological sustainability consultation physiotherapy musculoskeletal rehabilitation "
              "accreditation multidisciplinary interventions ")
URL = "https://www.england.nhs.uk/publication/growing-occupational-health-and-wellbeing-together/"
MAIL = "occupational.health.wellbeing@example-hospitals.nhs.uk"
CELL_WORDS = ["comfortably", "responsibilities", "rehabilitation", "understanding", "physiotherapy",
              "sustainability", "consultation", "accreditation"]
HEADER_WORDS = ["Comfortably", "Responsibilities", "Rehabilitation", "Understanding", "Physiotherapy",
                "Sustainability", "Consultation", "Accreditation"]
# short words, then a figure no rule may break: greedy breaking leaves the line before it loose
LOOSE = " ".join(f"We saw {n} at a ward, then £{n}1,234,567,890,123.45 and 9,876,543,210,987 more." for n in range(1, 13))


def body() -> str:
    table = ("| " + " | ".join(HEADER_WORDS) + " |\n|" + "---|" * len(HEADER_WORDS) + "\n" +
             "".join("| " + " | ".join(CELL_WORDS[(r + c) % len(CELL_WORDS)] + " and " + CELL_WORDS[(r + c + 3) % len(CELL_WORDS)]
                                      for c in range(len(CELL_WORDS))) + " |\n" for r in range(4)))
    return "\n\n".join([
        "## Interprofessional multidisciplinary occupational responsibilities and organisational understanding",
        (LONG_WORDS * 12).strip(),
        f"Read the strategy at {URL} or write to {MAIL} for a copy; " * 6,
        table,
        LOOSE,
    ]) + "\n"


def justified_styles(root: Path) -> Path:
    """The house styles and one more, ``justified``: the house style with justified body text
    (the house sets running text ragged right; justification is where word spaces can stretch)."""
    styles = root / "styles"
    shutil.copytree(ROOT / "styles", styles)
    (styles / "justified.yaml").write_text("name: House style, justified\nextends: house\n"
                                           "styles:\n  body: {alignment: justify}\n", encoding="utf-8")
    return styles


def build_justified(sources: Path, out: Path, styles: Path) -> tuple[int, str]:
    import contextlib
    import io

    from book.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        code = main(["pdf", "--sources", str(sources), "--out", str(out), "--styles", str(styles),
                     "--style", "justified", "-q"])
    return code, buffer.getvalue()


@pytest.fixture(scope="module")
def hj_build(tmp_path_factory):
    """The edition, in the justified house style, built twice into two folders: (first pdf, second pdf)."""
    root = tmp_path_factory.mktemp("hj")
    sources = minimal_edition(root, body())
    styles = justified_styles(root)
    pdfs = []
    for name in ("one", "two"):
        code, printed = build_justified(sources, root / name, styles)
        assert code == 0, printed
        pdfs.append(root / name / "compendium.pdf")
    return pdfs


def lines_of(pdf: Path):
    with pdfplumber.open(str(pdf)) as doc:
        return [line for n, page in enumerate(doc.pages, 1) for line in page_lines(page, n)]


# ------------------------------------------------------------------ the whole book, measured
def test_no_run_of_three_hyphens_no_short_fragment_no_loose_line(hj_build):
    m = measure(hj_build[0])
    assert m.hyphenated >= 10, "the paragraphs are made to hyphenate: they must"
    assert m.max_hyphen_run <= 2, m.runs
    assert m.short_fragments == []
    assert m.justified >= 20
    assert m.loose == []


def test_the_edition_comes_out_byte_for_byte_the_same(hj_build):
    assert hj_build[0].read_bytes() == hj_build[1].read_bytes()


def test_headings_are_never_hyphenated(hj_build):
    heading = [line for line in lines_of(hj_build[0]) if "Interprofessional" in line.text
               or ("responsibilities" in line.text and line.size > 12)]
    assert heading, "the heading is on the page"
    size = heading[0].size
    heading_lines = [line for line in lines_of(hj_build[0]) if abs(line.size - size) < 0.1]
    assert len(heading_lines) >= 2, "the heading is long enough to wrap"
    assert not [line.text for line in heading_lines if line.text.endswith("-")]


def test_addresses_break_after_their_punctuation_with_nothing_added(hj_build):
    lines = lines_of(hj_build[0])
    text = "\n".join(line.text for line in lines)
    breaks = 0
    for address in (URL, MAIL):
        for i, line in enumerate(lines[:-1]):
            last, rest = line.words[-1]["text"], lines[i + 1].words[0]["text"].rstrip(";")
            if last != address and address.startswith(last) and address.startswith(last + rest[:3]):
                # the address goes on on the next line: broken at its punctuation, nothing added
                assert last[-1] in "/.-@", f"{address} broken after {last!r}"
                assert address.startswith(last + rest), (last, rest)
                breaks += 1
        # every copy is whole once its line breaks are taken out
        assert text.replace("\n", "").count(address) >= 1 or breaks
    assert breaks >= 2, "the addresses are long enough to be broken"
    # a soft hyphen only where the breaker added a hyphen at a line end (the tagged text reads the
    # word whole, pdfwords); never inside an address
    assert "\u200b" not in text and not re.search("\u00ad\\S", text)


def test_table_cells_are_hyphenated_never_cut(hj_build):
    vocabulary = set(CELL_WORDS) | set(HEADER_WORDS)
    heads = []
    for line in lines_of(hj_build[0]):
        for w in line.words:
            word = w["text"]
            stem = word.rstrip("-\u00ad")
            if word in vocabulary or len(stem) < 2 or not any(v.lower().startswith(stem.lower()) for v in vocabulary):
                continue
            # a piece of a table word: the head of a hyphenated break, with its hyphen
            assert word.endswith(("-", "\u00ad")), f"{word!r} cut without a hyphen"   # U+00AD: an added hyphen
            assert len(word) - 1 >= 3
            heads.append(word)
    assert heads, "the cells are narrow enough to hyphenate"
    assert any(h[:1].isupper() for h in heads), "a header word too wide for its column is hyphenated too"


# ------------------------------------------------------------------ ReportLab paragraphs
@pytest.fixture(scope="module")
def house():
    return load_style(ROOT / "styles")


def hyphen_runs(lines) -> int:
    ends = [(line[1][-1] if lines.kind == 0 else "".join(f.text for f in line.words).rstrip()) for line in lines.lines]
    run = best = 0
    for end in ends[:-1]:
        run = run + 1 if re.search(r"[^\W\d_]-$", end) else 0
        best = max(best, run)
    return best


def test_the_breaker_refuses_the_third_hyphen_that_reportlab_alone_would_set(house):
    style = house.paragraph_style("body")
    text = (LONG_WORDS * 6).strip()
    for width in (120, 150, 180, 240):
        para = Paragraph(text, style)
        greedy = linebreak.paragraph.Paragraph.breakLines.__wrapped_original__(para, [width])
        assert hyphen_runs(greedy) > 2, f"at {width} pt ReportLab alone sets a run of three"
        para = Paragraph(text, style)
        para.wrap(width, 10_000)
        assert hyphen_runs(para.blPara) <= 2


def test_a_loose_line_is_rebroken_or_set_ragged(house):
    from reportlab.lib.enums import TA_JUSTIFY

    style = house.paragraph_style("body", alignment=TA_JUSTIFY)
    para = Paragraph(LOOSE, style)
    para.wrap(200, 10_000)
    space = linebreak.paragraph.stringWidth(" ", style.fontName, style.fontSize)
    for extra, words in para.blPara.lines[:-1]:
        if extra > 1e-8 and len(words) > 1:
            assert 1 + extra / (len(words) - 1) / space <= 2.0


def test_the_hyphenator_keeps_the_house_limits(house):
    body = house.paragraph_style("body").hyphenationLang
    assert (body.left, body.right, body.min_word, body.capitalised) == (3, 3, 6, False)
    for word in ("incomprehensible", "comfortably", "occupational", "MSK-related", "needs-based", "co-production"):
        for head, tail in body(word):
            left = head.rstrip("-").rsplit("-", 1)[-1]
            assert len(left) >= 3 and len(tail.split("-")[0]) >= 3, (head, tail)
    assert ("incomp", "rehensible") not in list(body("incomprehensible"))
    assert list(body("super")) == [] and list(body("career")) == []        # under 6 letters / 3 a side
    assert list(body("Northumberland")) == []                               # a name, unless a line is loose
    assert list(body.names_too("Northumberland"))
    assert ("MSK-", "related") in list(body("MSK-related"))                 # after its own hyphen, even so
    assert house.paragraph_style("h2").hyphenationLang == ""
    assert house.paragraph_style("table_header").lastResortHyphenation is not None
    assert hyphenator("en_GB", 3, 3, 6, False) is body                     # pickles to the same object


def test_addresses_are_broken_only_at_their_punctuation():
    pairs = url_break_pairs(URL)
    assert pairs and all(head[-1] in "/.-@" and head + tail == URL for head, tail in pairs)
    assert [len(h) for h, _ in pairs] == sorted((len(h) for h, _ in pairs), reverse=True)
    assert not any(head.endswith(("https:", "https:/")) for head, _ in pairs)
    assert ("occupational.health.wellbeing@", "example-hospitals.nhs.uk") in url_break_pairs(MAIL)
    for word in ("wellbeing", "well-being", "e.g.", "and/or", "3.5"):
        assert url_break_pairs(word) is None


# ------------------------------------------------------------------ the style's limits
def test_hyphenation_limits_are_checked(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    house = styles / "house.yaml"
    text = house.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("hyphenation_limits:"))
    house.write_text(text.replace(line, "hyphenation_limits: {consecutive: 0, min_left: 3, max_word_space: 0.5, widows: 2}"),
                     encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_style(styles)
    message = str(caught.value)
    assert "hyphenation_limits.consecutive" in message
    assert "hyphenation_limits.max_word_space" in message
    assert "unknown key 'widows'" in message
    house.write_text(text.replace(line, "hyphenation_limits: {consecutive: 3}"), encoding="utf-8")
    style = load_style(styles).paragraph_style("body")
    assert style.lineLimits.consecutive == 3 and style.hyphenationLang.left == 3    # the rest: defaults


# ------------------------------------------------------------------ the sample and the archive
ARCHIVE = ROOT.parent / "shared" / "editions" / "archive"


def assert_typographers_limits(pdf: Path):
    m = measure(pdf)
    assert m.max_hyphen_run <= 2, m.runs
    assert m.short_fragments == []
    assert m.loose == []
    return m


def test_the_sample_keeps_the_limits(sample_pdf):
    assert_typographers_limits(sample_pdf)


@pytest.mark.skipif(not ARCHIVE.is_dir(), reason="the archive edition (60 long case studies) is not here")
def test_the_archive_keeps_the_limits(tmp_path):
    # before issue 16: runs of 4 hyphens, 163 fragments under 3 letters, word spaces 2.7x normal
    code, printed = build_justified(ARCHIVE, tmp_path / "dist", justified_styles(tmp_path))
    assert code == 0, printed
    m = assert_typographers_limits(tmp_path / "dist" / "compendium.pdf")
    assert m.hyphenated > 100 and m.justified > 1000, "the archive is hyphenated and justified"


def test_the_rest_of_a_split_paragraph_keeps_the_hyphens_its_words_were_written_with():
    """Split over a page after a hyphenated word ('clinic-' / 'ally'), a paragraph's rest is
    broken into its own lines from the pieces of the words the whole was split into. ReportLab
    joined those pieces taking a hyphen off each, even one the word was written with: the
    archive printed 'costef-' / 'fective' for 'cost-effective' (``linebreak.rejoin_split_word``)."""
    from reportlab.platypus import paragraph as rl_paragraph

    style = load_style(ROOT / "styles").paragraph_style("body")
    text = ("<b>Access:</b> In 2019, North Central London Integrated Care System (NCL ICS) set itself an ambition"
            " of establishing a single, consolidated, clinically excellent OH service that consistently delivers"
            " high-quality, cost-effective services to all NHS staff working across the ICS.")

    def rests() -> list[str]:
        found = []
        for width in range(250, 480, 3):
            whole = Paragraph(text, style)
            whole.wrap(width, 10_000)
            for lines in range(1, len(whole.blPara.lines)):
                parts = Paragraph(text, style).split(width, lines * style.leading + 0.1)
                if len(parts) == 2:
                    parts[1].wrap(width, 10_000)
                    found.append("".join("".join(getattr(w, "text", "") for w in line.words)
                                         for line in parts[1].blPara.lines).replace("\u00ad", ""))
        return found

    fixed = rests()
    assert fixed and all("cost-" in rest or "cost" not in rest for rest in fixed)
    rl_paragraph._rejoinSplitFragWords = linebreak.rejoin_split_word.__wrapped_original__
    try:
        assert any("costef" in rest or "costeffective" in rest for rest in rests()), "ReportLab's slip, shown"
    finally:
        rl_paragraph._rejoinSplitFragWords = linebreak.rejoin_split_word
