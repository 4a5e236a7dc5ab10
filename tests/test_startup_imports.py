"""What a cold build has imported at its two moments that matter for its speed (issue 21):
when pandoc is given the sources (``reading.Conversion``: only what giving them takes, so
pandoc reads while the rest is imported) and when the workers are forked (what they need, and
not what only the build's own process needs after them: the EPUB's packaging, ebooklib and lxml,
is imported while they typeset, ``Writer.later_modules``). A module that creeps in before either
moment (an import moved to a module's top) makes every build wait for it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
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
        seen.setdefault("fork", sorted(sys.modules))
        return opening(shared)
    workers.SharedWorkers.open = at_fork
    return begin(self, *args, **kwargs)
reading.Conversion.__init__ = at_feed
code = book.cli.main(sys.argv[1:])
print(json.dumps(seen))
"""


def test_pandoc_is_given_its_sources_before_the_build_imports_the_rest(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, "pdf", "epub", "onepagers", "--out", str(tmp_path / "out"), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
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
