"""The quick schema check (book/sources/schemaquick.py) gives jsonschema's answer: an index passes
it exactly when jsonschema's Draft 2020-12 validator finds nothing to say (no problem, no unknown
field), for the editions at hand and for many indexes spoilt at random."""
from __future__ import annotations

import copy

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.core.yamlload import load_yaml
from book.sources import indexschema
from book.sources.schemaquick import passes, reads
from util import ROOT

SCHEMA = indexschema._schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
INDEXES = [ROOT / "sources" / "index.yaml", ROOT / ".." / "shared" / "editions" / "archive" / "index.yaml"]
SAMPLE = load_yaml(ROOT / "sources" / "index.yaml", "index.yaml")


def jsonschema_passes(data) -> bool:
    return next(iter(VALIDATOR.iter_errors(data)), None) is None


def test_the_index_schema_is_read_by_the_quick_check():
    """Else every cold build imports jsonschema again (a keyword added to the schema that
    ``schemaquick`` does not read: teach it that keyword, as jsonschema reads it)."""
    assert reads(SCHEMA)
    assert not reads({"type": "object", "patternProperties": {"^x": {}}})
    assert not reads({"type": "strin"})


@pytest.mark.parametrize("index", [p for p in INDEXES if p.exists()], ids=lambda p: p.resolve().parent.name)
def test_the_editions_pass(index):
    data = load_yaml(index, index.name)
    assert passes(data, SCHEMA) and jsonschema_passes(data)


def _walk(node, path=()):
    """Every (path, node) of the data."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _walk(value, path + (n,))


PLACES = list(_walk(SAMPLE))
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "x", "Imperial", "https://nhs.uk", "http:/x", "en-GB", "e", "2025-01-31", "2025-1-31",
                     "Bad Id", "imperial-oh", "-x", "case-1"]),
    st.lists(st.sampled_from(["", "a", "imperial"]), max_size=2),
    st.dictionaries(st.sampled_from(["source", "title", "text", "name", "role", "other", "region"]),
                    st.sampled_from(["", "x", "case-studies/a.md"]), max_size=3),
)
SPOIL = st.tuples(st.sampled_from(["set", "delete", "add", "empty"]), st.integers(0, len(PLACES) - 1),
                  VALUES, st.sampled_from(["url", "title", "unknown", "source", "name", "id", "Org-1"]))


def _spoil(data, how, place, value, key):
    path, _node = PLACES[place]
    if not path:
        return
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "set":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last][key] = value
    elif how == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    elif how == "empty":
        parent[last] = type(parent[last])() if isinstance(parent[last], (dict, list, str)) else value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SPOIL, min_size=1, max_size=3))
def test_a_spoilt_index_passes_exactly_when_jsonschema_says_it_does(spoils):
    data = copy.deepcopy(SAMPLE)
    for how, place, value, key in spoils:
        try:
            _spoil(data, how, place, value, key)
        except (KeyError, IndexError, TypeError):
            pass        # an earlier spoil took the place away
    assert passes(data, SCHEMA) == jsonschema_passes(data)
