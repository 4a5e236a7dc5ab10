"""ReportLab's paragraph markup read without its HTMLParser, for the markup ``rlspeed`` cannot
make fragments of itself (links, anchors, line breaks, coloured or sized fonts, superscripts,
``<onDraw>`` page references): the contents and index lines, the notes, the one-pagers' labels.

``Paragraph`` makes a ``ParaParser`` (an ``html.parser.HTMLParser``) for each paragraph of markup
and feeds it the text; the tokenizing (a few regular expressions per tag, in Python) cost more
than the parser's own handlers, which make the fragments. The markup the toolkit writes is well
formed, so here it is tokenized with one regular expression into the tuple tree ReportLab's
parser also takes (``ParaParser.tt_parse``, its public interface for pre-parsed markup), which
calls the same handlers, in the same order, with the same arguments, as HTMLParser would:

* a tag's name and its attributes' names lower-cased, the attributes' values unescaped
  (``html.unescape``, as HTMLParser does), in a dict; ``<x/>`` a start and an end;
* each run of text between tags and entities one ``handle_data``, and each entity its own (its
  character, from ReportLab's ``known_entities``, as ``handle_entityref`` gives it).

Anything else gives None, and the caller leaves the markup to ReportLab: a tag not in ``TAGS``,
an attribute without quotes, whitespace other than spaces inside a tag, an entity other than
those in ``_ENTITY``, a character reference, a tag not closed or closed out of order, markup
that starts with ``<para``, and markup the parser's handlers refuse (they then refuse it again,
with ReportLab's own message). ``tests/test_rlspeed.py`` compares the fragments with the parser's.
"""
from __future__ import annotations

import re
from html import unescape

from reportlab.platypus.paraparser import ParaParser, known_entities

# tags whose handlers (start_ and end_) the parser has, and which need nothing of HTMLParser
TAGS = frozenset(("a", "b", "i", "u", "strike", "font", "br", "super", "sub", "span", "ondraw", "strong", "em"))
_ENTITY = "|".join(name for name in ("amp", "lt", "gt", "quot", "nbsp", "apos") if name in known_entities)
_VALUE = r"""(?:"[^"<>]*"|'[^'<>]*')"""
_NAME = r"[A-Za-z_][-A-Za-z0-9_]*"
_PIECE = re.compile(
    rf"<([A-Za-z][A-Za-z0-9]*)((?: +{_NAME}={_VALUE})*) *(/?)>"     # a start tag, or <x/>
    r"|</([A-Za-z][A-Za-z0-9]*)>"                                    # an end tag
    rf"|&({_ENTITY});"                                               # an entity
    r"|([^<&]+)"                                                     # text
)
_ATTRIBUTE = re.compile(rf" +({_NAME})=({_VALUE})")


def parsed_frags(text: str, style, case_sensitive: int = 1) -> list | None:
    """The fragments ReportLab's parser makes of ``text`` (already cleaned), or None when the
    markup is more than this reads (see the module)."""
    if text.startswith("<para"):
        return None
    tree = _tree(text)
    if tree is None:
        return None
    parser = ParaParser()
    parser.caseSensitive = case_sensitive
    try:
        parsed_style, frags, bullet_frags = parser.tt_parse(tree, style)
    except Exception:       # noqa: BLE001 - ReportLab's parser will say what it refuses, in its words
        return None
    if frags is None or bullet_frags or parsed_style is not style:
        return None
    return frags


def _tree(text: str):
    """``('para', {}, children)`` for ``text``, each tag a ``(name, attributes, children)``."""
    root: tuple = ("para", {}, [])
    open_tags = [root]
    children = root[2]
    pos, end = 0, len(text)
    match = _PIECE.match
    while pos < end:
        piece = match(text, pos)
        if piece is None:
            return None
        start, attributes, closed, end_tag, entity, words = piece.groups()
        if words is not None:
            children.append(words)
        elif entity is not None:
            children.append(known_entities[entity])
        elif start is not None:
            name = start.lower()
            if name not in TAGS:
                return None
            node = (name, _attributes(attributes) if attributes else {}, [])
            children.append(node)
            if not closed:
                open_tags.append(node)
                children = node[2]
        else:
            if len(open_tags) == 1 or end_tag.lower() != open_tags[-1][0]:
                return None
            open_tags.pop()
            children = open_tags[-1][2]
        pos = piece.end()
    return root if len(open_tags) == 1 else None


def _attributes(text: str) -> dict:
    found = {}
    for name, value in _ATTRIBUTE.findall(text):
        value = value[1:-1]
        found[name.lower()] = unescape(value) if value else value
    return found
