"""User-facing problems, warnings and exit codes: the one place messages are shaped.

A *user error* is something an editor or designer can fix in their input (the index, a source,
the style). It never shows a traceback. Anything else that escapes is a bug in the toolkit: it is
reported as one (``bug_report``), never as a mistake in the input, with its own exit status, and
its traceback is kept in a file (or printed with ``-v``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3
REPORT_BUGS_TO = "the toolkit's maintainers (the project's issue tracker)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, printed as one line."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class UserError(Exception):
    """One or more problems in the user's input. Reported all at once, exit status 1."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Warning_:
    """A warning with a kind (for filtering) and a source location."""

    kind: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return "warning: " + str(Problem(self.message, self.file, self.line))


@dataclass
class Reporter:
    """Collects warnings during a build; ``--strict`` turns them into errors at the end."""

    strict: bool = False
    quiet: bool = False
    warnings: list[Warning_] = field(default_factory=list)

    def warn(self, kind: str, message: str, file: str | None = None, line: int | None = None) -> None:
        w = Warning_(kind, message, file, line)
        if w in self.warnings:
            return
        self.warnings.append(w)
        # under --strict a warning is printed once, as the error it becomes (raise_if_strict)
        if not self.quiet and not self.strict:
            print(str(w), file=sys.stderr)

    def raise_if_strict(self) -> None:
        if self.strict and self.warnings:
            raise UserError([Problem(_as_error(w.message) + " (--strict makes warnings errors)", w.file, w.line)
                             for w in self.warnings])


def _as_error(message: str) -> str:
    """A warning's words as an error's: what is ignored without --strict stops the build with it."""
    return message.replace(" is ignored", "")


class Problems:
    """Accumulates problems so that every mistake is reported in one run."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, message: str, file: str | None = None, line: int | None = None, column: int | None = None) -> None:
        self.items.append(Problem(message, file, line, column))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise UserError(self.items)


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    import difflib

    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def and_list(items, conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'a, b or c')."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def bug_report(error: BaseException, out_dir, verbose: bool = False) -> list[str]:
    """The lines that tell an editor a build stopped on a bug in the toolkit, not in their input:
    what broke, where to report it, and where its traceback is (printed with ``verbose``)."""
    import traceback

    trace = "".join(traceback.format_exception(error))
    lines = [f"error: the build stopped on a bug in the toolkit, not a problem in your input ({type(error).__name__}: {_one_line(error)})."]
    if verbose:
        lines.insert(0, trace.rstrip())
        lines.append(f"Please report it, with the traceback above, to {REPORT_BUGS_TO}.")
        return lines
    saved = _save_trace(trace, out_dir)
    where = f"the details are in {saved}" if saved else "run again with -v for the details"
    lines.append(f"Please report it to {REPORT_BUGS_TO}: {where}.")
    return lines


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:160] + ("..." if len(text) > 160 else "")


def _save_trace(trace: str, out_dir) -> str:
    """The file the traceback was written to ('' when none could be): beside the outputs' cache,
    or in the temporary folder when the output folder cannot be written."""
    import os
    import tempfile
    from pathlib import Path

    for folder in (Path(out_dir) / ".cache", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"ohwb-book-bug-{os.getpid()}.txt"
            path.write_text(trace, encoding="utf-8")
            return str(path)
        except OSError:
            continue
    return ""
