"""The Word submission template a trust fills in, and reading a filled one back.

Each field is a paragraph in a named paragraph style ("OHWB Title", "OHWB Summary", ...): named
styles survive Word and LibreOffice alike (content controls do not survive LibreOffice), and an
author who presses Enter in a list field (highlights, themes, partners) gets another paragraph of
the same field. The template's own words (headings, labels, guidance) are in "OHWB Form ..."
styles, which reading ignores. After the fields comes the case study's text, in Normal and
Heading styles, saved as the case study's source with the fields taken out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from book.core.errors import Problem


@dataclass(frozen=True)
class Field:
    style: str            # the paragraph style that marks it
    label: str            # as the author sees it in the template
    name: str             # the index's field
    placeholder: str      # the template's sample text: left unchanged, the field is empty
    required: bool = False
    many: bool = False    # one paragraph per item
    guidance: str = ""


FIELDS = (
    Field("OHWB Title", "Title", "title", "Type the title of your case study", True,
          guidance="One sentence: what your organisation did."),
    Field("OHWB Organisation", "Organisation", "organisation", "Type your organisation's full name", True,
          guidance="As it should be printed, e.g. Leeds Teaching Hospitals NHS Trust."),
    Field("OHWB Region", "Region", "region", "Type your NHS England region", True,
          guidance="East of England, London, Midlands, North East and Yorkshire, North West, South East or South West."),
    Field("OHWB ICS", "ICS", "ics", "Type your integrated care system (optional)"),
    Field("OHWB Partners", "Partners", "partners", "Type a partner organisation's full name (optional)", many=True,
          guidance="One organisation a line; delete the line if you had no partners."),
    Field("OHWB Award", "Award", "award", "Type the award, if any (optional)"),
    Field("OHWB Themes", "Themes", "themes", "Type a theme, e.g. Service transformation (optional)", many=True,
          guidance="One theme a line."),
    Field("OHWB Summary", "Summary", "summary", "Type a summary of your case study in one paragraph", True,
          guidance="One paragraph of plain text, printed under the title and on the one-page summary."),
    Field("OHWB Highlight", "Highlights", "highlights", "Type an outcome, e.g. Waiting times: down from 6 weeks to 2",
          many=True, guidance="Short outcome lines, one a line. 'Label: text' prints the label in bold."),
    Field("OHWB Quote", "Quote", "quote.text", "Type a quote from someone involved (optional)"),
    Field("OHWB Quote name", "Quote: name", "quote.name", "Type the name of the person quoted"),
    Field("OHWB Quote role", "Quote: role", "quote.role", "Type their role"),
    Field("OHWB Web address", "Web address", "url", "Type a web page about your case study (optional)",
          guidance="Printed as a QR code on the one-page summary, e.g. https://www.example.nhs.uk/ohwb."),
)
BY_STYLE = {f.style: f for f in FIELDS}
FORM_STYLES = ("OHWB Form heading", "OHWB Form label", "OHWB Form guidance")
TEXT_PLACEHOLDER = ("Replace this paragraph with your case study's text. Use Heading 2 for its "
                    "sections, and Word's own lists, tables and pictures (with alt text).")
NHS_BLUE, DARK_GREY = "005EB8", "425563"


# ------------------------------------------------------------------ the template
def write_template(path: Path) -> None:
    """The template as a .docx, in the house look (Arial, metric-compatible with the house's
    Liberation Sans; NHS Blue headings)."""
    from docx import Document

    doc = Document()
    _house_styles(doc)
    doc.core_properties.title = "OHWB case study submission"
    doc.core_properties.author = "NHS Health at Work Network"
    # fixed, so the same toolkit writes the same template
    doc.core_properties.created = doc.core_properties.modified = datetime(2025, 1, 1, tzinfo=timezone.utc)
    doc.add_paragraph("Case study submission", style="OHWB Form heading")
    doc.add_paragraph("Fill in each field by typing over its grey sample text, keeping the paragraph's style. "
                      "Fields marked * are required. Then write your case study under 'Your case study'.",
                      style="OHWB Form guidance")
    for f in FIELDS:
        doc.add_paragraph(f.label + (" *" if f.required else ""), style="OHWB Form label")
        if f.guidance:
            doc.add_paragraph(f.guidance, style="OHWB Form guidance")
        doc.add_paragraph(f.placeholder, style=f.style)
    doc.add_paragraph("Your case study *", style="OHWB Form label")
    doc.add_paragraph("Everything from here on is printed as your case study's text.", style="OHWB Form guidance")
    doc.add_paragraph("Background", style="Heading 2")
    doc.add_paragraph(TEXT_PLACEHOLDER, style="Normal")
    save_docx(doc, path)


def save_docx(doc, path: Path) -> None:
    """python-docx's file with its members' times fixed: the same document, the same bytes (a
    re-imported, unchanged submission leaves its source, and so the build, as it was)."""
    import io
    import zipfile

    made = io.BytesIO()
    doc.save(made)
    fixed = io.BytesIO()
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(fixed, "w") as out:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            out.writestr(member, source.read(info))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(fixed.getvalue())
    tmp.replace(path)


def _house_styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    blue, grey = RGBColor.from_string(NHS_BLUE), RGBColor.from_string(DARK_GREY)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.name, doc.styles[name].font.color.rgb = "Arial", blue

    def style(name, size=11, bold=False, italic=False, colour=None, next_same=False):
        s = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.font.size, s.font.bold, s.font.italic = Pt(size), bold, italic
        if colour is not None:
            s.font.color.rgb = colour
        s.paragraph_format.space_after = Pt(4)
        # Enter in a list field gives another item of it; elsewhere it goes back to Normal
        s.next_paragraph_style = s if next_same else normal
        return s

    style("OHWB Form heading", 20, bold=True, colour=blue)
    style("OHWB Form label", 12, bold=True, colour=blue).paragraph_format.keep_with_next = True
    style("OHWB Form guidance", 9, italic=True, colour=grey).paragraph_format.keep_with_next = True
    for f in FIELDS:
        style(f.style, 14 if f.name == "title" else 11, bold=f.name == "title", next_same=f.many)


# ------------------------------------------------------------------ reading a filled one
@dataclass
class Submission:
    path: Path
    values: dict = field(default_factory=dict)     # index field -> str or list[str]
    problems: list[Problem] = field(default_factory=list)
    has_text: bool = False

    def value(self, name: str):
        return self.values.get(name, [] if any(f.many for f in FIELDS if f.name == name) else "")


def read_submission(path: Path) -> Submission:
    """The fields of a filled template, each problem named by the field as the author sees it."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    sub = Submission(Path(path))
    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        sub.problems.append(Problem(f"not a Word document made from the template ({error}): save it as .docx "
                                    "(Word: File > Save As > Word Document) and import it again", str(path)))
        return sub
    seen = set()
    for paragraph in doc.paragraphs:
        f = BY_STYLE.get(_style_name(paragraph))
        if f is not None:
            seen.add(f.style)
            _take(sub, f, paragraph.text)
        elif _is_text(paragraph):
            sub.has_text = True
    if not doc.tables and not sub.has_text and not _has_pictures(doc):
        sub.problems.append(Problem("the case study's text (under 'Your case study') is empty: write it there, "
                                    "replacing the sample paragraph", str(path)))
    if not seen:
        sub.problems.append(Problem("no template fields found: is this the OHWB submission template? "
                                    "Make one with 'ohwb-book template', copy the text into it and import that",
                                    str(path)))
        return sub
    for f in FIELDS:
        if f.required and not sub.values.get(f.name):
            sub.problems.append(Problem(f"the '{f.label}' field is empty: type it over the sample text under "
                                        f"'{f.label}'", str(path)))
    _check_values(sub)
    return sub


def _take(sub: Submission, f: Field, text: str) -> None:
    text = " ".join(text.split())
    if not text or text == f.placeholder:
        return
    if f.many:
        sub.values.setdefault(f.name, []).append(text)
    else:  # a field typed over two paragraphs is one value
        sub.values[f.name] = (sub.values.get(f.name, "") + " " + text).strip()


def _check_values(sub: Submission) -> None:
    """The index's rules, said in the template's words."""
    url = sub.values.get("url", "")
    if url and not re.match(r"^https?://", url):
        if re.match(r"^[\w-]+(\.[\w-]+)+(/\S*)?$", url):       # www.x.nhs.uk: the author means the web page
            sub.values["url"] = "https://" + url
        else:
            sub.problems.append(Problem(f"the 'Web address' field ('{url}') is not a web address: give one such as "
                                        "https://www.example.nhs.uk/page, or delete it", str(sub.path)))
    quote = {k: sub.values.get(f"quote.{k}", "") for k in ("text", "name", "role")}
    if (quote["name"] or quote["role"]) and not quote["text"]:
        sub.problems.append(Problem("the 'Quote' field is empty but 'Quote: name' is filled in: type the quote, "
                                    "or delete the name and role", str(sub.path)))


def _style_name(paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, AttributeError):
        return ""


def _is_text(paragraph) -> bool:
    """A paragraph of the author's text: not the template's, not the sample, not a heading alone."""
    name = _style_name(paragraph)
    text = paragraph.text.strip()
    return (bool(text) and text != TEXT_PLACEHOLDER and not name.startswith("OHWB ")
            and not name.startswith("Heading"))


def _has_pictures(doc) -> bool:
    return bool(doc.inline_shapes)


def save_text(source: Path, out: Path) -> None:
    """The submission's text only, as a .docx: the same document with the template's fields,
    labels, guidance and the unchanged sample paragraph taken out (pictures, tables and the
    author's own styles stay as they are)."""
    from docx import Document

    doc = Document(str(source))
    body = doc.element.body
    for paragraph in doc.paragraphs:
        name = _style_name(paragraph)
        if name.startswith("OHWB ") or paragraph.text.strip() == TEXT_PLACEHOLDER:
            body.remove(paragraph._element)
    save_docx(doc, out)
