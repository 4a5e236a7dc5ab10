"""The raw index YAML checked before anything is built from it: every text within its size limit,
and the declarative checks of the JSON Schema in ``book/sources/schema/`` (which editors' YAML
editors can use too), reported with the line and, for a case study, its id rather than its
position. Unknown fields are warnings (an editor's typo should not stop a build).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from book.core import limits
from book.core.errors import Problems, Reporter, did_you_mean
from book.sources.schemaquick import passes, reads

SCHEMA_PATH = Path(__file__).parent / "schema" / "index.schema.json"


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def check_field_sizes(data, label: str) -> None:
    """Every text of the index within its limit (``limits.field_limit``), all over it at once."""
    problems = Problems()
    stack = [(data, None, None)]
    while stack:
        node, name, line = stack.pop()
        if isinstance(node, dict):
            stack += [(value, key, node.line_of(key) if hasattr(node, "line_of") else line) for key, value in node.items()]
        elif isinstance(node, list):
            stack += [(item, name, node.line_of(n) if hasattr(node, "line_of") else line) for n, item in enumerate(node)]
        elif isinstance(node, str) and len(node) > limits.field_limit(str(name)):
            problems.add(f"`{name}` is {len(node)} characters long; it is limited to {limits.field_limit(str(name))}:"
                         " shorten it", label, line)
    problems.items.sort(key=lambda p: p.line or 0)
    problems.raise_if_any()


def _line_at(data, path) -> int | None:
    """The line of the deepest node of ``path`` that has one."""
    line = getattr(data, "line", None)
    node = data
    for step in path:
        if hasattr(node, "line_of"):
            try:
                line = node.line_of(step) or line
            except (KeyError, TypeError):
                break
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _where(path, data=None) -> str:
    """Where in the index: a case study by its id (as the editor knows it), not its position."""
    case_id = _case_id(data, path)
    if case_id:
        rest = _where(path[2:])
        return f"case study '{case_id}'" + ("" if rest == "the file" else f" {rest}")
    parts = []
    for step in path:
        parts.append(f"[{step + 1}]" if isinstance(step, int) else ("." if parts else "") + str(step))
    return "".join(parts) or "the file"


def _case_id(data, path) -> str:
    if not (isinstance(data, dict) and len(path) >= 2 and path[0] == "case_studies" and isinstance(path[1], int)):
        return ""
    try:
        found = data["case_studies"][path[1]].get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def check_schema(data, label: str, problems: Problems, reporter: Reporter) -> None:
    if not isinstance(data, dict):
        problems.add("must be a mapping with edition, organisations and case_studies sections", label, 1)
        return
    schema = _schema()
    if reads(schema) and passes(data, schema):
        return      # nothing to say (jsonschema, 25 ms to import, is asked only to say what is wrong)
    import jsonschema       # here: a build whose index is sound, or cached, does not need it

    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        path = list(error.absolute_path)
        line = _line_at(data, path)
        if error.validator == "additionalProperties":
            _warn_unknown_fields(error, data, path, label, reporter)
        else:
            problems.add(_describe(error, path, data), label, line)


def _warn_unknown_fields(error, data, path, label, reporter: Reporter) -> None:
    known = list(error.schema.get("properties", {}))
    node = error.instance
    for key in node:
        if key not in known:
            reporter.warn(
                "unknown-field",
                f"{_where(path, data)}: unknown field '{key}' is ignored{did_you_mean(key, known)}",
                label,
                _line_at(data, path + [key]),
            )


def _describe(error, path, data=None) -> str:
    where = _where(path, data)
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}: '{missing}' is required: add it"
    if v == "type" and error.validator_value == "string" and isinstance(error.instance, dict) and len(error.instance) == 1:
        key, value = next(iter(error.instance.items()))
        return (f"{where}: put the whole line in quotes, e.g. \"{key}: {value}\": a colon followed by a "
                "space splits a line into a name and a value")
    if v == "type" and path and path[-1] == "quote":
        return f"{where}: write the quote as text, name and role: quote: {{text: ..., name: ..., role: ...}}"
    if v == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        article = "an" if str(wanted)[0] in "aeiou" else "a"
        return f"{where}: must be {article} {wanted}, not {type(error.instance).__name__.replace('Mapping', 'mapping').replace('Sequence', 'list')}"
    if v == "pattern":
        return f"{where}: '{error.instance}' is not in the expected form ({_pattern_hint(path)})"
    if v in ("minLength", "minItems", "minProperties"):
        return f"{where}: must not be empty"
    if v == "oneOf":
        return f"{where}: must be a file path or a mapping with 'source' (and optional 'title')"
    return f"{where}: {error.message}"


def _pattern_hint(path) -> str:
    last = path[-1] if path else ""
    return {
        "language": "a BCP 47 tag such as en-GB",
        "date": "YYYY-MM-DD",
        "id": "lower-case letters, digits and hyphens, e.g. imperial-oh",
        "url": "a web address starting with https://",
    }.get(str(last), "lower-case letters, digits and hyphens")


