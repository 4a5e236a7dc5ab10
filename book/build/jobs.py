"""Each chapter's share of a build: read and checked once, then kept.

A chapter's text is made from its converted source by the model's transforms (``transforms``),
which also check it: problems stop the build, warnings are printed. What that found is kept in the
build cache as the chapter's ``Facts`` (its warnings, the images it shows, its ids, headings and
characters), under the hash of its inputs (``inputs_key``: the source's bytes, its entry in the
index, the toolkit's code). A later build with the same inputs takes the facts from the cache,
prints the same warnings, and does not read the source at all unless a writer needs the text
(a chapter whose typeset pages and EPUB document are cached needs none).

The work on chapters that do need their text is done in ``Job``s, in worker processes: making the
text, typesetting its pages (``writers.compendium``) and writing its EPUB document
(``writers.html``) in one pass, so that each text is made once, on whichever core is free.
"""
from __future__ import annotations

import importlib
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path

from book.document import ast
from book.sources import docxstate
from book.model.assemble import chapter_text
from book.build.editorial import check_alt_text, check_repeats, check_resolution, check_summary
from book.core.cache import digest, long_lived
from book.core.errors import Problem, Problems, Reporter, Warning_
from book.core.textutil import distinct_characters
from book.document.images import ImageChecker, ImageInfo
from book.model.publication import Chapter, ChapterText, cuts_of, toc_headings
from book.model.transforms import Context, prepare
from book.writers.registry import writers


@dataclass
class Facts:
    """What making a chapter's text found, kept so that it need not be made again."""

    warnings: list[Warning_]
    images: list[tuple[str, int, int]]          # (file, size, mtime) of each image shown
    infos: dict[str, ImageInfo]
    pictures: list[tuple[str, str]]             # (file, alt text) of each image shown
    block_ids: set[str]
    headings: list[tuple[int, str, str]]        # (level, id, text) of its own headings
    characters: str                             # every character of its source, for the glyph audit

    def apply_to(self, chapter: Chapter) -> None:
        """What the writers would otherwise look for in the chapter's text."""
        chapter.block_ids, chapter.pictures, chapter.headings = self.block_ids, self.pictures, self.headings

    def current(self) -> bool:
        """Every image it shows is still the file it was."""
        for path, size, mtime in self.images:
            try:
                stat = os.stat(path)
            except OSError:
                return False
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                return False
        return True


def inputs_key(chapter: Chapter, source_key: str) -> str:
    """What a chapter's text is made from: its source's bytes (the conversion's key), and its
    entry in the index without line numbers (an edit elsewhere in the index changes nothing)."""
    entry = replace(chapter.case_study, line=None) if chapter.case_study is not None else (chapter.id, chapter.title)
    orgs = [replace(o, line=None) for o in chapter.organisations]
    return digest("text", source_key, repr(entry), repr(orgs))


def fingerprint(chapter: Chapter, source_key: str, facts: Facts) -> str:
    """What a chapter's pages and EPUB document are made from: its inputs and its images."""
    return digest("chapter", inputs_key(chapter, source_key), repr(facts.images),
                  repr(sorted((k, v) for k, v in facts.infos.items())))


def document_key(writer: str, chapter: Chapter, cuts: dict[str, list[int]]) -> str:
    """What a writer's document of a chapter (the EPUB's) is made from: what its pages are, and
    where they begin."""
    return digest(writer, chapter.fingerprint, repr(sorted(cuts.items())))


def cached_documents(loaded, book, chunks: dict, writer: str) -> dict[str, tuple]:
    """A writer's documents of the chapters that the cache holds for chapters whose pages it holds
    too (the EPUB's: a document's page markers fall where its pages begin)."""
    wanted = {}
    for chapter in loaded.publication.chapters:
        chunk = chunks.get(book.spec_of(chapter.id))
        if chunk is not None and chapter.fingerprint:
            wanted[chapter.id] = document_key(writer, chapter, cuts_of(chunk.page_map, chapter))
    found = loaded.cache.load(writer, list(wanted.values()))
    return {cid: doc for cid, doc in zip(wanted, found) if doc is not None}


def apply(chapter: Chapter, source_key: str, facts: Facts) -> None:
    facts.apply_to(chapter)
    chapter.fingerprint = fingerprint(chapter, source_key, facts)


class TextMaker:
    """Makes chapters' texts from their converted sources (in whichever process it runs)."""

    def __init__(self, converter, sources_root: Path, index, page=None):
        self.converter = converter
        self.page = page                 # the book's page geometry: figures' printed sizes
        self.sources_root = sources_root
        self.index_label = index.label
        self.paths = {fm.source.label: fm.source.path for fm in index.edition.front_matter}
        self.paths.update({cs.source.label: cs.source.path for cs in index.case_studies})

    def make(self, chapter: Chapter, check: bool = True) -> tuple[ChapterText | None, Facts | None, list[Problem]]:
        """The chapter's text and facts, or the problems that stop it. Without ``check`` (a
        chapter checked before, whose facts are known): the text alone, its checks not run again."""
        reporter, problems, images = Reporter(quiet=True), Problems(), ImageChecker()
        path = self.paths[chapter.source]
        ctx = Context(chapter.id, chapter.source, path.parent, self.sources_root, self.converter.media_dir,
                      reporter, problems, images)
        raw = self.converter.raw(chapter.source)
        word = docxstate.read_state(path) if path.suffix.lower() == ".docx" else None
        if word is not None and check:
            word_state_warnings(word, path.name, chapter.source, reporter, self.converter.accept_changes)
        with long_lived():
            doc = read_document(self.converter, raw, chapter.source)
            if isinstance(doc, Problem):
                return None, None, [doc]
            if word is not None:
                docxstate.restore_caption_labels(doc.blocks, word.captions)
            blocks, notes = prepare(doc, ctx)
        if problems:
            return None, None, problems.items
        text = chapter_text(chapter.case_study, blocks, notes)
        if not check:
            return text, None, []
        check_repeats(chapter.case_study, blocks, reporter, self.index_label)
        check_summary(chapter.case_study, blocks, reporter, self.index_label)
        check_alt_text(ctx.figures, reporter, chapter.source)
        if self.page is not None:
            check_resolution(ctx.figures, images.infos, self.page.text_column, self.page.text_height, reporter, chapter.source)
        shown = []
        for image in ctx.used_images:
            stat = os.stat(image)
            shown.append((image, stat.st_size, stat.st_mtime_ns))
        facts = Facts(reporter.warnings, shown, dict(images.infos), [(p.src, p.alt) for p in ctx.pictures], ctx.block_ids,
                      toc_headings(text.blocks), distinct_characters(raw))
        return text, facts, []

    def loader(self, chapter: Chapter) -> ChapterText:
        """For ``Chapter.loader``: the text of a chapter whose facts are known (it was checked)."""
        text, _facts, problems = self.make(chapter, check=False)
        if problems:
            raise RuntimeError(f"chapter {chapter.id!r} was checked but cannot be made now: {problems[0]}")
        return text


def read_document(converter, raw: bytes, label: str) -> ast.Document | Problem:
    """The source's document, or the problem that it nests too deep to be set: checked before
    anything recurses through it (a few hundred levels would exhaust Python's stack)."""
    try:
        doc = ast.document_from_json(converter.parse(raw), label)
        deep = ast.too_deep(doc.blocks)
    except RecursionError:        # hundreds of levels: the JSON parser itself gives up, safely
        doc, deep = None, ast.Div([])
    if deep is None:
        return doc
    words = ast.first_words(deep)
    where = f" (at '{words[:40]}')" if words else ""
    return Problem(f"lists, quotes, tables or text styles are nested more than {ast.MAX_NESTING} levels deep{where}:"
                   " flatten the nesting in the source", label)


def word_state_warnings(state, name: str, label: str, reporter: Reporter, accept_changes: bool) -> None:
    """Comments, tracked changes, headers and footers the printed text leaves out: said, never lost silently."""
    for kind, message in docxstate.warnings(state, name, accept_changes):
        reporter.warn(kind, message, label)


# ------------------------------------------------------------------ the work on chapters
@dataclass(frozen=True)
class Job:
    """What to make of one chunk of the book: a chapter's text (when its facts are not known), its
    typeset pages (``spec``, when not cached) and the documents of it that writers want
    (``documents``: the EPUB's XHTML, the web page's text; with the page cuts of its cached pages
    when those are not typeset now)."""

    chapter: str = ""               # the chapter's id ('' for the cover, parts, indexes)
    spec: object = None             # compendium_content.ChunkSpec, when its pages are to be typeset
    facts: bool = False
    documents: tuple[str, ...] = ()     # the writers (by name) whose document of the chapter to make
    cuts: tuple = ()
    members: tuple = ()             # a part's chapters, typeset with it: (id, facts wanted, documents wanted)


@dataclass
class Result:
    """What a Job made. The chunk travels pickled (``ChunkResult.pickled``): the parent keeps
    those bytes in the cache as they are, and unpickles them once, to assemble the book."""

    chapter: str
    key: str = ""                   # the chunk's (ChunkSpec.key)
    facts: Facts | None = None
    problems: list[Problem] = field(default_factory=list)
    chunk_bytes: bytes | None = None    # compendium.ChunkResult's summary, pickled (as the cache keeps it)
    body_bytes: bytes | None = None     # and its body
    documents: dict = field(default_factory=dict)     # writer name -> its document of the chapter
    members: list = field(default_factory=list)   # a part's: the Results of its chapters
    _chunk: object = None

    @property
    def chunk(self):
        if self._chunk is None and self.chunk_bytes is not None:
            self._chunk = pickle.loads(self.chunk_bytes).restore(self.body_bytes)
        return self._chunk

    def __getstate__(self):
        return {**self.__dict__, "_chunk": None}


def flatten(results: list) -> list:
    """Each Result, and the Results of a part's chapters after it (each knowing its part's chunk)."""
    flat = []
    for result in results:
        flat.append(result)
        for member in result.members:
            member._chunk = result.chunk
            flat.append(member)
    return flat


class Workbench:
    """Does Jobs for one build (one per process: forked workers start with a copy of it)."""

    def __init__(self, loaded, options, maker: TextMaker, tagged: bool = True):
        self.loaded, self.options, self.maker, self.tagged = loaded, options, maker, tagged
        self.chapters = {c.id: c for c in loaded.publication.chapters}
        self._typesetter = None
        self.scratch: dict = {}         # what the writers' chapter_document keep between chapters
        for name in options.targets:
            # imported before the workers are forked, which would each import them otherwise
            for module in writers()[name].document_modules:
                importlib.import_module(module)

    def typesetter(self):
        from book.writers.compendium.compendium import Typesetter

        if self._typesetter is None:
            self._typesetter = Typesetter(self.loaded, self.options, self.tagged)
        return self._typesetter

    def do(self, job: Job) -> Result:
        if job.members:
            return self.do_part(job)
        result = Result(job.chapter, job.spec.key if job.spec is not None else "")
        chapter = self.chapters.get(job.chapter)
        if chapter is not None and (job.facts or (chapter._text is None and (job.spec is not None or job.documents))):
            if not self.make_text(chapter, result, job.facts):
                return result
        chunk = None
        if job.spec is not None:
            chunk = self.typeset(job.spec, result)
            if chunk is None:
                return result
        if job.documents and chapter is not None:
            cuts = cuts_of(chunk.page_map, chapter) if chunk is not None else {k: list(v) for k, v in job.cuts}
            result.documents = self.documents(chapter, job.documents, cuts)
        return result

    def do_part(self, job: Job) -> Result:
        """A part's pages: its chapters' texts made first (and checked, where asked), then the
        part typeset, then its chapters' EPUB documents, with the pages' cuts."""
        result = Result("", job.spec.key)
        for chapter_id, facts, _documents in job.members:
            member = Result(chapter_id, job.spec.key)
            chapter = self.chapters[chapter_id]
            if facts or chapter._text is None:
                self.make_text(chapter, member, facts)
            result.members.append(member)
            result.problems += member.problems
        if result.problems:
            result.members = []
            return result
        chunk = self.typeset(job.spec, result)
        if chunk is None:
            return result
        for member, (chapter_id, _facts, documents) in zip(result.members, job.members):
            if documents:
                chapter = self.chapters[chapter_id]
                member.documents = self.documents(chapter, documents, cuts_of(chunk.page_map, chapter))
        return result

    def make_text(self, chapter: Chapter, result: Result, keep_facts: bool) -> bool:
        """The chapter's text, and (``keep_facts``: it is new to this build) its checks and facts;
        otherwise its facts came from the cache, and were applied before the workers forked."""
        text, facts, problems = self.maker.make(chapter, check=keep_facts)
        if problems:
            result.problems = problems
            return False
        chapter.set_text(text)
        if keep_facts:
            facts.apply_to(chapter)
            result.facts = facts
            # the images it shows, for its pages (the typesetter sizes them from these)
            self.loaded.publication.images.update(facts.infos)
        return True

    def typeset(self, spec, result: Result):
        chunk = self.typesetter().typeset(spec)
        if chunk.problem is not None:
            result.problems = [chunk.problem]
            return None
        result.chunk_bytes, result.body_bytes = chunk.pickled()
        result._chunk = chunk
        return chunk

    def documents(self, chapter: Chapter, names: tuple[str, ...], cuts: dict) -> dict:
        """Each named writer's document of the chapter, made while its text is at hand."""
        publication = self.loaded.publication
        return {name: writers()[name].chapter_document(chapter, publication, cuts, self.scratch.setdefault(name, {}))
                for name in names}


def do_jobs(jobs: list[Job], bench: Workbench) -> list[Result]:
    """In a worker (or in this process): the results of ``jobs``, in order."""
    bench.loaded.style.fonts.register()
    return [bench.do(job) for job in jobs]
