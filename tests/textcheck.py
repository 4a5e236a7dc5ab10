"""Comparing source text with text read back from an output, as a reader would."""
from __future__ import annotations

import re

from book.document import ast
from book.model.assemble import comparable

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”’\"']))\s+(?=[A-Z“‘\"'(])")


def squash(text: str) -> str:
    """Letters and digits only: line breaks, hyphenation and spacing differ between outputs."""
    return re.sub(r"[\W_]+", "", comparable(text)).lower()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if len(s.strip()) > 3]


def leaf_texts(blocks) -> list[str]:
    """The text of every block that holds inlines (paragraphs, headings, cells...), notes included."""
    texts = []
    for node in ast.walk(blocks):
        if isinstance(node, (ast.Para, ast.Header, ast.LineBlock, ast.CodeBlock)):
            texts.append(ast.stringify([node]))
    return texts


def source_sentences(loaded) -> dict[str, list[str]]:
    """label -> sentences of every source as converted (what each output must contain)."""
    result = {}
    for chapter in loaded.publication.chapters:
        blocks = ([chapter.summary_block] if chapter.summary_block else []) + chapter.blocks
        result[chapter.source] = [s for text in leaf_texts(blocks) for s in sentences(text)]
    return result


def missing_sentences(loaded, output_text: str) -> list[str]:
    haystack = squash(output_text)
    return [s for sents in source_sentences(loaded).values() for s in sents if squash(s) not in haystack]
