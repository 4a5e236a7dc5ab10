"""The build's first phase: the index read and checked, every source converted by pandoc, the
house style read, and each chapter's facts taken from the cache where it holds them.

ReportLab and the typesetter are imported only here, once pandoc has started on the sources: the
two take about the same time, and happen at once (an edition of twenty case studies waited a
tenth of a second for the imports before pandoc was given any work). The same holds for the rest
of the build: this module, and ``pipeline`` above it, import at first only what giving pandoc
its sources takes (the index, the caches, the converter); the jobs, the document model, the
worker processes and the chapters' phase (``chapters``) are imported once it reads.
"""
from __future__ import annotations

import importlib
import os
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from book.core.cache import BuildCache, long_lived
from book.core.errors import Reporter, UserError
from book.core.progress import Progress
from book.core.signals import signals_held
from book.sources.convert import Converter
from book.sources.index import Index, load_index
from book.sources.pandocrun import start_pandoc
from book.sources.sourcefile import SourceFile

if TYPE_CHECKING:
    from book.build.jobs import Facts, TextMaker
    from book.build.pipeline import Options
    from book.build.session import BuildSession
    from book.model.publication import Chapter, Publication
    from book.sources.pandocrun import Ahead
    from book.style.house import HouseStyle

# imported while pandoc converts the sources (see above): what the typesetting needs
TYPESETTING = ("book.pdf.rlcontract", "book.style.house", "book.writers.compendium.compendium")


@dataclass
class Loaded:
    """Everything read and checked: what the writers need."""

    publication: Publication
    style: HouseStyle
    index: Index
    build_time: datetime
    texts: dict[str, str]            # source label -> its characters (for the glyph audit)
    cache: BuildCache = field(default_factory=lambda: BuildCache(None))
    converter: Converter | None = None
    maker: TextMaker | None = None
    conversion: Conversion | None = None       # pandoc at work: ``finish`` it before workers fork
    kept: BuildCache = field(default_factory=lambda: BuildCache(None))    # the user's cache (``core.usercache``)
    facts: dict[str, Facts] = field(default_factory=dict)     # chapter id -> what checking it found

    def take_facts(self, chapter: Chapter, facts: Facts) -> str:
        """Note a chapter's facts (and the images it shows); returns their key in the cache."""
        from book.build.jobs import apply, inputs_key

        source_key = self.converter.keys[chapter.source]
        apply(chapter, source_key, facts)
        self.facts[chapter.id] = facts
        self.publication.images.update(facts.infos)
        return inputs_key(chapter, source_key)


def rates_key() -> str:
    """The user's cache's key for the rates of work measured on this machine (``workers.learn_rates``)."""
    from book.core.cache import digest
    from book.core.workers import jobs_available

    return digest("worker rates", jobs_available())


def build_time(index: Index) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds); else the edition's date; else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    if index.edition.date:
        d = date.fromisoformat(index.edition.date)
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


def read(options: Options, reporter: Reporter, progress: Progress, cache: BuildCache | None = None,
         session: BuildSession | None = None, ahead: Ahead | None = None) -> Loaded:
    """The index, the style and every source converted; each chapter's facts where the cache has
    them. Chapters without facts are checked by the work that follows (``work``). pandoc is
    started by ``session`` (watch mode), else is the one started ``ahead`` of the build."""
    with long_lived():
        cache = cache or BuildCache(options.out / ".cache")
        with progress.step("reading the index"):
            try:
                index = load_index(options.sources, reporter, cache)
                if options.only:
                    index = index.subset(options.only)
            except UserError as error:
                # the style's problems too, so that every problem of every kind comes at once
                raise UserError(error.problems + _style_problems(options)) from None
        converter = Converter(options.out / ".cache" / "pandoc", cache=cache, accept_changes=options.accept_changes,
                              start=session.start_pandoc if session else (ahead.start if ahead else start_pandoc))
        sources = [SourceFile(f.source.path, f.source.label) for f in index.edition.front_matter]
        sources += [SourceFile(cs.source.path, cs.source.label) for cs in index.case_studies]
        with progress.step(f"converting {len(sources)} sources, reading the style"):
            # pandoc starts on the sources while the style (and its fonts) is read here, and the
            # rest of the build imported: the modules above are what giving it the sources takes
            conversion = Conversion(converter, sources)
            from book.build.jobs import TextMaker, inputs_key
            from book.core.usercache import open_user_cache
            from book.core.workers import learn_rates
            from book.model.assemble import assemble, case_chapter, front_chapter

            # ReportLab's modules catch every exception while they import (bare excepts): a
            # Ctrl-C then was swallowed and the build went on; it is answered once they are in
            with signals_held():
                from book.pdf import rlcontract

                rlcontract.import_reportlab()       # first: what it makes and is not used is left unmade
                for module in TYPESETTING:
                    importlib.import_module(module)
            from book.style.house import load_style, preload_hyphenation

            style, problems = None, []
            # what the style gives, whatever the edition, and how fast this machine works: kept in
            # the user's cache, so that a new output folder (a cold build) does not read and check
            # the style again, or time a job before it forks the workers
            kept = open_user_cache()
            learn_rates(kept.load("worker rates", [rates_key()])[0])
            try:
                style = load_style(options.styles, options.style, kept)
                if style.hyphenate:
                    # before any worker is forked (each would parse the patterns itself)
                    preload_hyphenation(index.edition.language, kept)
            except UserError as error:
                problems = error.problems
            if problems or any(source.label not in converter.keys for source in sources):
                # (a source refused before pandoc read it, empty or not text: no chapter to make)
                conversion.finish(problems)       # every problem at once, the style's first
            # (also when pandoc is done already: a fast pandoc once made the build skip this, and
            # read every family's fonts before the fork, the code font's for nothing)
            _prepare_before_the_fork(options, style)
            maker = TextMaker(converter, options.sources, index, style.page)
            front = [front_chapter(n, fm) for n, fm in enumerate(index.edition.front_matter, 1)]
            chapters = {cs.id: case_chapter(cs, index.organisations) for cs in index.case_studies}
            publication = assemble(index, front, chapters, {})
            loaded = Loaded(publication, style, index, build_time(index), {}, cache, converter, maker, conversion, kept)
            everything = publication.chapters
            keys = [inputs_key(c, converter.keys[c.source]) for c in everything]
            for chapter, key, facts in zip(everything, keys, cache.load("facts", keys)):
                chapter.loader = maker.loader
                if facts is not None and facts.current():
                    loaded.take_facts(chapter, facts)
        return loaded


class Conversion:
    """``converter.convert_all`` in a thread of its own, begun at once (once pandoc runs, this
    process goes on). The build's first job may begin before it is done (``Converter.raw`` waits
    for its text); it is ``finish``-ed, every problem said, before the workers are forked. (A
    thread that ends with the conversion: a build stopped before it was finished, in a process
    that builds again, leaves nothing waiting.)"""

    def __init__(self, converter: Converter, sources: list[SourceFile]):
        self.converter = converter
        self._thread = threading.Thread(target=self._run, args=(sources,), name="conversion", daemon=True)
        self._thread.start()
        # pandoc started first: its preparation (the sources read and hashed) waited for the GIL
        # behind the imports that follow, a millisecond at a time
        converter.started.wait()

    def _run(self, sources: list[SourceFile]) -> None:
        with suppress(Exception):      # kept by the converter (``failed``), said by ``finish``
            self.converter.convert_all(sources)

    def done(self) -> bool:
        return not self._thread.is_alive()

    def finish(self, problems: list | None = None) -> None:
        """Waits for pandoc; raises UserError with ``problems`` (found meanwhile) and pandoc's,
        or what else stopped the conversion (pandoc killed...)."""
        self._thread.join()
        problems, failed = list(problems or ()), self.converter.failed
        if isinstance(failed, UserError):
            problems += failed.problems
        elif failed is not None:
            raise failed
        if problems:
            raise UserError(problems)


def _prepare_before_the_fork(options: Options, style: HouseStyle | None) -> None:
    """What the build's first job would do before its work, done before the workers are forked
    (so that none of them does it again), while pandoc reads if it still does:
    - the writers' chapter modules imported (the EPUB's chapters' markup; what the writers
      need after the jobs, ebooklib and lxml among it, is imported once the workers are forked:
      ``Writer.later_modules``);
    - the body text's fonts read and registered, and the characters most texts bring looked up
      in them (``pdfinline.know_common``): the job timed in this process took 36 ms, now 27 (the
      style's other families, the code font's, are read where they are first drawn with);
    - Pillow's readers of the common picture formats imported (each worker imported them at its
      first picture: 10 ms)."""
    from book.writers.registry import writers

    for name in options.targets:
        for module in writers()[name].document_modules:
            importlib.import_module(module)
    if style is not None:
        from book.pdf.pdfinline import know_common

        body = style.styles["body"]["fontFamily"]
        style.fonts.register(now=(body,))
        know_common(style.fonts, sorted(set(style.fonts.face_names(body).values())))
    from PIL import Image

    Image.preinit()


def _style_problems(options: Options) -> list:
    from book.style.house import load_style

    try:
        load_style(options.styles, options.style)
    except UserError as error:
        return error.problems
    return []
