"""The document model: a small, strict, typed view of pandoc's AST.

Class names are pandoc's tags (as in panflute), so pandoc's documentation describes them. Every
block carries what the outputs need beyond pandoc's data:

* ``id``     a stable identifier (``<case-study id>-<n>``), the same from build to build while the
             text is unchanged; the PDF writer reports which block starts each page under it, and the
             EPUB puts its page markers there;
* ``source`` the file it came from, for messages;
* ``role``   its structural role (``P``, ``H2``, ``L``, ``Table``, ``Figure``...), the tag a tagged PDF
             gives it.

Images carry their alt text. ``from_json`` checks the pandoc API version and fails loudly on a tag
it does not know: that would be a toolkit bug (a pandoc upgrade), not a user mistake.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

SUPPORTED_API = (1, 23)


class Node:
    __slots__ = ()

    def children(self) -> Iterator["Node"]:
        return iter(())


# ---------------------------------------------------------------- inlines
class Inline(Node):
    __slots__ = ()


@dataclass(eq=False, slots=True)
class Str(Inline):
    text: str


@dataclass(eq=False, slots=True)
class Space(Inline):
    pass


@dataclass(eq=False, slots=True)
class SoftBreak(Inline):
    pass


@dataclass(eq=False, slots=True)
class LineBreak(Inline):
    pass


@dataclass(eq=False, slots=True)
class Code(Inline):
    text: str


@dataclass(eq=False, slots=True)
class Math(Inline):
    text: str
    display: bool = False     # DisplayMath (a formula set apart) or InlineMath (within the line)


@dataclass(eq=False, slots=True)
class RawInline(Inline):
    format: str
    text: str


@dataclass(eq=False, slots=True)
class Container(Inline):
    """An inline that wraps other inlines; subclasses differ only in meaning."""

    content: list[Inline]

    def children(self):
        return iter(self.content)


class Emph(Container):
    __slots__ = ()

class Strong(Container):
    __slots__ = ()

class Underline(Container):
    __slots__ = ()

class Strikeout(Container):
    __slots__ = ()

class Superscript(Container):
    __slots__ = ()

class Subscript(Container):
    __slots__ = ()

class SmallCaps(Container):
    __slots__ = ()

class Cite(Container):
    __slots__ = ()



@dataclass(eq=False, slots=True)
class Quoted(Inline):
    double: bool
    content: list[Inline]

    def children(self):
        return iter(self.content)


@dataclass(eq=False, slots=True)
class Span(Inline):
    content: list[Inline]
    id: str = ""
    classes: list[str] = field(default_factory=list)

    def children(self):
        return iter(self.content)


@dataclass(eq=False, slots=True)
class Link(Inline):
    content: list[Inline]
    url: str
    title: str = ""

    def children(self):
        return iter(self.content)


@dataclass(eq=False, slots=True)
class Image(Inline):
    alt_content: list[Inline]
    src: str
    title: str = ""
    id: str = ""

    @property
    def alt(self) -> str:
        return stringify(self.alt_content).strip()

    def children(self):
        return iter(self.alt_content)


@dataclass(eq=False, slots=True)
class Note(Inline):
    blocks: list["Block"]
    number: int = 0          # set by transforms: 1, 2, ... within one case study
    id: str = ""

    def children(self):
        return iter(self.blocks)


# ---------------------------------------------------------------- blocks
@dataclass(eq=False, slots=True)
class Block(Node):
    id: str = field(default="", kw_only=True)
    source: str = field(default="", kw_only=True)
    ROLE = "Div"

    @property
    def role(self) -> str:
        return self.ROLE


@dataclass(eq=False, slots=True)
class Para(Block):
    content: list[Inline]
    ROLE = "P"

    def children(self):
        return iter(self.content)


@dataclass(eq=False, slots=True)
class Plain(Para):
    pass


@dataclass(eq=False, slots=True)
class Header(Block):
    level: int
    content: list[Inline]

    @property
    def role(self) -> str:
        return f"H{min(self.level, 6)}"

    def children(self):
        return iter(self.content)


@dataclass(eq=False, slots=True)
class CodeBlock(Block):
    text: str
    ROLE = "Code"


@dataclass(eq=False, slots=True)
class RawBlock(Block):
    format: str
    text: str


@dataclass(eq=False, slots=True)
class HorizontalRule(Block):
    ROLE = "Artifact"


@dataclass(eq=False, slots=True)
class BlockQuote(Block):
    blocks: list[Block]
    ROLE = "BlockQuote"

    def children(self):
        return iter(self.blocks)


@dataclass(eq=False, slots=True)
class BulletList(Block):
    items: list[list[Block]]
    ROLE = "L"

    def children(self):
        for item in self.items:
            yield from item


@dataclass(eq=False, slots=True)
class OrderedList(BulletList):
    start: int = 1
    style: str = "Decimal"


@dataclass(eq=False, slots=True)
class DefinitionList(Block):
    items: list[tuple[list[Inline], list[list[Block]]]]
    ROLE = "L"

    def children(self):
        for term, definitions in self.items:
            yield from term
            for blocks in definitions:
                yield from blocks


@dataclass(eq=False, slots=True)
class LineBlock(Block):
    lines: list[list[Inline]]
    ROLE = "P"

    def children(self):
        for line in self.lines:
            yield from line


@dataclass(eq=False, slots=True)
class Div(Block):
    blocks: list[Block]
    classes: list[str] = field(default_factory=list)

    def children(self):
        return iter(self.blocks)


@dataclass(eq=False, slots=True)
class Cell:
    blocks: list[Block]
    align: str = "AlignDefault"
    colspan: int = 1
    rowspan: int = 1


@dataclass(eq=False, slots=True)
class Table(Block):
    caption: list[Block]
    aligns: list[str]
    widths: list[float | None]
    head: list[list[Cell]]
    body: list[list[Cell]]
    foot: list[list[Cell]] = field(default_factory=list)
    ROLE = "Table"

    def children(self):
        yield from self.caption
        for row in self.head + self.body + self.foot:
            for cell in row:
                yield from cell.blocks

    @property
    def columns(self) -> int:
        return len(self.aligns)


@dataclass(eq=False, slots=True)
class Figure(Block):
    caption: list[Block]
    blocks: list[Block]
    ROLE = "Figure"

    def children(self):
        yield from self.blocks
        yield from self.caption

    @property
    def images(self) -> list[Image]:
        return [n for n in walk(self.blocks) if isinstance(n, Image)]


@dataclass(eq=False, slots=True)
class Document:
    """One converted source file."""

    blocks: list[Block]
    source: str


# ---------------------------------------------------------------- traversal
def walk(nodes) -> Iterator[Node]:
    """Every node under ``nodes`` (a node or a list), depth first, in document order."""
    if isinstance(nodes, Node):
        nodes = [nodes]
    stack = list(reversed(list(nodes)))
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        yield node
        if type(node) in _LEAVES:
            continue
        kids = list(node.children())
        if kids:
            kids.reverse()
            extend(kids)


_LEAVES = {Str, Space, SoftBreak, LineBreak, Code, Math, RawInline}


MAX_NESTING = 30     # levels of lists, quotes, tables, notes and text styles a document may nest


def too_deep(blocks: list[Block], limit: int = MAX_NESTING) -> Node | None:
    """The first node nested more than ``limit`` containers deep, or None. Iterative, and done
    before any writer recurses through the document: no trust nests 30 levels on purpose, and
    the outputs (ReportLab's lists and tables among them) recurse once per level."""
    stack = [(node, 1) for node in reversed(blocks)]
    while stack:
        node, depth = stack.pop()
        if type(node) in _LEAVES:
            continue
        kids = list(node.children())
        if not kids:
            continue
        if _is_container(node):
            if depth > limit:
                return node
            depth += 1
        stack.extend((kid, depth) for kid in reversed(kids))
    return None


def _is_container(node: Node) -> bool:
    """A node whose children are a level deeper: not a paragraph, heading or line of text."""
    return not isinstance(node, (Para, Header, LineBlock))


def first_words(node: Node, count: int = 6) -> str:
    """The first few words under ``node``, to say where something is."""
    words = []
    for kid in walk(node):
        if isinstance(kid, Str):
            words.append(kid.text)
            if len(words) >= count:
                break
    return " ".join(words)


def word_runs(inlines: list[Inline]):
    """The inlines with each run of plain words and spaces given as one string: writers escape
    and check a run as a whole, not word by word (an inline of another kind comes as it is)."""
    words: list[str] = []
    for node in inlines:
        kind = type(node)
        if kind is Str:
            words.append(node.text)
        elif kind is Space or kind is SoftBreak:
            words.append(" ")
        else:
            if words:
                yield "".join(words)
                words = []
            yield node
    if words:
        yield "".join(words)


def stringify(nodes) -> str:
    """Plain text of inlines or blocks: what a reader would read aloud. Notes are left out."""
    parts: list[str] = []
    _stringify_into(nodes if isinstance(nodes, list) else [nodes], parts)
    return "".join(parts)


def _stringify_into(nodes, parts: list[str]) -> None:
    for node in nodes:
        if isinstance(node, (Str, Code)):
            parts.append(node.text)
        elif isinstance(node, Math):
            from book.document.maths import plain      # a formula reads as text ('mλ/a'), not as its LaTeX

            parts.append(plain(node.text))
        elif isinstance(node, (Space, SoftBreak, LineBreak)):
            parts.append(" ")
        elif isinstance(node, Quoted):
            q = "“”" if node.double else "‘’"
            parts.append(q[0])
            _stringify_into(node.content, parts)
            parts.append(q[1])
        elif isinstance(node, Note) or isinstance(node, RawInline):
            continue
        elif isinstance(node, Image):
            _stringify_into(node.alt_content, parts)
        elif isinstance(node, CodeBlock):
            parts.append(node.text)
        elif isinstance(node, Block):
            if parts and not parts[-1].endswith(" "):
                parts.append(" ")
            _stringify_into(list(node.children()), parts)
            parts.append(" ")
        else:
            _stringify_into(list(node.children()), parts)


# ---------------------------------------------------------------- from pandoc JSON
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
    return [_inline(item) for item in items]


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
    "Div": lambda c, s: Div(blocks_from_json(c[1], s), classes=list(c[0][1]), id=_attr_id(c[0])),
    "Table": _table,
    "Figure": lambda c, s: Figure(blocks_from_json(c[1][1], s), blocks_from_json(c[2], s), id=_attr_id(c[0])),
}

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
    "Span": lambda c: Span(inlines_from_json(c[1]), id=c[0][0], classes=list(c[0][1])),
    "Link": lambda c: Link(inlines_from_json(c[1]), c[2][0], c[2][1]),
    "Image": lambda c: Image(inlines_from_json(c[1]), c[2][0], c[2][1], id=c[0][0]),
    "Note": lambda c: Note(blocks_from_json(c, "")),
    **{name: (lambda cls: lambda c: cls(inlines_from_json(c)))(cls) for name, cls in _CONTAINERS.items()},
}
