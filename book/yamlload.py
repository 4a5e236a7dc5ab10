"""YAML loading that keeps line numbers and refuses what PyYAML silently accepts.

PyYAML keeps the last of two duplicate keys and happily expands alias bombs. Editors type these
files by hand, so both are errors here, and every mapping remembers the line of each key so a
message can point at it.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

from .errors import Problem, UserError

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
    count = 0
    for token in yaml.scan(text, Loader=_BaseLoader):
        if isinstance(token, yaml.AliasToken):
            count += 1
            if count > MAX_ALIASES:
                raise UserError(Problem(
                    f"more than {MAX_ALIASES} aliases ('*name'): refusing to expand them; write the values out",
                    shown, token.start_mark.line + 1))


def load_yaml(path: Path, shown_as: str | None = None):
    """Load one YAML file; every problem becomes a UserError naming the file and line."""
    shown = shown_as or str(path)
    try:
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
    problems = []
    for number, line_text in enumerate(text.splitlines(), 1):
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
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "invalid YAML").strip()
        raise UserError(
            Problem(f"YAML syntax error: {message}", shown, mark.line + 1 if mark else None, mark.column + 1 if mark else None)
        )
    except yaml.YAMLError as exc:
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
