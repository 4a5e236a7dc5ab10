"""What every ReportLab output shares: the millimetre, and print marks."""
from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4


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
