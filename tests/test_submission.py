"""The Word submission template: filled in with python-docx (as an author fills it in Word),
imported, and built: the case study in every output with every field; imported again changed;
a field left empty named as the author sees it; and one saved through LibreOffice."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pdfplumber
import pytest
from docx import Document

from book.sources.submission import write_template
from conftest import source_date_epoch
from submissions import TEXT, VALUES, fill
from textcheck import squash
from util import ROOT, run_cli


def command(*args):
    """Exit status and output of a command that takes no --styles (import, list, ...)."""
    import contextlib

    from book.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        code = main(list(args))
    return code, buffer.getvalue()


@pytest.fixture
def edition(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    write_template(tmp_path / "template.docx")
    return tmp_path


def pdf_text(path):
    with pdfplumber.open(path) as pdf:
        return squash(" ".join(page.extract_text() or "" for page in pdf.pages))


def shows(text, value):
    """The value's words in order in the squashed text; a side column's lines may fall between
    them (text read back from a two-column page interleaves the columns)."""
    words = [squash(w) for w in value.split() if squash(w)]
    return re.search(".{0,120}?".join(map(re.escape, words)), text) is not None


def epub_text(path):
    with zipfile.ZipFile(path) as z:
        raw = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
    return squash(re.sub(r"<[^>]+>", " ", raw))


def test_template_filled_imported_and_built_shows_every_field(edition):
    submission = fill(edition / "template.docx", edition / "quillfield-walks.docx", VALUES)
    code, out = command("import", "quillfield-walks.docx")
    assert code == 0, out
    assert "added case study 'quillfield-walks'" in out
    index = (edition / "sources" / "index.yaml").read_text()
    import difflib

    original = (ROOT / "sources" / "index.yaml").read_text().splitlines()
    removed = [d for d in difflib.ndiff(original, index.splitlines()) if d.startswith("- ")]
    assert not removed, f"the index's comments, order, blank lines and other entries are kept: {removed[:3]}"
    assert "# " in index and "- id: quillfield-walks" in index and "url: https://www.quillfield.example.nhs.uk/walks" in index
    assert "      - leeds\n" in index, "a partner already in the edition is named by its key"
    source = Document(str(edition / "sources" / "case-studies" / "quillfield-walks.docx"))
    assert [p.text for p in source.paragraphs if p.text] == ["Background", *TEXT], "the source is the text only"

    with source_date_epoch():
        code, out = run_cli("--only", "quillfield-walks", "--out", "out", "-q")
    assert code == 0, out
    book, epub = pdf_text(edition / "out" / "compendium.pdf"), epub_text(edition / "out" / "compendium.epub")
    onepagers = list((edition / "out" / "one-pagers").glob("*.pdf"))
    lead = [p for p in onepagers if "quillfield" in p.name]
    assert lead, [p.name for p in onepagers]
    page = pdf_text(lead[0])
    shown = [VALUES[k] for k in ("title", "organisation", "region", "ics", "award", "summary",
                                 "quote.text", "quote.name", "quote.role")] + VALUES["highlights"] + VALUES["themes"]
    # the EPUB's case-study opener prints the region but not the ICS (as for every case study)
    for output, text, skip in (("compendium.pdf", book, ()), ("compendium.epub", epub, (VALUES["ics"],))):
        missing = [v for v in shown + TEXT + ["Leeds Teaching Hospitals"] if not shows(text, v) and v not in skip]
        assert not missing, f"{output} lacks {missing}"
    missing = [v for v in ("title", "organisation", "summary", "quote.text") if not shows(page, VALUES[v])]
    assert not missing, f"the one-pager lacks {missing}"
    assert shows(page, VALUES["highlights"][0])


def test_a_changed_submission_updates_its_entry(edition):
    fill(edition / "template.docx", edition / "quillfield-walks.docx", VALUES)
    assert command("import", "quillfield-walks.docx")[0] == 0
    changed = {**VALUES, "summary": "Quillfield staff walked fifty thousand kilometres.", "award": None,
               "highlights": ["Walkers: 500 staff"]}
    fill(edition / "template.docx", edition / "quillfield-walks.docx", changed, text=["A new first paragraph."])
    code, out = command("import", "quillfield-walks.docx")
    assert code == 0 and "updated case study 'quillfield-walks'" in out, out
    index = (edition / "sources" / "index.yaml").read_text()
    assert index.count("- id: quillfield-walks") == 1 and index.count("name: Quillfield Community NHS Trust") == 1
    entry = index.split("- id: quillfield-walks")[1]
    assert "fifty thousand" in entry and "forty thousand" not in entry
    assert "Zephyr" not in entry, "a field emptied in the submission leaves the entry"
    assert "500 staff" in entry and "412" not in entry
    source = Document(str(edition / "sources" / "case-studies" / "quillfield-walks.docx"))
    assert "A new first paragraph." in [p.text for p in source.paragraphs]
    assert run_cli("check")[0] == 0


def test_a_missing_required_field_is_named_as_the_author_sees_it(edition):
    before = (edition / "sources" / "index.yaml").read_bytes()
    fill(edition / "template.docx", edition / "a.docx", {**VALUES, "summary": None})
    fill(edition / "template.docx", edition / "b.docx", {**VALUES, "region": "", "url": "see our website"})
    code, out = command("import", "a.docx", "b.docx")
    assert code == 1 and "Traceback" not in out
    assert "error: a.docx: the 'Summary' field is empty: type it over the sample text under 'Summary'" in out
    assert "error: b.docx: the 'Region' field is empty" in out
    assert "error: b.docx: the 'Web address' field ('see our website') is not a web address" in out
    assert "3 problems found; nothing was changed." in out
    assert (edition / "sources" / "index.yaml").read_bytes() == before
    assert not (edition / "sources" / "case-studies" / "a.docx").exists()


def test_not_a_template(edition):
    (edition / "plain.docx").write_bytes(b"not a zip")
    doc = Document()
    doc.add_paragraph("Just some text.")
    doc.save(str(edition / "other.docx"))
    code, out = command("import", "plain.docx", "other.docx", "missing.docx")
    assert code == 1 and "Traceback" not in out
    assert "plain.docx: not a Word document made from the template" in out
    assert "other.docx: no template fields found" in out
    assert "missing.docx: no such file" in out


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: the LibreOffice round trip cannot be tested here")
def test_a_submission_saved_by_libreoffice(edition, tmp_path):
    filled = fill(edition / "template.docx", tmp_path / "filled.docx", VALUES)
    converted = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", "--convert-to", "docx", "--outdir", str(converted), str(filled)],
                   check=True, capture_output=True, timeout=180)
    shutil.copy(converted / "filled.docx", edition / "quillfield-walks.docx")
    code, out = command("import", "quillfield-walks.docx")
    assert code == 0, out
    index = (edition / "sources" / "index.yaml").read_text()
    assert "Quillfield staff walked forty thousand" in index and "Ada Pemberton" in index


def test_an_edition_with_parts_gets_the_case_study_in_its_regions_part(edition):
    index = edition / "sources" / "index.yaml"
    text = index.read_text()
    ids = re.findall(r"^  - id: (\S+)", text, flags=re.M)
    text = text.replace("  front_matter:", "  parts:\n    - title: Everything\n      case_studies:\n"
                        + "".join(f"        - {i}\n" for i in ids[:-1])
                        + "    - title: Midlands\n      case_studies:\n"
                        + f"        - {ids[-1]}\n  front_matter:", 1)
    index.write_text(text)
    fill(edition / "template.docx", edition / "quillfield-walks.docx", VALUES)
    code, out = command("import", "quillfield-walks.docx")
    assert code == 0, out
    assert "added to the part 'Midlands'" in out
    assert f"        - {ids[-1]}\n        - quillfield-walks\n" in index.read_text()


def test_the_template_and_an_unchanged_reimport_are_byte_identical(edition, tmp_path):
    write_template(tmp_path / "again.docx")
    assert (tmp_path / "again.docx").read_bytes() == (edition / "template.docx").read_bytes()
    fill(edition / "template.docx", edition / "quillfield-walks.docx", VALUES)
    assert command("import", "quillfield-walks.docx")[0] == 0
    source = edition / "sources" / "case-studies" / "quillfield-walks.docx"
    index = edition / "sources" / "index.yaml"
    first = source.read_bytes(), index.read_bytes()
    assert command("import", "quillfield-walks.docx")[0] == 0
    assert (source.read_bytes(), index.read_bytes()) == first
