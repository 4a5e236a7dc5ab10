"""The command line: parse arguments, run the pipeline, map errors to exit codes. Nothing else.

The build itself is imported only once the command line is read (``run``): a build's pandoc is
started first (``pandocrun.Ahead``), and starts while Python imports the rest.
"""
from __future__ import annotations

import errno
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from book.core.errors import EXIT_BUG, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, UserError, bug_report
from book.buildargs import SUBCOMMANDS, parser  # noqa: F401  (parser: the tests and the benchmark use it)
from book.sources.pandocrun import Ahead, PandocStopped

if TYPE_CHECKING:
    from book.build.pipeline import Options

EXIT_INTERRUPTED = 130      # as a shell reports a command ended by Ctrl-C (128 + SIGINT)
# failures of the machine, not of the input or the toolkit: one line each, what to do
MACHINE_FAILURES = {
    errno.ENOSPC: "the disk is full: free some space and build again",
    errno.EDQUOT: "the disk quota is used up: free some space and build again",
    errno.EROFS: "the folder is on a read-only disk: choose another with --out",
    errno.EACCES: "permission denied: check the folder's permissions, or choose another with --out",
    errno.EPERM: "not permitted: check the folder's permissions, or choose another with --out",
    errno.EIO: "the disk reported an input/output error: check the disk and build again",
}

def options_from(args) -> Options:
    """Options from the command line, then the project file (ohwb.yaml), then the defaults."""
    from book.buildargs import resolve

    return resolve(args)


def run(options: Options, command: str, summary: bool = False, session=None, ahead: Ahead | None = None) -> int:
    """One build (or check); ``summary``: end with a line of what was made anew, ``session``: what
    is kept between builds (watch mode), ``ahead``: a pandoc started for this build."""
    started = time.perf_counter()
    try:
        return _run(options, command, summary, started, session, ahead)
    except UserError as error:
        return _report(error)
    except KeyboardInterrupt:
        return _interrupted()
    except PandocStopped as stopped:
        if stopped.signal == signal.SIGINT:
            return _interrupted()
        print(f"error: {stopped}; the previous outputs are unchanged", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        if exc.errno not in MACHINE_FAILURES:
            return _bug(exc, options)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{MACHINE_FAILURES[exc.errno]} ({exc.strerror}); {_outputs_now()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as error:       # anything else is our bug: never shown as the editor's mistake
        return _bug(error, options)
    finally:
        # no worker outlives a failed build (a build that never imported the worker processes'
        # module, stopped before pandoc was given its sources, has none: not imported for it)
        workers = sys.modules.get("book.core.workers")
        if workers is not None:
            workers.stop_all()


def _bug(error: BaseException, options: Options) -> int:
    for line in bug_report(error, options.out, options.verbose):
        print(line, file=sys.stderr)
    return EXIT_BUG


def _outputs_now() -> str:
    from book.build import commit

    return "the new outputs were written" if commit.COMMITTED else "the previous outputs are unchanged"


def _interrupted() -> int:
    print(f"interrupted: {_outputs_now()}", file=sys.stderr)
    return EXIT_INTERRUPTED


def _report(error: UserError) -> int:
    for problem in error.problems:
        print(f"error: {problem}", file=sys.stderr)
    count = len(error.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
    return EXIT_USER_ERROR


def _run(options: Options, command: str, summary: bool, started: float, session, ahead: Ahead | None) -> int:
    from book.build import commit
    from book.build.pipeline import build, check

    commit.COMMITTED.clear()
    if command == "check":
        reporter = check(options, session)
        if not options.quiet:
            count = len(reporter.warnings)
            print(f"{options.sources}: no problems found"
                  + (f" ({count} warning{'s' if count != 1 else ''})" if count else ""))
        return EXIT_OK
    result = build(options, session=session, ahead=ahead)
    if not options.quiet and result.up_to_date:
        print(f"{options.out}: up to date (no source, style or option changed since the last build)")
    elif not options.quiet:
        for line in _written_lines(result.written, options.out, options.verbose):
            print(line)
        if result.unchanged:
            print(f"{len(result.unchanged)} output(s) unchanged")
        if summary and not options.verbose:
            made = ", ".join(f"{kind} {n}" for kind, n in result.remade.items() if n) or "nothing made anew"
            print(f"rebuilt in {time.perf_counter() - started:.1f} s: {made}")
        if options.verbose:
            print("made anew: " + ", ".join(f"{kind} {n}" for kind, n in result.remade.items()))
            cpu = dict(result.cpu)
            print(f"built in {time.perf_counter() - started:.2f} s: "
                  + ", ".join(f"{label} {sec:.2f} s (CPU {cpu.get(label, 0):.2f} s)" for label, sec in result.timings))
    return EXIT_OK


def _written_lines(written: list[Path], out: Path, verbose: bool) -> list[str]:
    """'wrote X' for each file, a folder's files in one line (a file each with ``verbose``)."""
    lines, folders = [], {}
    for path in written:
        parts = path.relative_to(out).parts if path.is_relative_to(out) else ()
        if verbose or len(parts) < 2:
            lines.append(f"wrote {path}")
        else:
            folders.setdefault(out / parts[0], []).append(path)
    for folder, files in folders.items():
        what = "one-page PDFs, one per organisation" if folder.name == "one-pagers" else "files"
        lines.append(f"wrote {folder}/ ({len(files)} {what})")
    return lines


def entry() -> None:
    """``ohwb-book`` and ``build.py``: ``main``, then out at once. By then the outputs are in
    place and closed and every worker has ended (``run`` stops them); the interpreter's own exit
    would free every object one by one and run each module's clean-up, a fifth of a small
    edition's build, for nothing."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):      # the reader went away (a closed pipe): nothing to flush to
        pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        from book.commands import run_command

        return run_command(argv)
    ahead = None
    try:
        ahead = Ahead() if _builds(argv) else None
        return _main(argv, ahead)
    except KeyboardInterrupt:       # (while the build's modules load: nothing was begun)
        return _interrupted()
    finally:
        if ahead is not None:
            ahead.close()       # (not used: the outputs were up to date, or the command line was wrong)


def _builds(argv: list[str]) -> bool:
    """Whether the command line asks for a build, read before anything is parsed (parsing it
    imports the writers): a check, watch mode (its session starts pandoc), help and the version
    are not."""
    return not set(argv) & {"check", "--watch", "-h", "--help", "--version"}


def _main(argv: list[str], ahead: Ahead | None) -> int:
    try:
        # intermixed: `check --only x pdf` sees both words, wherever they stand
        args = parser().parse_intermixed_args(argv)
        options = options_from(args)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    except UserError as error:       # the project file
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return EXIT_USER_ERROR
    if args.watch:
        from book.build.watch import watch

        return watch(options, args.command, run)
    return run(options, args.command, ahead=ahead)
