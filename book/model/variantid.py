"""Each variant of an edition is a publication of its own, with its own identifier (where a
variant is written: ``book.build.variants``).

The large-print edition, the ``--print`` edition and a subset (``--only``) have page lists of
their own (their pages differ, or a subset's do), so an EPUB of one must not carry the
identifier, or name as its pagination source, the standard edition: a reading system would pair
its page list with the wrong book. ``identifier`` derives the variant's identifier from the
edition's, deterministically (a UUID 5 of the edition's identifier and the variant's name), so it
is stable from build to build; the standard edition keeps the edition's own.
"""
from __future__ import annotations

import uuid


def variant_name(options) -> str:
    """'' for the standard edition; else e.g. 'large-print', 'print', 'only:a,b', joined by '+'."""
    if options is None:
        return ""
    parts = []
    style = getattr(options, "style", "house") or "house"
    if style != "house":
        parts.append(style)
    if getattr(options, "print_marks", False):
        parts.append("print")
    only = getattr(options, "only", None) or []
    if only:
        parts.append("only:" + ",".join(sorted(set(only))))
    return "+".join(parts)


def identifier(edition_identifier: str, options) -> str:
    """The identifier of the variant of the edition that ``options`` build."""
    name = variant_name(options)
    if not name:
        return edition_identifier
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{edition_identifier}#{name}"))


def page_break_source(edition_identifier: str, options) -> str:
    """What the EPUB's page list is taken from: the printed compendium of this variant."""
    name = variant_name(options)
    ident = identifier(edition_identifier, options)
    return f"{ident} (print{', ' + name if name else ''})"
