"""The peers the toolkit is measured against, on the same edition in the same run.

- pandoc -> Typst, the PDF alone: pandoc turns every case study's Markdown into one Typst file
  (its default template), then the ``typst`` package from PyPI (the ``bench`` extra pins it)
  compiles that to a PDF in a fresh Python process, as a user of the package would run it. Both
  steps are timed from outside, start-up included, as our cold build is.
- pandoc's own Markdown -> EPUB over the same files.

Neither makes what ours makes (no index, no one-pagers, no tagged PDF, no house style): they are
the floor an editor would compare a build's wait with.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from environment import editor_env, settle_disk

COMPILE = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3])"


def pandoc() -> str:
    """The pandoc the toolkit itself runs (pypandoc-binary's): the same version for every peer."""
    from book.sources.pandocrun import pandoc_binary

    return pandoc_binary()


def case_study_files(sources: Path) -> list[str]:
    return sorted(p.name for p in (sources / "case-studies").glob("*.md"))


def typst_pdf(sources: Path, work: Path) -> dict:
    """pandoc -> Typst -> PDF over the edition's case studies: seconds of each step, and pages."""
    import pypdf

    work.mkdir(parents=True, exist_ok=True)
    images = work / "images"      # the Typst file names its pictures as the Markdown does
    if not images.exists():
        images.symlink_to(sources / "case-studies" / "images", target_is_directory=True)
    typ, pdf = work / "edition.typ", work / "edition.pdf"
    settle_disk()
    started = time.perf_counter()
    subprocess.run([pandoc(), "--standalone", "--to", "typst", "--output", str(typ), *case_study_files(sources)],
                   check=True, cwd=sources / "case-studies")
    converted = time.perf_counter()
    subprocess.run([sys.executable, "-c", COMPILE, str(typ), str(pdf), str(work)], check=True, cwd=work,
                   env=editor_env())
    done = time.perf_counter()
    return {"pandoc": converted - started, "typst": done - converted, "total": done - started,
            "pages": len(pypdf.PdfReader(pdf).pages)}


def pandoc_epub(sources: Path, out: Path) -> float:
    """pandoc's own Markdown -> EPUB over every case study of the edition: seconds."""
    settle_disk()
    started = time.perf_counter()
    subprocess.run([pandoc(), "--resource-path", str(sources / "case-studies"), "--output", str(out),
                    *case_study_files(sources)], check=True, cwd=sources / "case-studies")
    return time.perf_counter() - started
