"""The compendium PDF read back: text, contents, outline, fonts, margins, reproducibility."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdf

from book.core.errors import Reporter
from book.build.pipeline import Options, load
from editions import full_edition, minimal_edition, write_png
from textcheck import missing_sentences, squash
from util import ROOT, run_cli


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def text_column(geometry, number: int) -> tuple[float, float]:
    """The left and right edges of the text column of page ``number`` (1-based): the inner margin
    at the spine, the side column on the outer edge."""
    side = geometry.text_width - geometry.text_column
    if number % 2 == 0:        # a left-hand page
        return geometry.margin_outer + side, geometry.width - geometry.margin_inner
    return geometry.margin_inner, geometry.margin_inner + geometry.text_column


def body_text(path: Path) -> str:
    """The text inside the type area's text column, then the side column's: running heads and
    folios would split sentences that run over a page, and a side note beside a line would be
    read into it."""
    import pdfplumber

    from book.style.house import load_style

    geometry = load_style(ROOT / "styles").page
    with pdfplumber.open(path) as pdf:
        texts, sides = [], []
        for number, page in enumerate(pdf.pages, 1):
            top, bottom = geometry.margin_top - 2, page.height - geometry.margin_bottom + 2
            left, right = text_column(geometry, number)
            texts.append(page.crop((left - 1, top, right + 1, bottom)).extract_text())
            for box in ((0, top, left - 1, bottom), (right + 1, top, page.width, bottom)):
                sides.append(page.crop(box).extract_text())
        return "\n".join(texts + sides)


def test_every_sentence_of_every_source_is_in_the_pdf(sample_pdf, sample_loaded):
    assert missing_sentences(sample_loaded, body_text(sample_pdf)) == []


def test_index_texts_are_in_the_pdf(sample_pdf, sample_loaded):
    # titles span the text and side columns; summaries are read from the text column
    text = squash(pdf_text(sample_pdf)) + squash(body_text(sample_pdf))
    for chapter in sample_loaded.publication.case_studies:
        cs = chapter.case_study
        for item in [cs.title, cs.summary, *cs.highlights] + ([cs.quote.text] if cs.quote else []):
            assert squash(item) in text, item


def test_contents_numbers_are_the_pages_where_case_studies_start(sample_pdf, sample_loaded):
    reader = pypdf.PdfReader(sample_pdf)
    labels = reader.page_labels
    contents = squash(reader.pages[2].extract_text() + reader.pages[3].extract_text())
    checked = 0
    for chapter in sample_loaded.publication.case_studies:
        # the page whose label the contents gives must show the case study's title (case studies
        # run on: it may start anywhere on the page)
        title = squash(chapter.title)
        # (the tags read "..., page 12": the word is drawn invisibly before the number)
        match = re.search(re.escape(squash(chapter.lead.name)) + r"(?:page)?(\d+)", contents[contents.index(title):])
        assert match, chapter.title
        page = labels.index(match.group(1))
        assert title in squash(reader.pages[page].extract_text()), (chapter.id, match.group(1))
        checked += 1
    assert checked == len(sample_loaded.publication.case_studies)


def test_index_lines_give_each_case_studys_first_page_spaced_as_text(sample_pdf, sample_loaded):
    import pdfplumber

    reader = pypdf.PdfReader(sample_pdf)
    labels = reader.page_labels
    # where each case study starts: its named destination (what links from outside the file use)
    first_page = {name.removeprefix("chapter:"): labels[reader.get_destination_page_number(dest)]
                  for name, dest in reader.named_destinations.items()}
    with pdfplumber.open(sample_pdf) as pdf:
        page = next(p for p in pdf.pages if (p.extract_text() or "").lstrip().startswith("Index of themes"))
        words = page.extract_words(keep_blank_chars=False)
        middle = page.width / 2
    checked = 0
    for entry in sample_loaded.publication.theme_index:
        if len(entry.chapters) < 2:
            continue
        term = next(w for w in words if w["text"] == entry.term.split()[0] and w["x0"] < middle)
        numbers = sorted((w for w in words if abs(w["top"] - term["top"]) < 2 and re.fullmatch(r"\d+,?", w["text"])),
                         key=lambda w: w["x0"])
        expected = sorted({first_page[c.id] for c in entry.chapters}, key=int)
        assert [w["text"].rstrip(",") for w in numbers] == expected, entry.term
        gaps = [b["x0"] - a["x1"] for a, b in zip(numbers, numbers[1:])]
        assert all(gap < 4 for gap in gaps), (entry.term, gaps)     # a comma and a space, not a column each
        checked += 1
    assert checked >= 3


def test_front_matter_is_numbered_in_roman_and_body_in_arabic(sample_pdf):
    labels = pypdf.PdfReader(sample_pdf).page_labels
    assert labels[:3] == ["i", "ii", "iii"]
    assert "1" in labels and labels.index("1") > 3


def test_outline_holds_parts_case_studies_and_headings(sample_pdf, sample_loaded):
    reader = pypdf.PdfReader(sample_pdf)

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    outline = list(titles(reader.outline))
    for chapter in sample_loaded.publication.case_studies:
        assert chapter.title in outline
    assert "A service in need of change" in outline
    assert any(t.startswith("Part 1") for t in outline)


def test_metadata(sample_pdf):
    with pikepdf.open(sample_pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]).startswith("Growing OHWB Case Studies")
        assert str(info["/Author"]) == "NHS Health at Work Network"
        assert "Service transformation" in str(info["/Keywords"])
        assert str(pdf.Root.Lang) == "en-GB"


def embedded_font_problems(path: Path) -> list[str]:
    problems = []
    with pikepdf.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            fonts = page.resources.get("/Font", {})
            for name, font in fonts.items():
                desc = font.get("/FontDescriptor") or font.get("/DescendantFonts", [{}])[0].get("/FontDescriptor")
                if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"page {n + 1}: {font.get('/BaseFont')} not embedded")
    return problems


def test_every_font_is_embedded(sample_pdf, full_build):
    assert embedded_font_problems(sample_pdf) == []
    assert embedded_font_problems(full_build[0]) == []


def test_structure_is_sound(sample_pdf, full_build):
    for path in (sample_pdf, full_build[0]):
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == []  # what `qpdf --check` reports


def test_markup_characters_print_literally(full_build):
    text = " ".join(pdf_text(full_build[0]).split())     # a phrase may run over a line end
    for literal in ("<NHS Trust>", "A&E", "<font size=100>big</font>", "<para>", "&amp; entities", "Everything <b>bold</b> & more"):
        assert literal in text, literal


def test_full_edition_sentences_and_constructs(full_build, tmp_path):
    pdf, sources = full_build
    loaded = load(Options(sources=sources, styles=ROOT / "styles", out=tmp_path), Reporter(quiet=True))
    text = pdf_text(pdf)
    assert missing_sentences(loaded, body_text(pdf)) == []
    assert "Visible hostile paragraph." in text and "alert(1)" not in text
    assert "Word footnote text." in text


def test_word_documents_keep_their_image_and_its_alt_text(full_build, tmp_path):
    import pdfplumber

    pdf, sources = full_build
    loaded = load(Options(sources=sources, styles=ROOT / "styles", out=tmp_path), Reporter(quiet=True))
    word = next(c for c in loaded.publication.case_studies if c.id == "word")
    from book.document import ast

    images = [n for n in ast.walk(word.blocks) if isinstance(n, ast.Image)]
    assert [i.alt for i in images] == ["A Word chart"] and Path(images[0].src).is_file()
    with pdfplumber.open(pdf) as doc:
        pages = [p for p in doc.pages if "A Word document" in (p.extract_text() or "")[:200]]
        assert pages and any(p.images for p in pages[:2] + doc.pages[doc.pages.index(pages[0]) + 1:][:1])


def content_bounds_problems(path: Path, margin_inner: float, margin_outer: float) -> list[str]:
    """Text and images outside the type area of their page (margins mirrored: the inner margin at
    the spine, on the left of a right-hand page, on the right of a left-hand one)."""
    import pdfplumber

    problems = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            margin_left, margin_right = (margin_inner, margin_outer) if n % 2 == 0 else (margin_outer, margin_inner)
            for ch in page.chars:
                if ch["text"].isspace():
                    continue        # a line's closing space (for the tagged text) hangs, invisible, as in any typesetter
                if ch["x0"] < margin_left - 1 or ch["x1"] > page.width - margin_right + 1:
                    problems.append(f"page {n + 1}: {ch['text']!r} at {ch['x0']:.0f}-{ch['x1']:.0f}")
                    break
            for img in page.images:
                if img["x0"] < margin_left - 1 or img["x1"] > page.width - margin_right + 1 or img["bottom"] > page.height:
                    problems.append(f"page {n + 1}: image outside the margins")
    return problems


def test_extreme_content_stays_inside_the_margins(tmp_path):
    long_word = "Pneumono" * 625  # 5,000 characters, no break
    header = "| " + " | ".join(f"C{i}" for i in range(60)) + " |\n|" + "---|" * 60 + "\n"
    row = "| " + " | ".join(f"value{i}" for i in range(60)) + " |\n"
    body = f"Start.\n\n{long_word}\n\n{header}{row}\n\n![A very tall image](tall.png)\n\nEnd.\n"
    sources = minimal_edition(tmp_path, body)
    write_png(sources / "case-studies" / "tall.png", size=(300, 3000))
    code, out = run_cli("pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0, out
    from book.style.house import load_style

    page = load_style(ROOT / "styles").page
    pdf = tmp_path / "dist" / "compendium.pdf"
    assert content_bounds_problems(pdf, page.margin_inner, page.margin_outer) == []
    assert squash(long_word) in squash(body_text(pdf))


def test_very_long_titles_and_names_stay_inside_the_margins(tmp_path):
    title = "A case study title that goes on " * 10
    name = "The Extraordinarily Long Named Integrated Care Partnership of Somewhere " * 3
    sources = minimal_edition(tmp_path, "Body text.\n\n" + "More body text. " * 400 + "\n")
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("title: Only case study", f"title: {title.strip()}")
                     .replace("name: One Trust", f"name: {name.strip()}"))
    code, out = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0, out
    from book.style.house import load_style

    page = load_style(ROOT / "styles").page
    assert content_bounds_problems(tmp_path / "dist" / "compendium.pdf", page.margin_inner, page.margin_outer) == []
    assert squash(title) in squash(pdf_text(tmp_path / "dist" / "compendium.pdf"))


def test_reproducible(tmp_path):
    sources = full_edition(tmp_path)
    results = []
    for n in range(2):
        out = tmp_path / f"dist{n}"
        code, text = run_cli("pdf", "--sources", str(sources), "--out", str(out), "-q")
        assert code == 0, text
        results.append((out / "compendium.pdf").read_bytes())
        shutil.rmtree(out / ".cache")   # the second build converts again from scratch
    assert results[0] == results[1]


def test_print_option_adds_bleed_and_pads_to_four(tmp_path):
    sources = full_edition(tmp_path)
    code, out = run_cli("pdf", "--print", "--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0, out
    reader = pypdf.PdfReader(tmp_path / "dist" / "compendium.pdf")
    assert len(reader.pages) % 4 == 0
    page = reader.pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    assert float(page.mediabox.width) > float(trim.width) > 590
    assert abs((float(bleed.width) - float(trim.width)) - 2 * 72 / 25.4 * 3) < 0.5
