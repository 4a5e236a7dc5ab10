"""The corpus (tests/corpus.py, 60+ documents of every kind a trust sends) built as one edition:
every document builds or stops with its own one-line message, never a traceback; and nothing
pandoc keeps is lost: every word of pandoc's own plain-text rendering of each document is in
the compendium's text and in the EPUB's."""
from __future__ import annotations

import io
import unicodedata
import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from book.sources.pandocrun import pandoc_binary
from book.sources.sourcefile import READERS
from corpus import Doc, write_corpus
from util import run_cli

HEAD = textwrap.dedent("""\
    edition:
      title: Corpus
      edition: "1"
      publisher: P
      language: en-GB
      identifier: urn:uuid:00000000-0000-4000-8000-000000000018
      date: 2099-03-01
    """)


def case_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def edition(root: Path, corpus: Path, docs: list[Doc]) -> Path:
    sources = root / "sources"
    shutil.copytree(corpus, sources / "case-studies")
    # one organisation per document: its one-pager has room for it
    organisations = "".join(f"  o{n}: {{name: Trust {n}, region: London}}\n" for n in range(len(docs)))
    entries = "".join(f"  - {{id: {case_id(d.name)}, title: {case_id(d.name)}, lead: o{n},"
                      f" source: case-studies/{d.name}, summary: The {case_id(d.name)} document.}}\n" for n, d in enumerate(docs))
    (sources / "index.yaml").write_text(HEAD + "organisations:\n" + organisations + "case_studies:\n" + entries, encoding="utf-8")
    return sources


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Doc]]:
    folder = tmp_path_factory.mktemp("corpus") / "docs"
    return folder, write_corpus(folder)


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    folder, docs = corpus
    good = [d for d in docs if d.refused is None]
    root = tmp_path_factory.mktemp("corpus-build")
    out = root / "dist"
    code, text = run_cli("--sources", str(edition(root, folder, good)), "--out", str(out))
    assert code == 0, text
    assert "Traceback" not in text
    return good, out, text


def test_the_corpus_has_every_kind_of_document(corpus):
    _folder, docs = corpus
    kinds = {Path(d.name).suffix for d in docs}
    assert len(docs) >= 60 and {".md", ".html", ".rst", ".docx", ".odt"} <= kinds


def test_every_document_in_the_corpus_builds(built):
    good, out, text = built
    assert (out / "compendium.pdf").exists() and (out / "compendium.epub").exists()
    # what the corpus holds that is left out is said, per file
    for expected in ("1 comment in pydocx-comments.docx", "2 headers and footers with text in pydocx-header-footer.docx",
                     "2 tracked changes in hand-tracked.docx", "parts of the SVG picture removed"):
        assert expected in text, expected



def test_documents_that_cannot_be_built_stop_with_their_own_message(corpus, tmp_path):
    folder, docs = corpus
    refused = [d for d in docs if d.refused is not None]
    for doc in refused:
        root = tmp_path / case_id(doc.name)
        code, text = run_cli("--sources", str(edition(root, folder, [doc])), "--out", str(root / "dist"), "check")
        errors = [line for line in text.splitlines() if line.startswith("error:")]
        assert code == 1 and "Traceback" not in text, text
        assert len(errors) == 1 and doc.name in errors[0] and doc.refused in errors[0], (doc, text)


def squash(text: str) -> str:
    """Letters and digits only, compatibility forms folded ('H₂O' as pandoc writes it, 'H2O' as
    a PDF's subscript reads back)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


# Arabic and Urdu are shaped and drawn right to left (read back in typed order by poppler's
# pdftotext: tests/test_scripts.py); pypdf puts right-to-left text in typed order one text-showing
# operator at a time, and a joined Arabic word's glyphs lie in more than one subset of its font
# (several operators), so pypdf reads some of its letters out of order. Checked in the EPUB here.
PDF_GAPS = {"arabic.md", "urdu.md"}
# pandoc's plain text keeps the LaTeX of maths it cannot spell in Unicode ('\frac{n}{N}'); the
# outputs typeset it instead (tests/test_maths.py), so formulae are left out of the comparison.
LIST_MARKER = re.compile(r"^[ \t]*\(?(?:[0-9]{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)][ \t]", re.M)
NO_MATHS = "function Math(m) return {} end\n"


def pandoc_words(path: Path) -> list[str]:
    """The words of pandoc's own plain-text rendering, read as the build reads the file."""
    reader = READERS[path.suffix.lower()]
    no_maths = path.parent.parent / "no-maths.lua"
    no_maths.write_text(NO_MATHS)
    plain = subprocess.run([pandoc_binary(), "--sandbox", "-f", reader, "-t", "plain", "--wrap=none",
                            "--track-changes=reject", "--lua-filter", str(no_maths), path.name],
                           cwd=path.parent, capture_output=True, check=True).stdout
    # a list item's number is the EPUB's markup (<ol>), not its text: pandoc's "1." and "(ii)" go
    text = LIST_MARKER.sub("", plain.decode("utf-8"))
    return [w for w in (squash(word) for word in text.split()) if w]


def test_nothing_pandoc_keeps_is_lost(corpus, built):
    folder, _docs = corpus
    good, out, _text = built
    pdf = squash(" ".join(page.extract_text() for page in pypdf.PdfReader(out / "compendium.pdf").pages))
    with zipfile.ZipFile(out / "compendium.epub") as epub:
        # each document against its own chapter: a word lost from one is not found in another
        chapters = {Path(n).stem: squash(etree.fromstring(epub.read(n)).xpath("string(.)"))
                    for n in epub.namelist() if n.endswith(".xhtml")}
    lost = {}
    for doc in good:
        words = pandoc_words(folder / doc.name)
        epub_text = chapters[case_id(doc.name)]
        assert words or doc.name.startswith("picture-"), doc.name
        missing = sorted({w for w in words if w not in pdf and doc.name not in PDF_GAPS}
                         | {f"epub:{w}" for w in words if w not in epub_text})
        if missing:
            lost[doc.name] = missing
    assert lost == {}
