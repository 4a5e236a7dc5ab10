"""A build's options from its command line, the project file and the defaults, in that order.

The grammar: ``ohwb-book [build] [check | pdf | epub | onepagers | site ...] [--only KEY[,KEY]] ...``
(the outputs' words come from the writer table).
Positional words only ever say what to build; keys only ever follow --only, comma-separated, so
``--only imperial pdf`` builds the PDF of imperial's case studies."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from book.core.errors import and_list, did_you_mean
from book.sources.project import load_project
from book.build.variants import DEFAULT_BASE, DEFAULT_STYLE, default_out
from book.writers.registry import names, writers

if TYPE_CHECKING:
    from book.build.pipeline import Options

# the first word of these runs a command of its own (book/commands/); anything else is a build
SUBCOMMANDS = ("list", "init", "new", "template", "import", "completion", "serve")
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
  ohwb-book serve                    a live preview in the browser, rebuilt and reloaded on every save
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


class _Version(argparse.Action):
    """--version, the version looked up only when asked for (``importlib.metadata`` reads the
    metadata of every installed package: 15 ms of every build when the parser was made)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"ohwb-book {version()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ohwb-book",
        usage=f"ohwb-book [build] [check | {' | '.join(names())} ...] [options]\n"
              f"       ohwb-book {{{','.join(SUBCOMMANDS)}}} ...",
        description="Build the case-study compendium (PDF), its EPUB and one page per organisation.",
        epilog=_outputs_help() + EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # positional words are only ever what to build; keys go to --only, so `--only x pdf` is clear
    p.add_argument("command", nargs="*", metavar="WHAT",
                   help="all (default), check (validate only), or outputs (listed below)")
    p.add_argument("--version", action=_Version)
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


def _outputs_help() -> str:
    """The outputs, from the writer table: each one's word and what it makes."""
    table = writers()
    width = max(len(name) for name in table) + 2
    lines = [f"  {name:<{width}}{writer.help}" + ("" if writer.default else " (only when named)")
             for name, writer in table.items()]
    return "outputs:\n" + "\n".join(lines) + "\n\n"


def words_() -> tuple[str, ...]:
    """Every word that may say what to build (the writer table's names are read when asked: a
    writer registered after this module was imported counts)."""
    return ("build", "all", "check", *names())


def resolve(args: argparse.Namespace) -> Options:
    """Options for the build; sets ``args.command`` to 'check' or 'all' for the runner.
    A wrong word exits with status 2 (argparse's way), a bad project file raises UserError."""
    from book.build.pipeline import Options      # (the build: imported once the command line is read)

    words = _words(args.command)
    outputs = names()
    project = load_project(args.sources, outputs)
    targets = tuple(w for w in words if w in outputs) or tuple(project.get("targets") or ()) or names(default_only=True)
    args.command = "check" if "check" in words else "all"
    if args.command == "check":
        targets = outputs        # a check reads everything, whatever is built
    style = _first(args.style, project.get("style"), DEFAULT_STYLE)
    print_marks = bool(_first(args.print_marks, project.get("print"), False))
    only = _keys(args.only) if args.only is not None else _keys(_as_list(project.get("only")))
    out = args.out
    if out is None:
        out = default_out(project.path_of("out") or DEFAULT_BASE, style, print_marks, only)
    return Options(
        sources=args.sources, styles=_first(args.styles, project.path_of("styles"), Path("styles")), out=out,
        style=style, only=only, strict=bool(_first(args.strict, project.get("strict"), False)),
        quiet=args.quiet, verbose=args.verbose, print_marks=print_marks, targets=targets,
        accept_changes=bool(getattr(args, "accept_changes", False)), force=bool(getattr(args, "force", False)),
    )


def _words(words: list[str]) -> list[str]:
    for word in words:
        if word not in words_():
            hint = did_you_mean(word, words_())
            if not hint:
                hint = (f"; to build a subset, write --only {word} (several keys: --only a,b)")
            _usage_error(f"'{word}' is not something to build: use check, {and_list(names(), 'or')}{hint}")
    if "check" in words and any(w in names() for w in words):
        _usage_error(f"check builds nothing: give either check or the outputs to build ({', '.join(names())})")
    return words


def _keys(values: list[str]) -> list[str]:
    """--only a,b --only c -> [a, b, c]: commas or repeats, never spaces (see the module's note)."""
    return [k.strip() for value in values for k in str(value).split(",") if k.strip()]


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _first(*values):
    return next(v for v in values if v is not None)


def _usage_error(message: str):
    import sys

    print(f"usage: ohwb-book [build] [check | {' | '.join(names())} ...] [options]\nohwb-book: error: {message}",
          file=sys.stderr)
    raise SystemExit(2)
