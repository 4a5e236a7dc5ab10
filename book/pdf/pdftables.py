"""Tables -> ReportLab tables: fitted to the measure, header rows repeated on every page, merged
cells merged, a table too wide for the measure set as several tables of column groups, a row
taller than a page split inside the row. Each cell is an element of the structure tree (TH with
its scope, TD), in rows (TR) under THead and TBody. Used by ``pdfblocks.BlockRenderer``.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from book.document import ast
from book.pdf.pdfflow import tag
from book.pdf.pdfinline import INLINE_IMAGE_LINES
from book.pdf.pdfnodes import Node

_ALIGN = {"AlignLeft": 0, "AlignCenter": 1, "AlignRight": 2}   # pandoc's column alignment -> ReportLab's
HEADER_SCOPE = {"TH": {"attrs": {"O": "Table", "Scope": "Column"}}}


class TableRenderer:
    """Tables fitted to the measure, header rows repeated on every page, merged cells merged.
    A row taller than a page is split inside the row."""

    def __init__(self, blocks):
        """``blocks``: the ``pdfblocks.BlockRenderer`` whose measure, styles and inline markup it uses."""
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
            height = self.b.figure_room if _only_images(inlines) else INLINE_IMAGE_LINES * style.leading
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


def _continued(caption: list[ast.Block]) -> list[ast.Block]:
    """The caption of a table's later column group: the table's, marked as continued."""
    text = ast.stringify(caption).strip()
    return [ast.Plain([ast.Str(f"{text} (continued)")])] if text else []
