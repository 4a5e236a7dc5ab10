"""What every flowable made for a block carries: its block's id and role (``_block_id``,
``_role``: the compendium records where each block fell, for the EPUB's page list), its element
of the tagged PDF's structure tree (``_struct``, a ``pdfnodes.Node``), and the places it anchors
(``_anchors``: destinations, outline entries, running heads).
"""
from __future__ import annotations

from dataclasses import dataclass

from book.document import ast
from book.pdf.pdfnodes import Node, set_node


@dataclass(frozen=True)
class Anchor:
    key: str                       # the PDF's name for the place: destination, outline, page-number form
    kind: str                      # chapter, part, section, body-start, front
    title: str = ""
    outline_level: int | None = None
    running_head: str = ""
    name: str = ""                 # its name in the page map when that differs from ``key`` (a chapter id)


def chapter_key(chapter_id: str) -> str:
    """The PDF's name for a chapter: ids are the editors' choice, and one such as 'contents' or
    'index-themes' must not take the place of the book's own pages (no built-in name and no
    block id has a colon)."""
    return "chapter:" + chapter_id


def with_anchor(flowable, anchor: Anchor):
    flowable._anchors = (*getattr(flowable, "_anchors", ()), anchor)
    return flowable


def tag(flowable, block: ast.Block | None, role: str | None = None, node: Node | None = None, **element):
    """Mark a flowable with its block and role, and give it its structure element: ``node``, or a
    new one of that role (``element``: its alt, id or attributes). An artifact has no element."""
    flowable._block_id = block.id if block is not None else ""
    flowable._role = role or (block.role if block is not None else "P")
    if flowable._role == "Artifact":
        return set_node(flowable, None)
    return set_node(flowable, node or Node(flowable._role, **element))
