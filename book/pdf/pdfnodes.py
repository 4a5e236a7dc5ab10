"""Tagged PDF's structure elements, as the writers build them: ``Node``, and the marked-content
sequences (``MCR``) and link annotations (``Annot``) that are their content.

The writers build the structure tree while they build the story, from the document model, which
already knows every node's role. A flowable carries its element in ``_struct`` (``set_node``);
containers adopt their children's elements (``Node.add``), so lists, tables, quotes and sections
are nested by construction, in reading order, whatever ReportLab later does to the flowables
(splitting a list into items, a table into pages: ``inherit``). ``pdftags.Tagger`` records the
content of each element as it is drawn; ``pdfstruct`` writes the tree.
"""
from __future__ import annotations

import pickle
from typing import Iterable, NamedTuple

from book.pdf.pdfwords import source_text

# Roles the writers use that are not PDF 1.7 standard structure types: written with a RoleMap.
ROLE_MAP = {"Title": "H1", "Aside": "Div"}


class MCR(NamedTuple):
    """A marked-content sequence: page index and MCID."""

    page: int
    mcid: int


class Annot(NamedTuple):
    """A link annotation: page index, its index in the page's /Annots, target, visible text."""

    page: int
    index: int
    target: str
    text: str


class Node:
    """A structure element. ``kids`` holds Nodes, MCRs and Annots, in reading order. A Node with
    the role "" is a group, not an element: its kids take its place in its parent."""

    __slots__ = ("role", "kids", "parent", "alt", "id", "attrs", "drawn", "title")

    def __init__(self, role: str, *children, alt: str = "", id: str = "", attrs: dict | None = None,
                 title: str = ""):
        self.role = role
        self.title = title    # the element's /T: a label such as "Note 3"
        self.kids: list = []
        self.parent: Node | None = None
        self.alt = alt
        self.id = id
        self.attrs = attrs    # e.g. {"O": "Table", "Scope": "Column"}
        self.drawn = False    # has content of its own or below
        self.add(*children)

    def add(self, *children) -> "Node":
        """Adopt Nodes, or the elements of flowables (lists are flattened). What is adopted is the
        top of the element's tree so far: a paragraph already put in a note brings the note. A
        flowable without an element (a spacer, a page break) is skipped, and so is a tree that
        already hangs here (two images of one figure)."""
        for child in children:
            if isinstance(child, (list, tuple)):
                self.add(*child)
                continue
            node = child if isinstance(child, Node) else getattr(child, "_struct", None)
            if node is None:
                continue
            while node.parent is not None:
                node = node.parent
            if node is self._top():
                continue
            node.parent = self
            self.kids.append(node)
        return self

    def child(self, role: str, *children, **element) -> "Node":
        """A new element at the end of this one's children (for content drawn on the canvas)."""
        node = Node(role, *children, **element)
        self.add(node)
        return node

    def _top(self) -> "Node":
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def add_content(self, item) -> None:
        """Content drawn for this element (an MCR or an annotation) goes before the child elements
        not drawn yet: a figure's image before its caption."""
        kids = self.kids
        at = next((n for n, kid in enumerate(kids) if isinstance(kid, Node) and not kid.drawn), len(kids))
        kids.insert(at, item)
        node: Node | None = self
        while node is not None and not node.drawn:
            node.drawn = True
            node = node.parent

    def ancestor(self, role: str) -> "Node | None":
        node: Node | None = self
        while node is not None and node.role != role:
            node = node.parent
        return node

    def __repr__(self):
        return f"<{self.role} {len(self.kids)} kids>"


def node_of(flowable) -> Node | None:
    return getattr(flowable, "_struct", None)


def set_node(flowable, node: Node | None):
    """Give a flowable its element (``None``: the flowable is decoration, drawn as an artifact)."""
    flowable._struct = node
    return flowable


def container(flowable, node: Node):
    """Give a flowable that draws other flowables (and decoration around them) its element: it is
    not marked itself, its children are. Tables are always treated so."""
    flowable._struct = node
    flowable._struct_container = True
    return flowable


def inherit(original, pieces: Iterable) -> None:
    """Pieces of a split flowable stay in the original's element: a paragraph over two pages is one
    P with content on both. Only pieces of the same kind inherit: what a container is split into
    (a list's items, a KeepTogether's content) has elements of its own."""
    pieces = list(pieces)
    if hasattr(original, "blPara") or hasattr(original, "frags"):
        # the pieces of a paragraph: the text their line ends are told apart by, and which go on
        source = source_text(original)
        for n, piece in enumerate(pieces):
            if type(piece) is type(original):
                piece._words_source = source
                piece._words_go_on = n < len(pieces) - 1
    node = getattr(original, "_struct", None)
    if node is None:
        return
    for piece in pieces:
        if type(piece) is type(original) and getattr(piece, "_struct", None) is None:
            piece._struct = node


# ---------------------------------------------------------------- a tree kept as bytes
def pack_tree(root: Node) -> bytes:
    """``root``'s tree as bytes (``unpack_tree`` gives it back): its elements in reading order as
    plain tuples, each element's kids after it and a None after those, pickled. A chunk's tree is
    kept so in the build cache and sent so from a worker; pickling the Nodes themselves (a hundred
    thousand for a thousand case studies, each with its slots) took five times as long, and
    unpickling them three times as long as ``unpack_tree``."""
    out: list = []
    add = out.append
    stack: list = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is Node:
            add((item.role, item.title, item.alt, item.id, item.attrs, item.drawn))
            push(None)
            extend(reversed(item.kids))
        elif item is None:
            add(None)
        elif kind is MCR:
            add(tuple(item))
        else:
            add((item,))        # an Annot (few): as it is
    return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_tree(data: bytes) -> Node:
    """The tree ``pack_tree`` made ``data`` of: the same elements, content and parents."""
    new, make_mcr = Node.__new__, tuple.__new__
    stack: list[Node] = []
    root = parent = kids = None
    for item in pickle.loads(data):
        if item is None:
            stack.pop()
            if stack:
                parent = stack[-1]
                kids = parent.kids
            continue
        size = len(item)
        if size == 6:
            node = new(Node)
            node.role, node.title, node.alt, node.id, node.attrs, node.drawn = item
            node.parent = parent
            if kids is None:
                root = node
            else:
                kids.append(node)
            parent, kids = node, []
            node.kids = kids
            stack.append(node)
        elif size == 2:
            kids.append(make_mcr(MCR, item))
        else:
            kids.append(item[0])
    return root
