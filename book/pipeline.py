"""The build, top to bottom: gather and check everything, then write.

index -> convert (one pandoc pass, cached) -> transforms -> assemble -> writers -> dist/
Nothing is written until every input has been read and checked, and every output goes through a
temporary file and a rename, so a failed build leaves the last good outputs untouched.
"""
from __future__ import annotations

import copy
import gc
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from . import ast, manifest
from .cache import BuildCache, digest
from .assemble import assemble, case_chapter
from .convert import Converter, SourceFile
from .errors import Problems, Reporter
from .fsutil import atomic_write_bytes, build_lock, check_writable, remove_stale_parts
from .images import ImageChecker
from .index import Index, load_index
from .model import Chapter, PageMap, Publication
from .progress import Progress
from .style import HouseStyle, load_style
from .transforms import Context, prepare

TARGETS = ("pdf", "epub", "onepagers")


@dataclass
class Options:
    sources: Path = Path("sources")
    styles: Path = Path("styles")
    out: Path = Path("dist")
    style: str = "house"
    only: list[str] = field(default_factory=list)
    strict: bool = False
    quiet: bool = False
    verbose: bool = False
    print_marks: bool = False
    targets: tuple[str, ...] = TARGETS


@dataclass
class Loaded:
    """Everything read and checked: what the writers need."""

    publication: Publication
    style: HouseStyle
    index: Index
    build_time: datetime
    texts: dict[str, str]            # source label -> its characters (for the glyph audit)
    cache: BuildCache = field(default_factory=lambda: BuildCache(None))


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    page_map: PageMap | None = None
    up_to_date: bool = False        # nothing changed since the last build: nothing was done
    timings: list[tuple[str, float]] = field(default_factory=list)


def build_time(index: Index) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds); else the edition's date; else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    if index.edition.date:
        d = date.fromisoformat(index.edition.date)
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


@contextmanager
def long_lived():
    """Objects made inside live for the whole build (the index, the document model): Python's
    cycle collector would scan them again and again as the build makes and drops others, which
    cost a third of a cold build. It is paused while they are made, then they are set aside
    (``gc.freeze``), which also keeps forked workers from copying the pages they sit on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def load(options: Options, reporter: Reporter, progress: Progress | None = None) -> Loaded:
    with long_lived():
        return _load(options, reporter, progress or Progress(False))


def _load(options: Options, reporter: Reporter, progress: Progress) -> Loaded:
    with progress.step("reading the index and style"):
        style = load_style(options.styles, options.style)
        index = load_index(options.sources, reporter)
        if options.only:
            index = index.subset(options.only)
    cache = BuildCache(options.out / ".cache")
    converter = Converter(options.out / ".cache" / "pandoc", cache=cache)
    sources = [SourceFile(f.source.path, f.source.label) for f in index.edition.front_matter]
    sources += [SourceFile(cs.source.path, cs.source.label) for cs in index.case_studies]
    with progress.step(f"converting {len(sources)} sources"):
        docs = converter.convert_all(sources)
    with progress.step("preparing the document model"):
        loaded = _prepare(options, reporter, style, index, converter, docs)
    loaded.cache = cache
    return loaded


def _prepare(options, reporter, style, index, converter, docs) -> Loaded:
    problems = Problems()
    images = ImageChecker()

    def context(chapter_id: str, path: Path, label: str) -> Context:
        return Context(chapter_id, label, path.parent, options.sources, converter.media_dir, reporter, problems, images)

    labels = [fm.source.label for fm in index.edition.front_matter] + [cs.source.label for cs in index.case_studies]
    shared = {label for label, count in Counter(labels).items() if count > 1}

    def document(label: str) -> ast.Document:
        # the transforms change a document in place: a source used twice gets a fresh copy each time
        return copy.deepcopy(docs[label]) if label in shared else docs[label]

    front = []
    for n, fm in enumerate(index.edition.front_matter, 1):
        chapter_id = f"front-{n}"
        ctx = context(chapter_id, fm.source.path, fm.source.label)
        blocks, notes = prepare(document(fm.source.label), ctx)
        chapter = Chapter(chapter_id, fm.title, "front", blocks, notes, fm.source.label)
        chapter.block_ids, chapter.pictures = ctx.block_ids, ctx.pictures
        chapter.fingerprint = fingerprint(chapter_id, fm.title, converter.keys[fm.source.label], ctx, images)
        front.append(chapter)
    chapters = {}
    for cs in index.case_studies:
        ctx = context(cs.id, cs.source.path, cs.source.label)
        blocks, notes = prepare(document(cs.source.label), ctx)
        chapter = chapters[cs.id] = case_chapter(cs, blocks, notes, index.organisations)
        chapter.block_ids, chapter.pictures = ctx.block_ids, ctx.pictures
        orgs = [replace(o, line=None) for o in chapter.organisations]
        chapter.fingerprint = fingerprint(replace(cs, line=None), orgs, converter.keys[cs.source.label], ctx, images)
    problems.raise_if_any()
    publication = assemble(index, front, chapters, images.infos)
    texts = _texts(index, converter.characters)
    from .glyphs import audit_publication

    audit_publication(texts, style, reporter)
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit() and not index.edition.date:
        reporter.warn("no-date", "edition.date is not set, so every build is stamped with the current time and no two"
                      " builds are byte-identical: add the publication date (or set SOURCE_DATE_EPOCH)", index.label)
    return Loaded(publication, style, index, build_time(index), texts)


def fingerprint(entry, *parts) -> str:
    """What a chapter is made from: its entry in the index (without line numbers, so that an edit
    elsewhere in the index changes nothing), its source's bytes (the conversion's cache key) and
    the images it shows (their files as they are now)."""
    *rest, ctx, images = parts
    shown = []
    for path in ctx.used_images:
        stat = os.stat(path)
        shown.append((path, images.infos.get(path), stat.st_size, stat.st_mtime_ns))
    return digest("chapter", repr(entry), *map(repr, rest), repr(shown))


def _texts(index: Index, characters: dict[str, str]) -> dict[str, str]:
    """What the glyph audit checks: each source's characters, and the index's own texts."""
    texts = dict(characters)
    index_text = [index.edition.title, index.edition.subtitle, index.edition.publisher, index.edition.rights]
    index_text += [o.name + " " + o.region + " " + o.ics for o in index.organisations.values()]
    for cs in index.case_studies:
        index_text += [cs.title, cs.summary, cs.award, *cs.highlights, *cs.themes]
        if cs.quote:
            index_text += [cs.quote.text, cs.quote.name, cs.quote.role]
    texts[index.label] = "\n".join(index_text)
    return texts


def check(options: Options) -> Reporter:
    reporter = Reporter(strict=options.strict, quiet=options.quiet)
    check_writable(options.out, str(options.out))   # the conversion cache lives there
    load(options, reporter, Progress(not options.quiet))
    reporter.raise_if_strict()
    return reporter


def build(options: Options, reporter: Reporter | None = None) -> BuildResult:
    reporter = reporter or Reporter(strict=options.strict, quiet=options.quiet)
    progress = Progress(not options.quiet)
    check_writable(options.out, str(options.out))
    with build_lock(options.out, str(options.out)):
        remove_stale_parts(options.out)
        key = manifest.fingerprint(options, os.environ.get("SOURCE_DATE_EPOCH", ""))
        outputs = manifest.up_to_date(options.out, key)
        if outputs is not None:
            return BuildResult(unchanged=outputs, up_to_date=True)
        loaded = load(options, reporter, progress)
        reporter.raise_if_strict()
        result = _write_all(loaded, options, reporter, progress)
        loaded.cache.evict()
        manifest.record(options.out, key, result.written + result.unchanged)
        result.timings = progress.timings
        return result


def _write_all(loaded: Loaded, options: Options, reporter: Reporter, progress: Progress) -> BuildResult:
    from .writers.compendium import Compendium

    result = BuildResult()
    outputs: dict[Path, bytes] = {}
    # The compendium is always typeset: the EPUB's page list and the one-pagers' page
    # references come from where its pages fall.
    book = Compendium(loaded, options, loaded.cache)
    with progress.step("typesetting the compendium"):
        page_map = book.typeset(jobs=None)
    result.page_map = page_map
    onepagers = None
    if "onepagers" in options.targets:
        from .writers.onepager import start_onepagers

        # set in worker processes while this one assembles the book and writes the EPUB
        onepagers = start_onepagers(loaded, page_map, options)
    if "pdf" in options.targets:
        with progress.step("assembling the compendium"):
            outputs[options.out / "compendium.pdf"] = book.assemble()
    if "epub" in options.targets:
        from .writers.epub import write_epub

        with progress.step("writing the EPUB"):
            outputs[options.out / "compendium.epub"] = write_epub(loaded, page_map, options)
    if onepagers is not None:
        with progress.step("setting the one-pagers"):
            pages, combined = onepagers.finish(reporter)
        for key, data in pages.items():
            outputs[options.out / "one-pagers" / f"{key}.pdf"] = data
        outputs[options.out / "one-pagers.pdf"] = combined
    reporter.raise_if_strict()
    for path, data in outputs.items():
        (result.written if atomic_write_bytes(path, data) else result.unchanged).append(path)
    if "onepagers" in options.targets:
        _remove_stale_onepagers(options.out / "one-pagers", set(outputs))
    return result


def _remove_stale_onepagers(folder: Path, current: set[Path]) -> None:
    """A one-pager this build did not make (an organisation renamed, or left out with --only)
    must not go to the printer with the others."""
    for path in folder.glob("*.pdf"):
        if path not in current:
            path.unlink()
