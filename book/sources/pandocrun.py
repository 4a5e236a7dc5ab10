"""Starting pandoc, the one program the build runs: a ``pandoc lua`` process (``convert.lua``)
that waits for its settings and its list of sources on standard input.

Every such process is started the same way, whatever the build, so one can be started before
it is needed: the command line starts one as it begins (``Ahead``), and pandoc's own start (the
Haskell runtime, the Lua interpreter: 20-25 ms) happens while Python imports the build.
Imports nothing of the build (``book.cli`` uses it before anything else is imported).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
from contextlib import suppress
from pathlib import Path

from book.core.deathsignal import die_with_parent

try:
    import fcntl
except ImportError:         # (Windows: the pipe keeps its size)
    fcntl = None

LUA_SCRIPT = Path(__file__).with_name("convert.lua")
# What pandoc may write ahead of this process reading it: a megabyte (Linux's most for a pipe, unless
# raised). A document is tens of kilobytes of JSON: through the usual 64 KB, pandoc stopped at every
# second or third one until the thread reading it here had its turn at the interpreter, which the
# build's imports hold meanwhile (20 case studies: pandoc done 0.02 s later than on its own)
PANDOC_PIPE_BYTES = 1 << 20


class PandocStopped(RuntimeError):
    """pandoc ended by a signal (killed by the system short of memory, by hand, or Ctrl-C): not
    a problem in the sources, nor a bug of ours."""

    def __init__(self, number: int):
        self.signal = number
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        super().__init__(f"pandoc was stopped by {name} while reading the sources (by hand, or by the system when"
                         " memory ran short): build again")


def pandoc_binary() -> str:
    spec = importlib.util.find_spec("pypandoc")     # not imported: 17 ms (urllib.request, email...)
    bundled = Path(spec.origin).parent / "files" / "pandoc" if spec is not None and spec.origin else None
    if bundled is not None and bundled.exists():
        return str(bundled)
    found = shutil.which("pandoc")
    if not found:
        raise RuntimeError("pandoc not found: install the project with `pip install -e .` (pypandoc-binary ships it)")
    return found


def lua_command() -> list[str]:
    """How every ``pandoc lua`` process of the build is started."""
    return [pandoc_binary(), "lua", str(LUA_SCRIPT)]


def start_pandoc(args: list[str]) -> subprocess.Popen:
    """A ``pandoc lua`` waiting for its sources (``book.build.session`` starts one in advance)."""
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_pandoc_env(), preexec_fn=die_with_parent if die_with_parent.available else None)
    _widen(process.stdout)
    return process


def _widen(pipe) -> None:
    """The pipe given room for ``PANDOC_PIPE_BYTES`` (where the system allows it: else as it is)."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)      # (Linux only)
    if setting is not None:
        with suppress(OSError):
            fcntl.fcntl(pipe.fileno(), setting, PANDOC_PIPE_BYTES)


def _pandoc_env() -> dict:
    env = dict(os.environ)
    env.pop("PANDOC_DATA_DIR", None)
    # pandoc's heap (GHC's runtime): the binary asks for 64 MB at once (-H64m), which it touches
    # page by page before its first document is read: -H1m, and a larger old generation before
    # the first major collection (-O64m: a batch of many documents collects less). 20 Markdown
    # sources 0.14 -> 0.11 s, 1,000 4.4 -> 3.7 s, its peak memory there 218 -> 178 MB. An
    # editor's own GHCRTS wins.
    env.setdefault("GHCRTS", "-H1m -O64m")
    return env


class Ahead:
    """A ``pandoc lua`` started before the build knows its sources (as the command line begins),
    given to the build's first use of pandoc (``start``, the converter's way of starting one).
    One the build does not use (nothing to convert, or a problem found first) ends with the
    build's process, as every pandoc does (``die_with_parent``), or at ``close``."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        with suppress(OSError, RuntimeError):     # (pandoc missing: the build says so where it starts one)
            self.process = start_pandoc(lua_command())

    def start(self, args: list[str]) -> subprocess.Popen:
        process, self.process = self.process, None
        if process is not None and process.args == args and process.poll() is None:
            return process
        end_pandoc(process)
        return start_pandoc(args)

    def ready(self) -> bool:
        """Whether its pandoc is there, still waiting for sources."""
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        process, self.process = self.process, None
        end_pandoc(process)


def end_pandoc(process: subprocess.Popen | None) -> None:
    """Ended if it runs, its pipes closed, and reaped."""
    if process is None:
        return
    with suppress(OSError):
        process.kill()
    close_pipes(process)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def close_pipes(process: subprocess.Popen) -> None:
    """Its pipes closed (a build reads pandoc's messages to their end, and leaves them open)."""
    for stream in (process.stdin, process.stdout, process.stderr):
        with suppress(OSError):
            if stream is not None:
                stream.close()
