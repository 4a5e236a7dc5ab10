"""The document model -> XHTML 5 strings: one document per chapter.

Markup is only ever built from the model: every text node and attribute value goes through
``text``/``attr``, so nothing a source contains can become markup (no script, no event handlers,
no ``javascript:`` links), and links keep only web, mail, phone and in-document targets.

Blocks and inlines are rendered through two dispatch tables; an unknown node becomes its plain
text. Where a page of the print edition may begin, the writer leaves a *place holder* (before
and after every block, at the start and end of every document); the EPUB writer later turns the
right ones into page-break markers and drops the rest (see ``pagebreaks.place_page_breaks``).

The markup itself is made by ``xhtml``; the documents that are not chapters (cover, title
page, part openers, indexes) are in ``documents``.
"""
from __future__ import annotations

import unicodedata

from book.document import ast
from book.document import maths
from book.document.alttext import repeats_caption
from book.document.direction import may_be_rtl
from book.model.publication import highlight_parts, toc_headings
from book.writers.markup.xhtml import attr, document, el, framed, held, hold, safe_href, text, void

MATHML_NAMESPACE = maths.MATHML     # documents with formulae carry MathML (package.py marks them)

LIST_TYPES = {"Decimal": "1", "LowerAlpha": "a", "UpperAlpha": "A", "LowerRoman": "i", "UpperRoman": "I"}
ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
TIGHT = {"item", "cell", "caption", "figure"}   # contexts where a Plain block needs no <p>


# ------------------------------------------------------------------ the renderer
class Renderer:
    """Renders one chapter's blocks. ``ids`` are the ids its document defines (for # links);
    ``image_href`` maps an image file to its name inside the EPUB; ``cuts`` gives, for a
    paragraph a print page begins inside, how many of its words come before each such page
    (a place holder goes after that many words)."""

    def __init__(self, chapter_id: str, ids: set[str], image_href, cuts: dict[str, list[int]] | None = None):
        self.chapter_id = chapter_id
        self.ids = ids
        self.image_href = image_href
        self.cuts = cuts or {}
        self._cut: dict[int, str] = {}      # words so far -> place-holder key, inside one paragraph
        self._words = 0

    # -- blocks
    def blocks(self, blocks: list[ast.Block], context: str = "body") -> str:
        return "".join(self.block(b, context) for b in blocks)

    def block(self, block: ast.Block, context: str = "body") -> str:
        render = BLOCKS.get(type(block))
        inner = render(self, block, context) if render else el("p", text(ast.stringify([block]).strip()))
        return held(block, inner) + "\n"

    def _id(self, block: ast.Block) -> str | None:
        return block.id or None

    def para(self, block: ast.Para, context: str = "body", cls: str | None = None) -> str:
        if type(block) is ast.Plain and context in TIGHT:
            return self.inlines(block.content)
        return el("p", self.counted(block), id=self._id(block), class_=cls, dir=text_direction(block))

    def counted(self, block: ast.Para) -> str:
        """The paragraph's inlines, with a place holder after each word count in ``cuts``."""
        self._cut = {n: f"{block.id}@{n}" for n in self.cuts.get(block.id, ())}
        self._words = 0
        try:
            return self.inlines(block.content)
        finally:
            self._cut = {}

    def space(self, node) -> str:
        out = void("br") if isinstance(node, ast.LineBreak) else " "
        if not self._cut:
            return out
        self._words += 1
        key = self._cut.get(self._words)
        return out + hold("mid", key) if key else out

    def header(self, block: ast.Header, context: str) -> str:
        return el(f"h{min(max(block.level, 2), 6)}", self.inlines(block.content), id=self._id(block))

    def code_block(self, block: ast.CodeBlock, context: str) -> str:
        return el("pre", el("code", text(block.text)), id=self._id(block))

    def rule(self, block, context: str) -> str:
        return void("hr", id=self._id(block))

    def block_quote(self, block: ast.BlockQuote, context: str) -> str:
        return el("blockquote", self.blocks(block.blocks), id=self._id(block))

    def bullet_list(self, block: ast.BulletList, context: str) -> str:
        items = "".join(el("li", self.blocks(item, "item")) for item in block.items)
        if isinstance(block, ast.OrderedList):
            start = block.start if block.start != 1 else None
            return el("ol", items, id=self._id(block), start=start, type=LIST_TYPES.get(block.style))
        return el("ul", items, id=self._id(block))

    def definition_list(self, block: ast.DefinitionList, context: str) -> str:
        parts = []
        for term, definitions in block.items:
            parts.append(el("dt", self.inlines(term)))
            parts.extend(el("dd", self.blocks(d, "item")) for d in definitions)
        return el("dl", "".join(parts), id=self._id(block))

    def line_block(self, block: ast.LineBlock, context: str) -> str:
        lines = void("br").join(self.inlines(line) for line in block.lines)
        return el("p", lines, id=self._id(block), class_="line-block")

    def div(self, block: ast.Div, context: str) -> str:
        if "attribution" in block.classes and len(block.blocks) == 1 and isinstance(block.blocks[0], ast.Para):
            return self.para(block.blocks[0], context, cls="attribution")
        return el("div", self.blocks(block.blocks, context), id=self._id(block), **_language(block))

    def figure(self, block: ast.Figure, context: str) -> str:
        caption = self.blocks(block.caption, "caption")
        body = self.blocks(block.blocks, "figure")
        for image in block.images:      # alt text that repeats the caption: the caption is read once
            if image.alt and repeats_caption(image.alt, ast.stringify(block.caption)):
                body = body.replace(f'alt="{attr(image.alt)}"', 'alt=""')
        # a page that opens between the picture and its caption (page_continuation, no words) has its marker here
        held = hold("mid", f"{block.id}@caption") if block.id and caption.strip() else ""
        return el("figure", body + (held + el("figcaption", caption) if caption.strip() else ""), id=self._id(block))

    def table(self, block: ast.Table, context: str) -> str:
        caption = self.blocks(block.caption, "caption")
        parts = [el("caption", caption)] if caption.strip() else []
        if block.head:
            parts.append(el("thead", "".join(self.row(r, block, "th") for r in block.head)))
        parts.append(el("tbody", "".join(self.row(r, block, "td") for r in block.body)))
        if block.foot:
            parts.append(el("tfoot", "".join(self.row(r, block, "td") for r in block.foot)))
        return el("table", "".join(parts), id=self._id(block))

    def row(self, cells: list[ast.Cell], table: ast.Table, tag: str) -> str:
        out, column = [], 0
        for cell in cells:
            align = ALIGN.get(cell.align) or ALIGN.get(table.aligns[column] if column < len(table.aligns) else "")
            out.append(el(
                tag, self.blocks(cell.blocks, "cell"),
                scope="col" if tag == "th" else None,
                colspan=cell.colspan if cell.colspan > 1 else None,
                rowspan=cell.rowspan if cell.rowspan > 1 else None,
                style=f"text-align: {align}" if align else None,
            ))
            column += cell.colspan
        return el("tr", "".join(out))

    def dropped(self, block, context: str) -> str:
        return ""  # raw markup: the model's sanitiser removes it already; never pass it through

    # -- inlines
    def inlines(self, inlines: list[ast.Inline]) -> str:
        if self._cut:           # words are counted one by one for the page markers
            return "".join(self.inline(node) for node in inlines)
        # runs of plain words are escaped as one string
        return "".join(text(run) if isinstance(run, str) else self.inline(run) for run in ast.word_runs(inlines))

    def inline(self, node: ast.Inline) -> str:
        render = INLINES.get(type(node))
        return render(self, node) if render else text(ast.stringify([node]))

    def wrap(self, node: ast.Container) -> str:
        return el(WRAPPERS[type(node)], self.inlines(node.content))

    def small_caps(self, node) -> str:
        return el("span", self.inlines(node.content), style="font-variant: small-caps")

    def quoted(self, node: ast.Quoted) -> str:
        open_, close = ("\u201c", "\u201d") if node.double else ("\u2018", "\u2019")
        return open_ + self.inlines(node.content) + close

    def link(self, node: ast.Link) -> str:
        # a note inside a link would nest one <a> in another: set it after the link instead
        notes = [n for n in node.content if isinstance(n, ast.Note)]
        content = self.inlines([n for n in node.content if not isinstance(n, ast.Note)])
        href = self.resolve(node.url)
        linked = el("a", content, href=href, title=node.title or None) if href else content
        return linked + self.inlines(notes)

    def resolve(self, url: str) -> str | None:
        href = safe_href(url)
        if href is None or not href.startswith("#"):
            return href
        # pandoc's own heading ids were replaced by stable ones (chapter id + slug of the text)
        for candidate in (href[1:], f"{self.chapter_id}-{href[1:]}"):
            if candidate in self.ids:
                return "#" + candidate
        return None

    def image(self, node: ast.Image) -> str:
        href = self.image_href(node.src) if node.src else None
        if not href:
            # no usable file: its description stands in its place
            return el("span", text(f"[Image: {node.alt or 'not available'}]"), class_="image-missing")
        return void("img", src=href, alt=node.alt, title=node.title or None)

    def note_ref(self, node: ast.Note) -> str:
        # no <sup>: the style sheet raises a.noteref itself
        return el("a", str(node.number), href=f"#{node.id}", id=f"ref-{node.id}", class_="noteref",
                  epub_type="noteref", role="doc-noteref")

    def endnotes(self, notes: list[ast.Note]) -> str:
        if not notes:
            return ""
        heading_id = f"{self.chapter_id}--notes"
        items = "".join(self.endnote(n) for n in notes)
        return el("section", el("h2", "Notes", id=heading_id) + items, class_="endnotes",
                  epub_type="endnotes", role="doc-endnotes", aria_labelledby=heading_id)

    def endnote(self, note: ast.Note) -> str:
        # the number links back to where the note is referenced
        back = el("a", f"{note.number}.", href=f"#ref-{note.id}", role="doc-backlink",
                  aria_label=f"Back to reference {note.number}")
        blocks = list(note.blocks)
        if blocks and isinstance(blocks[0], ast.Para):
            first = held(blocks[0], el("p", back + " " + self.inlines(blocks[0].content)))
            rest = self.blocks(blocks[1:])
        else:
            first, rest = el("p", back), self.blocks(blocks)
        # role "note", not "doc-endnote": DPUB-ARIA 1.1 deprecates that and HTML does not allow it
        # on <aside> (EPUBCheck reports both); without a role each note would be an unnamed
        # complementary landmark (Ace reports that)
        return el("aside", first + rest, id=note.id, class_="endnote", epub_type="endnote", role="note")


WRAPPERS = {
    ast.Emph: "em", ast.Strong: "strong", ast.Underline: "u", ast.Strikeout: "s",
    ast.Superscript: "sup", ast.Subscript: "sub", ast.Cite: "span",
}

BLOCKS = {
    ast.Para: Renderer.para,
    ast.Plain: Renderer.para,
    ast.Header: Renderer.header,
    ast.CodeBlock: Renderer.code_block,
    ast.RawBlock: Renderer.dropped,
    ast.HorizontalRule: Renderer.rule,
    ast.BlockQuote: Renderer.block_quote,
    ast.BulletList: Renderer.bullet_list,
    ast.OrderedList: Renderer.bullet_list,
    ast.DefinitionList: Renderer.definition_list,
    ast.LineBlock: Renderer.line_block,
    ast.Div: Renderer.div,
    ast.Figure: Renderer.figure,
    ast.Table: Renderer.table,
}

INLINES = {
    ast.Str: lambda r, n: text(n.text),
    ast.Space: Renderer.space,
    ast.SoftBreak: Renderer.space,
    ast.LineBreak: Renderer.space,
    ast.Code: lambda r, n: el("code", text(n.text)),
    ast.Math: lambda r, n: maths.mathml(n.text, n.display) or el("span", text(n.text), class_="math"),
    ast.RawInline: lambda r, n: "",
    ast.Span: lambda r, n: el("span", r.inlines(n.content), **_language(n)) if n.lang or n.dir else r.inlines(n.content),
    ast.SmallCaps: Renderer.small_caps,
    ast.Quoted: Renderer.quoted,
    ast.Link: Renderer.link,
    ast.Image: Renderer.image,
    ast.Note: Renderer.note_ref,
    **{cls: Renderer.wrap for cls in WRAPPERS},
}


# ------------------------------------------------------------------ documents
FRONT_TYPES = {"foreword": "foreword", "preface": "preface", "introduction": "introduction",
               "acknowledgements": "acknowledgments", "acknowledgments": "acknowledgments", "prologue": "prologue"}


# what checking a chapter found (``Chapter.block_ids``, ``headings``, ``pictures``), else found in its text
def chapter_ids(chapter) -> set[str]:
    if chapter.block_ids is not None:
        return chapter.block_ids
    ids = {b.id for b in ast.walk(_all_blocks(chapter)) if isinstance(b, ast.Block) and b.id}
    return ids | {n.id for n in chapter.notes}


def headings(chapter) -> list[tuple[int, str, str]]:
    """(level, id, text) of the chapter's own headings, for the table of contents."""
    return chapter.headings if chapter.headings is not None else toc_headings(chapter.blocks)


def pictures(chapter) -> list[tuple[str, str]]:
    """(file, alt text) of each image the chapter shows."""
    if chapter.pictures is not None:
        return chapter.pictures
    return [(n.src, n.alt) for n in ast.walk(_all_blocks(chapter)) if isinstance(n, ast.Image) and n.src]


def _all_blocks(chapter) -> list:
    return ([chapter.summary_block] if chapter.summary_block else []) + chapter.blocks


def _language(node) -> dict:
    """lang (as both HTML and XML want it) and dir, where the source gave them."""
    return {"lang": node.lang or None, "xml_lang": node.lang or None, "dir": node.dir or None}


def text_direction(block) -> str | None:
    """"rtl" for a paragraph most of whose letters are of a right-to-left script (Arabic, Hebrew,
    Urdu): the reading system then sets it flush right with its punctuation on the correct side."""
    words = ast.stringify(block.content)
    if not may_be_rtl(words):
        return None         # no right-to-left letter (nearly every paragraph): not one to count
    rtl = ltr = 0
    for char in words:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L" and char.isalpha():
            ltr += 1
    return "rtl" if rtl > ltr else None


def chapter_document(chapter, lang: str, image_href, cuts: dict[str, list[int]] | None = None) -> str:
    r = Renderer(chapter.id, chapter_ids(chapter), image_href, cuts)
    title_id = f"{chapter.id}--title"
    if chapter.case_study is not None:
        opener, blocks = case_opener(chapter, r, title_id)
        epub_type, role = "chapter", "doc-chapter"
    else:
        opener, blocks = el("h1", text(chapter.title), id=title_id), chapter.blocks
        kind = FRONT_TYPES.get(chapter.title.strip().lower())
        epub_type, role = (kind, f"doc-{kind}") if kind else ("chapter", "doc-chapter")
    body = opener + "\n" + r.blocks(blocks) + r.endnotes(chapter.notes)
    section = el("section", "\n" + body, id=chapter.id, epub_type=epub_type, role=role, aria_labelledby=title_id)
    return document(chapter.title, framed(chapter.id, section), lang)


def case_opener(chapter, r: Renderer, title_id: str) -> tuple[str, list[ast.Block]]:
    """Organisations, title, award, region and themes, standfirst, highlights and pull quote.

    When the source opens with the index's summary, the model has taken that paragraph out as
    ``summary_block``: it *is* the standfirst (and keeps its id, where a print page may start)."""
    cs, blocks = chapter.case_study, chapter.blocks
    # the same lines, in the same words, as the printed opener
    names = " and ".join(p.name for p in chapter.partners)
    parts = [el("p", text(chapter.lead.name + (f" with {names}" if names else "")), class_="opener-org")]
    parts.append(el("h1", text(chapter.title), id=title_id))
    meta = [cs.award, chapter.lead.region, ", ".join(cs.themes)]
    parts.append(el("p", text(" \u00b7 ".join(m for m in meta if m)), class_="opener-meta"))
    if chapter.summary_block is not None:
        block = chapter.summary_block
        parts.append(held(block, r.para(block, cls="standfirst")))
    elif cs.summary:
        parts.append(el("p", text(cs.summary), class_="standfirst"))
    # place holders around the boxes, as around blocks: a print page may open with one
    box = lambda key, markup: hold("before", f"{chapter.id}--{key}") + markup + hold("after", f"{chapter.id}--{key}") if markup else ""  # noqa: E731
    parts.append(box("highlights", highlights(cs.highlights)))
    parts.append(box("quote", pull_quote(cs.quote)))
    return el("header", "\n".join(p for p in parts if p), class_="opener"), blocks


def highlights(items) -> str:
    if not items:
        return ""
    entries = []
    for item in items:
        label, rest = highlight_parts(item)
        if label:
            entries.append(el("li", el("strong", text(label + ":")) + " " + text(rest)))
        else:
            entries.append(el("li", text(item)))
    return el("section", el("h2", "Highlights") + el("ul", "".join(entries)), class_="highlights", aria_label="Highlights")


def pull_quote(quote) -> str:
    if quote is None:
        return ""
    who = ", ".join(x for x in (quote.name, quote.role) if x)
    body = el("p", text(f"\u201c{quote.text}\u201d"))
    if who:
        body += el("p", text(f"\u2014 {who}"), class_="attribution")
    return el("aside", body, class_="pullquote", epub_type="pullquote", role="doc-pullquote")
