"""A chunk's structure tree kept as bytes (``pdfnodes.pack_tree``) comes back as it was."""
from book.pdf.pdfnodes import MCR, Annot, Node, pack_tree, unpack_tree


def _shape(node):
    if type(node) is not Node:
        return (type(node).__name__, tuple(node))
    assert all(kid.parent is node for kid in node.kids if type(kid) is Node)
    return (node.role, node.title, node.alt, node.id, node.attrs, node.drawn, [_shape(kid) for kid in node.kids])


def test_a_tree_comes_back_with_its_content_and_parents():
    root = Node("")
    sect = root.child("Sect", id="case-1")
    sect.child("H2").add_content(MCR(0, 0))
    table = sect.child("Table")
    row = table.child("TR")
    row.child("TH", attrs={"O": "Table", "Scope": "Column"})
    row.child("TD")
    para = sect.child("P", alt="", title="Note 1")
    para.add_content(MCR(0, 1))
    link = para.child("Link")
    link.add_content(Annot(1, 0, "#note-1", "1"))
    link.add_content(MCR(1, 2))
    root.child("Figure", alt="A chart")

    back = unpack_tree(pack_tree(root))
    assert back.parent is None
    assert _shape(back) == _shape(root)
    assert type(back.kids[0].kids[0].kids[0]) is MCR
    assert type(back.kids[0].kids[2].kids[1].kids[0]) is Annot


def test_a_lone_element():
    back = unpack_tree(pack_tree(Node("Document")))
    assert (back.role, back.kids, back.parent) == ("Document", [], None)
