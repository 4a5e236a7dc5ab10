"""The command line: parse arguments, run the pipeline, map errors to exit codes. Nothing else."""
from __future__ import annotations

import argparse
import errno
import signal
import sys
import time
from pathlib import Path

from book.build import commit
from book.sources.convert import PandocStopped
from book.core.errors import EXIT_BUG, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, UserError, bug_report
from book.build.pipeline import TARGETS, Options, build, check
from book.core.workers import stop_all

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
# the first word of these runs a command of its own (book/commands/); anything else is a build
SUBCOMMANDS = ("list", "init", "new", "template", "import", "completion")
EXAMPLES = """\
examples:
  ohwb-book                          build everything into dist/
  ohwb-book check                    check the index, the sources and the style; build nothing
  ohwb-book pdf epub                 the compendium's PDF and EPUB, not the one-pagers
  ohwb-book --only imperial pdf      the PDF of one trust's case studies, into dist/only-imperial/
  ohwb-book --only imperial,leeds    two organisations (keys or case-study ids, comma-separated)
  ohwb-book --print                  the printer's edition, into dist/print/
  ohwb-book --style large-print      the large-print edition, into dist/large-print/
  ohwb-book list                     the organisations' keys and the case studies' ids
  ohwb-book init my-edition          a new edition folder to start from
  ohwb-book new --id x --lead KEY --title "..."   a new case study and its source file
  ohwb-book template                 the Word template for trusts' submissions
  ohwb-book import a.docx b.docx     add filled-in templates to the edition
  ohwb-book COMMAND --help           each command's own options

Without --out, a variant (--print, --style, --only) is written to a folder of its own under
dist/, so it never replaces the full edition. Options you type every time can go in
ohwb.yaml beside index.yaml (see README.md); the command line wins over it.
Exit status: 0 built, 1 a problem in the input (each printed with its file and line), 2 wrong usage,
3 a bug in the toolkit (please report it), 130 interrupted."""


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return dist_version("ohwb-book")
    except PackageNotFoundError:     # run from a checkout that was never installed
        return "unknown"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ohwb-book",
        usage="ohwb-book [build] [check | pdf | epub | onepagers ...] [options]\n"
              "       ohwb-book {list,init,new,template,import,completion} ...",
        description="Build the case-study compendium (PDF), its EPUB and one page per organisation.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # positional words are only ever what to build; keys go to --only, so `--only x pdf` is clear
    p.add_argument("command", nargs="*", metavar="WHAT",
                   help="all (default), check (validate only), or outputs: pdf, epub, onepagers")
    p.add_argument("--version", action="version", version=f"ohwb-book {version()}")
    p.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR", help="sources folder (default: sources)")
    p.add_argument("--styles", type=Path, default=None, metavar="DIR", help="styles folder (default: styles)")
    p.add_argument("--style", default=None, metavar="NAME", help="style file in the styles folder, e.g. large-print")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="output folder (default: dist, or dist/<variant>/ for --print, --style, --only)")
    p.add_argument("--only", action="append", default=None, metavar="KEY[,KEY]",
                   help="organisation keys or case-study ids, comma-separated: a subset edition")
    p.add_argument("--strict", action="store_true", default=None, help="warnings fail the build")
    p.add_argument("--print", dest="print_marks", action="store_true", default=None,
                   help="crop marks and 3 mm bleed for the printer")
    p.add_argument("--accept-changes", action="store_true",
                   help="print Word's tracked changes as if accepted (default: as the text was before them)")
    p.add_argument("--force", action="store_true",
                   help="build into an output folder that holds files the toolkit did not make (they are left alone)")
    p.add_argument("--watch", action="store_true", help="rebuild whenever a source or style changes")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("-v", "--verbose", action="store_true", help="say what was built and how long it took")
    return p


def options_from(args) -> Options:
    """Options from the command line, then the project file (ohwb.yaml), then the defaults."""
    from book.buildargs import resolve

    return resolve(args)


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
            count = len(reporter.warnings)
            print(f"{options.sources}: no problems found"
                  + (f" ({count} warning{'s' if count != 1 else ''})" if count else ""))
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
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        from book.commands import run_command

        return run_command(argv)
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
    return run(options, args.command)
