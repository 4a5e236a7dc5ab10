"""Tagged PDF, part one: the logical structure and the marked content that ReportLab does not write.

Two halves meet here:

* **Structure** (``Node``): the writers build the structure tree while they build the story, from
  the document model, which already knows every node's role. A flowable carries its element in
  ``_struct`` (``pdfblocks.tag`` sets it); containers adopt their children's elements (``add``), so
  lists, tables, quotes and sections are nested by construction, in reading order, whatever
  ReportLab later does to the flowables (splitting a list into items, a table into pages).
* **Marked content** (``Tagger``): hooked into one canvas, it keeps the page's content stream in
  one of two states, artifact (the default: backgrounds, rules, table grids, running heads,
  folios, leaders) or the content of one element (``/P <</MCID n>> BDC ... EMC``), and records
  which element every MCID and every link annotation belongs to. Any flowable with ``_struct``
  that is drawn on a tagged canvas is marked automatically; canvas-drawn content uses
  ``with tagger.mark(node):`` and ``with tagger.artifact():``.

Marked-content sequences nest properly with ``q``/``Q``: an artifact sequence is closed before
every ``q``/``Q`` and reopened after it, and content sequences are scoped around balanced drawing
code (a flowable's ``drawOn``). A sequence that turns out empty is taken back, with its MCID.

``pdfstruct.write_structure`` (part two) turns the records into the PDF's structure tree.
"""
from __future__ import annotations

import contextlib
from typing import Iterable, NamedTuple

from reportlab.platypus.flowables import BulletDrawer, Flowable
from reportlab.platypus.tables import Table

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
    """A structure element. ``kids`` holds Nodes, MCRs and Annots, in reading order."""

    __slots__ = ("role", "kids", "parent", "alt", "id", "attrs", "drawn")

    def __init__(self, role: str, *children, alt: str = "", id: str = "", attrs: dict | None = None):
        self.role = role
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
    node = getattr(original, "_struct", None)
    if node is None:
        return
    for piece in pieces:
        if type(piece) is type(original) and getattr(piece, "_struct", None) is None:
            piece._struct = node


def artifact(canv):
    """``with artifact(canv):`` decoration drawn inside a flowable; nothing on an untagged canvas."""
    tagger = getattr(canv, "_tagger", None)
    return tagger.artifact() if tagger is not None else contextlib.nullcontext()


def content(canv, node: Node | None):
    """``with content(canv, node):`` content of ``node`` drawn outside its flowable's drawOn."""
    tagger = getattr(canv, "_tagger", None)
    return tagger.mark(node) if tagger is not None and node is not None else contextlib.nullcontext()


# ---------------------------------------------------------------- marked content on one canvas
class Tagger:
    """Marked content for one ReportLab canvas; see the module docstring.

    Create it before anything is drawn (a doc template's ``beforeDocument``); after
    ``canvas.save()``, ``pdfstruct.write_structure(pdf_bytes, tagger, root)`` adds the tree.
    """

    def __init__(self, canv):
        _install_flowable_hooks()
        self.canv = canv
        self.mcids: list[list[Node]] = [[]]        # per page: the element of each MCID
        self.annots: list[list[tuple[Annot, Node]]] = [[]]
        self._targets: dict[int, str] = {}          # annotation index on this page -> target
        self._stack: list[Node | None] = [None]     # None: artifact
        self._open: tuple | None = None             # (code list, index of the opening operator, mcid)
        self._in_show_page = False
        self._originals = {name: getattr(canv, name) for name in _CANVAS_HOOKS}
        for name in _CANVAS_HOOKS:
            setattr(canv, name, getattr(self, "_" + name))
        canv._tagger = self
        self._page_code = canv._code
        self._begin()

    @property
    def page(self) -> int:
        return len(self.mcids) - 1

    # ------------------------------------------------------------ scopes
    @contextlib.contextmanager
    def mark(self, node: Node, link_texts: dict[str, str] | None = None):
        """Everything drawn inside is content of ``node``; link annotations made inside belong to it."""
        first_annot = len(self.canv._annotationrefs)
        self._push(node)
        try:
            yield node
        finally:
            self._pop()
            self._claim_annotations(first_annot, node, link_texts)

    @contextlib.contextmanager
    def artifact(self):
        """Everything drawn inside is decoration."""
        self._push(None)
        try:
            yield
        finally:
            self._pop()

    def draw_flowable(self, flowable, node: Node, draw) -> None:
        if getattr(flowable, "_struct_drawn", False):
            # drawn before: a table's header row repeated on the next page
            with self.artifact():
                draw()
            return
        first_annot = len(self.canv._annotationrefs)
        self._push(node)
        try:
            draw()
        finally:
            self._pop()
        self._claim_annotations(first_annot, node, None, flowable)
        flowable._struct_drawn = True

    def _push(self, node: Node | None) -> None:
        self._switch(lambda: self._stack.append(node))

    def _pop(self) -> None:
        self._switch(self._stack.pop)

    def _switch(self, change) -> None:
        """Close the open sequence, change state, open the next one. Inside a form XObject nothing
        is marked: a form takes the marking of the place where it is drawn."""
        if self.canv._code is not self._page_code:
            change()
            return
        self._end()
        change()
        self._begin()

    # ------------------------------------------------------------ sequences in the content stream
    def _begin(self) -> None:
        code = self.canv._code
        node = self._stack[-1]
        if node is None:
            code.append("/Artifact BMC")
            self._open = (code, len(code), None)
        else:
            mcids = self.mcids[-1]
            mcid = len(mcids)
            mcids.append(node)
            code.append(f"/{node.role} <</MCID {mcid}>> BDC")
            self._open = (code, len(code), mcid)

    def _end(self) -> None:
        if self._open is None:
            return
        code, start, mcid = self._open
        self._open = None
        if len(code) == start:          # nothing drawn: take the sequence back
            code.pop()
            if mcid is not None:
                self.mcids[-1].pop()
            return
        code.append("EMC")
        if mcid is not None:
            self.mcids[-1][mcid].add_content(MCR(self.page, mcid))

    def _claim_annotations(self, first: int, node: Node, link_texts, flowable=None) -> None:
        count = len(self.canv._annotationrefs)
        if count == first:
            return
        if link_texts is None:
            link_texts = _link_texts(flowable) if flowable is not None else {}
        for index in range(first, count):
            target = self._targets.get(index, "")
            annot = Annot(self.page, index, target, link_texts.get(target, ""))
            node.add_content(annot)
            self.annots[-1].append((annot, node))

    # ------------------------------------------------------------ canvas hooks
    def _saveState(self):
        self._around(self._originals["saveState"])

    def _restoreState(self):
        self._around(self._originals["restoreState"])

    def _around(self, operation) -> None:
        # artifact sequences never span q/Q; content sequences are scoped around balanced code
        if self._in_show_page or self._stack[-1] is not None:
            operation()
        else:
            self._switch(operation)

    def _linkURL(self, url, *args, **kwargs):
        self._originals["linkURL"](url, *args, **kwargs)
        self._targets[len(self.canv._annotationrefs) - 1] = url

    def _linkRect(self, contents, destinationname, *args, **kwargs):
        self._originals["linkRect"](contents, destinationname, *args, **kwargs)
        self._targets[len(self.canv._annotationrefs) - 1] = "#" + destinationname

    def _showPage(self):
        self._end()
        canv = self.canv
        marks = bool(canv._cropMarks)
        if marks:
            canv._code.append(_PAGE_END)
        self._in_show_page = True
        try:
            self._originals["showPage"]()
        finally:
            self._in_show_page = False
        if marks:
            _mark_printer_marks(canv._doc.Pages.pages[-1])
        self.mcids.append([])
        self.annots.append([])
        self._targets = {}
        self._page_code = canv._code
        self._begin()

    def _save(self):
        self._end()     # an empty sequence left open must not make a blank last page
        self._originals["save"]()


_CANVAS_HOOKS = ("saveState", "restoreState", "showPage", "save", "linkURL", "linkRect")
_PAGE_END = "% end of tagged page content"


def _mark_printer_marks(page) -> None:
    """ReportLab draws crop marks when the page ends, after our content and after the ``Q`` that
    closes its trim-box translation: they are artifacts too."""
    head, sep, tail = page.stream.partition(_PAGE_END + "\n")
    if not sep:
        return
    if tail.startswith("Q\n"):
        head, tail = head + "Q\n", tail[2:]
    page.stream = head + "/Artifact BMC\n" + tail + "EMC\n"


def _link_texts(flowable) -> dict[str, str]:
    """target -> visible text of a drawn paragraph's links (for the annotations' /Contents). A
    paragraph with links is laid out in lines of fragments, each knowing its link."""
    lines = getattr(getattr(flowable, "blPara", None), "lines", ())
    texts: dict[str, list[str]] = {}
    for line in lines:
        for frag in getattr(line, "words", ()):
            for _, target in getattr(frag, "link", None) or ():
                texts.setdefault(target, []).append(getattr(frag, "text", "") or "")
        for parts in texts.values():
            parts.append(" ")
    return {target: " ".join("".join(parts).split()) for target, parts in texts.items()}


# ---------------------------------------------------------------- flowables mark themselves
_HOOKED = False


def _install_flowable_hooks() -> None:
    """Once per process: a flowable drawn on a tagged canvas marks its drawing as the content of its
    element. On any other canvas nothing changes. Tables are containers (their grid and
    backgrounds stay artifacts; their cells are elements of their own), and a list bullet becomes
    the Lbl of its item."""
    global _HOOKED
    if _HOOKED:
        return
    _HOOKED = True
    flowable_draw_on = Flowable.drawOn
    bullet_draw_on = BulletDrawer.drawOn

    def drawOn(self, canvas, x, y, _sW=0):
        tagger = getattr(canvas, "_tagger", None)
        node = getattr(self, "_struct", None) if tagger is not None else None
        if node is None or isinstance(self, Table) or getattr(self, "_struct_container", False):
            return flowable_draw_on(self, canvas, x, y, _sW)
        tagger.draw_flowable(self, node, lambda: flowable_draw_on(self, canvas, x, y, _sW))

    def draw_bullet(self, indenter, canv, x, y, _sW=0):
        tagger = getattr(canv, "_tagger", None)
        item = getattr(indenter._flowable, "_struct", None) if tagger is not None else None
        item = item.ancestor("LI") if item is not None else None
        if item is None or (item.kids and getattr(item.kids[0], "role", "") == "Lbl"):
            return bullet_draw_on(self, indenter, canv, x, y, _sW)
        label = Node("Lbl")
        label.parent = item
        item.kids.insert(0, label)      # before the item's body, drawn next
        with tagger.mark(label):
            bullet_draw_on(self, indenter, canv, x, y, _sW)

    Flowable.drawOn = drawOn
    BulletDrawer.drawOn = draw_bullet
