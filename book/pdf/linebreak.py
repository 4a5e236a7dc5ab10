"""Lines broken as a typographer breaks them: ReportLab's line breaker, checked and run again
where its lines break the house limits.

ReportLab breaks a paragraph greedily: each line takes as many words as fit, and the word that
overflows it is offered to the style's hyphenator (one call per line end, in line order). That
leaves faults a typographer marks on a proof; ``install`` wraps ``Paragraph.breakLines`` so that
each paragraph is checked after it is broken and, where needed, broken again with constraints:

* **More than ``consecutive`` hyphenated line ends in a row.** The broken lines are matched with
  the hyphenator's calls (each call records the break ReportLab took from it). Breaking again,
  the call that made the offending hyphen is refused, so that word moves whole to the next line.
  Calls before it are asked the same questions and answer the same, so the lines above do not
  change. When refusing that hyphen leaves its line loose, an earlier hyphen of the run is
  refused instead.
* **A justified line whose word spaces stretch past ``max_word_space`` normal spaces.** Cures
  tried in turn, each kept only when the lines down to the loose one are then within the limits:
  the word that would not fit hyphenated though it is capitalised (names are kept whole only
  where that costs nothing); the word spaces let shrink by up to ``MAX_SHRINK`` so it fits; the
  line above given a width just short of what it holds, so it gives up its last word (or part of
  it). When nothing helps, the loose line is set ragged (flush left): the last resort.
* **A word wider than the measure in a style that does not hyphenate** (a table header in a
  narrow column) is hyphenated at a dictionary break, with a hyphen, by the style's
  ``lastResortHyphenation``, rather than cut anywhere without one.
* **URLs and e-mail addresses** are broken only after ``/``, ``.``, ``-`` or ``@``, with no
  hyphen added (``url_break_pairs`` replaces ReportLab's URI splitter, which only knew ``/`` in
  addresses with a scheme); a style's ``uriWasteReduce`` lets them break before the line runs out.

The limits come from the house style (``hyphenation_limits``), on each paragraph style as
``lineLimits`` (a ``book.style.house.LineLimits``). Everything is deterministic: the same paragraph is
broken the same way in every process. ``tests/hjmetrics.py`` measures the result on a built PDF.
Here: the breaker installed, and the URLs' break points; the checking and breaking again of one
paragraph is ``rebreak``.
"""
from __future__ import annotations

import re

from reportlab.platypus import paragraph

from book.pdf.rebreak import MAX_FIXES, MAX_SEARCHES, MAX_SHRINK, STATS, Breaker

__all__ = ["install", "url_break_pairs", "paragraph",
           # the breaker's bounds and counts (book.pdf.rebreak), by the names they had when they were here
           "MAX_FIXES", "MAX_SEARCHES", "MAX_SHRINK", "STATS"]

_INSTALLED = False


def install() -> None:
    """Once per process (``book.pdf.rlcontract.install``): ReportLab's breaker checked and re-run."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    from book.pdf import rlspeed

    rlspeed.install()       # beneath this breaker, whichever is asked for first: its fast paths serve both
    original = paragraph.Paragraph.breakLines

    def break_lines(self, width):
        known = self.__dict__.get("blPara")
        if self.__dict__.get("_splitpara") and known is not None and getattr(known, "aW", None) == self.width and known.lines:
            # the first piece of a paragraph split over a page: its lines are the ones the whole
            # paragraph was broken into (broken again, a cure could make it a line longer than
            # the room the split measured, and the page could not take it)
            if not isinstance(known.lines[0], tuple):
                return known
            simple = original(self, width)       # a one-font paragraph's lines: (extra space, words)
            if simple.kind == 0:
                simple.lines = known.lines
                return simple
        if "_tail_of" in self.__dict__:
            # the rest of a paragraph split over a page (``rlspeed``): its lines are the rest of
            # the whole's, already held to the limits; broken again, a long paragraph would be
            # broken once a page (quadratic)
            return original(self, width)
        return Breaker(self, width, original).run()

    break_lines.__wrapped_original__ = original      # for the tests
    paragraph.Paragraph.breakLines = break_lines
    url_break_pairs.__wrapped_original__ = paragraph._uri_split_pairs
    paragraph._uri_split_pairs = url_break_pairs
    rejoin_split_word.__wrapped_original__ = paragraph._rejoinSplitFragWords
    paragraph._rejoinSplitFragWords = rejoin_split_word


# ------------------------------------------------------------------------- words split, joined
def rejoin_split_word(F):
    """ReportLab's ``_rejoinSplitFragWords``: the pieces of a word split at a line end joined
    again (when the rest of a paragraph split over a page is broken into its own lines), less a
    slip. Joining each piece to the next, ReportLab took a hyphen off the end of the first
    (``_shyUnsplit``) even when the word was written with it, while keeping its width: the rest
    of a paragraph split after 'cost-' printed 'costeffective', or broke it again as 'costef-' /
    'fective'. The hyphen the breaker added to a head (``_SplitFragHY``) is still taken off."""
    joined, width, style = [0], 0, None
    for part in F:
        width += part[0]
        added_hyphen = isinstance(part, paragraph._SplitFragHY)
        for piece in part[1:]:
            piece_style, text = piece
            if added_hyphen and piece is part[-1]:
                width -= paragraph.stringWidth(text[-1], piece_style.fontName, piece_style.fontSize) + 1e-8
                text = paragraph._shyUnsplit(text)      # the hyphen the breaker added
            if piece_style is style:
                joined[-1] = (style, _joined(joined[-1][1], text))
            else:
                joined.append((piece_style, text))
                style = piece_style
    joined[0] = width
    return paragraph._reconstructSplitFrags(part)(joined)


def _joined(head: str, tail: str) -> str:
    """``_shyUnsplit(head, tail)`` without taking a hyphen off ``head``: the two texts as one, with
    where the soft hyphens of both were (ReportLab's reckoning of them, kept)."""
    if isinstance(head, paragraph._SHYIndexedStr):
        indices = head._shyIndices[:]
        last = indices[-1]
        indices.extend(i + last for i in getattr(tail, "_shyIndices", ()))
        return paragraph._SHYIndexedStr(head + tail, indices)
    return head + tail


# ---------------------------------------------------------------------------------------- URLs
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+$|^[^\s@/]+@[^\s@/]+\.[^\s@/]+$"
                  r"|^[a-z0-9-]+(?:\.[a-z0-9-]+)+/\S*$", re.I)
_URL_BREAK = re.compile(r"(?<!/)(?<!^)[/.\-@](?=.)|//(?=.)")


def url_break_pairs(word: str):
    """(head, tail) pairs for breaking ``word`` if it is a web or e-mail address, longest head
    first, else None. Breaks only after ``/``, ``.``, ``-`` and ``@`` (never inside ``//``, nor
    inside the scheme), so nothing but the address itself is printed."""
    if not ("/" in word or "@" in word or "." in word or ":" in word) or not _URL.match(word):
        return None         # (every address has one of these: most words are tried without the pattern)
    start = word.find("://") + 3 if "://" in word else 0
    pairs = []
    for m in _URL_BREAK.finditer(word, start):
        cut = m.end()
        if cut - start >= 3 and len(word) - cut >= 3:     # no scrap of an address alone on a line
            pairs.append((word[:cut], word[cut:]))
    pairs.reverse()
    return pairs
