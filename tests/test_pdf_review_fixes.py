"""Fixes from the review of the PDF writer, each checked on a real build read back.

1. long content (a huge table cell, quote, highlight; a style with huge leading) never ends in a
   traceback: it is laid out, or it is a one-line error naming the file;
2. merged table cells (colspan, rowspan) put their neighbours under the right headers, also in
   tables set as column groups;
3. images in table cells and as link words are printed, not only their alt text;
4. characters the mono or the running-head font lacks are drawn in the fallback font;
5. a link to anything but the web, mail, phone or a place in the book is never a PDF link;
6. case-study ids named like the book's own pages do not take their page numbers.
"""
from __future__ import annotations

import io
import re
import shutil
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest

from book.document import ast
from book.cli import main
from book.core.errors import Reporter
from book.build.pipeline import Options, load
from book.build.standalone import write_compendium
from editions import minimal_edition, write_png
from util import ROOT, run_cli


def words(n: int, stem: str) -> str:
    return " ".join(f"{stem}{i}" for i in range(n))


def build(sources: Path, out: Path) -> Path:
    code, printed = run_cli("pdf", "--sources", str(sources), "--out", str(out), "-q")
    assert code == 0, printed
    return out / "compendium.pdf"


def html_source(sources: Path, body: str) -> None:
    """Make the minimal edition's case study an .html file holding ``body``."""
    (sources / "case-studies" / "only.md").unlink()
    (sources / "case-studies" / "only.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    index = sources / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("only.md", "only.html"), encoding="utf-8")


def all_words(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [w["text"] for page in doc.pages for w in page.extract_words()]


# ------------------------------------------------------------------ 1. long content
def test_a_table_cell_of_2000_words_runs_over_pages(tmp_path):
    sources = minimal_edition(tmp_path, "")
    html_source(sources, f"<p>Before the table.</p><table><tr><td>{words(2000, 'cell')}</td></tr></table>")
    found = all_words(build(sources, tmp_path / "dist"))
    assert [w for w in found if w.startswith("cell")] == [f"cell{i}" for i in range(2000)]


def test_a_1200_word_quote_and_highlight_in_the_index_run_over_pages(tmp_path):
    sources = minimal_edition(tmp_path, "Body text.\n")
    index = sources / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8")
                     + f"    highlights: ['Short: one', '{words(1200, 'hl')}']\n"
                     + f"    quote: {{text: '{words(1200, 'qt')}', name: Ann Example}}\n", encoding="utf-8")
    found = all_words(build(sources, tmp_path / "dist"))
    assert [w for w in found if re.fullmatch(r"hl\d+", w)] == [f"hl{i}" for i in range(1200)]
    assert [w.strip("\u201c\u201d") for w in found if w.strip("\u201c\u201d").startswith("qt")] == [f"qt{i}" for i in range(1200)]
    assert "Ann" in found and "Body" in found


def test_a_long_block_quote_runs_over_pages(tmp_path):
    sources = minimal_edition(tmp_path, f"Intro.\n\n> {words(1500, 'bq')}\n")
    found = all_words(build(sources, tmp_path / "dist"))
    assert [w for w in found if w.startswith("bq")] == [f"bq{i}" for i in range(1500)]


def test_a_style_with_huge_leading_is_a_user_error_naming_the_style(tmp_path):
    sources = minimal_edition(tmp_path, "A paragraph.\n")
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    house = styles / "house.yaml"
    text = house.read_text(encoding="utf-8")
    assert "    fontSize: 10.5\n    leading: 15\n" in text
    house.write_text(text.replace("    fontSize: 10.5\n    leading: 15\n", "    fontSize: 10.5\n    leading: 2000\n", 1), encoding="utf-8")
    printed = io.StringIO()
    with redirect_stderr(printed), redirect_stdout(printed):
        code = main(["pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"), "--styles", str(styles), "-q"])
    out = printed.getvalue()
    assert code == 1 and "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(house) in errors[0] and "leading 2000pt" in errors[0], out


def test_what_cannot_be_laid_out_is_a_user_error_naming_its_source(tmp_path):
    # a header row is repeated on every page, so it can never be split: one taller than a page
    sources = minimal_edition(tmp_path, "")
    html_source(sources, f"<p>Intro.</p><table><thead><tr><th>{words(2000, 'head')}</th></tr></thead>"
                         "<tbody><tr><td>x</td></tr></tbody></table>")
    code, out = run_cli("pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 1 and "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out
    assert "only.html" in errors[0] and "a table ('head0 head1" in errors[0] and "too tall for one page" in errors[0]
    assert not (tmp_path / "dist" / "compendium.pdf").exists()


# ------------------------------------------------------------------ 2. merged cells
def header_above(found: list[dict], word: dict, name: str) -> dict:
    """The header cell ``name`` nearest above ``word`` (a table set as column groups repeats headers)."""
    candidates = [w for w in found if w["text"] == name and w["top"] < word["top"]]
    assert candidates, f"no header {name} above {word['text']}"
    return max(candidates, key=lambda w: w["top"])


def column_of(found: list[dict], text: str) -> list[dict]:
    return [w for w in found if w["text"] == text]


def check_under(found: list[dict], placements: dict[str, str]) -> None:
    """Each value (printed once) starts at the left edge of its header's column."""
    for value, header in placements.items():
        hits = column_of(found, value)
        assert len(hits) == 1, f"{value} printed {len(hits)} times"
        head = header_above(found, hits[0], header)
        assert abs(hits[0]["x0"] - head["x0"]) < 1, f"{value} is not under {header}"


def table_words(pdf: Path) -> list[dict]:
    out = []
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages):
            for w in page.extract_words():
                out.append({**w, "top": w["top"] + n * 10000})   # one long strip: 'above' works over pages
    return out


def test_merged_cells_put_their_neighbours_under_the_right_headers(tmp_path):
    sources = minimal_edition(tmp_path, "")
    html_source(sources, textwrap.dedent("""\
        <p>Intro.</p>
        <table>
          <thead><tr><th>Region</th><th>Before</th><th>After</th></tr></thead>
          <tbody>
            <tr><td rowspan="2">North</td><td>n1b</td><td>n1a</td></tr>
            <tr><td>n2b</td><td>n2a</td></tr>
            <tr><td colspan="2">wide</td><td>wa</td></tr>
            <tr><td>south</td><td>sb</td><td>sa</td></tr>
          </tbody>
        </table>"""))
    pdf = build(sources, tmp_path / "dist")
    check_under(table_words(pdf), {"North": "Region", "n1b": "Before", "n1a": "After", "n2b": "Before", "n2a": "After",
                                   "wide": "Region", "wa": "After", "south": "Region", "sb": "Before", "sa": "After"})
    with pikepdf.open(pdf) as doc:     # the tagged table says which cells are merged
        spans = sorted((str(a.get("/ColSpan", 1)), str(a.get("/RowSpan", 1)))
                       for obj in doc.objects if isinstance(obj, pikepdf.Dictionary) and "/A" in obj
                       and obj.get("/S") == "/TD" for a in [obj.A] if isinstance(a, pikepdf.Dictionary))
    assert ("1", "2") in spans and ("2", "1") in spans


def test_merged_cells_in_a_table_of_column_groups(tmp_path):
    heads = "".join(f"<th>H{c}</th>" for c in range(14))
    row1 = "<td>r1</td><td colspan='3'>s1</td>" + "".join(f"<td>a{c}</td>" for c in range(4, 14))
    # b9 spans columns 9-11 across the boundary of the first group (columns 0-9): it stays in the first
    row2 = "<td>r2</td>" + "".join(f"<td>b{c}</td>" for c in range(1, 9)) + "<td colspan='3'>b9</td><td>b12</td><td>b13</td>"
    row3 = "<td>r3</td><td rowspan='2'>c1</td>" + "".join(f"<td>c{c}</td>" for c in range(2, 14))
    row4 = "<td>r4</td>" + "".join(f"<td>d{c}</td>" for c in range(2, 14))
    sources = minimal_edition(tmp_path, "")
    html_source(sources, f"<p>Intro.</p><table><thead><tr>{heads}</tr></thead><tbody>"
                         + "".join(f"<tr>{r}</tr>" for r in (row1, row2, row3, row4)) + "</tbody></table>")
    found = table_words(build(sources, tmp_path / "dist"))
    assert len(column_of(found, "H10")) == 1 and len(column_of(found, "H0")) == 2     # two groups, key column repeated
    placements = {"s1": "H1", "b9": "H9", "b12": "H12", "b13": "H13", "c1": "H1", "d2": "H2", "d9": "H9", "d10": "H10",
                  "d13": "H13", **{f"a{c}": f"H{c}" for c in range(4, 14)}, **{f"b{c}": f"H{c}" for c in range(1, 9)},
                  **{f"c{c}": f"H{c}" for c in range(2, 14)}}
    check_under(found, placements)
    for key in ("r1", "r2", "r3", "r4"):
        assert len(column_of(found, key)) == 2          # the key column is in both groups


# ------------------------------------------------------------------ 3. images in cells and links
def test_images_in_table_cells_and_as_link_words_are_printed(tmp_path):
    body = textwrap.dedent("""\
        Intro paragraph.

        | Logo | Name |
        |------|------|
        | ![A blue logo](images/logo.png) | Blue |
        | ![](images/plain.png) | No alt |

        See [![Home page logo](images/link.png)](https://example.org/home) for more.
        """)
    sources = minimal_edition(tmp_path, body)
    write_png(sources / "case-studies" / "images" / "logo.png", size=(600, 300))
    write_png(sources / "case-studies" / "images" / "plain.png", size=(200, 200), color=(0, 150, 0))
    write_png(sources / "case-studies" / "images" / "link.png", size=(300, 100), color=(200, 0, 0))
    pdf = build(sources, tmp_path / "dist")
    with pdfplumber.open(pdf) as doc:
        page = next(p for p in doc.pages if "Intro paragraph." in (p.extract_text() or ""))
        images = sorted(page.images, key=lambda i: i["top"])
        text = page.extract_text()
        logo_head = next(w for w in page.extract_words() if w["text"] == "Logo")
        name_head = next(w for w in page.extract_words() if w["text"] == "Name")
        links = [a for a in page.annots if (a.get("uri") or "").startswith("https://example.org/home")]
    assert len(images) == 3, "both cell images and the link image are printed"
    logo, plain, link = images
    for image in (logo, plain):      # inside the first column
        assert logo_head["x0"] - 1 <= image["x0"] and image["x1"] <= name_head["x0"]
    assert logo["width"] > 100                       # alone in its cell: as wide as the cell allows
    assert "A blue logo" in text and "Home page logo" in text     # the alt text still reads
    assert links and link["x1"] <= links[0]["x0"] + 1 and link["top"] <= links[0]["top"] + 1   # the image, then its words


# ------------------------------------------------------------------ 4. fallback glyphs
def test_code_and_running_heads_draw_missing_characters_in_the_fallback_font(tmp_path):
    long = "\n\n".join(words(120, "para") for _ in range(12))
    body = f"Inline `ok ✓ → done` code.\n\n```\nblock ✓ → line\n  indented ✓\n```\n\n{long}\n"
    sources = minimal_edition(tmp_path, body)
    index = sources / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("name: One Trust", "name: One ✓ Trust"), encoding="utf-8")
    pdf = build(sources, tmp_path / "dist")
    with pdfplumber.open(pdf) as doc:
        chars = [(n, c) for n, page in enumerate(doc.pages) for c in page.chars]
        top_margin = 60
        heads = [c for n, c in chars if c["top"] < top_margin]
        body_chars = [c for n, c in chars if c["top"] >= top_margin]
        text = "".join(c["text"] for _, c in chars)
    assert "(cid:0)" not in text
    ticks = [c for c in body_chars if c["text"] == "\u2713"]
    assert len(ticks) >= 3 and all("DejaVu" in c["fontname"] for c in ticks)     # inline code, block (twice), opener
    arrows = [c for c in body_chars if c["text"] == "\u2192"]
    assert len(arrows) >= 2
    head_ticks = [c for c in heads if c["text"] == "\u2713"]
    assert head_ticks and all("DejaVu" in c["fontname"] for c in head_ticks), "the running head draws ✓"
    head_text = "".join(c["text"] for c in heads)
    assert "One ✓ Trust" in head_text
    plain = pypdf.PdfReader(pdf)
    code_page = next(p.extract_text() for p in plain.pages if "block" in (p.extract_text() or ""))
    assert "block ✓ → line" in code_page and "indented ✓" in code_page


# ------------------------------------------------------------------ 5. unsafe links
def test_a_javascript_link_in_the_model_is_never_a_pdf_link(tmp_path):
    sources = minimal_edition(tmp_path, "Placeholder.\n")
    loaded = load(Options(sources=sources, styles=ROOT / "styles", out=tmp_path / "dist"), Reporter(quiet=True))
    chapter = loaded.publication.case_studies[0]
    hostile = ["javascript:alert(1)", " JavaScript:alert(2)", "java\tscript:alert(3)", "file:///etc/passwd", "data:text/html,x"]
    content: list[ast.Inline] = []
    for n, url in enumerate(hostile):
        content += [ast.Link([ast.Str(f"hostile{n}")], url), ast.Space()]
    content += [ast.Link([ast.Str("safe")], "https://example.org/safe")]
    chapter.blocks = [ast.Para(content, id="only-x1", source=chapter.source)]
    pdf, _ = write_compendium(loaded, Options(sources=sources, styles=ROOT / "styles", out=tmp_path / "dist"))
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        uris = [str(a.A.URI) for page in doc.pages for a in page.get("/Annots", ())
                if "/A" in a and "/URI" in a.A]
        actions = {str(a.A.S) for page in doc.pages for a in page.get("/Annots", ()) if "/A" in a}
    assert uris == ["https://example.org/safe"]
    assert actions <= {"/URI", "/GoTo"}
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert all(f"hostile{n}" in text for n in range(len(hostile)))       # the words stay


# ------------------------------------------------------------------ 6. ids like the book's own pages
CLASHING_INDEX = """\
edition:
  title: Clashing
  edition: "1"
  publisher: P
  language: en-GB
  identifier: urn:uuid:00000000-0000-4000-8000-000000000003
organisations:
  one: {name: Org Alpha, region: London}
  two: {name: Org Beta, region: London}
case_studies:
  - {id: first, title: First study, lead: one, source: case-studies/first.md, summary: Summary one., themes: [Clashes]}
  - {id: second, title: Second study, lead: two, source: case-studies/second.md, summary: Summary two., themes: [Clashes]}
"""


def test_case_study_ids_named_like_built_in_pages_get_their_own_page_numbers(tmp_path):
    sources = tmp_path / "sources"
    (sources / "case-studies").mkdir(parents=True)
    (sources / "index.yaml").write_text(CLASHING_INDEX, encoding="utf-8")
    for name in ("first", "second"):
        text = "\n\n".join(words(150, name) for _ in range(8))        # a few pages each
        (sources / "case-studies" / f"{name}.md").write_text(text + "\n", encoding="utf-8")
    loaded = load(Options(sources=sources, styles=ROOT / "styles", out=tmp_path / "dist"), Reporter(quiet=True))
    # ids the index may refuse: given to the model directly, as a future index or a bug might
    renamed = {"first": "contents", "second": "index-themes"}
    for chapter in loaded.publication.case_studies:
        chapter.id = renamed[chapter.id]
    pdf, page_map = write_compendium(loaded, Options(sources=sources, styles=ROOT / "styles", out=tmp_path / "dist"))

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = [p.extract_text() or "" for p in reader.pages]
    labels = reader.page_labels
    # case studies run on: one may start anywhere on its page, its organisation above its title
    opens = {title: next(n for n, t in enumerate(texts) if re.search(rf"(^|\n)\s*{org}\s+{title}", t, re.IGNORECASE))
             for title, org in (("First study", "Org Alpha"), ("Second study", "Org Beta"))}
    assert page_map.chapter_pages == {"contents": opens["First study"], "index-themes": opens["Second study"]}
    assert {"contents", "index-themes"} <= set(page_map.anchors)     # the page map keeps the model's ids
    assert not any(key.startswith("chapter:") for key in page_map.anchors)
    contents_page = next(n for n, t in enumerate(texts) if t.lstrip().startswith("Contents"))
    themes_index = next(n for n, t in enumerate(texts) if t.lstrip().startswith("Index of themes"))

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = doc.pages[contents_page].extract_text().splitlines()
    number = {org: re.search(r"(\w+)\s*$", next(line for line in lines if line.startswith(org))).group(1)
              for org in ("Org Alpha", "Org Beta")}
    assert number["Org Alpha"] == labels[opens["First study"]]
    assert number["Org Beta"] == labels[opens["Second study"]]
    themes_line = next(line for line in lines if line.startswith("Index of themes"))
    assert themes_line.rstrip().endswith(labels[themes_index])

    # the contents' links and the outline go to the same pages
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        index_of = {page.objgen: n for n, page in enumerate(doc.pages)}
        named = pikepdf.NameTree(doc.Root.Names.Dests)        # the links name their destinations
        targets = [index_of[named[str(annot.Dest)][0].objgen] for annot in doc.pages[contents_page].get("/Annots", ())
                   if "/Dest" in annot]
    assert opens["First study"] in targets and opens["Second study"] in targets and themes_index in targets
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)}
    nested = [i for group in reader.outline if isinstance(group, list) for i in group if not isinstance(i, list)]
    outline.update({item.title: reader.get_destination_page_number(item) for item in nested})
    assert outline["First study"] == opens["First study"] and outline["Second study"] == opens["Second study"]
    assert outline["Contents"] == contents_page and outline["Index of themes"] == themes_index


@pytest.mark.parametrize("key", ["contents", "index-themes", "part-london"])
def test_chapter_keys_cannot_be_built_in_names(key):
    from book.pdf.pdfblocks import chapter_key
    from book.pdf.pdfpages import form_name

    assert chapter_key(key) != key and form_name(chapter_key(key)) != form_name(key)
