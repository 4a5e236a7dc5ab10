"""The document model, imported from one place: ``from book.document import ast``, then ``ast.Para``,
``ast.walk``, ``ast.stringify``, ``ast.document_from_json``.

This module holds no code of its own; it names what three modules define:

* ``book.document.nodes``      the node types (pandoc's tags, as in panflute), ``walk`` and
                               ``stringify``;
* ``book.document.pandocjson`` pandoc's JSON -> nodes, checking the pandoc API version;
* ``book.document.nodequery``  how deep a tree nests, its first words, its runs of plain words.
"""
from __future__ import annotations

from book.document.nodequery import MAX_NESTING, first_words, too_deep, word_runs
from book.document.nodes import (
    Block, BlockQuote, BulletList, Cell, Cite, Code, CodeBlock, Container, DefinitionList, Div, Document, Emph,
    Figure, Header, HorizontalRule, Image, Inline, LineBlock, LineBreak, Link, Math, Node, Note, OrderedList, Para,
    Plain, Quoted, RawBlock, RawInline, SmallCaps, SoftBreak, Space, Span, Str, Strikeout, Strong, Subscript,
    Superscript, Table, Underline, stringify, walk,
)
from book.document.pandocjson import (
    SUPPORTED_API, PandocFormatError, blocks_from_json, check_api_version, document_from_json, inlines_from_json,
)

__all__ = [
    # the node types
    "Node", "Inline", "Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline", "Container", "Emph",
    "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Cite", "Quoted", "Span", "Link",
    "Image", "Note", "Block", "Para", "Plain", "Header", "CodeBlock", "RawBlock", "HorizontalRule", "BlockQuote",
    "BulletList", "OrderedList", "DefinitionList", "LineBlock", "Div", "Cell", "Table", "Figure", "Document",
    # walking and reading them
    "walk", "stringify", "MAX_NESTING", "too_deep", "first_words", "word_runs",
    # from pandoc's JSON
    "SUPPORTED_API", "PandocFormatError", "check_api_version", "document_from_json", "blocks_from_json",
    "inlines_from_json",
]
