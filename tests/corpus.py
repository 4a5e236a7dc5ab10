"""A corpus of documents as trusts send them, written when the tests run: Markdown, HTML and
reStructuredText by hand, Word files by pandoc, by python-docx and by hand (their XML), ODT files
by odfpy and by pandoc, and pictures of every kind. ``write_corpus`` returns each document with
the message it must stop with, or None when it must build."""
from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from book.sources.pandocrun import pandoc_binary


@dataclass(frozen=True)
class Doc:
    name: str                    # under case-studies/
    refused: str | None = None   # the message it stops with, or None: it builds


# ------------------------------------------------------------------ Markdown, HTML, RST by hand
MARKDOWN = {
    "inline-styles.md": "Plain, *emphasis*, **strong**, ~~struck~~, H~2~O, E=mc^2^, [small caps]{.smallcaps},"
                        " [underlined]{.underline} and `inline code` in one paragraph.\n",
    "headings.md": "".join(f"{'#' * n} Heading level {n}\n\nText under level {n}.\n\n" for n in range(1, 7)),
    "bullets.md": "- Occupational health\n  - Physiotherapy\n    - Same-day triage\n- Wellbeing\n",
    "ordered.md": "1. First step\n2. Second step\n\n   a. Lettered sub-step\n   b. Another\n\n"
                  "i. Roman one\nii. Roman two\n\n(A) Capital A\n(B) Capital B\n",
    "definitions.md": "Triage\n:   Sorting referrals by urgency.\n\nSurvey results\n:   | Year | Rate |\n    |---|---|\n"
                      "    | 2024 | 61 % |\n\nReferral code\n:   ```\n    OH-2024-117\n    ```\n\nSteps\n:   - Refer\n    - Book\n",
    "quotes.md": "> The service changed how we work.\n>\n> > Nested reply inside the quote.\n>\n> — Ann Example, Lead Nurse\n",
    "code.md": "Before the code.\n\n```python\ndef uptake(rate):\n    return rate * 100\n```\n\n    indented code block\n",
    "line-block.md": "| The first line of an address\n| The second line, Leeds\n| LS1 4AP\n",
    "pipe-table.md": "| Site | Staff | Uptake |\n|:-----|------:|:------:|\n| Leeds | 1,200 | 61 % |\n| York | 800 | 55 % |\n\n"
                     ": Uptake by site\n",
    "grid-table.md": "+-------+---------------+\n| Role  | Notes         |\n+=======+===============+\n| Nurse | Night shifts  |\n"
                     "|       | and weekends  |\n+-------+---------------+\n| Porter spanning both columns  |\n+-------+---------------+\n",
    "footnotes.md": "A claim.[^a] Another claim.[^b]\n\n[^a]: The source of the claim.\n[^b]: A longer note.\n\n"
                    "    With a second paragraph.\n",
    "links.md": "See <https://www.england.nhs.uk> and [the guidance][g] or [inline](https://example.org/a).\n\n"
                "[g]: https://example.org/guidance \"Guidance\"\n",
    "rule.md": "Above the rule.\n\n---\n\nBelow the rule.\n",
    "divs-spans.md": "::: {.note}\nA fenced div with a [span]{.highlight} inside.\n:::\n",
    "raw-html-text.md": "Text with <b>tags</b> and <NHS Trust> & A&E stays text.\n",
    "citations.md": "As shown by @smith2020 and [see @jones2019, p. 4].\n",
    "smart-quotes.md": "\"Double quotes\" and 'single quotes' and it's an apostrophe -- and a dash.\n",
    "maths.md": "Inline $\\sin\\theta = \\frac{m\\lambda}{a}$ and displayed:\n\n$$E = mc^2$$\n\nAfter.\n",
    "symbols.md": "Done ✓, starred ★, arrow → next, € 5, ½ and ¾, 10 °C.\n",
    "welsh-polish-romanian.md": "Ysbyty Ŵy a Gŵyl; Łódź, źródło, żółć; Timișoara, Constanța, știință.\n",
    "long-words.md": "Pneumonoultramicroscopicsilicovolcanoconiosis and https://example.org/a/very/long/path/that/goes/on.\n",
    "nested-30.md": "".join("  " * d + f"- depth{d}\n" for d in range(30)),
    "example-lists.md": "(@) First example\n(@) Second example\n\nText between.\n\n(@) Third example\n",
    "task-list.md": "- [ ] Book the room\n- [x] Send the survey\n",
    "arabic.md": "Occupational health in Arabic: الصحة المهنية للموظفين.\n",
    "hebrew.md": "Occupational health in Hebrew: בריאות תעסוקתית לעובדים.\n",
    # drawn with the Noto Sans fonts the house style bundles for these scripts (styles/fonts)
    "urdu.md": "Occupational health in Urdu: پیشہ ورانہ صحت.\n",
    "bengali.md": "পেশাগত স্বাস্থ্য for staff.\n",
    "punjabi.md": "ਕਿੱਤਾਮੁਖੀ ਸਿਹਤ for staff.\n",
    "gujarati.md": "વ્યાવસાયિક આરોગ્ય for staff.\n",
    "long-report.md": "\n\n".join(f"## Section {n}\n\nParagraph {n} " + "about the service and its staff " * 20
                                     for n in range(1, 25)),
}

HTML = {
    "merged-cells.html": "<table><caption>Clinics</caption><thead><tr><th rowspan='2'>Site</th><th colspan='2'>Days</th></tr>"
                         "<tr><th>Mon</th><th>Tue</th></tr></thead><tbody><tr><td>Leeds</td><td colspan='2'>Both days</td></tr>"
                         "</tbody></table>",
    "nested-table.html": "<table><tr><td>Outer cell<table><tr><td>Inner one</td><td>Inner two</td></tr></table></td>"
                         "<td>Second outer</td></tr></table>",
    "empty-things.html": "<p>Before the empty things.</p><ol></ol><ul></ul><table></table><table><tr><td></td></tr></table>"
                         "<dl></dl><blockquote></blockquote><p>After the empty things.</p>",
    "html-elements.html": "<h2>Heading</h2><p>H<sub>2</sub>O and x<sup>2</sup>, <abbr title='Occupational Health'>OH</abbr>,"
                          " <q>quoted</q>, <mark>marked</mark>, <s>struck</s>.</p><dl><dt>Term</dt><dd>Definition</dd></dl>"
                          "<figure><img src='chart.png' alt='Uptake chart'><figcaption>Uptake by month</figcaption></figure>",
    "intranet-paste.html": "<div class='MsoNormal'><span style='font-size:11pt'>Pasted from the intranet with"
                           " <font face='Arial'>old markup</font> and <script>alert(1)</script> a script.</span></div>",
}

RST = {
    "directives.rst": "Title\n=====\n\n.. note:: A note directive.\n\n.. warning:: A warning directive.\n\n"
                      ":Author: Ann Example\n:Trust: Leeds\n\nTerm\n   Its definition.\n\n| Line one\n| Line two\n",
    "rst-tables.rst": "=====  =====\nSite   Staff\n=====  =====\nLeeds  1200\nYork   800\n=====  =====\n\n"
                      "A footnote [#]_.\n\n.. [#] The footnote text.\n",
    "rst-maths.rst": "The rate :math:`r = \\frac{n}{N}` in a line.\n\n.. math::\n\n   \\sqrt{x^2 + y^2}\n",
}

# ------------------------------------------------------------------ pictures of every kind
def _image(mode: str, size=(240, 160), color=(0, 94, 184)) -> Image.Image:
    return Image.new(mode, size, color if mode in ("RGB", "RGBA") else 128 if mode in ("L", "P", "I;16") else (0, 94, 184, 0))


def _save(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def _sideways_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(_image("RGB", (320, 160)), "JPEG", exif=exif.tobytes())


def _truncated_jpeg() -> bytes:
    data = _save(Image.effect_noise((320, 240), 60).convert("RGB"), "JPEG", progressive=True, quality=90)
    return data[: len(data) * 6 // 10]


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150" onload="x()"><script>x()</script>'
       b'<rect x="10" y="10" width="100" height="130" fill="#005EB8"/><text x="130" y="80" font-size="20">Uptake</text></svg>')

PICTURES = {
    "png.png": lambda: _save(_image("RGB"), "PNG"),
    "png-alpha.png": lambda: _save(_image("RGBA", color=(0, 94, 184, 128)), "PNG"),
    "png-palette.png": lambda: _save(_image("RGB").convert("P"), "PNG", transparency=0),
    "png-grey16.png": lambda: _save(Image.new("I;16", (200, 120), 30000), "PNG"),
    "jpeg.jpg": lambda: _save(_image("RGB"), "JPEG"),
    "jpeg-progressive.jpg": lambda: _save(_image("RGB"), "JPEG", progressive=True),
    "jpeg-cmyk.jpg": lambda: _save(_image("RGB").convert("CMYK"), "JPEG"),
    "jpeg-grey.jpg": lambda: _save(_image("L"), "JPEG"),
    "jpeg-sideways.jpg": _sideways_jpeg,
    "gif.gif": lambda: _save(_image("RGB").convert("P"), "GIF"),
    "webp.webp": lambda: _save(_image("RGBA"), "WEBP", lossless=True),
    "drawing.svg": lambda: SVG,
}
REFUSED_PICTURES = {
    "truncated.jpg": (_truncated_jpeg, "cannot be read"),
    "hairline.png": (lambda: _save(Image.new("RGB", (1, 2000)), "PNG"), "too thin to print"),
}

# ------------------------------------------------------------------ Word by pandoc, by python-docx, by hand
PANDOC_WORD = {
    "word-footnotes.docx": "Text with a note.[^1]\n\n[^1]: The note in Word.\n",
    "word-tables.docx": "| Site | Staff |\n|---|---|\n| Leeds | 1200 |\n\n: Staff by site\n",
    "word-equation.docx": "The rate\n\n$$r = \\frac{n}{N}$$\n\nand $x^2$ inline.\n",
    "word-lists.docx": "- One\n  - One point one\n- Two\n\n1. Step one\n2. Step two\n",
    "word-figure.docx": "Before.\n\n![Uptake by month](chart.png)\n\nAfter.\n",
    "word-headings.docx": "# Background\n\nText.\n\n## Approach\n\nMore text.\n",
    "word-tracked.docx": "Kept [inserted]{.insertion author=\"R\" date=\"2025-01-01T00:00:00Z\"} and "
                         "[deleted]{.deletion author=\"R\" date=\"2025-01-01T00:00:00Z\"} words.\n",
    "word-comments.docx": "A [Check this]{.comment-start id=\"1\" author=\"R\" date=\"2025-01-01T00:00:00Z\"}figure"
                          "[]{.comment-end id=\"1\"} here.\n",
    "word-welsh.docx": "Gwasanaeth iechyd galwedigaethol ar gyfer staff Ŵy.\n",
}
PANDOC_ODT = {
    "odt-pandoc-notes.odt": "Text with a note.[^1]\n\n[^1]: The note in ODT.\n",
    "odt-pandoc-table.odt": "| Site | Staff |\n|---|---|\n| York | 800 |\n",
}


def _pandoc(markdown: str, target: Path) -> None:
    source = target.with_suffix(".src.md")
    source.write_text(markdown, encoding="utf-8")
    subprocess.run([pandoc_binary(), source.name, "-o", target.name], check=True, cwd=target.parent)
    source.unlink()


def _python_docx(folder: Path) -> list[str]:
    import docx
    from docx.shared import Inches

    made = []

    def save(doc, name):
        doc.save(folder / name)
        made.append(name)

    doc = docx.Document()
    doc.add_heading("Staff wellbeing", level=1)
    paragraph = doc.add_paragraph("A paragraph the reviewer commented on.")
    doc.add_comment(paragraph.runs, text="Is this right?", author="Reviewer")
    save(doc, "pydocx-comments.docx")

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "OFFICIAL"
    doc.sections[0].footer.paragraphs[0].text = "Leeds Teaching Hospitals"
    doc.add_paragraph("Body text with a header and a footer.")
    save(doc, "pydocx-header-footer.docx")

    doc = docx.Document()
    table = doc.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(1, 2).merge(table.cell(2, 2))
    save(doc, "pydocx-merged.docx")

    doc = docx.Document()
    outer = doc.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Outer"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Innerleft"
    inner.cell(0, 1).text = "Innerright"
    save(doc, "pydocx-nested-table.docx")

    doc = docx.Document()
    doc.add_paragraph("Bullet one", style="List Bullet")
    doc.add_paragraph("Bullet two", style="List Bullet")
    doc.add_paragraph("Numbered one", style="List Number")
    doc.add_paragraph("Quoted words", style="Quote")
    save(doc, "pydocx-styles.docx")

    doc = docx.Document()
    doc.add_paragraph("A picture follows.")
    doc.add_picture(str(folder / "chart.png"), width=Inches(2))
    doc.add_paragraph("Figure 1: Uptake", style="Caption")
    save(doc, "pydocx-picture.docx")

    doc = docx.Document()
    doc.add_paragraph("Łódź, Timișoara, Ysbyty Gŵyl.")
    save(doc, "pydocx-diacritics.docx")
    return made


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _edited_docx(base: Path, target: Path, body_xml: str) -> None:
    """``base`` (a pandoc .docx) with its body replaced: Word's XML written by hand."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("<w:sectPr")
                data = (text[:start] + body_xml + text[end:]).encode()
            dst.writestr(item, data)


def _p(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


HAND_WORD = {
    "hand-textbox.docx": _p(_r("Before the box. ") + '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
                            '<v:textbox><w:txbxContent>' + _p(_r("Words inside a text box")) + '</w:txbxContent></v:textbox>'
                            '</v:shape></w:pict></w:r>') + _p(_r("After the box.")),
    "hand-fields.docx": _p(_r("Page ") + '<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>'
                           + _r(" of the report, dated ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                           '<w:r><w:instrText> DATE \\@ "d MMMM yyyy" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                           + _r("1 March 2025") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + _r(".")),
    "hand-tracked.docx": _p(_r("Staff uptake rose to ") + '<w:del w:id="1" w:author="R" w:date="2025-01-01T00:00:00Z"><w:r>'
                            '<w:delText>55</w:delText></w:r></w:del><w:ins w:id="2" w:author="R" w:date="2025-01-01T00:00:00Z">'
                            + _r("61") + "</w:ins>" + _r(" per cent.")),
    "hand-caption.docx": _p(_r("A table follows.")) + '<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>' + _r("Table ")
                         + '<w:fldSimple w:instr=" SEQ Table \\* ARABIC "><w:r><w:t>2</w:t></w:r></w:fldSimple>'
                         + _r(": Referrals by month") + "</w:p>"
                         + '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc>' + _p(_r("January"))
                         + "</w:tc><w:tc>" + _p(_r("40")) + "</w:tc></w:tr></w:tbl>",
    "hand-symbols.docx": _p(_r("Tick ✓ and em dash — and non-breaking\u00a0space and soft\u00adhyphen.")),
}


# ------------------------------------------------------------------ ODT by odfpy
def _odfpy(folder: Path) -> list[str]:
    from odf.draw import Frame, Image as DrawImage
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, Note, NoteBody, NoteCitation, P, Span

    made = []

    def save(doc, name):
        doc.save(str(folder / name))
        made.append(name)

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="Healthy workplaces"))
    doc.text.addElement(P(text="A paragraph written with odfpy."))
    save(doc, "odfpy-headings.odt")

    doc = OpenDocumentText()
    items = List()
    for word in ("Physiotherapy", "Counselling", "Vaccination"):
        item = ListItem()
        item.addElement(P(text=word))
        items.addElement(item)
    doc.text.addElement(items)
    save(doc, "odfpy-list.odt")

    doc = OpenDocumentText()
    table = Table(name="Uptake")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for row_words in (("Site", "Rate"), ("Bradford", "58")):
        row = TableRow()
        for word in row_words:
            cell = TableCell()
            cell.addElement(P(text=word))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    save(doc, "odfpy-table.odt")

    doc = OpenDocumentText()
    paragraph = P(text="A sentence with a footnote")
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="The footnote written by odfpy."))
    note.addElement(body)
    paragraph.addElement(note)
    paragraph.addElement(Span(text=" and more words."))
    doc.text.addElement(paragraph)
    save(doc, "odfpy-footnote.odt")

    doc = OpenDocumentText()
    href = doc.addPicture(str(folder / "chart.png"))
    frame = Frame(width="4cm", height="2.5cm", anchortype="as-char", name="chart")
    frame.addElement(DrawImage(href=href))
    paragraph = P(text="A picture: ")
    paragraph.addElement(frame)
    doc.text.addElement(paragraph)
    save(doc, "odfpy-picture.odt")
    return made


# ------------------------------------------------------------------ refused, each with its message
REFUSED_TEXT = {
    "nested-300.md": ("".join("  " * d + f"- d{d}\n" for d in range(300)), "nested more than 30 levels deep"),
    "chinese.md": ("职业健康服务 for staff.\n", "in no house or fallback font"),
}


def write_corpus(folder: Path) -> list[Doc]:
    """Write every document (and the pictures they show) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (320, 200), (0, 48, 135)).save(folder / "chart.png")
    docs: list[Doc] = []
    for group in (MARKDOWN, HTML, RST):
        for name, text in group.items():
            (folder / name).write_text(text, encoding="utf-8")
            docs.append(Doc(name))
    for name, make in PICTURES.items():
        (folder / name).write_bytes(make())
        stem = name.rsplit(".", 1)[0]
        (folder / f"picture-{stem}.md").write_text(f"A {stem} picture.\n\n![A {stem} chart]({name})\n\nAfter it.\n",
                                                   encoding="utf-8")
        docs.append(Doc(f"picture-{stem}.md"))
    for name, (make, message) in REFUSED_PICTURES.items():
        (folder / name).write_bytes(make())
        stem = name.rsplit(".", 1)[0]
        (folder / f"picture-{stem}.md").write_text(f"Text.\n\n![A {stem} picture]({name})\n", encoding="utf-8")
        docs.append(Doc(f"picture-{stem}.md", message))
    for group in (PANDOC_WORD, PANDOC_ODT):
        for name, markdown in group.items():
            _pandoc(markdown, folder / name)
            docs.append(Doc(name))
    docs += [Doc(name) for name in _python_docx(folder)]
    _pandoc("Base.\n", folder / "base.docx")
    for name, body in HAND_WORD.items():
        _edited_docx(folder / "base.docx", folder / name, body)
        docs.append(Doc(name))
    (folder / "base.docx").unlink()
    docs += [Doc(name) for name in _odfpy(folder)]
    for name, (text, message) in REFUSED_TEXT.items():
        (folder / name).write_text(text, encoding="utf-8")
        docs.append(Doc(name, message))
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    docs.append(Doc("corrupt.docx", "pandoc cannot read it"))
    return docs
