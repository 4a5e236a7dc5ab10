"""Word's editorial state is never lost silently: comments, tracked changes not yet accepted or
rejected, headers and footers, pictures linked from outside the document each give one warning
naming the file and how many (errors with --strict); caption labels ('Figure 4:') are kept.

The Word files are written by pandoc and then edited by hand (their XML), as Word would have
written those parts."""
from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from book.sources import docxstate
from book.sources.pandocrun import pandoc_binary
from editions import write_png
from test_every_document import build, edition_with, pdf_text

REVIEWED = """\
Kept text [inserted words]{.insertion author="Reviewer" date="2025-01-01T00:00:00Z"} and \
[deleted words]{.deletion author="Reviewer" date="2025-01-01T00:00:00Z"} end.

Second [added]{.insertion author="Reviewer" date="2025-01-01T00:00:00Z"} paragraph with a \
[Is this figure right?]{.comment-start id="1" author="Reviewer" date="2025-01-01T00:00:00Z"}checked \
figure[]{.comment-end id="1"} and \
[Source?]{.comment-start id="2" author="Reviewer" date="2025-01-01T00:00:00Z"}another[]{.comment-end id="2"}.
"""

HEADER = ('<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
          '<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:hdr>')


def word_file(folder: Path, markdown: str, edit=None, extra: dict | None = None, name: str = "mft-msk.docx") -> bytes:
    """A .docx made by pandoc from ``markdown``; ``edit`` rewrites a part's XML (part name, text -> text),
    ``extra`` adds parts."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "in.md").write_text(markdown, encoding="utf-8")
    subprocess.run([pandoc_binary(), "in.md", "-o", "made.docx"], check=True, cwd=folder)
    out = folder / name
    with zipfile.ZipFile(folder / "made.docx") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if edit is not None and item.filename.endswith((".xml", ".rels")):
                data = edit(item.filename, data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
        for part, text in (extra or {}).items():
            dst.writestr(part, text)
    return out.read_bytes()


def warnings_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("warning:")]


def test_comments_and_tracked_changes_are_one_warning_and_rejected_by_default(tmp_path):
    sources = edition_with(tmp_path, word_file(tmp_path / "w", REVIEWED), "mft-msk.docx")
    code, text, out = build(sources)
    assert code == 0, text
    [warning] = warnings_of(text)
    assert warning.endswith("mft-msk.docx: 2 comments and 3 tracked changes in mft-msk.docx (comments are not"
                            " printed; the text is printed as it was before the changes): accept or reject them in"
                            " Word, or build with --accept-changes")
    words = pdf_text(out / "compendium.pdf")
    assert "deleted words" in words and "inserted words" not in words and "added" not in words
    assert "Is this figure right?" not in words


def test_accept_changes_prints_the_changes_and_warns_only_of_the_comments(tmp_path):
    sources = edition_with(tmp_path, word_file(tmp_path / "w", REVIEWED), "mft-msk.docx")
    assert build(sources)[0] == 0             # then the same folder with the option: not "up to date"
    code, text, out = build(sources, "--accept-changes")
    assert code == 0, text
    assert [w.split(": ", 2)[2] for w in warnings_of(text)] == [
        "2 comments in mft-msk.docx (comments are not printed): resolve or delete them in Word"]
    words = pdf_text(out / "compendium.pdf")
    assert "inserted words" in words and "Second added paragraph" in words and "deleted words" not in words


def test_strict_makes_the_editorial_state_an_error(tmp_path):
    sources = edition_with(tmp_path, word_file(tmp_path / "w", REVIEWED), "mft-msk.docx")
    code, text, out = build(sources, "--strict")
    assert code == 1 and "Traceback" not in text
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "3 tracked changes in mft-msk.docx" in errors[0]
    assert not (out / "compendium.pdf").exists()


def test_headers_and_footers_with_text_are_counted_empty_ones_are_not(tmp_path):
    extra = {"word/header1.xml": HEADER.format(text="OFFICIAL SENSITIVE"),
             "word/footer1.xml": HEADER.format(text="Page").replace("w:hdr", "w:ftr"),
             "word/footer2.xml": HEADER.format(text=" ").replace("w:hdr", "w:ftr")}
    sources = edition_with(tmp_path, word_file(tmp_path / "w", "Plain text.\n", extra=extra), "mft-msk.docx")
    code, text, _out = build(sources)
    assert code == 0, text
    [warning] = warnings_of(text)
    assert "2 headers and footers with text in mft-msk.docx are not printed: move anything that matters into the text" in warning


def test_a_picture_linked_from_outside_the_document_is_named(tmp_path):
    folder = tmp_path / "w"
    write_png(folder / "chart.png")

    def linked(part: str, xml: str) -> str:
        if part == "word/_rels/document.xml.rels":
            start = xml.index('Target="media/')
            end = xml.index('"', start + 8)
            xml = xml[:start] + 'Target="file:///C:/Users/ann/chart.png" TargetMode="External"' + xml[end + 1:]
        return xml

    sources = edition_with(tmp_path, word_file(folder, "Text.\n\n![Uptake chart](chart.png)\n", linked), "mft-msk.docx")
    code, text, out = build(sources)
    assert code == 0, text
    assert any("1 picture in mft-msk.docx is linked to a file outside the document" in w for w in warnings_of(text)), text


CAPTION = ('<w:p><w:pPr><w:pStyle w:val="Caption" /></w:pPr><w:r><w:t xml:space="preserve">Figure </w:t></w:r>'
           '<w:fldSimple w:instr=" SEQ Figure \\* ARABIC "><w:r><w:t>4</w:t></w:r></w:fldSimple>'
           '<w:r><w:t xml:space="preserve">: Staff uptake by month</w:t></w:r></w:p>')
COMPLEX_CAPTION = ('<w:p><w:pPr><w:pStyle w:val="Caption" /></w:pPr><w:r><w:t xml:space="preserve">Chart </w:t></w:r>'
                   '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> SEQ Chart \\* ARABIC </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
                   '<w:r><w:t xml:space="preserve"> - Sickness absence</w:t></w:r></w:p>')


@pytest.mark.parametrize("caption, expected", [(CAPTION, "Figure 4: Staff uptake by month"),
                                               (COMPLEX_CAPTION, "Chart 2 - Sickness absence")])
def test_word_caption_labels_are_kept_in_the_pdf_and_the_epub(tmp_path, caption, expected):
    folder = tmp_path / "w"
    write_png(folder / "chart.png")

    def captioned(part: str, xml: str) -> str:
        if part == "word/document.xml":
            start = xml.index('<w:p><w:pPr><w:pStyle w:val="ImageCaption" />')
            xml = xml[:start] + caption + xml[xml.index("</w:p>", start) + 6:]
        return xml

    sources = edition_with(tmp_path, word_file(folder, "Text.\n\n![A chart](chart.png)\n", captioned), "mft-msk.docx")
    code, text, out = build(sources)
    assert code == 0, text
    assert expected in pdf_text(out / "compendium.pdf")
    with zipfile.ZipFile(out / "compendium.epub") as epub:
        chapters = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert expected in chapters


def test_reading_a_part_stops_at_the_limit(tmp_path, monkeypatch):
    many = "\n\n".join(f"Text [change {n}]{{.insertion author=\"R\" date=\"2025-01-01T00:00:00Z\"}}." for n in range(400))
    path = tmp_path / "big.docx"
    path.write_bytes(word_file(tmp_path / "w", many))
    assert docxstate.read_state(path).changes == 400
    monkeypatch.setattr(docxstate, "MAX_PART_BYTES", 20_000)
    assert 0 < docxstate.read_state(path).changes < 400
    assert docxstate.read_state(tmp_path / "w" / "in.md") == docxstate.EditorialState()   # not a zip: nothing
