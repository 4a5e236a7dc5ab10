"""The glyph audit: every character of the edition checked against the house fonts before building.

What it finds is said once per file, with the fonts named as an editor knows them ("DejaVu
Sans", never the toolkit's internal "Fallback1"): one warning per file and fallback font listing
the characters drawn with it, and one error per file listing every character no font has (a
document in Chinese has hundreds: one line, not one per character).
"""
from __future__ import annotations

from book.core.errors import Problem, Reporter, UserError

LISTED = 12         # characters shown in a message; the rest are counted


def audit_publication(texts: dict[str, str], style, reporter: Reporter) -> None:
    """Warn for the characters drawn from a fallback font; refuse those no font can draw."""
    fonts = style.fonts
    fallback: dict[tuple[str, str, str], list] = {}     # (file, fonts lacking them, fallback font) -> reports
    missing: dict[str, list] = {}                       # file -> reports
    for report in fonts.audit(texts):
        lacking = " and ".join(dict.fromkeys(fonts.family_name(name) for name in report.missing_from))
        for file in report.files:
            if report.fallback and fonts.made_for_script(report.fallback, report.char):
                continue        # an Arabic letter drawn with the Arabic font: what the font is there for
            if report.fallback:
                fallback.setdefault((file, lacking, fonts.family_name(report.fallback)), []).append(report)
            else:
                missing.setdefault(file, []).append(report)
    for (file, lacking, font), reports in fallback.items():
        count = len(reports)
        reporter.warn("glyph-fallback", f"{_characters(count)} not in {lacking} {'is' if count == 1 else 'are'} drawn with"
                      f" {font}: {_listed(reports)}", file)
    if missing:
        raise UserError([
            Problem(f"{_characters(len(reports))} {'is' if len(reports) == 1 else 'are'} in no house or fallback font and"
                    f" would print as empty boxes: {_listed(reports)}; replace {'it' if len(reports) == 1 else 'them'},"
                    " or add a font that has them to the style's fonts.fallback (styles/README.md, 'Fonts for other scripts')",
                    file)
            for file, reports in missing.items()
        ])


def _characters(n: int) -> str:
    return f"{n} character{'s' if n != 1 else ''}"


def _listed(reports) -> str:
    shown = ", ".join(f"'{r.char}' {r.codepoint} {r.name}" if len(reports) <= 3 else f"'{r.char}' {r.codepoint}"
                      for r in reports[:LISTED])
    return shown + (f" and {len(reports) - LISTED} more" if len(reports) > LISTED else "")
