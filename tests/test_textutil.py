"""``textutil.distinct_characters``: the glyph audit's characters of a converted text, found in
bulk from its UTF-8 bytes; the same as a set of the decoded text's characters, for any text."""
from __future__ import annotations

from hypothesis import given, strategies as st

from book.core.textutil import distinct_characters


@given(st.text())
def test_the_characters_of_any_text_once_each_in_code_point_order(text):
    assert distinct_characters(text.encode("utf-8")) == "".join(sorted(set(text)))


def test_a_converted_text_with_welsh_letters_and_typographers_punctuation():
    text = '{"t":"Str","c":"Ysbyty Gwynedd \u2013 \u201cgwella\u201d, \u0175 \u0177 \u00e2 \u2192 \U0001f600"}'
    assert distinct_characters(text.encode("utf-8")) == "".join(sorted(set(text)))
    assert distinct_characters(b"") == ""
