"""A paragraph's links in the tagged PDF: the words of each link marked as a Link element of their
own, inside the paragraph's text object, and the text an annotation's /Contents gives.

ReportLab's paragraph tells a text object where each link's run of words starts and ends on a
line (its ``_linkRecord`` hook); ``TextLeaf`` notes those places, and when the text object is
drawn, cuts its operators into marked-content sequences: the paragraph's own text, then each
link's words, as content of the right element. Used by ``pdftags.Tagger``.
"""
from __future__ import annotations

from book.pdf.pdfnodes import Node



class TextLeaf:
    """The text object of a paragraph with links, marked inside BT/ET: runs of the paragraph's own
    text as its content, the words of each link as the content of a Link child. ReportLab's
    paragraph tells where links start and end in the text object (``_linkRecord``)."""

    def __init__(self, node: Node, link_nodes: dict):
        self.node = node
        self.link_nodes = link_nodes          # shared: a link broken over two pages is one element
        self.events: dict[int, list] = {}     # id(text object) -> [(index in its code, start?, link)]
        self.starts: list = []                # each link's run on each line, in order: one annotation each

    def recorder(self, text):
        events = self.events.setdefault(id(text), [])

        def record(link, kind):
            # 'start' comes just after the link's first run of text on a line, 'end' after its last
            events.append((len(text._code) - (kind == "start"), kind == "start", link))
            if kind == "start":
                self.starts.append(link)
        return record

    def link_node(self, link) -> Node:
        """``link``: ReportLab's (number in the paragraph, target)."""
        key = (id(self.node), link)
        if key not in self.link_nodes:
            self.link_nodes[key] = self.node.child("Link")
        return self.link_nodes[key]

    def link_for_annotation(self, n: int, target: str) -> Node | None:
        """ReportLab makes one annotation per line a link runs on, line by line, left to right:
        the order in which the link runs started."""
        if n < len(self.starts) and self.starts[n][1] == target:
            return self.link_node(self.starts[n])
        return None

    def marked(self, text, tagger) -> list:
        code, open_links = text._code, []
        out, at = code[:1], 1           # the text object's code starts with its BT

        def run(end):
            if end > at:
                owner = self.link_node(open_links[-1]) if open_links else self.node
                out.extend((f"/{owner.role} <</MCID {tagger.new_mcid(owner)}>> BDC", *code[at:end], "EMC"))
            return max(at, end)

        for index, start, link in sorted(self.events.pop(id(text), ()), key=lambda e: e[0]):
            at = run(index)
            if start:
                open_links.append(link)
            elif link in open_links:
                open_links.remove(link)
        run(len(code))
        return out


def texts_of_links(flowable) -> dict[str, str]:
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
