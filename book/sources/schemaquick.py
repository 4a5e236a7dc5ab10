"""Whether data passes a JSON Schema, told without jsonschema: importing it (and the packages it
brings, referencing, attrs...) was 25 ms of every cold build, before pandoc could start, to
learn that a sound index is sound.

``passes`` reads the keywords the index's schema uses, each as jsonschema's Draft 2020-12
validator reads it (``jsonschema/_keywords.py``, ``_types.py``), and says True only when
jsonschema would find nothing to say. An index it does not pass (a problem, an unknown field,
which jsonschema reports as a warning) is checked by jsonschema, which says what is wrong in its
words; a schema with a keyword not read here is always checked by jsonschema (``reads``).
``tests/test_schemaquick.py`` holds the two to the same answer.
"""
from __future__ import annotations

import re
from numbers import Number

_TYPES = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    # bool is an int, and is not an integer; 1.0 is one (Draft 2020-12)
    "integer": lambda value: not isinstance(value, bool) and (
        isinstance(value, int) or (isinstance(value, float) and value.is_integer())),
    "null": lambda value: value is None,
    "number": lambda value: not isinstance(value, bool) and isinstance(value, Number),
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description"})     # they check nothing


def _types(wanted) -> list:
    return wanted if isinstance(wanted, list) else [wanted]


def _type(wanted, value, _schema) -> bool:
    return any(_TYPES[name](value) for name in _types(wanted))


def _required(names, value, _schema) -> bool:
    return not isinstance(value, dict) or all(name in value for name in names)


def _properties(properties, value, _schema) -> bool:
    return not isinstance(value, dict) or all(
        passes(value[name], subschema) for name, subschema in properties.items() if name in value)


def _additional(additional, value, schema) -> bool:
    if not isinstance(value, dict):
        return True
    known = schema.get("properties", {})
    extras = [name for name in value if name not in known]
    if isinstance(additional, dict):
        return all(passes(value[name], additional) for name in extras)
    return bool(additional) or not extras


def _items(items, value, _schema) -> bool:
    return not isinstance(value, list) or all(passes(item, items) for item in value)


def _property_names(names, value, _schema) -> bool:
    return not isinstance(value, dict) or all(passes(name, names) for name in value)


def _one_of(schemas, value, _schema) -> bool:
    return sum(1 for schema in schemas if passes(value, schema)) == 1


def _pattern(pattern, value, _schema) -> bool:
    return not isinstance(value, str) or re.search(pattern, value) is not None


def _at_least(kind: type):
    return lambda least, value, _schema: not isinstance(value, kind) or len(value) >= least


_KEYWORDS = {
    "type": _type, "required": _required, "properties": _properties, "additionalProperties": _additional,
    "items": _items, "propertyNames": _property_names, "oneOf": _one_of, "pattern": _pattern,
    "minLength": _at_least(str), "minItems": _at_least(list), "minProperties": _at_least(dict),
}


def passes(value, schema) -> bool:
    """True when ``value`` passes ``schema`` (one that ``reads`` says yes to)."""
    if isinstance(schema, bool):
        return schema
    return all(check(schema[keyword], value, schema) for keyword, check in _KEYWORDS.items() if keyword in schema)


def reads(schema) -> bool:
    """Whether every keyword of ``schema`` is one ``passes`` reads (else jsonschema must check)."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict):
        return False
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword not in _KEYWORDS or not _READABLE[keyword](value):
            return False
    return True


def _minimum(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_READABLE = {
    "type": lambda wanted: all(isinstance(name, str) and name in _TYPES for name in _types(wanted)),
    "properties": lambda value: isinstance(value, dict) and all(reads(sub) for sub in value.values()),
    "oneOf": lambda value: isinstance(value, list) and all(reads(sub) for sub in value),
    "additionalProperties": reads, "items": reads, "propertyNames": reads,
    "required": lambda value: isinstance(value, list),
    "pattern": lambda value: isinstance(value, str),
    "minLength": _minimum, "minItems": _minimum, "minProperties": _minimum,
}
