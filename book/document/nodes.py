"""The node types of the document model: a small, strict, typed view of pandoc's AST, and the two
walks their own properties need (``walk``, every node in order; ``stringify``, the plain text).

Class names are pandoc's tags (as in panflute), so pandoc's documentation describes them. Every
block carries what the outputs need beyond pandoc's data:

* ``id``     a stable identifier (``<case-study id>-<n>``), the same from build to build while the
             text is unchanged; the PDF writer reports which block starts each page under it, and the
             EPUB puts its page markers there;
* ``source`` the file it came from, for messages;
* ``role``   its structural role (``P``, ``H2``, ``L``, ``Table``, ``Figure``...), the tag a tagged PDF
             gives it.

Images carry their alt text. Code imports these as ``book.document.ast`` (``ast.Para``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator



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
    lang: str = ""      # the source's lang= and dir= (pandoc's [text]{lang=ar dir=rtl}): kept for the EPUB
    dir: str = ""

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
    lang: str = ""      # as Span's
    dir: str = ""

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
        if type(node) in LEAVES:
            continue
        kids = list(node.children())
        if kids:
            kids.reverse()
            extend(kids)


# nodes with no children: the walks skip asking them
LEAVES = {Str, Space, SoftBreak, LineBreak, Code, Math, RawInline}


def stringify(nodes) -> str:
    """Plain text of inlines or blocks: what a reader would read aloud. Notes are left out."""
    parts: list[str] = []
    _stringify_into(nodes if isinstance(nodes, list) else [nodes], parts)
    return "".join(parts)


def _stringify_into(nodes, parts: list[str]) -> None:
    append = parts.append
    for node in nodes:
        # the words and spaces that are most of any text first, by their exact type (a walk of a
        # long chapter's text asks this of every word)
        kind = type(node)
        if kind is Str:
            append(node.text)
        elif kind is Space or kind is SoftBreak:
            append(" ")
        else:
            _stringify_node(node, parts)


def _stringify_node(node, parts: list[str]) -> None:
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
    elif isinstance(node, (Note, RawInline)):
        return
    elif isinstance(node, Image):
        _stringify_into(node.alt_content, parts)
    elif isinstance(node, CodeBlock):
        parts.append(node.text)
    elif isinstance(node, Block):
        if parts and not parts[-1].endswith(" "):
            parts.append(" ")
        _stringify_into(node.children(), parts)
        parts.append(" ")
    else:
        _stringify_into(node.children(), parts)
