"""Text alternatives and captions: a picture's alt text and its caption are read one after the
other, so alt text that repeats the caption is read twice. ``repeats_caption`` finds it; the
writers then keep the caption and leave the alt text out of the read-out (EPUB: ``alt=""``,
the figure's caption describing it; PDF: the Figure's /Alt names the figure and points to its
caption), and ``editorial.check_alt_text`` tells the editor.
"""
from __future__ import annotations

import re

_LABEL = re.compile(r"^\s*(figure|fig\.|chart|image|graph)\s*\d*[.:]?\s*", re.I)


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", " ", _LABEL.sub("", text or "")).strip().lower()


def repeats_caption(alt: str, caption: str) -> bool:
    """The alt text says nothing the caption does not (the same words, a figure label aside)."""
    a, c = _plain(alt), _plain(caption)
    return bool(a) and a == c


def figure_alt(alts: list[str], caption: str, label: str = "") -> str:
    """The PDF Figure's /Alt: the images' alt text, or, where that only repeats the caption (or
    is missing), a short pointer to the caption, which is read next."""
    alt = " ".join(a for a in alts if a)
    if caption and (not alt or repeats_caption(alt, caption)):
        return f"{label or 'Figure'}, described in its caption"
    return alt or caption or "Figure"
