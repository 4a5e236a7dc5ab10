"""pandoc's JSON -> the document model's nodes (``book.document.nodes``).

``document_from_json`` checks the pandoc API version and fails loudly on a tag it does not know:
that would be a toolkit bug (a pandoc upgrade), not a user mistake.
"""
from __future__ import annotations

import re

from book.document.nodes import (
    Block, BlockQuote, BulletList, Cell, Cite, Code, CodeBlock, DefinitionList, Div, Document, Emph, Figure, Header,
    HorizontalRule, Image, Inline, LineBlock, LineBreak, Link, Math, Note, OrderedList, Para, Plain, Quoted, RawBlock,
    RawInline, SmallCaps, SoftBreak, Space, Span, Str, Strikeout, Strong, Subscript, Superscript, Table, Underline,
)

SUPPORTED_API = (1, 23)


class PandocFormatError(Exception):
    """pandoc produced JSON this model does not understand: a toolkit bug, never a user error."""


def check_api_version(doc: dict) -> None:
    version = tuple(doc.get("pandoc-api-version", ())[:2])
    if version != SUPPORTED_API:
        raise PandocFormatError(
            f"pandoc JSON API {version} is not the supported {SUPPORTED_API}: pin pypandoc-binary in pyproject.toml"
        )


def document_from_json(doc: dict, source: str) -> Document:
    check_api_version(doc)
    return Document(blocks=blocks_from_json(doc["blocks"], source), source=source)


def blocks_from_json(items: list, source: str) -> list[Block]:
    return [_block(item, source) for item in items]


def inlines_from_json(items: list) -> list[Inline]:
    out: list[Inline] = []
    add = out.append
    for item in items:
        tag = item["t"]
        if tag == "Str":            # (words and spaces first: nine inlines in ten)
            add(Str(item.get("c")))
        elif tag == "Space":
            add(_SPACE)
        else:
            add(_inline(item))
    return out


def _attr_id(attr) -> str:
    return attr[0]


def _block(item: dict, source: str) -> Block:
    tag, c = item["t"], item.get("c")
    build = _BLOCKS.get(tag)
    if build is None:
        raise PandocFormatError(f"unknown pandoc block '{tag}'")
    node = build(c, source)
    node.source = source
    return node


def _inline(item: dict) -> Inline:
    tag, c = item["t"], item.get("c")
    build = _INLINES.get(tag)
    if build is None:
        raise PandocFormatError(f"unknown pandoc inline '{tag}'")
    return build(c)


def _cell(c, source) -> Cell:
    attr, align, rowspan, colspan, blocks = c
    return Cell(blocks_from_json(blocks, source), align["t"], colspan, rowspan)


def _rows(rows, source) -> list[list[Cell]]:
    return [[_cell(cell, source) for cell in row[1]] for row in rows]


def _table(c, source) -> Table:
    attr, caption, colspecs, head, bodies, foot = c
    aligns = [spec[0]["t"] for spec in colspecs]
    widths = [spec[1]["c"] if spec[1]["t"] == "ColWidth" else None for spec in colspecs]
    body: list[list[Cell]] = []
    for b in bodies:
        # a table body is (attr, row-head columns, intermediate head rows, rows)
        body.extend(_rows(b[2], source))
        body.extend(_rows(b[3], source))
    return Table(
        caption=blocks_from_json(caption[1], source),
        aligns=aligns,
        widths=widths,
        head=_rows(head[1], source),
        body=body,
        foot=_rows(foot[1], source),
        id=_attr_id(attr),
    )


_BLOCKS = {
    "Para": lambda c, s: Para(inlines_from_json(c)),
    "Plain": lambda c, s: Plain(inlines_from_json(c)),
    "Header": lambda c, s: Header(c[0], inlines_from_json(c[2]), id=_attr_id(c[1])),
    "CodeBlock": lambda c, s: CodeBlock(c[1]),
    "RawBlock": lambda c, s: RawBlock(c[0], c[1]),
    "HorizontalRule": lambda c, s: HorizontalRule(),
    "BlockQuote": lambda c, s: BlockQuote(blocks_from_json(c, s)),
    "BulletList": lambda c, s: BulletList([blocks_from_json(i, s) for i in c]),
    "OrderedList": lambda c, s: OrderedList(
        [blocks_from_json(i, s) for i in c[1]], start=c[0][0], style=c[0][1]["t"]
    ),
    "DefinitionList": lambda c, s: DefinitionList(
        [(inlines_from_json(term), [blocks_from_json(d, s) for d in defs]) for term, defs in c]
    ),
    "LineBlock": lambda c, s: LineBlock([inlines_from_json(line) for line in c]),
    "Div": lambda c, s: Div(blocks_from_json(c[1], s), classes=list(c[0][1]), id=_attr_id(c[0]), **_language(c[0])),
    "Table": _table,
    "Figure": lambda c, s: Figure(blocks_from_json(c[1][1], s), blocks_from_json(c[2], s), id=_attr_id(c[0])),
}

_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def _language(attr) -> dict:
    """lang= and dir= of a pandoc attribute (id, classes, key-values), where they are well formed."""
    pairs = {k: v for k, v in (attr[2] if len(attr) > 2 else ()) if k in ("lang", "dir")}
    lang = pairs.get("lang", "")
    direction = pairs.get("dir", "").lower()
    return {"lang": lang if _LANG.match(lang) else "", "dir": direction if direction in ("rtl", "ltr") else ""}


_SPACE = Space()
_SOFTBREAK = SoftBreak()

_CONTAINERS = {cls.__name__: cls for cls in (Emph, Strong, Underline, Strikeout, Superscript, Subscript, SmallCaps)}

_INLINES = {
    "Str": lambda c: Str(c),
    # Space and SoftBreak carry nothing: one shared instance each saves a million objects a book
    "Space": lambda c: _SPACE,
    "SoftBreak": lambda c: _SOFTBREAK,
    "LineBreak": lambda c: LineBreak(),
    "Code": lambda c: Code(c[1]),
    "Math": lambda c: Math(c[1], c[0]["t"] == "DisplayMath"),
    "RawInline": lambda c: RawInline(c[0], c[1]),
    "Quoted": lambda c: Quoted(c[0]["t"] == "DoubleQuote", inlines_from_json(c[1])),
    "Cite": lambda c: Cite(inlines_from_json(c[1])),
    "Span": lambda c: Span(inlines_from_json(c[1]), id=c[0][0], classes=list(c[0][1]), **_language(c[0])),
    "Link": lambda c: Link(inlines_from_json(c[1]), c[2][0], c[2][1]),
    "Image": lambda c: Image(inlines_from_json(c[1]), c[2][0], c[2][1], id=c[0][0]),
    "Note": lambda c: Note(blocks_from_json(c, "")),
    **{name: (lambda cls: lambda c: cls(inlines_from_json(c)))(cls) for name, cls in _CONTAINERS.items()},
}


def json_image_sources(blocks) -> list[str]:
    """Image sources in pandoc's JSON as parsed, not made nodes (``convert`` checks that a cached
    document's images are still there)."""
    found: list[str] = []
    stack = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("t") == "Image":
                found.append(item["c"][2][0])
            else:
                stack.append(item.get("c"))
        elif isinstance(item, list):
            stack.extend(item)
    return found
