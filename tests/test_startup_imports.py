"""What a cold build has imported at its two moments that matter for its speed (issue 21):
when pandoc is given the sources (``reading.Conversion``: only what giving them takes, so
pandoc reads while the rest is imported) and when the workers are forked (what they need, and
not what only the build's own process needs after them: the EPUB's packaging, ebooklib and lxml,
is imported while they typeset, ``Writer.later_modules``). A module that creeps in before either
moment (an import moved to a module's top) makes every build wait for it. The fonts the
workers need are read before they are forked, whichever of pandoc and the build's process is
done first."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys
sys.argv = ["build.py", *sys.argv[1:]]
import book.cli
from book.build import reading
seen = {}
begin = reading.Conversion.__init__
def at_feed(self, *args, **kwargs):
    seen["feed"] = sorted(sys.modules)
    from book.core import workers      # (imported by the build a moment later: watched from now)
    opening = workers.SharedWorkers.open
    def at_fork(shared):
        from reportlab.pdfbase import pdfmetrics
        seen.setdefault("fork", sorted(sys.modules))
        seen.setdefault("fonts", sorted(pdfmetrics.getRegisteredFontNames()))
        return opening(shared)
    workers.SharedWorkers.open = at_fork
    begin(self, *args, **kwargs)
    if os.environ.get("PANDOC_FIRST"):      # pandoc done before this process has imported the rest
        self._thread.join()
reading.Conversion.__init__ = at_feed
code = book.cli.main(sys.argv[1:])
print(json.dumps(seen))
"""


def probe(out: Path, pandoc_first: bool = False) -> dict:
    env = {**os.environ, "PANDOC_FIRST": "1" if pandoc_first else ""}
    done = subprocess.run([sys.executable, "-c", PROBE, "pdf", "epub", "onepagers", "--out", str(out), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pandoc_is_given_its_sources_before_the_build_imports_the_rest(tmp_path):
    seen = probe(tmp_path / "out")
    feed, fork = set(seen["feed"]), set(seen["fork"])
    # giving pandoc its sources takes the index, the caches and the converter, and nothing of these
    for module in ("reportlab", "PIL", "lxml", "ebooklib", "book.document.nodes", "book.build.jobs",
                   "book.core.workers", "book.writers.markup.html", "multiprocessing", "urllib.request"):
        assert module not in feed, f"{module} imported before pandoc is given the sources"
    assert {"book.sources.index", "book.sources.convert"} <= feed
    # the workers need the typesetter; the EPUB's packaging is the build's own, after them
    assert {"reportlab.platypus", "book.build.jobs", "book.writers.markup.html"} <= fork
    for module in ("ebooklib", "lxml", "book.writers.epub.epub", "urllib.request", "ssl"):
        assert module not in fork, f"{module} imported before the workers are forked"


def test_the_workers_are_forked_prepared_even_when_pandoc_is_done_first(tmp_path):
    """The body text's fonts read, the code font's not, however the build's process and pandoc
    race: a build whose pandoc finished before the rest was imported skipped the preparation, and
    read every family's fonts before the fork instead (the code font's four files, for nothing)."""
    for pandoc_first in (False, True):
        seen = probe(tmp_path / f"out-{pandoc_first}", pandoc_first)
        fonts = set(seen["fonts"])
        assert {"Sans", "Sans-Bold", "Sans-Italic", "Sans-BoldItalic"} <= fonts, (pandoc_first, fonts)
        assert not {"Mono", "Mono-Bold"} & fonts, (pandoc_first, fonts)
        assert "book.writers.markup.html" in seen["fork"]
