"""Words as a screen reader gets them from a tagged PDF: the text of each structure element (its
marked content, read with pdfplumber by MCID, in the tree's order), checked against the words of
the sources.

A word is *broken* when the tags give, where the source has one word, a piece of it (a line's
"organisa-" and "tions"), or two words run together ("publishedon"). Soft hyphens (U+00AD) are
dropped, as readers drop them.

``python tests/wordcheck.py PDF SOURCES`` prints the broken words of a built compendium.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


def norm(token: str) -> str:
    token = token.replace("\xad", "").replace("\u2019", "'").lower()
    token = _EDGE.sub("", token)
    if token.endswith("'s"):
        token = token[:-2]
    return token


def element_texts(path: Path) -> list[str]:
    """The text of every structure element that holds marked content of its own, in order."""
    from test_tagged_pdf import read_tagged

    tagged = read_tagged(path)
    out = []
    for elem in tagged.root.walk():
        if elem.mcrs():
            out.append(tagged.text(elem))
    return out


# words the book prints of its own (labels, headings of its own pages)
GENERATED = ("Part Contents Foreword Index of organisations themes page pages Note Notes Figure Table continued "
             "Edition Published by Identifier This compendium is also available as an accessible EPUB and "
             "one-page summaries for each organisation Case study Region ICS Award Themes Highlights Back Lead Partner Partners")


def vocabulary_of(texts) -> set[str]:
    words = set()
    texts = [*texts, GENERATED]
    for text in texts:
        for token in text.split():
            for part in [token, *re.split(r"[-\u2010\u2011\u2013\u2014/]", token)]:
                w = norm(part)
                if w:
                    words.add(w)
    return words


def model_texts(loaded) -> list[str]:
    """Every piece of text of the edition, as the model has it (sources and index)."""
    from book.document import ast

    texts = []
    pub = loaded.publication
    for chapter in pub.chapters:
        blocks = ([chapter.summary_block] if chapter.summary_block else []) + list(chapter.blocks)
        for node in ast.walk(blocks):
            if isinstance(node, (ast.Para, ast.Header, ast.LineBlock, ast.CodeBlock, ast.Plain)):
                texts.append(ast.stringify([node]))
    for attr in ("title", "subtitle", "publisher", "rights", "edition"):
        texts.append(str(getattr(pub.edition, attr, "") or ""))
    for org in pub.organisations:
        texts.extend(str(getattr(org, a, "") or "") for a in ("name", "region", "ics"))
    for chapter in pub.chapters:
        texts.append(chapter.title)
        for note in getattr(chapter, "notes", None) or ():
            texts.append(ast.stringify(getattr(note, "blocks", None) or [note]) if hasattr(note, "blocks") else str(note))
        cs = chapter.case_study
        if cs is None:
            continue
        texts.extend(str(getattr(cs, a, "") or "") for a in ("title", "summary", "award"))
        texts.extend(str(t) for t in (getattr(cs, "themes", None) or ()))
        texts.extend(str(h) for h in (getattr(cs, "highlights", None) or ()))
        quote = getattr(cs, "quote", None)
        if quote:
            texts.extend(str(getattr(quote, a, "") or "") for a in ("text", "name", "role"))
    return texts


def misprinted(tokens: list[str], vocabulary: set[str]) -> list[str]:
    """Of ``broken_words``' finds, those the page prints wrong as well: a word with a hyphen of its
    own hyphenated elsewhere, its own hyphen lost ("cost-effective" printed "costef-fective")."""
    joined = {w.replace("-", "") for w in vocabulary if "-" in w}
    return [t for t in tokens if "\xad" in t and norm(t) in joined]


def broken_words(element_texts: list[str], vocabulary: set[str]) -> list[str]:
    """Tokens of the tagged text that are a piece of a source word or two source words run
    together (and no word of the sources themselves)."""
    prefixes, suffixes = set(), set()
    for w in vocabulary:
        if len(w) >= 4:
            for k in range(2, len(w) - 1):
                prefixes.add(w[:k])
                suffixes.add(w[k:])
    broken = []
    for text in element_texts:
        for token in text.split():
            raw = token.replace("\xad", "")
            w = norm(raw)
            if not w or w in vocabulary or not re.search(r"[a-z]", w):
                continue
            if re.fullmatch(r"[^\W\d_]{2,}\d+", w) and re.match(r"[^\W\d_]+", w).group(0) in vocabulary:
                broken.append(token)        # a word run into a page number ("London7")
            elif any(w[:k] in vocabulary and w[k:] in vocabulary for k in range(2, len(w) - 1)):
                broken.append(token)
            elif raw.rstrip(".,;:)").endswith("-") and w in prefixes:
                broken.append(token)
            elif (w in prefixes or w in suffixes) and len(w) >= 2:
                broken.append(token)
    return broken


def main(argv=None) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    from book.core.errors import Reporter
    from book.build.pipeline import Options, load
    import tempfile

    pdf, sources = (Path(a) for a in (argv or sys.argv[1:]))
    root = Path(__file__).resolve().parent.parent
    loaded = load(Options(sources=sources, styles=root / "styles", out=Path(tempfile.mkdtemp())), Reporter(quiet=True))
    bad = broken_words(element_texts(pdf), vocabulary_of(model_texts(loaded)))
    print(len(bad), "broken:", " ".join(bad[:80]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
