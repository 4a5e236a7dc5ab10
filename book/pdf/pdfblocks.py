"""Block nodes -> ReportLab flowables, through one dispatch table (after rst2pdf's genelements).

Every flowable made for a block carries the block's id and role (``_block_id``, ``_role``): the
compendium records where each block fell (for the EPUB's page list). It also carries its element
of the tagged PDF's structure tree (``_struct``, a ``pdftags.Node``): containers (lists, tables,
quotes, figures) adopt their children's elements as they are built, so the tree follows the model.
An unknown block is rendered as its plain text with a warning, never dropped and never a crash.
The renderer remembers every block it rendered by id (``rendered``), so that a block that cannot
be laid out can be named in the error.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Image, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from book.document import ast
from book.document import maths
from book.document import svgimage
from book.document.images import SVG_MIME
from book.document.alttext import figure_alt
from book.pdf.pdfinline import INLINE_IMAGE_LINES, InlineMarkup
from book.pdf.pdftags import Node, set_node

MAX_FIGURE_HEIGHT = 0.8    # of the frame height: a tall image leaves room for its caption
_ALIGN = {"AlignLeft": 0, "AlignCenter": 1, "AlignRight": 2}   # pandoc's column alignment -> ReportLab's
ORDERED_TYPES = {"Decimal": "1", "LowerAlpha": "a", "UpperAlpha": "A", "LowerRoman": "i", "UpperRoman": "I"}
LIST_NUMBERING = {"Decimal": "Decimal", "LowerAlpha": "LowerAlpha", "UpperAlpha": "UpperAlpha",
                  "LowerRoman": "LowerRoman", "UpperRoman": "UpperRoman"}
FULL_INDENT_LEVELS = 6     # lists nested deeper than this step in by a few points, not a full indent
HEADER_SCOPE = {"TH": {"attrs": {"O": "Table", "Scope": "Column"}}}


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


class BlockRenderer:
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


def _continued(caption: list[ast.Block]) -> list[ast.Block]:
    """The caption of a table's later column group: the table's, marked as continued."""
    text = ast.stringify(caption).strip()
    return [ast.Plain([ast.Str(f"{text} (continued)")])] if text else []

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
    found = [node for node in inlines if not isinstance(node, (ast.Space, ast.SoftBreak, ast.LineBreak))]
    if len(found) == 1 and isinstance(found[0], ast.Math) and found[0].display:
        return found[0]
    return None


def _leads_in(block: ast.Block, following: ast.Block | None) -> bool:
    """A paragraph ending in a colon introduces what follows ("Debbie Wheddon added:"): never
    leave it at the foot of a page without it."""
    if following is None or not isinstance(block, ast.Para):
        return False
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


class TableRenderer:
    """Tables fitted to the measure, header rows repeated on every page, merged cells merged.
    A row taller than a page is split inside the row."""

    def __init__(self, blocks: BlockRenderer):
        self.b = blocks

    MIN_COLUMN = 44.0   # points: narrower than this and words break letter by letter

    def render(self, block: ast.Table):
        """A table too wide for the measure is set as several tables of column groups, each
        repeating the first (key) column, stacked one under another: every cell stays readable."""
        per_group = max(2, int(self.b.width // self.MIN_COLUMN))
        if block.columns <= per_group:
            return self.render_one(block)
        flows = []
        rest = list(range(1, block.columns))
        step = per_group - 1
        for start in range(0, len(rest), step):
            columns = [0] + rest[start:start + step]
            part = _column_subset(block, columns)
            part.caption = block.caption if start == 0 else _continued(block.caption)
            flows += self.render_one(part, continued=start > 0)
        return flows

    def render_one(self, block: ast.Table, continued: bool = False):
        ncols = max(block.columns, 1)
        font_scale = 1.0 if ncols <= 6 else max(0.8, 6 / ncols)   # column groups cap ncols, so this stays legible
        cell_style = self._scaled("table_cell", font_scale)
        head_style = self._scaled("table_header", font_scale)
        widths = self._widths(block, ncols)
        pad = 4 * font_scale
        rows, nodes, spans = [], [], []
        for section, style, role in ((block.head, head_style, "TH"), (block.body, cell_style, "TD"), (block.foot, cell_style, "TD")):
            for grid_row in _grid(section, ncols):
                row, cells = self._row(grid_row, style, role, block.aligns, widths, pad)
                for c, slot in enumerate(grid_row):
                    if isinstance(slot, ast.Cell) and (slot.colspan > 1 or slot.rowspan > 1):
                        spans.append(("SPAN", (c, len(rows)), (c + slot.colspan - 1, len(rows) + slot.rowspan - 1)))
                rows.append(row)
                nodes.append(Node("TR", cells))
        if not rows:
            return []
        table = Table(rows, colWidths=widths, repeatRows=len(block.head), hAlign="LEFT", splitByRow=1, splitInRow=1)
        table.setStyle(self._table_style(len(block.head), len(rows), font_scale))
        if spans:
            table.setStyle(TableStyle(spans))
        table.spaceBefore, table.spaceAfter = (2 if continued else 6), 8
        flows = [tag(table, block)]
        caption = ast.stringify(block.caption).strip()
        if caption:
            cap = self.b.text_para(caption, "caption", role="Caption", block=None)
            flows.insert(0, cap)
            cap.keepWithNext = True
            table._struct.add(cap)
        head, body = nodes[:len(block.head)], nodes[len(block.head):]
        if head:
            table._struct.add(Node("THead", head))
        if body:
            table._struct.add(Node("TBody", body))
        return flows

    def _scaled(self, name: str, scale: float) -> ParagraphStyle:
        base = self.b.style.paragraph_style(name)
        if scale >= 1.0:
            return base
        return self.b.pstyle(name, fontSize=base.fontSize * scale, leading=base.leading * scale)

    def _row(self, grid_row: list, style: ParagraphStyle, role: str, aligns, widths: list[float], pad: float):
        """The Table row for one row of the grid, and the row's cell elements: one per cell, an
        empty one where there is no cell, none where a merged cell covers the place."""
        row, cells = [], []
        for c, slot in enumerate(grid_row):
            if isinstance(slot, _Covered):
                row.append("")
                continue
            attrs = dict(HEADER_SCOPE.get(role, {}).get("attrs") or {})
            if slot is None:
                row.append("")
                cells.append(Node(role, attrs=attrs or None))
                continue
            inlines = _cell_inlines(slot)
            width = sum(widths[c:c + slot.colspan]) - 2 * pad
            # an image alone in a cell may fill the cell's width; beside text it stays a few lines high
            height = self.b.height * MAX_FIGURE_HEIGHT if _only_images(inlines) else INLINE_IMAGE_LINES * style.leading
            inline = self.b.inline(style, (max(width, 1.0), height))
            markup = inline.render(inlines)
            align = _ALIGN.get(aligns[c] if aligns and c < len(aligns) else "", None)
            cell_style = style if align is None or align == style.alignment else self.b.pstyle_from(style, alignment=align)
            if inline.has_images:
                cell_style = self.b.pstyle_from(cell_style, autoLeading="max")   # a line as tall as its images
            if slot.colspan > 1:
                attrs.update(O="Table", ColSpan=slot.colspan)
            if slot.rowspan > 1:
                attrs.update(O="Table", RowSpan=slot.rowspan)
            flow = tag(Paragraph(markup or "", cell_style), None, role, attrs=attrs or None)
            row.append(flow)
            cells.append(flow._struct)
        return row, cells

    def _widths(self, block: ast.Table, ncols: int) -> list[float]:
        given = [w for w in block.widths if w]
        if len(given) == ncols and sum(given) > 0:
            total = sum(given)
            return [self.b.width * w / total for w in block.widths]
        return [self.b.width / ncols] * ncols

    def _table_style(self, head_rows: int, nrows: int, scale: float) -> TableStyle:
        s = self.b.style
        pad = 4 * scale
        cmds = [
            # Table sets a font even for flowable cells; Helvetica would then be a non-embedded font
            ("FONT", (0, 0), (-1, -1), s.paragraph_style("table_cell").fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.75),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(s.color("nhs-pale-grey"))),
        ]
        if head_rows:
            cmds += [
                ("BACKGROUND", (0, 0), (-1, head_rows - 1), colors.HexColor(s.paragraph_style("table_header").backColor.hexval().replace("0x", "#")) if s.paragraph_style("table_header").backColor else colors.HexColor(s.color("nhs-dark-blue"))),
                ("LINEBELOW", (0, head_rows - 1), (-1, head_rows - 1), 1.2, colors.HexColor(s.color("nhs-blue"))),
            ]
        for r in range(head_rows + 1, nrows, 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F4F7F8")))
        return TableStyle(cmds)


class _Covered:
    """A place of the grid that a merged cell to its left or above covers."""

    __slots__ = ("origin",)

    def __init__(self, origin: tuple[int, int]):
        self.origin = origin     # (row, column) of the cell that covers it


def _grid(rows: list[list[ast.Cell]], ncols: int) -> list[list]:
    """Rows laid out on the table's grid, as HTML and pandoc place cells: each cell takes the first
    place in its row not covered by a cell from a row above. Each place holds the Cell that starts
    there (its spans clipped to the grid and these rows), a ``_Covered`` where a merged cell covers
    it, or None where the row has no cell."""
    grid: list[list] = [[None] * ncols for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < ncols and grid[r][c] is not None:
                c += 1
            if c >= ncols:
                break           # more cells than columns: the rest has no place, as before
            colspan = 1
            while colspan < max(cell.colspan, 1) and c + colspan < ncols and grid[r][c + colspan] is None:
                colspan += 1
            rowspan = 1
            while (rowspan < max(cell.rowspan, 1) and r + rowspan < len(rows)
                   and all(grid[r + rowspan][k] is None for k in range(c, c + colspan))):
                rowspan += 1
            covered = _Covered((r, c))
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    grid[rr][cc] = covered
            grid[r][c] = ast.Cell(cell.blocks, cell.align, colspan, rowspan)
            c += colspan
    return grid


def _column_subset(block: ast.Table, columns: list[int]) -> ast.Table:
    """The table of some of ``block``'s columns (ascending), cells placed by their grid position.
    A merged cell keeps only the columns it spans in the group where it starts; the places it
    covers in other groups are empty (its text is never repeated)."""
    chosen = set(columns)

    def span_in_group(cell: ast.Cell, c: int) -> int:
        n = 1
        while n < cell.colspan and c + n in chosen:
            n += 1
        return n

    def pick(rows: list[list[ast.Cell]]) -> list[list[ast.Cell]]:
        grid = _grid(rows, block.columns)
        out = []
        for grid_row in grid:
            row = []
            for c in columns:
                slot = grid_row[c]
                if isinstance(slot, ast.Cell):
                    row.append(ast.Cell(slot.blocks, slot.align, span_in_group(slot, c), slot.rowspan))
                    continue
                if isinstance(slot, _Covered):
                    r0, c0 = slot.origin
                    if c0 in chosen and c < c0 + span_in_group(grid[r0][c0], c0):
                        continue            # covered by a cell of this group: no cell of its own
                row.append(ast.Cell([]))
            out.append(row)
        return out

    return ast.Table(
        caption=[], aligns=[block.aligns[c] for c in columns], widths=[block.widths[c] for c in columns],
        head=pick(block.head), body=pick(block.body), foot=pick(block.foot),
        id=block.id, source=block.source,
    )


def _cell_inlines(cell: ast.Cell) -> list[ast.Inline]:
    """A cell's blocks as one run of inlines, a line break between blocks; a figure's images stay images."""
    inlines: list[ast.Inline] = []
    for b in cell.blocks:
        if inlines:
            inlines.append(ast.LineBreak())
        if isinstance(b, ast.Figure) and b.images:
            inlines.extend(b.images)
        else:
            inlines.extend(getattr(b, "content", None) or [ast.Str(ast.stringify([b]))])
    return inlines


def _only_images(inlines: list[ast.Inline]) -> bool:
    """Nothing but images (or images as the words of links) and the space between them."""
    seen = False
    for node in inlines:
        if isinstance(node, ast.Image):
            seen = True
        elif isinstance(node, ast.Link) and node.content and _only_images(node.content):
            seen = True
        elif not isinstance(node, (ast.Space, ast.SoftBreak, ast.LineBreak)):
            return False
    return seen


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
