"""Format-neutral passes over one converted source, run before any writer.

Order matters and is fixed in ``prepare``: sanitise (nothing unsafe survives), then figures,
heading levels, images (checked and resolved to files), then stable ids and note numbers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import ast
from .errors import Problems, Reporter
from .images import ImageChecker

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


def prepare(doc: ast.Document, ctx: Context) -> tuple[list[ast.Block], list[ast.Note]]:
    blocks = sanitise_blocks(doc.blocks, ctx)
    blocks = promote_figures(blocks)
    shift_headings(blocks, top=2)
    nodes = list(ast.walk(blocks))   # one walk serves every pass below
    check_images(nodes, ctx)
    notes = number_notes(nodes, ctx)
    assign_ids(nodes, ctx.chapter_id, ctx.source_label)
    return blocks, notes


# ------------------------------------------------------------------ sanitising
def sanitise_blocks(blocks: list[ast.Block], ctx: Context) -> list[ast.Block]:
    """Drop raw HTML/TeX and unsafe links, wherever they are nested."""
    out = []
    for block in blocks:
        if isinstance(block, ast.RawBlock):
            _warn_raw(block.format, block.text, ctx)
            continue
        _sanitise_children(block, ctx)
        out.append(block)
    return out


def _sanitise_children(node, ctx: Context) -> None:
    for name in ("content", "alt_content"):
        if isinstance(getattr(node, name, None), list):
            setattr(node, name, sanitise_inlines(getattr(node, name), ctx))
    for name in ("blocks", "caption"):
        if isinstance(getattr(node, name, None), list):
            setattr(node, name, sanitise_blocks(getattr(node, name), ctx))
    if isinstance(node, ast.BulletList):
        node.items = [sanitise_blocks(item, ctx) for item in node.items]
    elif isinstance(node, ast.DefinitionList):
        node.items = [(sanitise_inlines(t, ctx), [sanitise_blocks(d, ctx) for d in ds]) for t, ds in node.items]
    elif isinstance(node, ast.LineBlock):
        node.lines = [sanitise_inlines(line, ctx) for line in node.lines]
    elif isinstance(node, ast.Table):
        for row in node.head + node.body + node.foot:
            for cell in row:
                cell.blocks = sanitise_blocks(cell.blocks, ctx)


def sanitise_inlines(inlines: list[ast.Inline], ctx: Context) -> list[ast.Inline]:
    out: list[ast.Inline] = []
    for node in inlines:
        if isinstance(node, ast.RawInline):
            _warn_raw(node.format, node.text, ctx)
            continue
        if isinstance(node, ast.Link) and not _safe_url(node.url):
            ctx.reporter.warn(
                "unsafe-link", f"link to '{node.url[:60]}' removed (only web, mail and phone links are kept); its text stays", ctx.source_label
            )
            node = ast.Span(node.content)
        _sanitise_children(node, ctx)
        out.append(node)
    return out


def _safe_url(url: str) -> bool:
    compact = re.sub(r"[\x00-\x20]", "", url).lower()
    return compact.startswith(SAFE_SCHEMES)


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


def shift_headings(blocks: list[ast.Block], top: int) -> None:
    """The case study's title is the level-1 heading; the source's own top level becomes ``top``."""
    headers = [n for n in ast.walk(blocks) if isinstance(n, ast.Header)]
    if not headers:
        return
    shift = top - min(h.level for h in headers)
    for h in headers:
        h.level = max(1, min(6, h.level + shift))


def check_images(nodes: list[ast.Node], ctx: Context) -> None:
    for node in nodes:
        if isinstance(node, ast.Image):
            node.src = ctx.images.resolve(node, ctx)


def number_notes(nodes: list[ast.Node], ctx: Context) -> list[ast.Note]:
    notes = [n for n in nodes if isinstance(n, ast.Note)]
    for number, note in enumerate(notes, 1):
        note.number = number
        note.id = f"{ctx.chapter_id}-note{number}"
    return notes


def assign_ids(nodes: list[ast.Node], chapter_id: str, source_label: str) -> None:
    """Stable ids: headings by their text, every other block by its position in the chapter.
    Every block also learns its source file, for messages."""
    used: set[str] = set()
    counter = 0
    for node in nodes:  # notes' blocks included
        if isinstance(node, ast.Header):
            node.id = _unique(f"{chapter_id}-{slug(ast.stringify(node.content)) or 'section'}", used)
            node.source = source_label
        elif isinstance(node, ast.Block):
            counter += 1
            node.id = _unique(f"{chapter_id}-b{counter}", used)
            node.source = source_label
        elif isinstance(node, ast.Image):
            counter += 1
            node.id = _unique(f"{chapter_id}-img{counter}", used)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _unique(candidate: str, used: set[str]) -> str:
    result, n = candidate, 2
    while result in used:
        result, n = f"{candidate}-{n}", n + 1
    used.add(result)
    return result
