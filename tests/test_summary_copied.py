"""A summary pasted from the beginning of the text's opening paragraph (a third of the archive's
case studies: its first 500 characters, cut off in mid-word) is not printed above the same words
again: the whole paragraph is the standfirst, on the case study's page in every output and on
its one-pager; a summary cut off in mid-sentence is queried, naming the index's line."""
from __future__ import annotations

import zipfile

import pypdf

from book.document import ast
from book.model.assemble import chapter_text, summary_begins_text, summary_cut_short
from conftest import source_date_epoch
from editions import minimal_edition
from util import run_cli

OPENING = ("The initiative aimed to build a robust occupational health service that delivers exceptional care"
           " and support to staff, aligned with the Trust\u2019s wider objectives. Post-pandemic recovery"
           " created the opportunity for radical transformation.")
CUT = OPENING[:OPENING.index("radical") + len("radical")] + " "      # as the archive's summaries are cut
LATER = "Funding the change came from a business case agreed by the board in 2023."


def para(text: str) -> ast.Para:
    return ast.Para([ast.Str(word) if n % 2 == 0 else ast.Space() for n, word in
                     enumerate(" ".join(text.split()).replace(" ", "\0 \0").split("\0"))])


def test_a_summary_that_begins_the_text_is_told_from_one_of_its_own():
    assert summary_begins_text(CUT, OPENING) and summary_cut_short(CUT, OPENING)
    first_sentence = OPENING[:OPENING.index(".") + 1]
    assert summary_begins_text(first_sentence, OPENING) and not summary_cut_short(first_sentence, OPENING)
    assert summary_cut_short(CUT.rstrip() + "\u2026", OPENING)           # an ellipsis marks the cut
    assert not summary_begins_text("The initiative aimed to build", OPENING)  # a short phrase, not a copy
    assert not summary_begins_text(OPENING, OPENING)                      # the same text: the standfirst as before
    assert not summary_begins_text("A summary of its own, written for the index, of twelve words or more.", OPENING)


def test_the_whole_opening_paragraph_becomes_the_standfirst():
    from types import SimpleNamespace as Thing

    opening, later = para(OPENING), para(LATER)
    text = chapter_text(Thing(summary=CUT), [opening, later], [])
    assert text.summary_block is opening and text.blocks == [later]
    text = chapter_text(Thing(summary="A summary written for the index, which the text does not begin with at all."),
                        [opening, later], [])
    assert text.summary_block is None and text.blocks == [opening, later]


def test_a_copied_summary_prints_once_and_is_queried(tmp_path):
    sources = minimal_edition(tmp_path, f"{OPENING}\n\n{LATER}\n")
    index = sources / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("summary: Summary.", f"summary: \"{CUT}\""),
                     encoding="utf-8")
    out = tmp_path / "dist"
    with source_date_epoch():
        code, printed = run_cli("pdf", "epub", "onepagers", "--sources", str(sources), "--out", str(out))
    assert code == 0, printed
    line = next(n for n, text in enumerate(index.read_text(encoding="utf-8").splitlines(), 1) if "id: only" in text)
    assert f"index.yaml:{line}: case study 'only': its summary is the opening of its text, cut off in mid-sentence" \
        in printed and "write a summary of a sentence or two" in printed
    book = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(out / "compendium.pdf").pages).split())
    assert book.count("Post-pandemic recovery") == 1 and "radical transformation." in book.replace("\u00ad", "")
    with zipfile.ZipFile(out / "compendium.epub") as epub:
        chapter = epub.read("EPUB/only.xhtml").decode("utf-8")
    assert chapter.count("Post-pandemic recovery") == 1 and 'class="standfirst"' in chapter
    page = " ".join(pypdf.PdfReader(out / "one-pagers" / "one.pdf").pages[0].extract_text().split()).replace("\u00ad", "")
    assert page.count("Post-pandemic recovery") == 1 and "radical transformation." in page
