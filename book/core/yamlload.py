"""YAML loading that keeps line numbers and refuses what PyYAML silently accepts.

PyYAML keeps the last of two duplicate keys and happily expands alias bombs. Editors type these
files by hand, so both are errors here, and every mapping remembers the line of each key so a
message can point at it.
"""
from __future__ import annotations

import re
from pathlib import Path

from book.core import limits
from book.core.errors import Problem, UserError
from book.core.lazyregex import deferring

# PyYAML's own reader's test for characters YAML does not allow (3 ms to compile): libyaml's
# parser, used here, checks them itself (``_BaseLoader``)
with deferring({"yaml.reader": "\x85\xa0-"}):
    import yaml
from yaml.constructor import ConstructorError  # noqa: E402

# Bounds an "alias bomb" (a billion laughs): a real index uses a handful of aliases at most.
MAX_ALIASES = 200


class Mapping(dict):
    """A dict that remembers where it and each of its keys came from (1-based lines)."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key) -> int | None:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    line: int | None = None
    item_lines: list

    def line_of(self, index: int) -> int | None:
        try:
            return self.item_lines[index]
        except IndexError:
            return self.line


# libyaml's parser when it is there (ten times faster on a thousand case studies)
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[object, int, int]] = []

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        self.flatten_mapping(node)
        result = Mapping()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(None, None, "a key cannot be a list or mapping", key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key in result:
                self.duplicates.append((key, line, result.key_lines[key]))
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(self, node, deep=False):
        result = Sequence(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


def _construct_map(loader, node):
    return loader.construct_mapping(node)


def _construct_seq(loader, node):
    return loader.construct_sequence(node)


def _construct_timestamp_as_text(loader, node):
    # Dates stay text: they are printed as written, and JSON Schema checks their form.
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def _check_aliases(text: str, shown: str) -> None:
    """Refuse alias bombs before anything is built from them: aliases share nodes, but every
    later pass (validation, iteration) would walk each expansion."""
    if "*" not in text:
        return      # an alias is written '*name': none here (scanning was 40 ms of 1,000 case studies' index)
    count = 0
    for token in yaml.scan(text, Loader=_BaseLoader):
        if isinstance(token, yaml.AliasToken):
            count += 1
            if count > MAX_ALIASES:
                raise UserError(Problem(
                    f"more than {MAX_ALIASES} aliases ('*name'): refusing to expand them; write the values out",
                    shown, token.start_mark.line + 1))


def _scanners_error(text: str) -> yaml.YAMLError | None:
    """The error scanning the whole text meets, if any: the one a file is reported with (the scan
    for aliases met it before the parser could meet another, and that scan is skipped where there
    can be no alias)."""
    try:
        for _token in yaml.scan(text, Loader=_BaseLoader):
            pass
    except yaml.YAMLError as exc:
        return exc
    return None


# What the parser says of the mistakes people make typing YAML by hand, in plain words with the
# fix; ``at``: which of the parser's marks points at the mistake ("context": where the construct
# that was never finished began, as a quote or a bracket that is never closed).
_EXPLAINED = [
    (re.compile(r"mapping values are not allowed"), "problem",
     "a 'name: value' where YAML expected none: line this line up with the others of its section,"
     " and check the line above it; a value with ': ' inside goes in quotes"),
    (re.compile(r"expected <block end>, but found|did not find expected key"), "problem",
     "this line is indented differently from the lines around it: line it up with the others of its section"),
    (re.compile(r"did not find expected '-' indicator"), "problem",
     "a list item without its '- ', or indented differently from the items before it: start each item"
     " with '- ' and line the items up"),
    (re.compile(r"could not find expected ':'"), "problem",
     "a name without its ':' (or a value that runs onto the next line): add the ':', or put the value in quotes"),
    (re.compile(r"end of stream|unexpected end"), "context",
     "a quotation mark opened here is never closed: close it at the end of the value"),
    (re.compile(r"expected ',' or '\]'"), "context", "a list opened with '[' here is never closed: add the ']'"),
    (re.compile(r"expected ',' or '}'"), "context", "a group opened with '{' here is never closed: add the '}'"),
    (re.compile(r"expected comment or line break"), "problem",
     "text after a value's closing quotation mark: put the whole value inside the quotes"),
    (re.compile(r"expected alphabetic or numeric character"), "problem",
     "a value may not begin with '&' or '*' in YAML (they mark anchors and aliases): put the value in quotes"),
    (re.compile(r"block sequence entries are not allowed"), "problem",
     "a '- ' list item on the line of its name: start the list on the next line, each item indented under the name"),
    (re.compile(r"expected node content"), "problem",
     "a value is missing here, or a list or group opened with '[' or '{' is never closed: add the value, or close"
     " the bracket"),
    (re.compile(r"found character .*that cannot start any token"), "problem",
     "a value may not begin with '{found}' in YAML: put the value in quotes"),
    (re.compile(r"found undefined alias"), "problem",
     "'{found}' refers to an anchor that is not defined ('&' and the same name): define it above,"
     " or write the value out"),
]


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    """The parser's complaint as an editor can act on it: the line the mistake is on (the parser
    often notices it a line later), what is wrong, and the fix."""
    said = (exc.problem or exc.context or "invalid YAML").strip()
    mark = exc.problem_mark or exc.context_mark
    message = f"{said}: check this line and the one above it"
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and _TEXT_AFTER_QUOTE.match(lines[mark.line]):
        return Problem("YAML syntax error: text after a value's closing quotation mark: put the whole value inside"
                       " the quotes", shown, mark.line + 1, mark.column + 1)
    over = _over_indented_field(lines, mark) if "expected '-' indicator" in said else None
    if over is not None:
        return Problem(f"YAML syntax error: {over}", shown, mark.line + 1, mark.column + 1)
    for pattern, at, explanation in _EXPLAINED:
        found = pattern.search(said)
        if found:
            if at == "context" and exc.context_mark is not None:
                mark = exc.context_mark
            message = explanation.replace("{found}", _word_at(text, mark))
            break
    if mark is None:
        return Problem(f"YAML syntax error: {message}", shown)
    line, column = mark.line + 1, mark.column + 1
    unclosed = _unclosed_quote_above(lines, line)
    misaligned = _misaligned_line_above(lines, line)
    if unclosed is not None and unclosed != line:
        line, column = unclosed, lines[unclosed - 1].index('"') + 1
        message = "a quotation mark opened on this line is not closed on it: close it at the end of the value"
    elif misaligned is not None:
        line = misaligned
        column = len(text.splitlines()[line - 1]) - len(text.splitlines()[line - 1].lstrip(" ")) + 1
        message = "this line is indented differently from the lines above and below it: line it up with them"
    return Problem(f"YAML syntax error: {message}", shown, line, column)


_FIELD = re.compile(r"^( *)([A-Za-z_][\w-]*):(\s|$)")


def _over_indented_field(lines: list[str], mark) -> str | None:
    """A field indented as far as the list above it (``award:`` under ``themes:``' items): the
    parser asks for a '- '; the editor needs to hear that the field is too far right."""
    if mark is None or mark.line >= len(lines):
        return None
    field = _FIELD.match(lines[mark.line])
    if not field:
        return None
    indent = len(field.group(1))
    for above in reversed(lines[:mark.line]):
        sibling = _FIELD.match(above)
        if sibling and len(sibling.group(1)) < indent:
            return (f"move '{field.group(2)}:' left to line up with '{sibling.group(2)}:' above it "
                    f"({len(sibling.group(1))} spaces in, not {indent}): it is indented as if it were part of "
                    f"'{sibling.group(2)}'")
    return None


def _word_at(text: str, mark) -> str:
    """What stands at ``mark`` in ``text``: a character, or an alias ('*name')."""
    if mark is None:
        return "?"
    rest = text.splitlines()[mark.line][mark.column:] if mark.line < len(text.splitlines()) else ""
    alias = re.match(r"\*[^\s,\]}]+", rest)
    return alias.group() if alias else rest[:1] or "?"


def _unclosed_quote_above(lines: list[str], line: int, reach: int = 30) -> int | None:
    """The nearest line at or above ``line`` (1-based, within ``reach`` lines) whose value opens
    with a double quote that the line does not close: a quoted value left open runs on, and the
    parser stops lines later. (A quote inside a plain value starts nothing.)"""
    for n in range(min(line, len(lines)), max(0, line - reach), -1):
        text = lines[n - 1].replace('\\"', "")
        if _OPENS_QUOTED.match(text) and text.count('"') % 2:
            return n
    return None


_TEXT_AFTER_QUOTE = re.compile(r'\s*(?:- +)?(?:[^"#:]+: +)?"(?:[^"\\]|\\.)*" *[^\s#]')   # name: "value" more
_OPENS_QUOTED = re.compile(r'\s*(?:- +)?(?:[^"#:]+: +)?"')      # [- ][name: ]"value...


def _misaligned_line_above(lines: list[str], line: int) -> int | None:
    """The line above ``line`` (1-based), when it alone is indented differently from its
    neighbours: the usual cause of an error the parser reports on the line after the mistake."""
    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    def content(n: int) -> int | None:     # the nearest line at or above n with content
        while n >= 1 and (not lines[n - 1].strip() or lines[n - 1].lstrip().startswith("#")):
            n -= 1
        return n if n >= 1 else None

    if line > len(lines):
        return None
    here = content(line)
    above = content(here - 1) if here == line else None
    before = content(above - 1) if above else None
    if before is None:
        return None
    suspect = indent(lines[above - 1])
    if indent(lines[here - 1]) == indent(lines[before - 1]) != suspect and not lines[above - 1].lstrip().startswith("- "):
        return above
    return None


# C0 and C1 control characters but tab and the line ends: YAML refuses most of them without a line,
# and reads U+0085 (a Windows "..." decoded as Latin-1) as a line break no editor shows
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_characters(text: str, shown: str) -> list[Problem]:
    problems = []
    for number, line_text in enumerate(text.split("\n"), 1):
        for found in _CONTROL.finditer(line_text):
            problems.append(Problem(f"holds an invisible control character (U+{ord(found.group()):04X}): delete it"
                                    " (retype the text around it)", shown, number, found.start() + 1))
    return problems


def load_yaml(path: Path, shown_as: str | None = None):
    """Load one YAML file; every problem becomes a UserError naming the file and line."""
    shown = shown_as or str(path)
    try:
        size = path.stat().st_size
        if size > limits.MAX_YAML_BYTES and path.is_file():
            raise UserError(Problem(f"is {limits.size_words(size)}; a YAML file is limited to"
                                    f" {limits.size_words(limits.MAX_YAML_BYTES)}: is it the right file?", shown))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(Problem("file not found: create it, or point to the right folder", shown))
    except IsADirectoryError:
        raise UserError(Problem("is a folder, not a YAML file", shown))
    except OSError as exc:
        raise UserError(Problem(f"cannot be read ({exc.strerror}): check its permissions", shown))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(Problem(f"is not UTF-8 text (byte {exc.start}): save it as UTF-8", shown, line))
    if not text.strip():
        raise UserError(Problem("is empty: it needs at least the required sections", shown))
    problems = _control_characters(text, shown)
    for number, line_text in enumerate(text.split("\n"), 1):
        indent = line_text[: len(line_text) - len(line_text.lstrip())]
        if "\t" in indent:
            problems.append(Problem("indented with a tab: YAML needs spaces", shown, number))
    if problems:
        raise UserError(problems)
    loader = None
    try:
        _check_aliases(text, shown)
        loader = _LineLoader(text)
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        exc = _scanners_error(text) or exc
        if isinstance(exc, yaml.MarkedYAMLError):
            raise UserError(syntax_problem(exc, text, shown))
        raise UserError(Problem(f"YAML syntax error: {exc}", shown))
    finally:
        if loader is not None:
            loader.dispose()
    if loader.duplicates:
        raise UserError(
            [
                Problem(f"key '{key}' appears twice (first on line {first}): keep one", shown, line)
                for key, line, first in loader.duplicates
            ]
        )
    return data
