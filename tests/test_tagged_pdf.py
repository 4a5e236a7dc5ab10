"""The compendium as a tagged PDF: PDF/UA-1 by the `page` validator, and the structure tree read back.

`page` (PyPI page-validation, veraPDF's PDF/UA-1 rules) runs once per PDF (module fixtures). The
tree is read with pikepdf; the text of each marked-content sequence with pdfplumber, which knows
each character's MCID.
"""
from __future__ import annotations

import collections
import io
from datetime import datetime
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest

from book.document import ast
from book.document.alttext import figure_alt
from book.core.errors import Reporter
from book.build.pipeline import Options, load
from editions import minimal_edition
from textcheck import squash
from util import page_content, ROOT, run_cli


# ------------------------------------------------------------------ reading the tree back
@dataclass
class Elem:
    role: str
    kids: list = field(default_factory=list)        # Elem, ("mcr", page, mcid) or ("objr", annotation)
    alt: str = ""
    attrs: dict = field(default_factory=dict)
    id: str = ""

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Elem):
                yield from kid.walk()

    def mcrs(self) -> list[tuple[int, int]]:
        return [(k[1], k[2]) for k in self.kids if isinstance(k, tuple) and k[0] == "mcr"]

    def elements(self, *roles: str) -> list["Elem"]:
        return [e for e in self.walk() if e.role in roles]


@dataclass
class TaggedPdf:
    path: Path
    root: Elem                                  # the Document element
    texts: dict[tuple[int, int], str]           # (page, mcid) -> its text
    role_map: dict[str, str]

    def text(self, elem: Elem) -> str:
        """The text of an element's marked content and of its children's, in the tree's order (a
        paragraph's own words interleaved with those of its links)."""
        return "".join(self.text(k) if isinstance(k, Elem) else self.texts.get((k[1], k[2]), "") if k[0] == "mcr" else ""
                       for k in elem.kids)


def read_tagged(path: Path) -> TaggedPdf:
    import pdfplumber

    texts: dict[tuple[int, int], str] = collections.defaultdict(str)
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            for ch in page.chars:
                if ch.get("mcid") is not None:
                    texts[(n, ch["mcid"])] += ch["text"]
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        tree = pdf.Root.StructTreeRoot
        role_map = {str(k)[1:]: str(v)[1:] for k, v in tree.get("/RoleMap", {}).items()}
        root = _elem(tree.K, pages)
    return TaggedPdf(path, root, dict(texts), role_map)


def _elem(d, pages) -> Elem:
    elem = Elem(str(d.S)[1:], alt=str(d.get("/Alt", "")), id=str(d.get("/ID", "")),
                attrs={str(k)[1:]: str(v).lstrip("/") for k, v in d.get("/A", {}).items()})
    home = pages.get(d.Pg.objgen) if "/Pg" in d else None
    k = d.get("/K")
    for kid in (k if isinstance(k, pikepdf.Array) else [k] if k is not None else []):
        if isinstance(kid, int):
            elem.kids.append(("mcr", home, int(kid)))
        elif kid.get("/Type") == "/MCR":
            elem.kids.append(("mcr", pages[kid.Pg.objgen], int(kid.MCID)))
        elif kid.get("/Type") == "/OBJR":
            elem.kids.append(("objr", kid.Obj.objgen))
        else:
            elem.kids.append(_elem(kid, pages))
    return elem


def marked_content_problems(path: Path) -> list[str]:
    """Marked content as PDF/UA and good practice want it: every painting operator inside a
    sequence; no artifact inside real content or the reverse; no MCID sequence inside another;
    each sequence closed at the q/Q depth and in the text object (or outside) where it opened."""
    painting = {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh", "BI"}
    problems = []
    with pikepdf.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            depth, in_text, stack = 0, False, []
            for operands, op in pikepdf.parse_content_stream(page):
                op = str(op)
                if op in ("q", "Q"):
                    depth += 1 if op == "q" else -1
                elif op in ("BT", "ET"):
                    in_text = op == "BT"
                elif op in ("BDC", "BMC"):
                    artifact = str(operands[0]) == "/Artifact"
                    if stack and stack[-1][0] != artifact:
                        problems.append(f"page {n + 1}: {'artifact' if artifact else 'content'} nested in the other")
                    if stack and not artifact and not stack[-1][0]:
                        problems.append(f"page {n + 1}: marked content nested in marked content")
                    stack.append((artifact, depth, in_text))
                elif op == "EMC":
                    _, d, t = stack.pop()
                    if (d, t) != (depth, in_text):
                        problems.append(f"page {n + 1}: a sequence crosses q/Q or BT/ET")
                elif op in painting and not stack:
                    problems.append(f"page {n + 1}: {op} outside marked content")
            if stack:
                problems.append(f"page {n + 1}: sequence left open")
    return problems


def ua1_failures(report) -> list[str]:
    return sorted({f"{f.rule_id}: {f.message}" for f in report.failures})


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def full(full_build, tmp_path_factory):
    pdf, sources = full_build
    loaded = load(Options(sources=sources, styles=ROOT / "styles", out=tmp_path_factory.mktemp("tagged-full")),
                  Reporter(quiet=True))
    return pdf, loaded


@pytest.fixture(scope="module")
def sample_tagged(sample_pdf):
    return read_tagged(sample_pdf)


@pytest.fixture(scope="module")
def full_tagged(full):
    return read_tagged(full[0])


@pytest.fixture(scope="module")
def sample_ua1(sample_pdf):
    import page

    return page.validate_pdf(str(sample_pdf), profile="ua1")


@pytest.fixture(scope="module")
def full_ua1(full):
    import page

    return page.validate_pdf(str(full[0]), profile="ua1")


# ------------------------------------------------------------------ PDF/UA-1
def test_sample_compendium_passes_pdf_ua1(sample_ua1):
    assert ua1_failures(sample_ua1) == []
    assert sample_ua1.rules.failed == 0 and sample_ua1.is_compliant


def test_full_edition_compendium_passes_pdf_ua1(full_ua1):
    assert ua1_failures(full_ua1) == []
    assert full_ua1.rules.failed == 0 and full_ua1.is_compliant


def test_catalog_says_tagged(sample_pdf):
    with pikepdf.open(sample_pdf) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "Growing OHWB Case Studies" in xmp.split("<dc:title>")[1].split("</dc:title>")[0]
        parent_tree = pikepdf.NumberTree(root.StructTreeRoot.ParentTree)
        keys = [page.StructParents for page in pdf.pages]
        assert len(set(keys)) == len(keys)          # each page's own key in the ParentTree
        for page in pdf.pages:
            assert page.StructParents in parent_tree and page.Tabs == pikepdf.Name.S
            for annot in page.get("/Annots", ()):
                assert "/StructParent" in annot and str(annot.Contents).strip()
                assert parent_tree[annot.StructParent].S == pikepdf.Name.Link
                assert annot.StructParent not in keys
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
        assert "Tagged:          yes" in info


@pytest.mark.parametrize("which", ["sample_pdf", "full"])
def test_marked_content_is_well_formed(which, request):
    value = request.getfixturevalue(which)
    path = value[0] if isinstance(value, tuple) else value
    assert marked_content_problems(path) == []


# ------------------------------------------------------------------ the structure tree
def test_document_is_sections_and_parts(sample_tagged, sample_loaded):
    doc = sample_tagged.root
    assert doc.role == "Document"
    assert {k.role for k in doc.kids} <= {"Sect", "Part"}      # nothing left outside (no orphans)
    parts = [k for k in doc.kids if k.role == "Part"]
    assert len(parts) == len(sample_loaded.publication.parts)
    assert sample_tagged.role_map == {"Aside": "Div", "Title": "H1"}


def case_study_sections(tagged: TaggedPdf) -> list[Elem]:
    return [sect for part in tagged.root.kids if part.role == "Part" for sect in part.kids if sect.role == "Sect"]


def test_case_study_headings_in_order(sample_tagged, sample_loaded):
    chapters = sample_loaded.publication.case_studies
    sections = case_study_sections(sample_tagged)
    assert len(sections) == len(chapters)
    for chapter, sect in zip(chapters, sections):
        headings = [e for e in sect.walk() if e.role in ("H1", "H2", "H3", "H4", "H5", "H6")]
        assert headings[0].role == "H1" and squash(sample_tagged.text(headings[0])) == squash(chapter.title)
        expected = [(f"H{min(h.level, 6)}", squash(ast.stringify(h.content)))
                    for h in ast.walk(chapter.blocks) if isinstance(h, ast.Header)]
        found = [(h.role, squash(sample_tagged.text(h))) for h in headings[1:]]
        assert _is_subsequence(expected, found), (chapter.id, expected, found)


def _is_subsequence(needles, haystack) -> bool:
    rest = iter(haystack)
    return all(any(n == h for h in rest) for n in needles)


def paragraphs(blocks):
    """The model's paragraphs as the compendium sets them, in reading order (not table cells,
    not figure captions, not notes: those have elements of their own)."""
    for block in blocks:
        if isinstance(block, (ast.Para, ast.LineBlock)):
            yield block
        elif isinstance(block, (ast.BlockQuote, ast.Div)):
            yield from paragraphs(block.blocks)
        elif isinstance(block, ast.BulletList):
            for item in block.items:
                yield from paragraphs(item)
        elif isinstance(block, ast.DefinitionList):
            for _, definitions in block.items:
                for item in definitions:
                    yield from paragraphs(item)


def printed_text(inlines) -> str:
    """What a paragraph prints: its text with each note reference as its number."""
    out = []
    for node in inlines:
        if isinstance(node, ast.Note):
            out.append(str(node.number))
        elif isinstance(node, (ast.Str, ast.Code, ast.Math)):
            out.append(node.text)
        elif isinstance(node, (ast.Space, ast.SoftBreak, ast.LineBreak)):
            out.append(" ")
        elif isinstance(node, ast.Image):
            out.append(node.alt)
        elif isinstance(node, ast.Inline) and not isinstance(node, ast.RawInline):
            out.append(printed_text(list(node.children())))
    return "".join(out)


def block_text(block) -> str:
    if isinstance(block, ast.LineBlock):
        return " ".join(printed_text(line) for line in block.lines)
    return printed_text(block.content)


@pytest.mark.parametrize("which", ["sample", "full"])
def test_every_paragraph_is_one_p_element_with_its_text_in_reading_order(which, request):
    tagged = request.getfixturevalue(f"{which}_tagged")
    loaded = request.getfixturevalue("sample_loaded") if which == "sample" else request.getfixturevalue("full")[1]
    p_texts = [squash(tagged.text(p)) for p in tagged.root.elements("P")]
    position = checked = 0
    for chapter in loaded.publication.chapters:
        blocks = ([chapter.summary_block] if chapter.summary_block else []) + chapter.blocks
        for block in paragraphs(blocks):
            expected = squash(block_text(block))
            if not expected:
                continue
            assert expected in p_texts[position:], (chapter.id, block_text(block))
            position = p_texts.index(expected, position) + 1
            checked += 1
        for note in chapter.notes:
            first = note.blocks[0] if note.blocks else None
            if isinstance(first, ast.Para):
                assert f"{note.number}{squash(block_text(first))}" in p_texts, (chapter.id, note.id)
    assert checked > 10


@pytest.mark.parametrize("which", ["sample", "full"])
def test_only_decoration_is_an_artifact(which, request):
    """Text drawn as an artifact inside the type area would be hidden from a screen reader: only
    leader dots may be there (and header rows repeated on a following page)."""
    import pdfplumber

    from book.style.house import load_style

    tagged = request.getfixturevalue(f"{which}_tagged")
    repeated_headers = [squash(tagged.text(th)) for th in tagged.root.elements("TH")]
    page_style = load_style(ROOT / "styles").page
    with pdfplumber.open(tagged.path) as pdf:
        for n, page in enumerate(pdf.pages):
            hidden = "".join(c["text"] for c in page.chars if c.get("mcid") is None and c["text"] != "."
                             and page_style.margin_top - 2 < c["top"] < page.height - page_style.margin_bottom + 2)
            hidden = squash(hidden)
            for text in repeated_headers:
                hidden = hidden.replace(text, "")
            assert hidden == "", f"page {n + 1}: {hidden!r}"


def test_figures_have_their_alt_text(full_tagged, full):
    loaded = full[1]
    figures = full_tagged.root.elements("Figure")
    model = [b for c in loaded.publication.chapters for b in ast.walk(c.blocks) if isinstance(b, ast.Figure)]
    assert len(figures) == len(model) > 0
    for figure, block in zip(figures, model):
        # alt text that only repeats the caption is not read twice: the Figure points to its caption
        assert figure.alt == figure_alt([i.alt for i in block.images], ast.stringify(block.caption).strip())
        assert figure.mcrs(), "the image itself is the figure's content"
        assert [k.role for k in figure.kids if isinstance(k, Elem)] == ["Caption"]
    assert figures[0].alt == "Figure, described in its caption"    # its caption: "A chart of results"


def test_constructs_of_the_full_edition(full_tagged):
    tagged = full_tagged
    sect = case_study_sections(tagged)[0]
    table = sect.elements("Table")[0]
    assert [k.role for k in table.kids] == ["Caption", "THead", "TBody"]
    header = table.kids[1].kids[0]
    assert [tagged.text(th) for th in header.kids] == ["Measure", "Before", "After"]
    assert all(th.attrs == {"O": "Table", "Scope": "Column"} for th in header.kids)
    numbered = [lst for lst in sect.elements("L") if lst.attrs.get("ListNumbering") == "Decimal"][0]
    assert [tagged.text(item.kids[0]) for item in numbered.kids] == ["3.", "4."]
    assert all([k.role for k in item.kids] == ["Lbl", "LBody"] for item in numbered.kids)
    notes = sect.elements("Note")
    assert [n.id for n in notes] == ["everything-note1", "everything-note2"]
    references = sect.elements("Reference")
    assert len(references) == 2 and all(r.kids[0].role == "Link" for r in references)
    assert [tagged.text(r) for r in references] == ["1", "2"]           # the links hold their words
    opening = [p for p in sect.elements("P") if tagged.text(p).startswith("Opening paragraph")][0]
    assert [tagged.text(k) for k in opening.kids if isinstance(k, Elem)] == ["link", "1"]
    back = notes[0].elements("Link")[0]
    assert tagged.text(back) == "1." and any(k[0] == "objr" for k in back.kids if isinstance(k, tuple))
    asides = [[e.role for e in aside.kids] for aside in sect.elements("Aside")]
    assert ["H2", "L"] in asides                                        # the highlights
    assert any(roles and set(roles) == {"P"} for roles in asides)      # the facts in the side column
    quotes = sect.elements("BlockQuote")
    assert len(quotes) == 2 and all(len(q.elements("P")) == 2 for q in quotes)
    contents = [k for k in tagged.root.kids if k.elements("TOC")][0]
    assert all(i.role == "TOCI" and i.kids[0].role == "Link" for i in contents.elements("TOC")[0].kids)


def test_every_link_annotation_is_in_a_link_element(full_tagged):
    with pikepdf.open(full_tagged.path) as pdf:
        annots = {a.objgen for page in pdf.pages for a in page.get("/Annots", ())}
    linked = {k[1] for e in full_tagged.root.elements("Link") for k in e.kids if isinstance(k, tuple) and k[0] == "objr"}
    assert annots and annots == linked


def test_paragraph_over_two_pages_is_one_element_and_header_rows_repeat_as_artifacts(tmp_path):
    long = " ".join(f"Sentence {n} of a very long paragraph that must run over the page." for n in range(400))
    table = "| Name | Value |\n|---|---|\n" + "".join(f"| row{n} | {n} |\n" for n in range(90))
    sources = minimal_edition(tmp_path, f"{long}\n\n{table}")
    code, out = run_cli("pdf", "--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0, out
    tagged = read_tagged(tmp_path / "dist" / "compendium.pdf")
    body = [p for p in tagged.root.elements("P") if "Sentence" in tagged.text(p)]
    assert len(body) == 1
    assert len({page for page, _ in body[0].mcrs()}) >= 2
    assert squash(tagged.text(body[0])) == squash(long)
    tables = tagged.root.elements("Table")
    assert len(tables) == 1
    th = tables[0].elements("TH")
    assert [tagged.text(t) for t in th] == ["Name", "Value"]          # drawn on every page, tagged once
    pages = {page for tr in tables[0].elements("TD") for page, _ in tr.mcrs()}
    assert len(pages) >= 2
    assert len(tables[0].elements("TR")) == 91


def test_tagging_leaves_the_pages_as_they_were(sample_loaded):
    pdfium = pytest.importorskip("pypdfium2")
    from book.build import standalone

    options = Options(sources=ROOT / "sources", styles=ROOT / "styles")
    tagged, _ = standalone.write_compendium(sample_loaded, options)
    plain, _ = standalone.write_compendium(sample_loaded, options, tagged=False)
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert "/StructTreeRoot" not in pdf.Root                     # the comparison is fair
        assert all(b"/Artifact" not in page_content(page) for page in pdf.pages)
    a, b = pdfium.PdfDocument(tagged), pdfium.PdfDocument(plain)
    assert len(a) == len(b)
    for n in range(len(a)):
        assert a[n].render(scale=1).to_pil().tobytes() == b[n].render(scale=1).to_pil().tobytes(), f"page {n + 1}"


# ------------------------------------------------------------------ the API the one-pagers use
def canvas_page(style, title: str, url: str):
    """One page drawn straight on a canvas, the way the one-pagers are: a band (decoration),
    a heading and a paragraph (flowables), a line of text and a linked image (canvas calls).
    Returns its recording and its structure."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph

    from book.pdf import rlcontract
    from book.pdf.pdfpage import PageRecorder
    from book.pdf.pdfstruct import adopt_orphans
    from book.pdf.pdftags import Node, Tagger, set_node

    rlcontract.install()        # as a build does before it draws anything
    body = style.paragraph_style("body")
    canv = PageRecorder((595, 842), body.fontName)
    tagger = Tagger(canv)
    root = Node("Document")
    canv.setFillColor(HexColor("#005EB8"))
    canv.rect(0, 760, 595, 82, stroke=0, fill=1)                  # not marked: an artifact
    heading = set_node(Paragraph(title, style.paragraph_style("h1")), root.child("H1"))
    heading.wrap(500, 100)
    heading.drawOn(canv, 48, 700)                                  # marked by its element
    para = set_node(Paragraph(f'Read more at <a href="{url}">the case study</a>.', body), root.child("P"))
    para.wrap(500, 100)
    para.drawOn(canv, 48, 660)
    with tagger.mark(root.child("P")):
        canv.setFont(body.fontName, 10)
        canv.drawString(48, 640, "A line drawn on the canvas.")
    with tagger.mark(root.child("Figure", alt=f"QR code for {url}"), link_texts={url: "QR code"}):
        canv.rect(48, 560, 60, 60, stroke=1, fill=0)
        canv.linkURL(url, (48, 560, 108, 620), relative=1)
    canv.showPage()
    adopt_orphans(tagger.mcids, root)
    return canv.recording(), root


def test_canvas_pages_tagged_and_combined_pass_pdf_ua1(tmp_path):
    import page

    from book.style.house import load_style
    from book.pdf.pdfstruct import section_of
    from book.pdf.pdfwrite import Assembler, Metadata

    style = load_style(ROOT / "styles")
    style.fonts.register()
    pages = [canvas_page(style, f"Organisation {n}", f"https://example.org/{n}") for n in (1, 2)]
    combined = Assembler(Metadata("Two organisations", datetime(2025, 1, 1), lang="en-GB"))
    for recording, structure in pages:
        combined.add_run(recording, tree=section_of(structure))
    path = tmp_path / "combined.pdf"
    path.write_bytes(combined.finish())
    report = page.validate_pdf(str(path), profile="ua1")
    assert ua1_failures(report) == []
    tagged = read_tagged(path)
    assert [k.role for k in tagged.root.kids] == ["Sect", "Sect"]
    assert [tagged.text(h) for h in tagged.root.elements("H1")] == ["Organisation 1", "Organisation 2"]
    assert tagged.text(tagged.root.elements("P")[1]) == "A line drawn on the canvas."
    assert [f.alt for f in tagged.root.elements("Figure")] == ["QR code for https://example.org/1", "QR code for https://example.org/2"]
    assert marked_content_problems(path) == []
