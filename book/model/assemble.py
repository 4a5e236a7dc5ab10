"""Index + converted documents -> the Publication every writer renders.

Everything cross-cutting is settled here, before any writer runs: chapter order, parts, the
organisations named in the edition, and the back-matter indexes.
"""
from __future__ import annotations

from collections import OrderedDict

from book.document import ast
from book.sources.index import Index
from book.model.publication import Chapter, ChapterText, IndexEntry, PartGroup, Publication
from book.core.textutil import slug


def assemble(index: Index, front: list[Chapter], case_chapters: dict[str, Chapter], images) -> Publication:
    parts = _parts(index, case_chapters)
    ordered = [c for p in parts for c in p.chapters]
    organisations = list(OrderedDict((o.key, o) for c in ordered for o in c.organisations).values())
    return Publication(
        edition=index.edition,
        front=front,
        parts=parts,
        organisations=organisations,
        organisation_index=_organisation_index(ordered),
        theme_index=_theme_index(ordered),
        images=images,
    )


def _parts(index: Index, chapters: dict[str, Chapter]) -> list[PartGroup]:
    """Titled parts from the index, or one part per region in order of first appearance."""
    if index.edition.parts:
        groups = [(p.title, [chapters[i] for i in p.case_studies if i in chapters]) for p in index.edition.parts]
    else:
        by_region: OrderedDict[str, list[Chapter]] = OrderedDict()
        for cs in index.case_studies:
            if cs.id in chapters:
                by_region.setdefault(index.organisations[cs.lead].region, []).append(chapters[cs.id])
        groups = list(by_region.items())
    return [
        PartGroup(id=f"part-{slug(title) or n}", number=n, title=title, chapters=members)
        for n, (title, members) in enumerate((g for g in groups if g[1]), 1)
    ]


def _organisation_index(chapters: list[Chapter]) -> list[IndexEntry]:
    entries: dict[str, list[Chapter]] = {}
    for chapter in chapters:
        for org in chapter.organisations:
            entries.setdefault(org.name, []).append(chapter)
    return [IndexEntry(term, entries[term]) for term in sorted(entries, key=_sort_key)]


def _theme_index(chapters: list[Chapter]) -> list[IndexEntry]:
    entries: dict[str, list[Chapter]] = {}
    for chapter in chapters:
        for theme in chapter.case_study.themes:
            entries.setdefault(theme, []).append(chapter)
    return [IndexEntry(term, entries[term]) for term in sorted(entries, key=_sort_key)]


def _sort_key(term: str) -> str:
    return term.casefold()


def case_chapter(cs, organisations) -> Chapter:
    """A case study's chapter, its text not made yet (``Chapter.loader``)."""
    return Chapter(
        id=cs.id,
        title=cs.title,
        kind="case-study",
        source=cs.source.label,
        case_study=cs,
        lead=organisations[cs.lead],
        partners=[organisations[p] for p in cs.partners],
    )


def front_chapter(n: int, fm) -> Chapter:
    return Chapter(f"front-{n}", fm.title, "front", fm.source.label)


def chapter_text(cs, blocks: list[ast.Block], notes) -> ChapterText:
    """A chapter's text: a case study whose source opens with the index's summary has that
    paragraph taken out, to be shown once, as the standfirst. So has one whose summary is the
    beginning of that paragraph (``summary_begins_text``): the whole paragraph is its standfirst,
    not the summary followed by the same words again."""
    summary_block = None
    if cs is not None and blocks and type(blocks[0]) is ast.Para:
        opening = ast.stringify(blocks[0].content)
        if _same_text(opening, cs.summary) or summary_begins_text(cs.summary, opening):
            summary_block, blocks = blocks[0], blocks[1:]
    return ChapterText(blocks, notes, summary_block)


def _same_text(a: str, b: str) -> bool:
    return comparable(a) == comparable(b)


def standfirst_differs(cs, summary_block) -> bool:
    """Whether the paragraph a text opens with, shown as its standfirst, is more than the
    index's summary (which is only its beginning): where the summary stands for it elsewhere,
    the paragraph is shown instead."""
    return summary_block is not None and not _same_text(ast.stringify(summary_block.content), cs.summary)


BEGINS_WORDS = 12       # a shorter summary that begins as the text does is a heading-like phrase, not a copy
_SENTENCE_ENDS = (".", "!", "?", ":", ";", '"', "'", ")")


def summary_begins_text(summary: str, opening: str) -> bool:
    """Whether the index's summary is a copy of the beginning of the text's opening paragraph,
    which goes on after it (a summary pasted from the text's first sentences, or its first few
    hundred characters: '...created the opportunity for radical' / '... radical transformation.').
    A trailing ellipsis is taken as where the copy stops."""
    begun = _without_ellipsis(comparable(summary))
    whole = comparable(opening)
    return len(begun.split()) >= BEGINS_WORDS and len(whole) > len(begun) and whole.startswith(begun)


def summary_cut_short(summary: str, opening: str) -> bool:
    """``summary_begins_text``, and the summary stops in the middle of a sentence: a summary no
    list of case studies should show as it is."""
    ends = comparable(summary)
    return summary_begins_text(summary, opening) and (ends.endswith("...") or not ends.endswith(_SENTENCE_ENDS))


def _without_ellipsis(text: str) -> str:
    return text[:-3].rstrip() if text.endswith("...") else text


_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "..."})


def comparable(text: str) -> str:
    """Text as a reader compares it: pandoc's smart quotes and dashes undone, spaces collapsed."""
    return " ".join(text.translate(_TYPOGRAPHIC).split())
