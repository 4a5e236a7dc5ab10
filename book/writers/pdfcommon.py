"""What every ReportLab output shares: reproducible canvases, metadata, hyphenation, print marks."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.utils import TimeStamp
from reportlab.platypus.doctemplate import BaseDocTemplate

MM = 72 / 25.4


def fixed_timestamp(build_time: datetime) -> TimeStamp:
    """ReportLab's document clock, set to the build time so equal inputs give equal bytes."""
    stamp = TimeStamp(invariant=1)
    epoch = int(build_time.timestamp())
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


def apply_reproducibility(canv, build_time: datetime) -> None:
    """Call right after making the canvas. ReportLab stamps a new document with the clock (or
    SOURCE_DATE_EPOCH from the environment) and seeds its file id with that stamp: both are
    replaced by the build time, so the bytes depend on the build time alone."""
    from hashlib import md5

    doc = canv._doc
    doc._timeStamp = fixed_timestamp(build_time)
    signature = md5(usedforsecurity=False)
    signature.update(b"a reportlab document")
    signature.update(ascii(doc._timeStamp.t).encode())
    doc.signature = signature


@dataclass(frozen=True)
class PrintMarks:
    """Crop marks with a real bleed: the trim page sits inside a slug border, and backgrounds
    that should bleed are drawn ``bleed`` beyond the trim edge (ReportLab's own bleedWidth
    scales the page content instead, which distorts it)."""

    borderWidth: float
    bleed: float
    markLength: float = 6 * MM
    markWidth: float = 0.25
    markColor: object = None
    markLast: int = 1
    bleedWidth: float = 0

    def boxes(self, width: float, height: float) -> dict:
        bw, b = self.borderWidth, self.bleed
        return {
            "cropMarks": self,
            "trimBox": (bw, bw, bw + width, bw + height),
            "bleedBox": (bw - b, bw - b, bw + width + b, bw + height + b),
        }


def print_marks(style) -> PrintMarks:
    from reportlab.lib.colors import black

    return PrintMarks(borderWidth=style.page.bleed + 9 * MM, bleed=style.page.bleed, markColor=black)


def set_metadata(doc: BaseDocTemplate, edition, subject: str, keywords: list[str]) -> None:
    doc.title = edition.title + (f": {edition.subtitle}" if edition.subtitle else "")
    doc.author = edition.publisher
    doc.subject = subject
    doc.keywords = keywords
    doc.creator = "ohwb-book"
    doc.lang = edition.language
