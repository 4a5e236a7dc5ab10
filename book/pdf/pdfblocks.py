"""Block nodes -> ReportLab flowables, through one dispatch table (after rst2pdf's genelements).

Every flowable made for a block carries the block's id and role and its element of the tagged
PDF's structure tree (``pdfflow.tag``): containers (lists, tables, quotes, figures) adopt their
children's elements as they are built, so the tree follows the model. Tables are set by
``pdftables``.
An unknown block is rendered as its plain text with a warning, never dropped and never a crash.
The renderer remembers every block it rendered by id (``rendered``), so that a block that cannot
be laid out can be named in the error.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Image, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from book.document import ast
from book.document import maths
from book.document import svgimage
from book.document.images import SVG_MIME
from book.document.alttext import figure_alt
from book.pdf.pdfflow import Anchor, chapter_key, tag, with_anchor
from book.pdf.pdfinline import INLINE_IMAGE_LINES, InlineMarkup
from book.pdf.pdfnodes import Node, set_node
from book.pdf.pdftables import TableRenderer

__all__ = ["BlockRenderer", "figure_size", "quote_box",
           # what every block's flowable carries (book.pdf.pdfflow), by the names it had when it was here
           "Anchor", "chapter_key", "tag", "with_anchor"]

MAX_FIGURE_HEIGHT = 0.8    # of the frame height: a tall image leaves room for its caption
ORDERED_TYPES = {"Decimal": "1", "LowerAlpha": "a", "UpperAlpha": "A", "LowerRoman": "i", "UpperRoman": "I"}
LIST_NUMBERING = {"Decimal": "Decimal", "LowerAlpha": "LowerAlpha", "UpperAlpha": "UpperAlpha",
                  "LowerRoman": "LowerRoman", "UpperRoman": "UpperRoman"}
FULL_INDENT_LEVELS = 6     # lists nested deeper than this step in by a few points, not a full indent


class BlockRenderer:
    """Renders blocks as flowables set in a frame ``frame_width`` wide and ``frame_height`` high."""

    def __init__(self, style, frame_width: float, frame_height: float, reporter=None, language: str = ""):
        self.style = style
        self.width = frame_width
        self.height = frame_height
        self.reporter = reporter
        self.language = language
        self._styles: dict[str, ParagraphStyle] = {}
        self.link_color = style.color("nhs-blue")
        self.style_images: dict = {}             # the publication's images: src -> ImageInfo
        self.rendered: dict[str, ast.Block] = {}  # block id -> block, for error messages
        self.span = None                          # sets a flowable across the side column too (wide tables)
        self.span_extra = 0.0

    @property
    def figure_room(self) -> float:
        """The most height a figure may take: room is left for its caption."""
        return self.height * MAX_FIGURE_HEIGHT

    # ---------------------------------------------------------------- styles and text
    def pstyle_from(self, base: ParagraphStyle, **overrides) -> ParagraphStyle:
        key = base.name + repr(sorted(overrides.items()))
        if key not in self._styles:
            self._styles[key] = ParagraphStyle(f"{base.name}-{len(self._styles)}", parent=base, **overrides)
        return self._styles[key]

    def pstyle(self, name: str, **overrides) -> ParagraphStyle:
        key = name + repr(sorted(overrides.items()))
        if key not in self._styles:
            base = self.style.paragraph_style(name, lang=self.language or "en-GB")
            self._styles[key] = ParagraphStyle(f"{name}-{len(self._styles)}", parent=base, **overrides)
        return self._styles[key]

    def inline(self, ps: ParagraphStyle, image_box: tuple[float, float] | None = None) -> InlineMarkup:
        """Inline markup for ``ps``; images at most ``image_box`` (default: a few lines high)."""
        return InlineMarkup(self.style, ps.fontName, self.link_color, self.style_images,
                            image_box or (self.width, INLINE_IMAGE_LINES * ps.leading))

    def para(self, inlines: list[ast.Inline], style_name: str, block=None, role=None, prefix: str = "", **overrides):
        ps = self.pstyle(style_name, **overrides)
        inline = self.inline(ps)
        markup = prefix + inline.render(inlines)
        if inline.has_images:
            ps = self.pstyle(style_name, **overrides, autoLeading="max")   # a line as tall as its images
        return tag(Paragraph(markup, ps), block, role)

    def text_para(self, text: str, style_name: str, role="P", block=None, **overrides):
        ps = self.pstyle(style_name, **overrides)
        return tag(Paragraph(InlineMarkup(self.style, ps.fontName, self.link_color).text(text), ps), block, role)

    # ---------------------------------------------------------------- dispatch
    def blocks(self, blocks: list[ast.Block], context: str = "body") -> list:
        out = []
        for n, block in enumerate(blocks):
            flows = self.block(block, context)
            if flows and _leads_in(block, blocks[n + 1] if n + 1 < len(blocks) else None):
                flows[-1].keepWithNext = True
            out.extend(flows)
        return out

    def block(self, block: ast.Block, context: str = "body") -> list:
        if block.id:
            self.rendered.setdefault(block.id, block)
        render = _DISPATCH.get(type(block))
        if render is None:
            if self.reporter:
                self.reporter.warn("unknown-block", f"{type(block).__name__} printed as plain text", block.source)
            return [self.text_para(ast.stringify([block]), "body", block=block)]
        return render(self, block, context)

    # ---------------------------------------------------------------- renderers
    def r_para(self, block: ast.Para, context: str):
        formula = _displayed_formula(block.content)
        if formula is not None:
            drawn = self.formula(formula, block)
            if drawn is not None:
                return [drawn]
        style = {"body": "body", "quote": "blockquote", "cell": "table_cell", "note": "footnote", "item": "list_item"}[context]
        # lists and quote boxes indent their contents themselves: the styles' own indents would double it
        flat = {"leftIndent": 0, "firstLineIndent": 0} if context in ("item", "quote") else {}
        return [self.para(block.content, style, block, **flat)]

    def r_header(self, block: ast.Header, context: str):
        level = min(max(block.level, 2), 6)
        flow = self.para(block.content, f"h{level}", block)
        return [with_anchor(flow, Anchor(block.id, "section", ast.stringify(block.content), level))]

    def r_code(self, block: ast.CodeBlock, context: str):
        # a Paragraph, not Preformatted: long lines wrap instead of crossing the margin
        # the shaded box is drawn borderPadding outside the text: indent so it stays inside the margins
        pad = self.style.paragraph_style("code").borderPadding or 0
        pad = max(pad) if isinstance(pad, (list, tuple)) else pad
        ps = self.pstyle("code", leftIndent=pad, rightIndent=pad)
        # characters the mono font lacks are set in the fallback font, as in running text
        inline = InlineMarkup(self.style, ps.fontName, self.link_color)
        lines = [inline.text(line, wrap_long=False).replace("  ", "&nbsp; ") for line in block.text.split("\n")]
        return [tag(Paragraph("<br/>".join(lines) or "&nbsp;", ps), block)]

    def r_rule(self, block, context):
        return [tag(HRFlowable(width="100%", thickness=0.5, color=colors.HexColor(self.style.color("nhs-pale-grey")),
                               spaceBefore=6, spaceAfter=6), block, "Artifact")]

    def r_quote(self, block: ast.BlockQuote, context: str):
        self._quote_depth = getattr(self, "_quote_depth", 0) + 1
        try:
            inner = self.blocks(block.blocks, "quote")
        finally:
            self._quote_depth -= 1
        if not inner:
            return []       # an empty quote (`<blockquote></blockquote>`): a box around nothing cannot be set
        # quotes in quotes past a few levels step in by a little only (as lists do)
        padding = 3 if self._quote_depth >= FULL_INDENT_LEVELS else 12
        box = tag(quote_box(inner, self.style.color("nhs-blue"), self.style.paragraph_style("body").fontName, padding), block)
        box._struct.add(inner)
        return [box]

    def r_list(self, block: ast.BulletList, context: str):
        if not block.items:
            return []       # an empty list (`<ol></ol>`) has nothing to print; ReportLab cannot set one
        self._list_depth = getattr(self, "_list_depth", 0) + 1
        try:
            contents = [self.blocks(item_blocks, "item") for item_blocks in block.items]
        finally:
            self._list_depth -= 1
        items = [ListItem(flows or [Spacer(0, 0)]) for flows in contents]
        ps = self.style.paragraph_style("list_item")
        # past a few levels each list steps in by a little only: thirty full indents would leave
        # the innermost items no width at all (nesting beyond 30 levels is refused: ast.too_deep)
        deep = getattr(self, "_list_depth", 0) >= FULL_INDENT_LEVELS
        kwargs = dict(leftIndent=5 if deep else 14, bulletFontName=ps.fontName, bulletFontSize=ps.fontSize,
                      bulletColor=colors.HexColor(self.style.color("nhs-blue")), spaceBefore=0, spaceAfter=4)
        if isinstance(block, ast.OrderedList):
            lst = ListFlowable(items, bulletType=ORDERED_TYPES.get(block.style, "1"), start=block.start,
                               bulletFormat="%s.", leftIndent=7 if deep else 18, **{k: v for k, v in kwargs.items() if k != "leftIndent"})
        else:
            marker = "\u2022" if getattr(self, "_list_depth", 0) % 2 == 0 else "\u2013"
            lst = ListFlowable(items, bulletType="bullet", start=marker, **kwargs)
        numbering = LIST_NUMBERING.get(block.style, "Decimal") if isinstance(block, ast.OrderedList) else "Disc"
        tag(lst, block, attrs={"O": "List", "ListNumbering": numbering})
        lst._struct.add([Node("LI", Node("LBody", flows)) for flows in contents])
        return [lst]

    def r_deflist(self, block: ast.DefinitionList, context: str):
        """Terms and their definitions: a list whose items have the term as label."""
        out = []
        lst = Node("L", attrs={"O": "List", "ListNumbering": "None"})
        for term, definitions in block.items:
            label = self.para(term, "body", block, role="Lbl", fontName=self.style.paragraph_style("h6").fontName, spaceAfter=0)
            out.append(label)
            body = []
            for blocks in definitions:
                body += [_indented(flow, 18) for flow in self.blocks(blocks, "item")]
            out += body
            lst.add(Node("LI", label, Node("LBody", body)))
        return out

    def r_lineblock(self, block: ast.LineBlock, context: str):
        inlines: list[ast.Inline] = []
        for n, line in enumerate(block.lines):
            if n:
                inlines.append(ast.LineBreak())
            inlines.extend(line)
        return [self.para(inlines, "body", block)]

    def r_div(self, block: ast.Div, context: str):
        if "attribution" in block.classes:
            return [self.para(b.content, "attribution", b, leftIndent=0, firstLineIndent=0)
                    for b in block.blocks if isinstance(b, ast.Para)]
        return self.blocks(block.blocks, context)

    def r_figure(self, block: ast.Figure, context: str):
        """One Figure element: its images (with their alt text, or the caption when they have
        none) and its caption."""
        caption = ast.stringify(block.caption).strip()
        figure = Node("Figure", alt=figure_alt([image.alt for image in block.images], caption))   # never the caption twice
        flows = [set_node(self.image(image, block), figure) for image in block.images]
        if caption:
            flows.append(self.para(_caption_inlines(block), "caption", block, role="Caption"))
        return [tag(KeepTogether(flows), block, node=figure.add(flows))]

    def image(self, image: ast.Image, block):
        info = self.style_images.get(image.src) if image.src else None
        if info is None:
            # no usable file: its description stands in its place, never an empty box
            return self.text_para(f"[Image: {image.alt or 'not available'}]", "caption", role="Figure", block=block)
        w, h = figure_size(info.width, info.height, self.width, self.height)
        if info.mime == SVG_MIME:
            flow = svgimage.flowable(info.path, w, h, self.style.paragraph_style("body").fontName)   # vectors
        else:
            flow = Image(str(info.path), width=w, height=h)
        flow.hAlign = "CENTER"
        flow._alt = image.alt
        return tag(flow, block, "Figure")

    def r_table(self, block: ast.Table, context: str):
        if self.span is None or block.columns * TableRenderer.MIN_COLUMN * 1.5 <= self.width:
            return TableRenderer(self).render(block)
        # a wide table takes the side column too (headings and figures keep to the text)
        narrow, self.width = self.width, self.width + self.span_extra
        try:
            flows = TableRenderer(self).render(block)
        finally:
            self.width = narrow
        return [self.span(flow) for flow in flows]

    def formula(self, math: ast.Math, block):
        """A displayed formula drawn as vectors, no wider than the measure, tagged Formula with
        its LaTeX as alternative text; None when it cannot be typeset (it is then set as text)."""
        data = maths.svg(math.text, True)
        if data is None:
            return None
        try:
            width, height = svgimage.size(data)
        except ValueError:
            return None
        scale = min(1.0, self.width / width) * self.style.paragraph_style("body").fontSize / maths.FORMULA_SIZE
        flow = svgimage.flowable(data, width * scale, height * scale, self.style.paragraph_style("body").fontName)
        flow.hAlign = "CENTER"
        return tag(flow, block, "Formula", alt=math.text)


def figure_size(pixels_wide: int, pixels_high: int, measure: float, frame_height: float) -> tuple[float, float]:
    """A figure's printed size: the full measure, by its aspect ratio; a tall one as tall as
    most of the page allows (so never narrower than it must be), centred by its flowable."""
    aspect = pixels_high / max(pixels_wide, 1)
    w = measure
    h = w * aspect
    if h > frame_height * MAX_FIGURE_HEIGHT:
        h = frame_height * MAX_FIGURE_HEIGHT
        w = h / aspect
    return w, h


def _indented(flow, indent: float):
    """A definition's block set in from its term: a paragraph (text or code) by its style, a
    list by its own indent; a table, quote or figure stays at the margin (moving those would
    need a wrapper the structure tree does not know)."""
    if isinstance(flow, Paragraph):
        flow.style = ParagraphStyle("dd", parent=flow.style, leftIndent=flow.style.leftIndent + indent)
    elif isinstance(flow, ListFlowable):
        flow._leftIndent = getattr(flow, "_leftIndent", 0) + indent
    return flow


def _displayed_formula(inlines: list[ast.Inline]) -> ast.Math | None:
    """The formula of a paragraph that is one displayed formula and nothing else."""
    found = None
    for node in inlines:
        if isinstance(node, (ast.Space, ast.SoftBreak, ast.LineBreak)):
            continue
        if found is not None or not isinstance(node, ast.Math) or not node.display:
            return None         # (at the first word of a paragraph of text)
        found = node
    return found


def _leads_in(block: ast.Block, following: ast.Block | None) -> bool:
    """A paragraph ending in a colon introduces what follows ("Debbie Wheddon added:"): never
    leave it at the foot of a page without it."""
    if following is None or not isinstance(block, ast.Para):
        return False
    last = block.content[-1] if block.content else None
    if type(last) is ast.Str and last.text.rstrip():
        return last.text.rstrip().endswith(":")     # the paragraph's text ends with its last word's
    return ast.stringify(block.content).rstrip().endswith(":")


def _caption_inlines(block: ast.Figure) -> list[ast.Inline]:
    out: list[ast.Inline] = []
    for b in block.caption:
        if out:
            out.append(ast.Space())
        out.extend(getattr(b, "content", []) or [ast.Str(ast.stringify([b]))])
    return out


def quote_box(flowables, rule_color: str, font_name: str, padding: float = 12) -> Table:
    """A block quote: indented, with a rule in the house colour down its left side. A one-column
    table with one row per inner flowable, so it can split between paragraphs across pages, and
    inside a paragraph taller than a page (ReportLab cannot split other flowables inside a row)."""
    rows = [[f] for f in flowables] or [[Spacer(0, 0)]]
    table = Table(rows, hAlign="LEFT", splitInRow=int(all(isinstance(f, Paragraph) for f in flowables)))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font_name),
        ("LINEBEFORE", (0, 0), (0, -1), 2.5, colors.HexColor(rule_color)),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    table.spaceBefore, table.spaceAfter = 6, 10
    return table


_DISPATCH = {
    ast.Para: BlockRenderer.r_para,
    ast.Plain: BlockRenderer.r_para,
    ast.Header: BlockRenderer.r_header,
    ast.CodeBlock: BlockRenderer.r_code,
    ast.HorizontalRule: BlockRenderer.r_rule,
    ast.BlockQuote: BlockRenderer.r_quote,
    ast.BulletList: BlockRenderer.r_list,
    ast.OrderedList: BlockRenderer.r_list,
    ast.DefinitionList: BlockRenderer.r_deflist,
    ast.LineBlock: BlockRenderer.r_lineblock,
    ast.Div: BlockRenderer.r_div,
    ast.Figure: BlockRenderer.r_figure,
    ast.Table: BlockRenderer.r_table,
}
