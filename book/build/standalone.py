"""The compendium alone, outside a full build: its chunks typeset (from the cache or now) and the
file assembled. For the tests and tools that want only the PDF and its page map; a build does
the same work in one pass with the chapters' checking and EPUB documents
(``pipeline.make_chapters``)."""
from __future__ import annotations

from book.build.jobs import Job, Workbench, do_jobs
from book.core.cache import BuildCache
from book.core.errors import UserError
from book.core.workers import run_parallel
from book.model.publication import PageMap
from book.writers.compendium.compendium import Compendium, one_per_cause
from book.writers.compendium.content import ChunkSpec


def typeset(book: Compendium, jobs: int | None = None) -> PageMap:
    """Every chunk of ``book``, from the cache or typeset now (in ``jobs`` processes); then its
    page map."""
    chunks = book.cached()
    todo = [spec for spec in book.specs if spec.key not in chunks]
    work = [Job(spec.ref if spec.kind == "front-chapter" else "", spec) for spec in todo]
    bench = Workbench(book.loaded, book.options, book.loaded.maker, book.tagged)
    results = run_parallel(do_jobs, work, context=bench, jobs=jobs, weights=[_weight(spec) for spec in todo])
    problems = [p for r in results for p in r.problems]
    if problems:
        raise UserError(one_per_cause(problems, str(book.loaded.style.files[-1])))
    book.store(results)
    chunks.update({r.key: r.chunk for r in results})
    return book.use(chunks)


def _weight(spec: ChunkSpec) -> int:
    return 40 if spec.kind in ("front", "indexes") else 3       # as the build weighs them


def write_compendium(loaded, options, tagged: bool = True, cache: BuildCache | None = None,
                     jobs: int | None = 1) -> tuple[bytes, PageMap]:
    """The compendium's PDF and where everything fell. ``tagged=False`` leaves the structure out
    (only to show that tagging changes nothing on the pages)."""
    book = Compendium(loaded, options, cache or loaded.cache, tagged)
    page_map = typeset(book, jobs)
    return book.assemble(), page_map
