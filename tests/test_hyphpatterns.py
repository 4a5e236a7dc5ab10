"""The hyphenation patterns read by ``book.style.hyphpatterns`` are pyphen's own, for every
dictionary pyphen ships: the same keys in the same order, the same offsets and values (and, for
pyphen's nonstandard alternatives, the same data on each value); and words hyphenate the same."""
from __future__ import annotations

import pyphen
import pytest

from book.style.hyphpatterns import read_patterns

DICTIONARIES = sorted(set(pyphen.LANGUAGES.values()))


def _plain(hyph) -> list:
    return [(key, start, tuple((int(v), getattr(v, "data", None)) for v in values))
            for key, (start, values) in hyph.patterns.items()]


@pytest.mark.parametrize("path", DICTIONARIES, ids=lambda p: p.name)
def test_the_patterns_are_pyphens(path):
    ours, theirs = read_patterns(path), pyphen.HyphDict(path)
    assert _plain(ours) == _plain(theirs)
    assert ours.maxlen == theirs.maxlen and ours.cache == theirs.cache == {}
    assert list(vars(ours)) == list(vars(theirs))


def test_words_hyphenate_the_same():
    path = pyphen.LANGUAGES["en_GB"]
    words = ("hyphenation occupational wellbeing rehabilitation musculoskeletal physiotherapy "
             "co-production staff-led Multidisciplinary counselling").split()
    theirs = pyphen.Pyphen(filename=path, cache=False)
    pyphen.hdcache[path] = read_patterns(path)
    try:
        ours = pyphen.Pyphen(lang="en_GB")
        assert ours.hd is pyphen.hdcache[path]
        assert [list(ours.iterate(w)) for w in words] == [list(theirs.iterate(w)) for w in words]
    finally:
        pyphen.hdcache.pop(path, None)


@pytest.mark.parametrize("shape", [b"x1xx2x", b"1x", b"x1", b"x0x", b"xx", b"x12x", b"3", b"x9x8x7"])
def test_a_shape_is_read_as_pyphens_rule_reads_it(shape):
    """Shapes the dictionaries may not have: a final digit, two digits side by side, zeros only."""
    from book.style.hyphpatterns import _pyphen_pattern, _shape_entry

    found = _pyphen_pattern(shape.decode("ascii"))
    assert _shape_entry(shape) == (found[1] if found is not None else None)
