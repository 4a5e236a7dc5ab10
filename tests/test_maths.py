"""Maths is typeset, never printed as its LaTeX: a displayed formula drawn as vectors in the PDF
and tagged Formula with its LaTeX as alternative text, MathML in the EPUB (EPUBCheck clean, the
documents marked 'mathml'), readable text within a line; Word's own equations (OMML) too."""
from __future__ import annotations

import re
import zipfile

import pdfplumber
import pytest

from book.document import maths
from editions import make_docx
from test_every_document import build, edition_with, pdf_text

MATHS = r"""The grating equation, inline $\sin\theta = \frac{m\lambda}{a}$, and $x^2 + y_1$ in a sentence.

$$\frac{m\lambda}{a} = \sin\theta_1 + \sqrt{b^2-4ac}$$

After the formula.
"""
DISPLAYED = r"\frac{m\lambda}{a} = \sin\theta_1 + \sqrt{b^2-4ac}"


@pytest.mark.parametrize("latex, text", [
    (r"\sin\theta = \frac{m\lambda}{a}", "sin θ = mλ/a"),
    (r"E = mc^2", "E = mc²"),
    (r"\sqrt{b^2-4ac}", "√(b² − 4ac)"),
    (r"\frac{a+b}{c}", "(a + b)/c"),
    (r"\unknowncommand{", r"\unknowncommand{"),      # what the author wrote, when nothing can read it
])
def test_plain_text_of_a_formula_is_readable(latex, text):
    assert maths.plain(latex) == text


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("maths")
    from test_image_kinds import HOSTILE_SVG

    # with a sanitised SVG picture too: one EPUBCheck run (a Java start-up) checks both
    body = MATHS + "\n![A bar chart of uptake](chart.svg)\n"
    code, text, out = build(edition_with(root, body, files={"case-studies/chart.svg": HOSTILE_SVG}))
    assert code == 0, text
    return out


def test_the_pdf_draws_the_displayed_formula_and_sets_inline_maths_as_text(built):
    words = pdf_text(built / "compendium.pdf")
    assert "sin θ = mλ/a" in words and "After the formula." in words
    assert "\\frac" not in words and "\\sin" not in words and "$" not in words
    with pdfplumber.open(built / "compendium.pdf") as pdf:
        [page] = [p for p in pdf.pages if "grating" in (p.extract_text() or "")]
        formula_area = [c for c in page.curves if c["top"] > min(ch["top"] for ch in page.chars if ch["text"] == "g")]
        assert len(formula_area) > 10            # the formula's glyphs are paths


def test_the_displayed_formula_is_tagged_with_its_latex(built):
    from test_tagged_pdf import marked_content_problems, read_tagged, ua1_failures

    import page

    pdf = built / "compendium.pdf"
    [formula] = read_tagged(pdf).root.elements("Formula")
    assert formula.alt == DISPLAYED and formula.mcrs()
    assert marked_content_problems(pdf) == []
    assert ua1_failures(page.validate_pdf(str(pdf), profile="ua1")) == []


def test_the_epub_carries_mathml_and_says_so_and_epubcheck_passes_with_an_svg(built):
    from test_epub import epubcheck

    with zipfile.ZipFile(built / "compendium.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        [name] = [n for n in epub.namelist() if n.endswith("only.xhtml")]
        chapter = epub.read(name).decode()
    assert re.search(r'<item [^>]*href="[^"]*only\.xhtml"[^>]*properties="mathml"', opf) or \
        re.search(r'<item [^>]*properties="mathml"[^>]*href="[^"]*only\.xhtml"', opf)
    assert chapter.count("<math ") == 3 and 'display="block"' in chapter
    assert f'alttext="{DISPLAYED}"' in chapter.replace("&amp;", "&")
    assert epubcheck(built / "compendium.epub") == []


def test_word_equations_are_typeset_too(tmp_path):
    folder = tmp_path / "word"
    folder.mkdir()
    make_docx("Uptake follows\n\n$$\\frac{m\\lambda}{a} = x^2$$\n\nand $E = mc^2$ inline.\n", folder / "eq.docx")
    with zipfile.ZipFile(folder / "eq.docx") as docx:
        assert b"<m:oMath" in docx.read("word/document.xml")       # Word's own equations (OMML)
    code, text, out = build(edition_with(tmp_path, (folder / "eq.docx").read_bytes(), "eq.docx"))
    assert code == 0, text
    words = pdf_text(out / "compendium.pdf")
    assert "E = mc" in words and "\\frac" not in words
    from test_tagged_pdf import read_tagged

    assert len(read_tagged(out / "compendium.pdf").root.elements("Formula")) == 1
