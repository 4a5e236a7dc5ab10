"""A case study in the compendium: its opening (organisations, title, facts in the side column,
standfirst, highlights box, pull quote), its text, its notes. A part of
``content.ContentBuilder``, whose helpers (``p``, ``blocks``, ``_markup``) it uses.
"""
from __future__ import annotations

import math

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, ListFlowable, ListItem, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from book.document import ast
from book.core.errors import and_list
from book.model.publication import highlight_parts
from book.pdf.pdfblocks import Anchor, chapter_key, tag
from book.pdf.pdftags import Node
from book.writers.compendium.flowables import Marker, RoomFor, SeparatorRule, SideNote, Span


class CaseStudyContent:
    """The flowables of a case study."""

    # ---------------------------------------------------------------- a case study
    def case_study(self, chapter, first: bool = False) -> list:
        """A case study: it runs on after the last one (after a short rule) when the page has
        room for its opening; else it starts at the head of the next page."""
        cs = chapter.case_study
        anchor = Anchor(chapter_key(chapter.id), "chapter", cs.title, 1, running_head=chapter.lead.name, name=chapter.id)
        opening = self.opener(chapter)
        flows = [RoomFor(self._room_for(opening))]
        if not first:
            flows.append(Span(SeparatorRule(self.full_width, self.style.color("nhs-warm-yellow")), self.span_extra))
        flows += [Marker(anchor)] + opening
        if chapter.blocks:
            flows += self.blocks.blocks(chapter.blocks)
        flows += self.endnotes(chapter)
        return flows

    def _room_for(self, opening: list):
        """What a case study's opening needs on its page: kicker and title, then its side note or
        the first lines of its text, whichever is taller."""
        leading = self.style.paragraph_style("standfirst").leading

        def needed(aw: float, full: float) -> float:
            height = 0.0
            for flow in opening[:2]:
                height += flow.wrap(aw, full)[1] + flow.getSpaceAfter()
            side = max((f.measure(full) for f in opening if isinstance(f, SideNote)), default=0.0)
            return height + max(side, 4 * leading)
        return needed

    def opener(self, chapter) -> list:
        """Title across the page (the side column too), then the facts in the side column beside
        the standfirst (or above it, when the style has no side column); highlights and quote."""
        cs = chapter.case_study
        flows = [Span(self.p(_organisations(chapter), "opener_org"), self.span_extra)]
        flows.append(Span(self.p(cs.title, "h1", role="H1", **self.spanning("h1")), self.span_extra))
        facts = self.facts(chapter)
        if self.span_extra:
            flows.append(SideNote(facts, self.style.page.side_column, self.span_extra))
        else:
            flows += facts
        if not chapter.blocks:
            # a case study with no text of its own: its summary is its text, set as body text
            flows.append(self.summary(chapter, "body"))
        else:
            flows.append(self.summary(chapter, "standfirst"))
        if cs.highlights:
            box = self.from_index(self.highlights(cs.highlights), f"the highlights of case study '{cs.id}'")
            flows += self.boxed(box, f"{chapter.id}--highlights")
        if cs.quote:
            box = self.from_index([self.pull_quote(cs.quote)], f"the quote of case study '{cs.id}'")
            flows += self.boxed(box, f"{chapter.id}--quote")
        return flows

    def summary(self, chapter, style: str):
        cs = chapter.case_study
        if chapter.summary_block is not None:
            return self.blocks.para(chapter.summary_block.content, style, chapter.summary_block)
        return self.p(cs.summary, style)

    def facts(self, chapter) -> list:
        """Who, where and what: the lead organisation and partners, region and ICS, award, themes."""
        cs, lead = chapter.case_study, chapter.lead
        rows = []           # the organisations are named above the title (or open it)
        rows.append(("Region", lead.region + (f" · {lead.ics}" if lead.ics else "")))
        if cs.award:
            rows.append(("Award", cs.award))
        if cs.themes:
            rows.append(("Themes", ", ".join(cs.themes)))
        if not self.span_extra:
            meta = [x for x in (cs.award, lead.region, ", ".join(cs.themes)) if x]
            return [self.p("  \u00b7  ".join(meta), "opener_meta")] if meta else []
        flows = []
        for label, text in rows:
            flows.append(self.p(label, "facts_label"))
            flows.append(self.p(text, "facts_text"))
        return flows

    def spanning(self, style: str) -> dict:
        """Overrides for a paragraph set across the text and side columns."""
        return {}

    @staticmethod
    def boxed(flows: list, key: str) -> list:
        """The highlights box or pull quote, known to the page map by a name of its own (the
        EPUB's page markers stand before it when a print page opens with it)."""
        if flows:
            flows[0]._block_id = key
        return flows

    def from_index(self, flows: list, what: str) -> list:
        """Flowables of text from the index: an error names the index file and what they are."""
        for flow in flows:
            flow._source, flow._what = self.loaded.index.label, what
        return flows

    def highlights(self, items) -> list:
        """The highlights box: one table row per highlight, so a long list can run over a page.
        A highlight taller than a page (a table row cannot hold a list that splits) is set as a
        plain list under its heading, without the box."""
        rows = [[self.p("Highlights", "highlight_title", role="H2")]]
        paras = [self.highlight_item(item) for item in items]
        rows += [[self._bullet_list([para])] for para in paras]
        table = self._highlights_table(rows)
        # one list in the structure, though each row holds a list of one item
        listing = Node("L", [Node("LI", para) for para in paras], attrs={"O": "List", "ListNumbering": "Square"})
        aside = Node("Aside", rows[0], listing)
        if self._surely_fits(items, "highlight_item") or self._rows_fit(table):
            # a box is not broken over a page turn: it goes whole to the next page if it must
            # (a box taller than a page would be set as the plain list below)
            if table.wrap(self.width, self.height)[1] < self.height * 0.6:
                table.splitByRow = 0
            return [tag(table, None, "Aside", node=aside)]
        title = rows[0][0]
        return [title, self._bullet_list(paras, spaceAfter=14)]

    def _bullet_list(self, paras: list, **spacing) -> ListFlowable:
        """Highlights as a list with square bullets in the house blue."""
        return ListFlowable(
            [ListItem(para) for para in paras],
            bulletType="bullet", start="\u25a0", leftIndent=12, bulletFontSize=6,
            bulletFontName=self.style.paragraph_style("highlight_item").fontName,
            bulletColor=colors.HexColor(self.style.color("nhs-blue")), bulletOffsetY=-2, **spacing,
        )

    def _highlights_table(self, rows: list) -> Table:
        """The highlights box: the style's tint, a rule down its left side, padding round it."""
        box = self.style.styles.get("highlight_box", {})
        pad = float(box.get("borderPadding", 10) or 10)
        table = Table(rows, colWidths=[self.width])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.style.paragraph_style("body").fontName),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(box.get("backColor") or self.style.color("nhs-pale-grey"))),
            ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor(box.get("borderColor") or self.style.color("nhs-blue"))),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + 2), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, 0), pad), ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
        ]))
        table.spaceBefore, table.spaceAfter = 4, 14
        return table

    def highlight_item(self, item: str):
        label, rest = highlight_parts(item)
        ps = self.blocks.pstyle("highlight_item", leftIndent=0, firstLineIndent=0)
        markup = (f"<b>{self._markup(label + ':', 'highlight_item')}</b> " if label else "") + self._markup(rest, "highlight_item")
        return tag(Paragraph(markup, ps), None, "LBody")

    def _surely_fits(self, texts: list[str], style_name: str) -> bool:
        """Shorter than a page for certain, without laying it out: its lines counted as if every
        character were wide and the measure half what it is. (Measuring a table to find out
        cost more than setting it.)"""
        ps = self.style.paragraph_style(style_name)
        per_line = max(1.0, self.width / 2 / (ps.fontSize * 0.7))
        lines = sum(math.ceil(len(text) / per_line) + 2 for text in texts) + 4
        return lines * max(ps.leading, ps.fontSize) < self.height * 0.8

    def _rows_fit(self, table) -> bool:
        table.wrap(self.width, self.height)
        return max(table._rowHeights) <= self.height

    def pull_quote(self, quote) -> Flowable:
        """The quote with name and role, with the style's rule down its left side; never split,
        unless it is taller than a page."""
        spec = self.style.styles["pullquote"]
        flows = [self.p(f"\u201c{quote.text}\u201d", "pullquote", leftIndent=0)]
        who = ", ".join(x for x in (quote.name, quote.role) if x)
        if who:
            flows.append(self.p(f"\u2014 {who}", "pullquote_attribution", leftIndent=0))
        table = Table([[flows]], colWidths=[self.width])
        rule = spec.get("ruleColor")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.style.paragraph_style("body").fontName),
            ("LEFTPADDING", (0, 0), (-1, -1), float(spec.get("leftIndent") or 14)),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *([("LINEBEFORE", (0, 0), (0, -1), float(spec.get("ruleWidth") or 3), colors.HexColor(rule))] if rule else []),
        ]))
        table.spaceBefore, table.spaceAfter = 6, 16
        if not self._surely_fits([quote.text, who], "pullquote") and table.wrap(self.width, self.height)[1] > self.height:
            table.splitInRow = 1
        return tag(table, None, "BlockQuote", node=Node("BlockQuote", flows))

    def endnotes(self, chapter) -> list:
        """Notes at the end of the case study; number links back to the reference and vice versa."""
        if not chapter.notes:
            return []
        flows = [CondPageBreak(60), self.p("Notes", "h3", role="H2")]
        for note in chapter.notes:
            back = f'<a name="{note.id}"/><a href="#ref-{note.id}" color="{self.link}">{note.number}.</a>\u00a0'
            first, rest = (note.blocks[0], note.blocks[1:]) if note.blocks else (None, [])
            if isinstance(first, ast.Para):
                lead = self.blocks.para(first.content, "footnote", first, prefix=back)
            else:
                lead = tag(Paragraph(back, self.style.paragraph_style("footnote")), None)
                rest = note.blocks
            body = [lead] + self.blocks.blocks(rest, "note")
            Node("Note", body, id=note.id, title=f"Note {note.number}")
            flows += body
            self.link_labels["#" + note.id] = f"Note {note.number}"
            self.link_labels["#ref-" + note.id] = f"Back to the reference to note {note.number}"
            self.note_targets.add("#" + note.id)
        return flows


def _organisations(chapter) -> str:
    names = chapter.lead.name
    if chapter.partners:
        names += " with " + and_list([p.name for p in chapter.partners])
    return names
