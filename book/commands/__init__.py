"""Commands other than a build: list, init, new, template, import, completion, serve. One module each;
``run_command`` picks it by the first word."""
from __future__ import annotations

import sys

from book.core.errors import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, UserError


def run_command(argv: list[str]) -> int:
    import importlib

    name = argv[0]
    module = importlib.import_module(f".{'import_' if name == 'import' else name}", __name__)
    parser = module.parser()
    try:
        args = parser.parse_args(argv[1:])
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return module.run(args)
    except UserError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was changed.", file=sys.stderr)
        return EXIT_USER_ERROR
