"""pyphen's hyphenation patterns, read faster: the same ``pyphen.HyphDict``.

pyphen reads a dictionary a pattern at a time, with a regular expression and a tuple built for
each (fifty milliseconds for English, most of reading the style). What a pattern gives depends
only on its digits and where they stand ('.ab1c' and '.xy1z' both give (3, (1,))), and a
dictionary of fourteen thousand patterns has a few hundred such shapes: here every line's letters
and shape are found in one pass over the whole text, and each shape is worked out once, by
pyphen's own rule. Lines pyphen treats apart (``^^hh`` escapes, ``/`` alternatives) are read as
pyphen reads them. tests/test_hyphpatterns.py compares the result with pyphen's for every
dictionary it ships.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyphen

# UTF-8, byte by byte: a digit or a line end stays, a character's first byte becomes 'x' and its
# continuation bytes (0x80-0xBF) go: one 'x' a character, the shape pyphen's rule sees
_SHAPE = bytes(b if b in b"0123456789\n" else ord("x") for b in range(256))
_CONTINUATION = bytes(range(0x80, 0xC0))


def read_patterns(path: Path) -> pyphen.HyphDict:
    """``pyphen.HyphDict(path)``, read faster (the same patterns, in the same order)."""
    with path.open("rb") as fd:
        encoding = fd.readline().decode()
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    lines = [line.strip() for line in path.read_text(encoding).split("\n")[1:]]
    text = "\n".join(lines).encode("utf-8")
    keys = text.translate(None, b"0123456789").decode("utf-8").split("\n")    # each line's letters: pyphen's key
    shapes = text.translate(_SHAPE, _CONTINUATION).split(b"\n")              # its digits and where they stand
    apart = b"^" in text or b"/" in text
    patterns: dict[str, tuple] = {}
    known: dict[bytes, tuple | None] = {}
    ignored = pyphen.ignored
    for line, key, shape in zip(lines, keys, shapes):
        if not line or line.startswith(ignored):
            continue
        if apart and ("^" in line or "/" in line):
            found = _pyphen_pattern(line)
            if found is not None:
                patterns[found[0]] = found[1]
            continue
        entry = known.get(shape, False)
        if entry is False:
            entry = known[shape] = _shape_entry(shape)
        if entry is not None:
            patterns[key] = entry
    hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hyph.patterns = patterns
    hyph.cache = {}
    hyph.maxlen = max(len(key) for key in patterns)
    return hyph


_DIGIT = {b"": 0, **{str(n).encode(): n for n in range(10)}}


def _shape_entry(shape: bytes) -> tuple | None:
    """(start, values) for a line of this shape ('x' a character, its digits), as pyphen's rule
    gives it (``_pyphen_pattern``), read off the digits between the characters: the shape cut at
    each 'x' gives the value before each character and the one after the last (pyphen adds a zero
    after a final digit, which it strips). Half the time of reading the patterns went to the
    rule. Two digits side by side, which pyphen reads as two values, are given to the rule."""
    pieces = shape.split(b"x")
    if max(map(len, pieces)) > 1:
        found = _pyphen_pattern(shape.decode("ascii"))
        return found[1] if found is not None else None
    return _trimmed(tuple(map(_DIGIT.__getitem__, pieces)))


def _trimmed(values: tuple) -> tuple | None:
    """(start, values) with the zeros at either end left off, as pyphen keeps them; None for
    values that are all zeros (pyphen skips that pattern)."""
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, values[start:end]


def _pyphen_pattern(pattern: str) -> tuple[str, tuple] | None:
    """(key, (start, values)) for one stripped line, as ``pyphen.HyphDict.__init__`` makes it;
    None for a pattern of zeros only (pyphen skips it)."""
    pattern = pyphen.parse_hex(lambda match: chr(int(match.group(1), 16)), pattern)
    if "/" in pattern and "=" in pattern:
        pattern, alternative = pattern.split("/", 1)
        factory = pyphen.AlternativeParser(pattern, alternative)
    else:
        factory = int
    tags, values = zip(*[(string, factory(i or "0")) for i, string in pyphen.parse(pattern)])
    entry = _trimmed(values)
    return None if entry is None else ("".join(tags), entry)
