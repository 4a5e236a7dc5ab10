"""Questions asked of a tree of nodes before and while writing it: whether it nests too deep for
the writers to recurse through, its first words (to say where something is), and its runs of
plain words (which writers escape and check as a whole).
"""
from __future__ import annotations

from book.document.nodes import LEAVES, Block, Header, Inline, LineBlock, Node, Para, SoftBreak, Space, Str, walk


MAX_NESTING = 30     # levels of lists, quotes, tables, notes and text styles a document may nest


def too_deep(blocks: list[Block], limit: int = MAX_NESTING) -> Node | None:
    """The first node nested more than ``limit`` containers deep, or None. Iterative, and done
    before any writer recurses through the document: no trust nests 30 levels on purpose, and
    the outputs (ReportLab's lists and tables among them) recurse once per level."""
    if _deepest(blocks) <= limit:
        return None         # (nearly every document: which node is too deep need not be found)
    stack = [(node, 1) for node in reversed(blocks)]
    while stack:
        node, depth = stack.pop()
        if type(node) in LEAVES:
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


def _deepest(blocks: list[Block]) -> int:
    """The depth ``too_deep`` gives a container with children, at its deepest (0: none), found a
    level at a time: each level's nodes, a paragraph's children in its own level."""
    level, depth, deepest = [node for node in blocks if type(node) not in LEAVES], 1, 0
    while level:
        deeper = []
        for node in level:          # (a list that grows as paragraphs' children are added to it)
            kids = list(node.children())
            if not kids:
                continue
            kids = [kid for kid in kids if type(kid) not in LEAVES]
            if isinstance(node, _NOT_CONTAINERS):
                level.extend(kids)
            else:
                deepest = depth         # (a container of words only counts too)
                deeper.extend(kids)
        level, depth = deeper, depth + 1
    return deepest


_NOT_CONTAINERS = (Para, Header, LineBlock)


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


