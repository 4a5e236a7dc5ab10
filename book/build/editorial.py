"""Editorial checks: what a copy editor would query before the book goes to print.

A highlight or pull quote that repeats the case study's text word for word tells the reader
nothing new (a highlights box is a summary, not a copy). Reported as warnings, named by case study.
"""
from __future__ import annotations

import re

from book.core.errors import and_list
from book.document import ast
from book.model.assemble import summary_cut_short
from book.model.publication import highlight_parts

MIN_WORDS = 6       # shorter lines ("Fewer sickness absences") may well recur in the text by design


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w\u2019']+", text.lower()))


def repeated_lines(case_study, blocks: list) -> list[str]:
    """The highlights and the quote of a case study that its text repeats word for word."""
    if case_study is None:
        return []
    body = _words(ast.stringify(blocks))
    found = []
    for item in case_study.highlights:
        label, rest = highlight_parts(item)
        words = _words(rest)
        if len(words.split()) >= MIN_WORDS and words in body:
            found.append(f"highlight '{_short(item)}'")
    if case_study.quote is not None:
        words = _words(case_study.quote.text)
        if len(words.split()) >= MIN_WORDS and words in body:
            found.append(f"quote '{_short(case_study.quote.text)}'")
    return found


def check_repeats(case_study, blocks: list, reporter, index_label: str) -> None:
    repeats = repeated_lines(case_study, blocks)
    if repeats:
        reporter.warn("repeats-text", f"case study '{case_study.id}': its {and_list(repeats)} repeat"
                      f"{'s' if len(repeats) == 1 else ''} its text word for word: a highlights box or"
                      " pull quote should add to the text, not copy it; shorten or rephrase it",
                      index_label, case_study.line)


def check_summary(case_study, blocks: list, reporter, index_label: str) -> None:
    """A summary pasted from the opening of the text and cut off mid-sentence: queried. Its own
    page shows the whole paragraph as the standfirst (``assemble.chapter_text``); the lists of
    case studies show the summary as the index has it."""
    if case_study is None or not blocks or type(blocks[0]) is not ast.Para:
        return
    if summary_cut_short(case_study.summary, ast.stringify(blocks[0].content)):
        tail = " ".join(case_study.summary.split()[-7:])
        reporter.warn("summary-cut-short", f"case study '{case_study.id}': its summary is the opening of its text, cut off"
                      f" in mid-sentence ('\u2026{tail}'): its own page shows the whole paragraph instead, but"
                      " wherever case studies are listed (the trusts' summary pages, the web edition) it is shown"
                      " as written; write a summary of a sentence or two",
                      index_label, case_study.line)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "\u2026"


PRINT_PPI = 250     # below this a photograph or chart looks soft on the printed page


def low_resolution(figures: list, infos: dict, measure: float, frame_height: float) -> list[tuple[str, int, int]]:
    """(image, its resolution at its printed size, the pixels wide it would need) of each of
    the ``figures``' raster images that prints at under ``PRINT_PPI``."""
    from book.pdf.pdfblocks import figure_size

    found = []
    for node in figures:
        for image in node.images:
            info = infos.get(image.src)
            if info is None or info.mime not in ("image/png", "image/jpeg", "image/gif"):
                continue
            width, _ = figure_size(info.width, info.height, measure, frame_height)
            ppi = info.width / (width / 72.0)
            if ppi < PRINT_PPI:
                found.append((image.src, int(ppi), int(PRINT_PPI * width / 72.0 + 0.5)))
    return found


def check_resolution(figures: list, infos: dict, measure: float, frame_height: float, reporter, source: str) -> None:
    """``figures``: a text's every figure (``transforms.Context.figures``: found by the walk that
    prepared the text, not by one more walk over every word)."""
    for src, ppi, needed in low_resolution(figures, infos, measure, frame_height):
        reporter.warn("low-resolution", f"image '{src}' prints at {ppi} ppi across the column ({PRINT_PPI} ppi or"
                      f" more looks sharp in print): supply it at least {needed} pixels wide", source)


def check_alt_text(figures: list, reporter, source: str) -> None:
    """A figure whose alt text only repeats its caption: read once (``alttext``), and queried.
    ``figures``: as ``check_resolution``'s."""
    from book.document.alttext import repeats_caption

    for node in figures:
        caption = ast.stringify(node.caption)
        for image in node.images:
            if image.alt and repeats_caption(image.alt, caption):
                reporter.warn("alt-repeats-caption", f"image '{image.src}': its alt text repeats its caption, so it is read "
                              "once, from the caption: write alt text that says what the picture shows (or give its data "
                              "as a table, a '{.chart-data}' div after the figure)", source)
