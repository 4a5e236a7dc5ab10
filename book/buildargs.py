"""A build's options from its command line, the project file and the defaults, in that order.

The grammar: ``ohwb-book [build] [check | pdf | epub | onepagers ...] [--only KEY[,KEY]] ...``.
Positional words only ever say what to build; keys only ever follow --only, comma-separated, so
``--only imperial pdf`` builds the PDF of imperial's case studies."""
from __future__ import annotations

import argparse
from pathlib import Path

from book.core.errors import did_you_mean
from book.build.pipeline import TARGETS, Options
from book.sources.project import load_project
from book.build.variants import DEFAULT_BASE, DEFAULT_STYLE, default_out

WORDS = ("build", "all", "check", *TARGETS)


def resolve(args: argparse.Namespace) -> Options:
    """Options for the build; sets ``args.command`` to 'check' or 'all' for the runner.
    A wrong word exits with status 2 (argparse's way), a bad project file raises UserError."""
    words = _words(args.command)
    project = load_project(args.sources)
    targets = tuple(w for w in words if w in TARGETS) or tuple(project.get("targets") or ()) or TARGETS
    args.command = "check" if "check" in words else "all"
    if args.command == "check":
        targets = TARGETS        # a check reads everything, whatever is built
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
        if word not in WORDS:
            hint = did_you_mean(word, WORDS)
            if not hint:
                hint = (f"; to build a subset, write --only {word} (several keys: --only a,b)")
            _usage_error(f"'{word}' is not something to build: use check, pdf, epub or onepagers{hint}")
    if "check" in words and any(w in TARGETS for w in words):
        _usage_error("check builds nothing: give either check or the outputs to build (pdf, epub, onepagers)")
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

    print(f"usage: ohwb-book [build] [check | pdf | epub | onepagers ...] [options]\nohwb-book: error: {message}",
          file=sys.stderr)
    raise SystemExit(2)
