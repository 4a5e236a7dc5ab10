"""Alt text and captions (issue 20): alt text that repeats its caption is not read twice (the
EPUB's image gets alt="", the PDF's Figure a pointer to its caption) and the editor is warned;
a chart's data given as a table (a ``{.chart-data}`` div after the figure) is in both outputs."""
from __future__ import annotations

import re
import zipfile

import pikepdf

from book.document.alttext import figure_alt, repeats_caption
from conftest import source_date_epoch
from editions import minimal_edition, write_png
from util import run_cli, structure_elements

BODY = """# Results

![Sickness absence fell in every quarter.](images/chart.png)

::: chart-data
| Quarter | Absence (%) |
|---|---|
| Q1 2024 | 5.1 |
| Q2 2024 | 4.6 |
:::

![Absence by quarter](images/chart2.png){alt="A bar chart: absence falls from 5.1 to 4.6 per cent."}

Then the text goes on.
"""


def test_alt_text_repeating_its_caption(tmp_path):
    sources = minimal_edition(tmp_path, BODY)
    for name in ("chart.png", "chart2.png"):
        write_png(sources / "case-studies" / "images" / name, size=(1800, 1000))
    with source_date_epoch():
        code, printed = run_cli("pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"))
        code2, printed2 = run_cli("epub", "--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0 and code2 == 0, printed + printed2
    assert "alt text repeats its caption" in printed and printed.count("alt text repeats its caption") == 1
    with zipfile.ZipFile(tmp_path / "dist" / "compendium.epub") as z:
        doc = z.read("EPUB/only.xhtml").decode("utf-8")
    figures = re.findall(r"<figure.*?</figure>", doc, re.S)
    assert 'alt=""' in figures[0] and "Sickness absence fell" in figures[0]        # read once: the caption
    assert 'alt="A bar chart' in doc                                               # a real description stays
    assert re.search(r'<div[^>]*class="chart-data"[^>]*>\s*<table', doc) or ("<table" in doc and "Q2 2024" in doc)
    with pikepdf.open(tmp_path / "dist" / "compendium.pdf") as pdf:
        elements = list(structure_elements(pdf))
        alts = [str(elem.get("/Alt", "")) for elem in elements if elem.S == "/Figure"]
        tables = sum(elem.S == "/Table" for elem in elements)
    assert "Sickness absence fell in every quarter." not in alts
    assert any("described in its caption" in a for a in alts)
    assert tables >= 1                      # the chart's data, for screen readers too


def test_repeats_caption():
    assert repeats_caption("Sickness absence fell.", "Figure 2. Sickness absence fell")
    assert not repeats_caption("A bar chart of absence", "Absence by quarter")
    assert figure_alt(["Same words"], "Same words") == "Figure, described in its caption"
    assert figure_alt(["A bar chart"], "Absence by quarter") == "A bar chart"


def test_conformance_is_claimed_only_when_the_checks_hold(tmp_path):
    body = "# Results\n\n![](images/chart.png)\n\nText.\n"
    sources = minimal_edition(tmp_path, body)
    write_png(sources / "case-studies" / "images" / "chart.png", size=(1800, 1000))
    with source_date_epoch():
        code, printed = run_cli("epub", "--sources", str(sources), "--out", str(tmp_path / "dist"))
    assert code == 0, printed
    assert "does not claim EPUB Accessibility 1.1 - WCAG 2.2 Level AA: 1 of 2 images has no text alternative" in printed
    with zipfile.ZipFile(tmp_path / "dist" / "compendium.epub") as z:
        opf = z.read(next(n for n in z.namelist() if n.endswith(".opf"))).decode("utf-8")
    assert "dcterms:conformsTo" not in opf and "a11y:certifiedBy" not in opf
    assert "It does not claim EPUB Accessibility 1.1" in opf


def test_a_figure_too_small_to_print_sharp_is_queried_wherever_it_is(tmp_path):
    """The low-resolution check finds every figure of a text, at the top or inside a div (the
    walk that prepares the text finds them; no walk of its own)."""
    body = ("# Results\n\n![A small chart of absences](images/top.png)\n\n"
            "::: {.boxed}\n![A small chart in a div](images/quoted.png)\n:::\n\n"
            "![A chart big enough](images/big.png)\n")
    sources = minimal_edition(tmp_path, body)
    for name, width in (("top.png", 300), ("quoted.png", 310), ("big.png", 2400)):
        write_png(sources / "case-studies" / "images" / name, size=(width, width // 2))
    with source_date_epoch():
        code, printed = run_cli("pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"))
    assert code == 0, printed
    queried = re.findall(r"image '[^']*?(\w+)\.png' prints at (\d+) ppi", printed)
    assert [name for name, _ppi in queried] == ["top", "quoted"], printed
    assert all(int(ppi) < 250 for _name, ppi in queried)
