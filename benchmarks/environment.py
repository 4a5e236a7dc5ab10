"""How the benchmark runs the processes it times: as on an editor's machine."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def editor_env(**extra) -> dict:
    """The environment of a build as an editor runs it: Python keeps the modules it compiled
    (``__pycache__``), as it does by default. A shell that sets PYTHONDONTWRITEBYTECODE (as CI
    images often do) would make every run compile the toolkit's modules again: a tenth of a
    second that no editor pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def warm_bytecode() -> None:
    """Compile the toolkit's modules once, as its first run on a machine does (untimed)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "book")], check=True, env=editor_env(),
                   stdout=subprocess.DEVNULL)


def settle_disk() -> None:
    """What earlier runs left unwritten, written to disk before a timed run, as on an editor's
    machine between two builds (the system writes it within half a minute). Otherwise a build
    that flushes its outputs to disk (ours does: a killed build leaves the last good ones) waits
    for the hundred megabytes the run before it left, and its time depends on what ran before."""
    os.sync()


def warm_user_cache(folder: Path) -> None:
    """The user's cache (``book.core.usercache``) of the benchmark's own (``folder``, as
    OHWB_BOOK_CACHE), filled as an editor's first build fills theirs: the house style checked,
    the edition's hyphenation patterns read (a build of the sample edition, untimed). A build
    with the cache empty, a first build on a machine, is timed too (``run.py``)."""
    os.environ["OHWB_BOOK_CACHE"] = str(folder)
    subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "--out", str(folder.parent / "warming")], check=True,
                   env=editor_env(), cwd=ROOT, stdout=subprocess.DEVNULL)
