"""The build's second phase: every chapter's work (its text checked, its chunk typeset, the
documents writers want of it), taken from the cache where it holds it, else done on all cores;
then every problem at once, or the chapters' facts kept and their warnings said.

Imported by ``pipeline`` once the sources are being read (``reading``): pandoc is given the
sources before the build imports what this phase needs (the jobs, the worker processes, the
glyph audit), and reads them meanwhile.
"""
from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from book.build.jobs import Job, Workbench, cached_documents, do_jobs, document_key, flatten
from book.build.reading import Loaded
from book.core.errors import Reporter, UserError
from book.core.progress import Progress
from book.core.workers import SharedWorkers, start_parallel
from book.model.glyphs import audit_publication
from book.model.publication import cuts_of
from book.sources.index import Index
from book.writers.registry import Writer

if TYPE_CHECKING:
    from book.build.pipeline import Options
    from book.writers.compendium.compendium import Compendium


def check_every_chapter(loaded: Loaded, options: Options, reporter: Reporter, progress: Progress) -> None:
    """Every chapter's text made and checked (``pipeline.load``, for ``check`` and the tests)."""
    loaded.conversion.finish()
    jobs = [Job(chapter=c.id, facts=True) for c in loaded.publication.chapters if c.id not in loaded.facts]
    with progress.step("checking the sources"):
        results = Intake(loaded).take(start_jobs(loaded, options, jobs), len(jobs))
    check_chapters(loaded, results, reporter)


def check_chapters(loaded: Loaded, results: list, reporter: Reporter) -> None:
    """Every problem the chapters' work found, at once; else their facts kept, their warnings
    printed (from the cache too: the same as when they were first read), and the glyph audit."""
    problems = [p for r in results for p in r.problems]
    if problems:
        from book.writers.compendium.compendium import one_per_cause

        raise UserError(one_per_cause(problems, str(loaded.style.files[-1])))
    for chapter in loaded.publication.chapters:
        for w in loaded.facts[chapter.id].warnings:
            reporter.warn(w.kind, w.message, w.file, w.line)
    index = loaded.index
    loaded.texts = _texts(index, {c.source: loaded.facts[c.id].characters for c in loaded.publication.chapters})
    audit_publication(loaded.texts, loaded.style, reporter)
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit() and not index.edition.date:
        reporter.warn("no-date", "edition.date is not set, so every build is stamped with the current time and no two"
                      " builds are byte-identical: add the publication date (or set SOURCE_DATE_EPOCH)", index.label)


def start_jobs(loaded: Loaded, options: Options, jobs: list[Job], tagged: bool = True,
               shared: SharedWorkers | None = None):
    """The chapters' work, begun on all cores (forked workers start with everything read so far;
    ``shared``: the build's workers, forked by the caller, who then keeps what was converted);
    meanwhile this process keeps what was converted."""
    bench = Workbench(loaded, options, loaded.maker, tagged)
    # about a case study's typesetting each member of a part; the front matter's contents and the
    # indexes a quarter of that for each case study they list; a chapter's checking alone, less
    front = 20 + len(loaded.publication.case_studies) // 4
    weights = [6 * len(job.members) if job.members else front if job.spec is not None and not job.chapter
               else 3 + 2 * job.facts for job in jobs]
    running = start_parallel(do_jobs, jobs, context=bench, weights=weights, shared=shared)
    if shared is None:
        loaded.converter.keep()
    return running


class Intake:
    """Takes the chapters' results as each batch comes in, while the workers go on: their facts
    noted, and what they made kept in the cache (``book``: the compendium they were typeset for)."""

    def __init__(self, loaded: Loaded, book: Compendium | None = None, kept: tuple[str, ...] = (),
                 told: tuple[Writer, ...] = ()):
        self.loaded, self.book = loaded, book
        self.kept_documents = kept      # the writers whose documents of chapters the cache keeps
        self.told = told                # the writers given their documents as each batch comes in
        self.by_id = {c.id: c for c in loaded.publication.chapters}

    def take(self, running, count: int) -> list:
        results: list = [None] * count
        for batch, batch_results in running.completed():
            for n, result in zip(batch, batch_results):
                results[n] = result
            self.keep(batch_results)
            made = [r for r in flatten(batch_results) if not r.problems]
            for writer in self.told:
                writer.chapters_made({r.chapter: r.documents[writer.name] for r in made if writer.name in r.documents})
        return results

    def keep(self, results: list) -> None:
        loaded, facts, documents = self.loaded, {}, {name: {} for name in self.kept_documents}
        for result in flatten(results):
            if result.problems:
                continue
            chapter = self.by_id.get(result.chapter)
            if result.facts is not None:
                facts[loaded.take_facts(chapter, result.facts)] = result.facts
            kept = [name for name in self.kept_documents if name in result.documents]
            if kept and self.book is not None and chapter.fingerprint:
                chunk = result.chunk or self.book.cached_chunk(result.key)
                if chunk is not None:
                    for name in kept:
                        key = document_key(name, chapter, cuts_of(chunk.page_map, chapter))
                        documents[name][key] = result.documents[name]
        loaded.cache.store("facts", facts)
        if self.book is not None:
            self.book.store(results)
        for name, kept in documents.items():
            loaded.cache.store(name, kept)


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


def make_chapters(loaded: Loaded, options: Options, book: Compendium, reporter: Reporter,
                  chosen: list[Writer], shared: SharedWorkers | None = None) -> tuple[dict[str, dict], dict]:
    """Every chunk of the book typeset, every chapter checked, and the writers' documents of the
    chapters made (``Writer.chapter_documents``): taken from the cache where it holds them, else
    made now, on all cores. The compendium is always typeset: the EPUB's page list and the
    one-pagers' page references come from where its pages fall. The writers' own work
    (``Writer.start``) is begun once the jobs are, on the same workers (``shared``, forked then).
    Returns each writer's documents by chapter, and how many of each thing were made anew."""
    every = tuple(w.name for w in chosen if w.chapter_documents == "every")
    remade = tuple(w.name for w in chosen if w.chapter_documents == "remade")
    chunks = book.cached()
    documents = {**{name: cached_documents(loaded, book, chunks, name) for name in every}, **{name: {} for name in remade}}

    def wanted(chapter: str, facts: bool) -> tuple[str, ...]:
        # a chapter read anew (its facts not known) is new to the "remade" writers too
        return tuple(name for name in every if chapter not in documents[name]) + (remade if facts else ())

    jobs = []
    for spec in book.specs:
        if spec.kind == "part":
            jobs += part_jobs(loaded, book, spec, chunks, wanted)
            continue
        chapter = spec.ref if spec.kind == "front-chapter" else ""
        facts = bool(chapter) and chapter not in loaded.facts
        typeset = spec.key not in chunks
        docs = wanted(chapter, facts) if chapter else ()
        if facts or typeset or docs:
            cuts = () if typeset else tuple(sorted(cuts_of(chunks[spec.key].page_map).items()))
            jobs.append(Job(chapter, spec if typeset else None, facts, docs, cuts))
    book.found = chunks
    told = tuple(w for w in chosen if w.chapter_documents)
    # pandoc done, every text in and every problem said, before any worker is forked: with the
    # build's workers (forked below), the job timed here may begin while pandoc still reads
    if shared is None or shared.opened:
        loaded.conversion.finish()
    running = start_jobs(loaded, options, jobs, shared=shared)
    loaded.conversion.finish()
    for writer in chosen:
        writer.start()      # the one-pagers: drawn by the build's workers once the book's jobs are handed out
    if shared is not None:
        shared.open()       # the workers forked, knowing the jobs and the one-pagers: the jobs first
        loaded.converter.keep()     # (the slowest write of a cold build: not before they are)
    for writer in chosen:
        for module in writer.later_modules:
            importlib.import_module(module)
    results = flatten(Intake(loaded, book, every, told).take(running, len(jobs)))
    check_chapters(loaded, results, reporter)
    made = {r.key: r.chunk for r in results if r.chunk is not None}
    chunks.update(made)
    book.use(chunks)
    for result in results:
        for name, document in result.documents.items():
            documents[name][result.chapter] = document
    counts = {"chapters checked": sum(r.facts is not None for r in results), "chunks typeset": len(made)}
    counts.update({w.documents_made: sum(w.name in r.documents for r in results) for w in chosen if w.name in every})
    return documents, counts


def part_jobs(loaded: Loaded, book: Compendium, spec, chunks: dict, wanted) -> list[Job]:
    """A part's work: typeset with its chapters (checked, and their documents made, in the same
    job) when its pages are not cached; else each chapter's own checking and documents."""
    chapters = book.part_chapters(spec.ref)
    if spec.key not in chunks:
        members = tuple((c.id, c.id not in loaded.facts, wanted(c.id, c.id not in loaded.facts)) for c in chapters)
        return [Job("", spec, members=members)]
    jobs = []
    for chapter in chapters:
        facts = chapter.id not in loaded.facts
        documents = wanted(chapter.id, facts)
        if facts or documents:
            cuts = tuple(sorted(cuts_of(chunks[spec.key].page_map, chapter).items()))
            jobs.append(Job(chapter.id, None, facts, documents, cuts))
    return jobs
