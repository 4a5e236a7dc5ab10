"""The writer table (as pandoc's ``Writers.hs``): every output the build can make, by the word that
names it on the command line. Adding an output is one module with a ``Writer`` subclass and one
``register`` line; the command line's words, ``--help`` and the outputs a build removes when they
are no longer made all come from this table."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable


@dataclass
class WriterInput:
    """What a writer is given, read-only: the checked model, the style, and where the compendium's
    pages fell. Writers never change any of it."""

    publication: Any            # book.model.publication.Publication
    style: Any                  # book.style.house.HouseStyle
    index: Any                  # book.sources.index.Index
    options: Any                # book.build.pipeline.Options
    build_time: datetime
    reporter: Any               # book.core.errors.Reporter: warnings, by the names an editor knows
    page_map: Any = None        # book.model.publication.PageMap, once the compendium is paginated
    cache: Any = None           # book.core.cache.BuildCache: results by the hash of their inputs
    book: Any = None            # the paginated compendium (its pages fall where page_map says)
    per_chapter: dict = field(default_factory=dict)   # writer name -> chapter id -> what the jobs made for it
    made_before: Callable[[str, str], bool] = lambda relative, key: False   # that file, from that key, is there
    loaded: Any = None          # the build's whole read state, for the built-in writers' internals
    workers: Any = None         # book.core.workers.SharedWorkers: worker processes work begun in ``start`` may share


class Writer:
    """One output. The build calls each chosen writer's methods in phases, every writer's phase
    before the next phase begins (so each can overlap its work with the others'):

    ``start``  once everything is read and the chapters' jobs are begun, before the compendium
               is paginated (work begun on ``given.workers`` shares the jobs' workers);
    ``check``  the problems that must stop the build before any output is assembled;
    ``begin``  once the compendium's pages are known (``given.page_map``): background work;
    ``write``  the files, by their path under the output folder.

    Only ``write`` is required. A writer never changes what it is given."""

    name = ""                   # the word on the command line: ``ohwb-book NAME``
    help = ""                   # one line for ``--help``
    default = True              # made by a plain ``ohwb-book`` (else only when named)
    # What the build's jobs make for it of each chapter, while the chapter's text is at hand in a
    # worker (``chapter_document``): "every" chapter's (the EPUB: the build keeps them in its cache,
    # under the writer's name, by the chapter's pages), or only of the chapters "remade" in this
    # build (the web edition, which keeps the others itself); "" for none.
    chapter_documents = ""
    document_modules: tuple[str, ...] = ()      # what ``chapter_document`` imports: before workers fork
    # what ``begin`` and ``write`` import: by the build's process once the workers are forked, while
    # they typeset (before the fork, the build's process is what the workers wait for)
    later_modules: tuple[str, ...] = ()
    documents_made = ""         # what ``-v`` calls the documents the jobs made for it, e.g. "EPUB chapters written"
    places: tuple[str, ...] = ()   # the names it writes at in the output folder (files or folders)
    check_step = ""             # what the progress line says while ``check`` runs (it may wait)
    write_step = ""             # ... and while ``write`` runs

    def __init__(self, given: WriterInput):
        self.given = given
        self.remade: dict[str, int] = {}     # what was made anew (not from the cache), by kind
        self.keys: dict[str, str] = {}       # file -> what it was made from (to keep it next time)
        self.kept: list[str] = []            # files left as they are, known to be current

    @classmethod
    def owns(cls, relative: str) -> bool:
        """Whether a file under the output folder is one this writer makes (the build removes the
        ones the last build made that this one no longer does, and nothing else)."""
        return False

    def start(self) -> None:
        """Work begun early, in the background (the default: none)."""

    def check(self) -> None:
        """Raise UserError for what stops the build (the default: nothing)."""

    def begin(self) -> None:
        """Background work once the pages are known (the default: none)."""

    def write(self) -> dict[str, bytes]:
        raise NotImplementedError

    def chapters_made(self, documents: dict[str, Any]) -> None:
        """Its documents of some chapters (by chapter id), as soon as their jobs are done, before
        every job is: for work of its own begun before then (the one-pagers: a page drawn after
        its case study's job does not read the text again). The default: nothing."""

    @classmethod
    def chapter_document(cls, chapter, publication, cuts: dict[str, list[int]], scratch: dict):
        """In a job, perhaps in a worker process: this writer's document of one chapter (it travels
        pickled; ``given.per_chapter[name]`` has them by chapter id). ``cuts``: where the chapter's
        printed pages begin; ``scratch``: kept between the chapters one process makes."""
        raise NotImplementedError


CHAPTER_DOCUMENTS = ("", "every", "remade")     # what a Writer's chapter_documents may say
WRITERS: dict[str, type[Writer]] = {}
_BUILT_IN_LOADED = False


def register(writer: type[Writer]) -> type[Writer]:
    """Add a writer to the table (usable as a class decorator)."""
    if not writer.name or not writer.name.isidentifier():
        raise ValueError(f"a writer needs a one-word name, not {writer.name!r}")
    if writer.chapter_documents not in CHAPTER_DOCUMENTS:
        # (it was a yes or no once: a writer still saying True would get no documents, silently)
        raise ValueError(f"writer {writer.name!r}: chapter_documents is one of {CHAPTER_DOCUMENTS}, "
                         f"not {writer.chapter_documents!r}")
    WRITERS[writer.name] = writer
    return writer


def unregister(name: str) -> None:
    WRITERS.pop(name, None)


def writers() -> dict[str, type[Writer]]:
    """The table: the built-in writers first, in the order ``BUILT_IN`` lists them, then any
    registered since, in the order they were (a writer registered before the table was first
    asked for still comes after the built-in ones)."""
    global _BUILT_IN_LOADED
    if not _BUILT_IN_LOADED:
        import importlib

        _BUILT_IN_LOADED = True
        for module in BUILT_IN:
            importlib.import_module(module)
    return dict(sorted(WRITERS.items(), key=lambda item: item[1].__module__ not in BUILT_IN))


def names(default_only: bool = False) -> tuple[str, ...]:
    return tuple(name for name, w in writers().items() if w.default or not default_only)


def places() -> set[str]:
    """Every name an output is written at, directly in the output folder: a file or a link of
    the user's there is in the way of the build, whatever --force says."""
    return {place for writer in writers().values() for place in writer.places}


def family(relative: str) -> str | None:
    """The writer an output path belongs to, or None for a name the build never writes."""
    for name, writer in writers().items():
        if writer.owns(relative):
            return name
    return None


# the modules that register the built-in writers, in the order --help lists them
BUILT_IN = (
    "book.writers.compendium.writer",
    "book.writers.epub.writer",
    "book.writers.onepager.writer",
    "book.writers.site.writer",
)
