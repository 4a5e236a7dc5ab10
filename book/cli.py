"""The command line: parse arguments, run the pipeline, map errors to exit codes. Nothing else."""
from __future__ import annotations

import argparse
import errno
import signal
import sys
import time
from pathlib import Path

from . import commit
from .convert import PandocStopped
from .errors import EXIT_BUG, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, UserError, bug_report
from .pipeline import TARGETS, Options, build, check
from .writers.workers import stop_all

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

COMMANDS = ("all", "check", *TARGETS)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build the case-study compendium (PDF), its EPUB and one page per organisation.",
        epilog="Exit status: 0 built, 1 a problem in the input (each printed with its file and line), 2 wrong usage,"
               " 3 a bug in the toolkit (please report it).",
    )
    p.add_argument("command", nargs="?", default="all", choices=COMMANDS,
                   help="all (default), check (validate only), or one output: pdf, epub, onepagers")
    p.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR", help="sources folder (default: sources)")
    p.add_argument("--styles", type=Path, default=Path("styles"), metavar="DIR", help="styles folder (default: styles)")
    p.add_argument("--style", default="house", metavar="NAME", help="style file in the styles folder, e.g. large-print")
    p.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR", help="output folder (default: dist)")
    p.add_argument("--only", nargs="+", default=[], metavar="KEY", help="organisation keys or case-study ids: a subset edition")
    p.add_argument("--strict", action="store_true", help="warnings fail the build")
    p.add_argument("--accept-changes", action="store_true",
                   help="print Word's tracked changes as if accepted (default: as the text was before them)")
    p.add_argument("--print", dest="print_marks", action="store_true", help="crop marks and 3 mm bleed for the printer")
    p.add_argument("--force", action="store_true",
                   help="build into an output folder that holds files the toolkit did not make (they are left alone)")
    p.add_argument("--watch", action="store_true", help="rebuild whenever a source or style changes")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("-v", "--verbose", action="store_true", help="say what was built and how long it took")
    return p


def options_from(args) -> Options:
    targets = TARGETS if args.command in ("all", "check") else (args.command,)
    return Options(
        sources=args.sources, styles=args.styles, out=args.out, style=args.style, only=args.only,
        strict=args.strict, quiet=args.quiet, verbose=args.verbose, print_marks=args.print_marks, targets=targets,
        accept_changes=args.accept_changes,
        force=args.force,
    )


def run(options: Options, command: str, summary: bool = False) -> int:
    """One build (or check); ``summary``: end with a line of what was made anew (watch mode)."""
    started = time.perf_counter()
    try:
        return _run(options, command, summary, started)
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
        stop_all()          # no worker outlives a failed build


def _bug(error: BaseException, options: Options) -> int:
    for line in bug_report(error, options.out, options.verbose):
        print(line, file=sys.stderr)
    return EXIT_BUG


def _outputs_now() -> str:
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


def _run(options: Options, command: str, summary: bool, started: float) -> int:
    commit.COMMITTED.clear()
    if command == "check":
        reporter = check(options)
        if not options.quiet:
            print(f"{options.sources}: no problems found" + (f" ({len(reporter.warnings)} warnings)" if reporter.warnings else ""))
        return EXIT_OK
    result = build(options)
    if not options.quiet and result.up_to_date:
        print(f"{options.out}: up to date (no source, style or option changed since the last build)")
    elif not options.quiet:
        singles = [p for p in result.written if p.parent.name == "one-pagers"]
        for path in result.written:
            if options.verbose or path not in singles:
                print(f"wrote {path}")
        if singles and not options.verbose:
            print(f"wrote {singles[0].parent}/ ({len(singles)} one-page PDFs, one per organisation)")
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


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    options = options_from(args)
    if args.watch:
        from .watch import watch

        return watch(options, args.command, run)
    return run(options, args.command)
