"""The compendium's front and back matter: the cover, the imprint, the contents and the
indexes, their lines with deferred page numbers (``pdfpages.PageRefParagraph``) and dotted
leaders. A part of ``content.ContentBuilder``, whose helpers (``p``, ``section``, ``indexes``)
it uses.
"""
from __future__ import annotations

from reportlab.platypus import Spacer
from reportlab.platypus.doctemplate import NextPageTemplate
from reportlab.platypus.flowables import PageBreak, TopPadder

from book.pdf.pdfblocks import Anchor, chapter_key, tag, with_anchor
from book.pdf.pdfinline import escape
from book.pdf.pdfpages import NO_LEADERS, PageRefParagraph, ref_slot
from book.pdf.pdftags import Node
from book.writers.compendium.flowables import FRONT_CYCLE, INDEX_CYCLE, BottomAligned, Marker


class FrontBackMatter:
    """The flowables of the front matter (cover, imprint, contents) and of the indexes."""

    def page_ref_line(self, markup: str, style: str, keys: list[str], href: str | None = None, leaders: bool = True):
        """A contents or index line: live link, dotted leaders, page number(s) at the right."""
        label = f"{self.width}|{style}{'' if leaders else NO_LEADERS}|{';'.join(keys)}"
        if href:
            markup = f'<a href="#{href}">{markup}</a>'
        base = self.style.paragraph_style(style)
        ps = self.blocks.pstyle(style, rightIndent=ref_slot(base.fontName, base.fontSize) * len(keys) + 12)
        para = PageRefParagraph(f'{markup}<onDraw name="notePosition" label="{escape(label)}"/>', ps, self.decorator)
        para._toc_key = href or ""
        return tag(para, None, "Link")     # the whole line is the link: text and page numbers

    def index_lines(self, term: str, keys: list[str]) -> list:
        """An index entry: its term, leaders and page numbers; an entry with more numbers than
        fit beside it (an organisation that leads twenty case studies) continues them on lines
        of their own, without leaders."""
        base = self.style.paragraph_style("index_entry")
        per_line = max(1, int((self.width * 0.45 - 12) // ref_slot(base.fontName, base.fontSize)))
        rows = [keys[n:n + per_line] for n in range(0, len(keys), per_line)]
        lines = [self.page_ref_line(self._markup(term, "index_entry"), "index_entry", rows[0], rows[0][0])]
        for row in rows[1:]:
            lines.append(self.page_ref_line("\u00a0", "index_entry", row, row[0], leaders=False))
        return lines

    # ---------------------------------------------------------------- the front matter
    def cover(self) -> list:
        e = self.pub.edition
        flows = [Marker(Anchor("cover", "front", e.title, 0)), Spacer(0, self.height * 0.16)]
        flows.append(self.p(e.edition, "cover_edition"))
        flows.append(self.balanced(e.title, "cover_title", role="Title"))
        if e.subtitle:
            flows.append(self.balanced(e.subtitle, "cover_subtitle"))
        flows.append(TopPadder(self.p(e.publisher, "cover_publisher")))
        return flows + [NextPageTemplate(list(FRONT_CYCLE)), PageBreak()]

    def balanced(self, text: str, style: str, role: str = "P"):
        """A display paragraph broken into lines of even length (no word alone on the last line):
        the narrowest measure that keeps the number of lines the full measure gives."""
        width = self.full_width
        lines = lambda w: len(self.p(text, style, role=role).breakLines([w]).lines)  # noqa: E731
        count, low, high = lines(width), width * 0.4, width
        for _ in range(12):
            middle = (low + high) / 2
            low, high = (low, middle) if lines(middle) <= count else (middle, high)
        return self.p(text, style, role=role, rightIndent=max(0.0, width - high - 1))

    def imprint(self) -> list:
        e = self.pub.edition
        lines = [f"{e.title}" + (f": {e.subtitle}" if e.subtitle else ""), f"Edition {e.edition}"]
        lines += [f"Published by {e.publisher}" + (f", {e.long_date}" if e.date else "")]
        if e.rights:
            lines.append(e.rights)
        lines.append(f"Identifier: {e.identifier}")
        lines.append("This compendium is also available as an accessible EPUB and as one-page summaries for each organisation.")
        paras = self.section([self.p(line, "imprint") for line in lines])
        return [Marker(Anchor("imprint", "front")), BottomAligned(paras), PageBreak()]

    def contents(self) -> list:
        head = self.p("Contents", "toc_title", role="H1")
        flows = self._contents_lines()
        self.section([head, Node("TOC", [Node("TOCI", line) for line in flows if getattr(line, "_struct", None)])])
        return [Marker(Anchor("contents", "front", "Contents", 0)), head] + flows

    def _contents_lines(self) -> list:
        """The contents' lines, each known to the page map as ``toc:<key>`` (the EPUB's contents
        has a place holder at each entry, so a page of the contents opens where it does in print)."""
        flows = self._contents_line_flows()
        for line in flows:
            href = getattr(line, "_toc_key", "")
            if href:
                line._block_id = "toc:" + href
        return flows

    def _contents_line_flows(self) -> list:
        flows = []
        for chapter in self.pub.front:
            key = chapter_key(chapter.id)
            flows.append(self.page_ref_line(self._markup(chapter.title, "toc_entry"), "toc_entry", [key], key))
        for part in self.pub.parts:
            title = self._markup(f"Part {part.number}  \u00b7  {part.title}", "toc_part")
            flows.append(self.page_ref_line(title, "toc_part", [part.id], part.id))
            for chapter in part.chapters:
                org = self._markup(chapter.lead.name, "toc_organisation")
                org_ps = self.style.paragraph_style("toc_organisation")
                markup = (f'{self._markup(chapter.title, "toc_entry")}<br/><font name="{org_ps.fontName}" size="{org_ps.fontSize}"'
                          f' color="{org_ps.textColor.hexval().replace("0x", "#")}">{org}</font>')
                key = chapter_key(chapter.id)
                flows.append(self.page_ref_line(markup, "toc_entry", [key], key))
        flows.append(Spacer(0, 6))     # no element: skipped by the TOC
        for key, title, _entries in self.indexes():
            flows.append(self.page_ref_line(self._markup(title, "toc_part"), "toc_part", [key], key))
        return flows

    # ---------------------------------------------------------------- back matter
    def index_pages(self) -> list:
        flows = []
        for key, title, entries in self.indexes():
            head = with_anchor(self.p(title, "index_title", role="H1"), Anchor(key, "index", title, 0, running_head="Index"))
            section = [PageBreak(), head] + ([] if flows else [NextPageTemplate(list(INDEX_CYCLE))])
            letter = ""
            group = None      # the entries under one letter: a list in the structure tree
            for number, entry in enumerate(entries):
                initial = entry.term[:1].upper()
                new_letter = initial != letter and initial.isalpha()
                if new_letter:
                    letter = initial
                    section.append(self.p(letter, "h4", role="H2"))
                    section[-1]._block_id = f"{key}:{letter}"
                if new_letter or group is None:
                    group = Node("L", attrs={"O": "List", "ListNumbering": "None"})
                lines = self.index_lines(entry.term, [chapter_key(c.id) for c in entry.chapters])
                lines[0]._block_id = f"{key}:{number}"      # the EPUB's index_document holds a place for it
                group.add(Node("LI", Node("LBody", lines)))
                section += lines
            flows += self.section(section)
        return flows
