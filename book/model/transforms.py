"""Format-neutral passes over one converted source, run before any writer.

Order matters and is fixed in ``prepare``: sanitise (nothing unsafe survives), then figures,
heading levels, images (checked and resolved to files), then stable ids and note numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from book.document import ast
from book.core.errors import Problems, Reporter
from book.core.textutil import slug, unique_id  # noqa: F401  (unique_id: the writers take it from here too)
from book.document.images import ImageChecker

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


@dataclass
class Context:
    chapter_id: str
    source_label: str
    source_dir: Path          # folder of the source file: image paths are relative to it
    sources_root: Path        # nothing outside it may be read
    media_root: Path          # where images extracted from Word files live
    reporter: Reporter
    problems: Problems
    images: ImageChecker
    used_images: list = field(default_factory=list)    # the files of the images it shows
    pictures: list = field(default_factory=list)       # the images it shows (with a file)
    block_ids: set = field(default_factory=set)        # every block's id (notes' blocks too)
    figures: list = field(default_factory=list)        # every figure, in order (notes' too): for the checks


def prepare(doc: ast.Document, ctx: Context) -> tuple[list[ast.Block], list[ast.Note]]:
    blocks = promote_figures([b for b in doc.blocks if not _dropped(b, ctx)])
    # one walk serves every pass below; words and spaces (most of the nodes) concern none of them
    nodes = [n for n in ast.walk(blocks) if type(n) not in _WORDS]
    sanitise_nodes(nodes, ctx)
    nodes = [n for n in nodes if not isinstance(n, _RAW)]
    shift_headings([n for n in nodes if isinstance(n, ast.Header)], top=2)
    mark_attributions([n for n in nodes if isinstance(n, ast.BlockQuote)], ctx.source_label)
    check_images(nodes, ctx)
    number_captions(nodes)
    notes = number_notes(nodes, ctx)
    renamed = assign_ids(nodes, ctx.chapter_id, ctx.source_label)
    ctx.block_ids = {n.id for n in nodes if isinstance(n, ast.Block) and n.id} | {n.id for n in notes}
    ctx.figures = [n for n in nodes if type(n) is ast.Figure]
    retarget_internal_links(nodes, renamed, ctx)
    return blocks, notes


# ------------------------------------------------------------------ sanitising
_RAW = (ast.RawBlock, ast.RawInline)
_WORDS = {ast.Str, ast.Space, ast.SoftBreak}
_SUSPECT = {ast.RawBlock, ast.RawInline, ast.Link}
_LIST_FIELDS = ("content", "alt_content", "blocks", "caption")


def sanitise_nodes(nodes: list[ast.Node], ctx: Context) -> None:
    """Drop raw HTML/TeX and unsafe links wherever they are nested (``nodes``: every node of the
    document, from one walk). Lists are only rebuilt where something is removed."""
    if not any(type(n) in _SUSPECT for n in nodes):
        return   # the common case: nothing raw, no links
    for node in nodes:
        for name in _LIST_FIELDS:
            items = getattr(node, name, None)
            if isinstance(items, list) and items and any(isinstance(i, _RAW) or _unsafe_link(i) for i in items):
                setattr(node, name, _safe_inlines(items, ctx))
        if isinstance(node, ast.BulletList):
            node.items = [[b for b in item if not _dropped(b, ctx)] for item in node.items]
        elif isinstance(node, ast.Table):
            for row in node.head + node.body + node.foot:
                for cell in row:
                    cell.blocks = [b for b in cell.blocks if not _dropped(b, ctx)]
        elif isinstance(node, ast.LineBlock):
            node.lines = [_safe_inlines(line, ctx) for line in node.lines]
        elif isinstance(node, ast.DefinitionList):
            node.items = [(_safe_inlines(term, ctx), [[b for b in d if not _dropped(b, ctx)] for d in ds])
                          for term, ds in node.items]


def _safe_inlines(items: list, ctx: Context) -> list:
    return [_made_safe(i, ctx) for i in items if not _dropped(i, ctx)]


def _dropped(node, ctx: Context) -> bool:
    if isinstance(node, _RAW):
        _warn_raw(node.format, node.text, ctx)
        return True
    return False


def _unsafe_link(node) -> bool:
    return isinstance(node, ast.Link) and not _safe_url(node.url)


def _made_safe(node, ctx: Context):
    if _unsafe_link(node):
        ctx.reporter.warn(
            "unsafe-link", f"link to '{node.url[:60]}' removed (only web, mail and phone links are kept); its text stays", ctx.source_label
        )
        return ast.Span(node.content)
    return node


def _safe_url(url: str) -> bool:
    compact = re.sub(r"[\x00-\x20]", "", url).lower()
    return compact.startswith(SAFE_SCHEMES) or url.startswith("#")


def _warn_raw(fmt: str, text: str, ctx: Context) -> None:
    snippet = " ".join(text.split())[:50]
    ctx.reporter.warn("raw-markup", f"raw {fmt} markup '{snippet}' removed: write it as plain text or Markdown", ctx.source_label)


# ------------------------------------------------------------------ structure
def promote_figures(blocks: list[ast.Block]) -> list[ast.Block]:
    """A paragraph holding nothing but an image (as Word writes them) becomes a figure."""
    out = []
    for block in blocks:
        if type(block) in (ast.Para, ast.Plain):
            visible = [n for n in block.content if not isinstance(n, (ast.Space, ast.SoftBreak, ast.LineBreak))]
            if len(visible) == 1 and isinstance(visible[0], ast.Image):
                block = ast.Figure(caption=[], blocks=[ast.Plain([visible[0]])], id=visible[0].id)
        out.append(block)
    return out


_LABELLED = re.compile(r"^\s*(figure|fig\.?|table|chart|graph|diagram|photo)\s*[\dIVX]", re.IGNORECASE)


def number_captions(nodes: list[ast.Node]) -> None:
    """Figures and tables with a caption numbered alike, in the order they come, within their
    case study ('Figure 2.', 'Table 1.'): a caption that has its own number ('Table 3: ...',
    as Word writes them) keeps it."""
    counts = {"Figure": 0, "Table": 0}
    for node in nodes:
        kind = "Figure" if isinstance(node, ast.Figure) else "Table" if isinstance(node, ast.Table) else None
        first = next((b for b in node.caption if isinstance(b, ast.Para)), None) if kind else None
        if first is None or not ast.stringify(first.content).strip():
            continue
        counts[kind] += 1
        if not _LABELLED.match(ast.stringify(first.content)):
            label = ast.Strong([ast.Str(kind), ast.Space(), ast.Str(f"{counts[kind]}.")])
            first.content[:0] = [label, ast.Space()]


def shift_headings(headers: list[ast.Header], top: int) -> None:
    """The case study's title is the level-1 heading; the source's own top level becomes ``top``."""
    if not headers:
        return
    shift = top - min(h.level for h in headers)
    for h in headers:
        h.level = max(1, min(6, h.level + shift))


ATTRIBUTION_DASHES = ("\u2014", "\u2013", "\u2015", "--")


def mark_attributions(quotes: list[ast.BlockQuote], source_label: str) -> None:
    """A block quote's last paragraph that starts with a dash ("— Quoted Person, Role") is its
    attribution: wrapped in a Div of class 'attribution', as pandoc's own writers would mark it."""
    for quote in quotes:
        last = quote.blocks[-1] if len(quote.blocks) > 1 else None
        if type(last) in (ast.Para, ast.Plain) and ast.stringify(last.content).lstrip().startswith(ATTRIBUTION_DASHES):
            quote.blocks[-1] = ast.Div([last], classes=["attribution"], source=source_label)


def check_images(nodes: list[ast.Node], ctx: Context) -> None:
    for node in nodes:
        if isinstance(node, ast.Image):
            node.src = ctx.images.resolve(node, ctx)
            if node.src:
                ctx.used_images.append(node.src)
                ctx.pictures.append(node)


def number_notes(nodes: list[ast.Node], ctx: Context) -> list[ast.Note]:
    notes = [n for n in nodes if isinstance(n, ast.Note)]
    for number, note in enumerate(notes, 1):
        note.number = number
        note.id = f"{ctx.chapter_id}-note{number}"
    return notes


def assign_ids(nodes: list[ast.Node], chapter_id: str, source_label: str) -> dict[str, str]:
    """Stable ids: headings by their text, every other block by its position in the chapter.
    Every block also learns its source file, for messages. Returns the source's own ids (the
    targets of its internal links) -> the new ones."""
    used: set[str] = set()
    renamed: dict[str, str] = {}
    counter = 0
    for node in nodes:  # notes' blocks included
        old = getattr(node, "id", "")
        if isinstance(node, ast.Header):
            node.id = unique_id(f"{chapter_id}-{slug(ast.stringify(node.content)) or 'section'}", used)
            node.source = source_label
        elif isinstance(node, ast.Block):
            counter += 1
            node.id = unique_id(f"{chapter_id}-b{counter}", used)
            node.source = source_label
        elif isinstance(node, ast.Image):
            counter += 1
            node.id = unique_id(f"{chapter_id}-img{counter}", used)
        if old and getattr(node, "id", "") and old not in renamed:
            renamed[old] = node.id
    return renamed


def retarget_internal_links(nodes: list[ast.Node], renamed: dict[str, str], ctx: Context) -> None:
    """'#section' links point at the renamed ids; one that points nowhere keeps its text only."""
    for node in nodes:
        if isinstance(node, ast.Link) and node.url.startswith("#"):
            target = renamed.get(node.url[1:])
            if target:
                node.url = "#" + target
            else:
                ctx.reporter.warn("broken-link", f"link to '{node.url}' points at nothing in this source: its text is kept", ctx.source_label)
                node.url = ""
