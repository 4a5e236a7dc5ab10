"""`ohwb-book completion bash|zsh|tcsh`: a shell completion script (shtab), e.g.
`ohwb-book completion bash > ~/.local/share/bash-completion/completions/ohwb-book`."""
from __future__ import annotations

import argparse

from book.core.errors import EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ohwb-book completion", description="Print a shell completion script.",
                                epilog="example:\n  ohwb-book completion bash > "
                                       "~/.local/share/bash-completion/completions/ohwb-book",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shell", choices=("bash", "zsh", "tcsh"))
    return p


def run(args) -> int:
    import shtab

    from book.buildargs import SUBCOMMANDS, parser as build_parser, words_

    p = build_parser()
    # the first word may be a command of its own or what to build
    for action in p._actions:
        if action.dest == "command":
            action.choices = [*SUBCOMMANDS, *words_()]
        elif action.dest in ("sources", "styles", "out"):
            action.complete = shtab.DIRECTORY
    print(shtab.complete(p, shell=args.shell))
    return EXIT_OK
