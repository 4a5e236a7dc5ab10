"""The site's search: an index made at build time, read by a small shipped script
(``static/search.js``) in the reader's browser, so searching works offline, from ``file://`` and
on any static host. Progressive: without script the search page says where else to look.

The index is a script (``search-index.js``) rather than JSON: a page opened from disk may load a
script beside it but may not ``fetch`` a file. It holds each case study's title, address, lead and
summary, and every word of its text (title, summary, highlights, quote, themes, organisations,
regions, body and notes) with the case studies it appears in. The script matches each word
typed as the start of an indexed word, so "gym" finds "gyms".
"""
from __future__ import annotations

import json
import re
import unicodedata

from book.document import ast
from book.writers.site import paths

INDEX = f"{paths.ROOT}/assets/search-index.js"
SCRIPT = f"{paths.ROOT}/assets/search.js"
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(r"[\u0300-\u036f]")


def words(text: str) -> set[str]:
    """The words of ``text`` as the index keeps them: lower case, accents dropped, two letters or
    more (the script splits what is typed the same way)."""
    plain = _MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))
    return {w for w in _WORD.findall(plain) if len(w) > 1}


def case_text(chapter) -> str:
    cs = chapter.case_study
    parts = [chapter.title, cs.summary, *cs.highlights, *cs.themes, cs.award]
    parts += [f"{o.name} {o.region} {o.ics}" for o in chapter.organisations]
    if cs.quote is not None:
        parts += [cs.quote.text, cs.quote.name, cs.quote.role]
    blocks = ([chapter.summary_block] if chapter.summary_block is not None else []) + chapter.blocks
    parts.append(ast.stringify(blocks))
    parts += [ast.stringify(note.blocks) for note in chapter.notes]
    return "\n".join(parts)


def index_script(publication, site: paths.SiteMap, words_of: dict[str, set[str]]) -> bytes:
    """``words_of``: each case study's words (``words(case_text(chapter))``), by chapter id."""
    docs, terms = [], {}
    for number, chapter in enumerate(publication.case_studies):
        target = paths.href(paths.SEARCH, site.chapter(chapter.id))
        docs.append([chapter.title, target, chapter.lead.name, chapter.case_study.summary])
        for word in words_of[chapter.id]:
            terms.setdefault(word, []).append(number)
    data = json.dumps({"docs": docs, "terms": dict(sorted(terms.items()))}, ensure_ascii=False, separators=(",", ":"))
    return f"window.OHWB_SEARCH = {data};\n".encode("utf-8")
