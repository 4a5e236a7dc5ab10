"""The build, top to bottom: gather and check everything, then write.

index -> convert (one pandoc pass, cached) -> transforms -> assemble -> writers -> dist/
Nothing is written until every input has been read and checked, and every output goes through a
temporary file and a rename, so a failed build leaves the last good outputs untouched.
"""
from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from book.build import manifest
from book.build.commit import check_folder, commit, recover
from book.build.reading import Loaded, rates_key, read
from book.core.cache import BuildCache, one_build
from book.core.errors import Reporter
from book.core.fsutil import build_lock, check_writable
from book.core.progress import Progress
from book.sources.convert import settled_time
from book.writers.registry import Writer, WriterInput, names, writers

if TYPE_CHECKING:
    from book.build.session import BuildSession
    from book.model.publication import PageMap
    from book.sources.pandocrun import Ahead


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
    accept_changes: bool = False      # Word's tracked changes taken as accepted (default: rejected)
    targets: tuple[str, ...] = field(default_factory=lambda: names(default_only=True))   # writers, by name
    force: bool = False         # build into a folder that holds files the toolkit did not make (left alone)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    page_map: PageMap | None = None
    up_to_date: bool = False        # nothing changed since the last build: nothing was done
    keys: dict[Path, str] = field(default_factory=dict)   # outputs -> what they were made from (one-pagers)
    outputs: dict[Path, bytes] = field(default_factory=dict)   # made, to be written
    kept: list[Path] = field(default_factory=list)        # outputs left as they are, known to be current
    remade: dict[str, int] = field(default_factory=dict)   # what was made anew (not from the cache), by kind
    timings: list[tuple[str, float]] = field(default_factory=list)     # (phase, wall seconds)
    cpu: list[tuple[str, float]] = field(default_factory=list)         # (phase, CPU seconds)


def load(options: Options, reporter: Reporter, progress: Progress | None = None,
         session: BuildSession | None = None) -> Loaded:
    """Everything read and checked (every chapter's text made at least once)."""
    from book.build.chapters import check_every_chapter

    progress = progress or Progress(False)
    loaded = read(options, reporter, progress, session.cache(options.out / ".cache") if session else None, session)
    check_every_chapter(loaded, options, reporter, progress)
    return loaded


def check(options: Options, session: BuildSession | None = None) -> Reporter:
    reporter = Reporter(strict=options.strict, quiet=options.quiet)
    check_writable(options.out, str(options.out))   # the conversion cache lives there
    with one_build():
        load(options, reporter, Progress(not options.quiet), session)
    reporter.raise_if_strict()
    return reporter


def build(options: Options, reporter: Reporter | None = None, session: BuildSession | None = None,
          ahead: Ahead | None = None) -> BuildResult:
    """Read and check everything; paginate the compendium (every output needs where its pages
    fall); run each chosen writer of the table (``book.writers.registry``) phase by phase; put
    their files in place as one set. ``session``: what a watching process keeps between builds;
    ``ahead``: a pandoc started for this build (by the command line, as it began)."""
    reporter = reporter or Reporter(strict=options.strict, quiet=options.quiet)
    progress = Progress(not options.quiet)
    check_writable(options.out, str(options.out))
    with build_lock(options.out, str(options.out)), one_build():
        recover(options.out)        # a killed build's commit finished, or its temporary files removed
        settled = settled_time()        # before any input is looked at
        key = manifest.fingerprint(options, os.environ.get("SOURCE_DATE_EPOCH", ""), session and session.code_state())
        outputs = manifest.up_to_date(options.out, key)
        if outputs is not None:
            return BuildResult(unchanged=outputs, up_to_date=True)
        check_folder(options.out, str(options.out), options.force)
        cache = session.cache(options.out / ".cache") if session else BuildCache(options.out / ".cache")
        with cache.held_open():
            return _build(options, reporter, progress, cache, key, settled, session, ahead)


def _build(options: Options, reporter: Reporter, progress: Progress, cache: BuildCache, key: str,
           settled: int, session: BuildSession | None, ahead: Ahead | None) -> BuildResult:
    """The build itself, once its folder is locked and something has changed."""
    loaded = read(options, reporter, progress, cache, session, ahead)
    from book.build.chapters import make_chapters      # (imported while pandoc read: ``reading``)
    from book.core.workers import known_rates

    given = _writer_input(loaded, options, reporter)
    chosen = [writers()[name](given) for name in options.targets]
    with progress.step("checking and typesetting"):
        from book.writers.compendium.compendium import Compendium     # (imported while pandoc worked: ``reading``)

        given.book = Compendium(loaded, options, loaded.cache)
        given.per_chapter, remade = make_chapters(loaded, options, given.book, reporter, chosen, given.workers)
    given.page_map = given.book.page_map
    # with --strict, the warnings stop the build after the outputs are made (in memory, not
    # written): the one-pagers' copy-fitting warnings then come with the sources' at once
    result = run_writers(chosen, options, reporter, progress)
    given.workers.close()       # (a failed build's are stopped by the command: ``workers.stop_all``)
    result.page_map = given.page_map
    result.remade = {"sources converted": loaded.converter.converted, **remade, **result.remade}
    with progress.step("writing the files"):
        # as one set; the last build's outputs this one no longer makes (an organisation
        # renamed, or left out with --only) are removed, and nothing else
        result.written, result.unchanged = commit(options.out, key, result.outputs, result.kept, result.keys,
                                                  options.targets, settled)
        result.outputs = {}
        loaded.cache.evict()
    loaded.kept.store("worker rates", {rates_key(): known_rates()})      # for the next build's decisions
    result.timings, result.cpu = progress.timings, progress.cpu
    return result


def _writer_input(loaded: Loaded, options: Options, reporter: Reporter) -> WriterInput:
    from book.core.workers import SharedWorkers

    previous = manifest.Previous(options.out)
    return WriterInput(loaded.publication, loaded.style, loaded.index, options, loaded.build_time, reporter,
                       cache=loaded.cache, loaded=loaded, workers=SharedWorkers(),
                       made_before=lambda relative, key: previous.made_from(options.out / relative, key))


def run_writers(chosen: list[Writer], options: Options, reporter: Reporter, progress: Progress) -> BuildResult:
    """The writers' last three phases, each for every writer before the next: what stops the
    build first, then their background work, then their files (in ``result.outputs``: written by
    the caller; the files current as they are in ``result.kept``)."""
    result = BuildResult()
    for writer in chosen:
        with _step(progress, writer.check_step):
            writer.check()
    for writer in chosen:
        writer.begin()          # background work: its time is in the step that waits for it
    # the writers with background work are written last: this process's work for the others
    # (the book assembled, the one-pagers' files) is then done while it runs, not after it
    for writer in sorted(chosen, key=_works_in_background):
        with _step(progress, writer.write_step):
            files = writer.write()
        result.outputs.update({options.out / relative: data for relative, data in files.items()})
        result.remade.update(writer.remade)
        result.keys.update({options.out / relative: key for relative, key in writer.keys.items()})
        result.kept += [options.out / relative for relative in writer.kept]
    reporter.raise_if_strict()
    return result


def _works_in_background(writer: Writer) -> bool:
    return type(writer).begin is not Writer.begin


def _step(progress: Progress, label: str):
    return progress.step(label) if label else nullcontext()


