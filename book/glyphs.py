"""The glyph audit: every character of the edition checked against the house fonts before building."""
from __future__ import annotations

from .errors import Problem, Reporter, UserError


def audit_publication(texts: dict[str, str], style, reporter: Reporter) -> None:
    """Warn for each character drawn from a fallback font; refuse one that no font can draw."""
    missing = []
    for report in style.fonts.audit(texts):
        first_file = report.files[0]
        others = f" (and {len(report.files) - 1} more files)" if len(report.files) > 1 else ""
        if report.fallback:
            reporter.warn(
                "glyph-fallback",
                f"{report.codepoint} {report.name} '{report.char}' is not in the house font: drawn with {report.fallback}{others}",
                first_file,
            )
        else:
            missing.append(Problem(
                f"{report.codepoint} {report.name} '{report.char}' is in no house or fallback font and would print as an empty box{others}:"
                " replace it, or add a fallback font that has it to the style's fonts.fallback",
                first_file,
            ))
    if missing:
        raise UserError(missing)
