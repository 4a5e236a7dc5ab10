"""Tagged PDF, part one: the logical structure and the marked content that ReportLab does not write.

Two halves meet here:

* **Structure** (``Node``, defined in ``pdfnodes``): the writers build the structure tree while they build the story, from
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

Marked-content sequences nest properly with ``q``/``Q`` and ``BT``/``ET``: an artifact sequence is
closed before every ``q``/``Q`` and reopened after it, and content sequences are scoped around
balanced drawing code (a flowable's ``drawOn``). A paragraph with links is marked inside its text
object instead (``pdflinks``), so that the words of each link are the content of a Link element
(and its underline stays decoration). A sequence that turns out empty is taken back, with its MCID.

The canvas is hooked through its instance (``saveState``, ``restoreState``, ``beginText``,
``drawText``, ``linkURL``, ``linkRect``, ``showPage``, ``save``) and ReportLab's ``Flowable.drawOn``
and ``BulletDrawer.drawOn`` are wrapped once per process (``install_flowable_hooks``, called by
``book.pdf.rlcontract.install`` where the build starts, never by making a Tagger); on a canvas
without a Tagger they behave exactly as before.

``pdfstruct`` (part two) writes the PDF's structure tree from the records, for ``pdfwrite``.
"""
from __future__ import annotations

import contextlib

from reportlab.platypus.flowables import BulletDrawer, Flowable
from reportlab.platypus.tables import Table

from book.pdf.pdflinks import TextLeaf, texts_of_links
from book.pdf.pdfnodes import MCR, ROLE_MAP, Annot, Node, container, inherit, node_of, set_node
from book.pdf.pdfwords import draw_marked

__all__ = [
    "Tagger", "artifact", "content", "install_flowable_hooks",
    # the structure elements (book.pdf.pdfnodes), by the names they had when they were here
    "MCR", "ROLE_MAP", "Annot", "Node", "container", "inherit", "node_of", "set_node",
]


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

    Create it before anything is drawn (a doc template's ``beforeDocument``, or right after the
    canvas). Build the tree from a ``Node("Document")``; draw flowables that carry their element
    (``set_node``), and wrap canvas drawing that is content in ``with tagger.mark(node):``.
    The canvas is a ``pdfpage.PageRecorder``; ``pdfwrite.Assembler.finish(root)`` writes the tree.
    """

    def __init__(self, canv):
        if not _HOOKED:
            raise RuntimeError("ReportLab's flowables are not hooked for tagging: call book.pdf.rlcontract.install()"
                               " where the build (or the test) starts, before anything is drawn")
        self.canv = canv
        self.mcids: list[list[Node]] = [[]]        # per page: the element of each MCID
        self.annots: list[list[tuple[Annot, Node]]] = [[]]
        self._targets: dict[int, str] = {}          # annotation index on this page -> target
        self._stack: list[Node | None] = [None]     # None: artifact
        self._open: tuple | None = None             # (code list, index of the opening operator, mcid)
        self._in_show_page = False
        self._text_leaf: TextLeaf | None = None
        self._link_nodes: dict[tuple, Node] = {}        # (paragraph element, link) -> its Link element
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
        link_texts = texts_of_links(flowable)
        leaf = None
        if link_texts and node.role != "Link":
            # a paragraph with links: its text is marked inside its text object, the words of
            # each link as a Link element of their own; all else it draws (underlines) is decoration
            leaf = self._text_leaf = TextLeaf(node, self._link_nodes)
        self._push(None if leaf else node)
        try:
            draw_marked(flowable, draw)     # line ends read as words (pdfwords)
        finally:
            self._pop()
            self._text_leaf = None
        self._claim_annotations(first_annot, node, link_texts, flowable, leaf)
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

    def _claim_annotations(self, first: int, node: Node, link_texts, flowable=None, leaf=None) -> None:
        count = len(self.canv._annotationrefs)
        if count == first:
            return
        if link_texts is None:
            link_texts = texts_of_links(flowable) if flowable is not None else {}
        for n, index in enumerate(range(first, count)):
            target = self._targets.get(index, "")
            annot = Annot(self.page, index, target, link_texts.get(target, ""))
            holder = (leaf.link_for_annotation(n, target) if leaf else None) or node
            holder.add_content(annot)
            self.annots[-1].append((annot, holder))

    def new_mcid(self, node: Node) -> int:
        mcids = self.mcids[-1]
        mcids.append(node)
        node.add_content(MCR(self.page, len(mcids) - 1))
        return len(mcids) - 1

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

    def _beginText(self, *args, **kwargs):
        text = self._originals["beginText"](*args, **kwargs)
        if self._text_leaf is not None:
            text._linkRecord = self._text_leaf.recorder(text)     # ReportLab's paragraphs call it
        return text

    def _drawText(self, text):
        leaf = self._text_leaf
        if leaf is None or self.canv._code is not self._page_code:
            self._originals["drawText"](text)
            return
        self._end()             # the artifact sequence: the text object's content is marked inside it
        text._code[:] = leaf.marked(text, self)
        self._originals["drawText"](text)
        self._begin()

    def _showPage(self):
        self._end()
        canv = self.canv
        self._in_show_page = True
        try:
            self._originals["showPage"]()
        finally:
            self._in_show_page = False
        self.mcids.append([])
        self.annots.append([])
        self._targets = {}
        self._page_code = canv._code
        self._begin()

    def _save(self):
        self._end()     # an empty sequence left open must not make a blank last page
        self._originals["save"]()


_CANVAS_HOOKS = ("saveState", "restoreState", "showPage", "save", "linkURL", "linkRect", "beginText", "drawText")


# ---------------------------------------------------------------- flowables mark themselves
_HOOKED = False


def install_flowable_hooks() -> None:
    """Once per process (``book.pdf.rlcontract.install``): a flowable drawn on a tagged canvas
    marks its drawing as the content of its element. On any other canvas nothing changes. Tables
    are containers (their grid and backgrounds stay artifacts; their cells are elements of their
    own), and a list bullet becomes the Lbl of its item."""
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
            if tagger is not None:      # a paragraph drawn inside a scope of its own: its line ends too
                return draw_marked(self, lambda: flowable_draw_on(self, canvas, x, y, _sW))
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

    drawOn.__wrapped_original__, draw_bullet.__wrapped_original__ = flowable_draw_on, bullet_draw_on
    Flowable.drawOn = drawOn
    BulletDrawer.drawOn = draw_bullet
