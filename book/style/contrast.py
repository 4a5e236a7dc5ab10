"""WCAG 2.2 contrast: the relative luminance of a colour, the ratio of two, and why a pair of text
and background colours fails level AA (4.5:1, or 3:1 for large text), said with its fix.
"""
from __future__ import annotations

import math


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of '#RRGGBB': 0 for black, 1 for white."""
    channels = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(text: str, background: str) -> float:
    """WCAG 2.2 contrast ratio of two '#RRGGBB' colours, from 1.0 to 21.0."""
    light, dark = sorted((relative_luminance(text), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def is_large_text(size: float, bold: bool) -> bool:
    """WCAG 'large scale' text: 18 pt, or 14 pt bold."""
    return size >= 18 or (bold and size >= 14)


def contrast_problem(text: str, background: str, size: float, bold: bool, background_is: str = "") -> str | None:
    """Why this pair fails WCAG 2.2 AA (4.5:1, or 3:1 for large text), or None."""
    ratio = contrast_ratio(text, background)
    large = is_large_text(size, bold)
    need = 3.0 if large else 4.5
    if ratio >= need:
        return None
    shown = math.floor(ratio * 100) / 100  # never round 4.499 up to a passing-looking 4.50
    text_lum, back_lum = relative_luminance(text), relative_luminance(background)
    light_text = text_lum > back_lum or (text_lum == back_lum and text_lum > 0.5)
    fix = "lighten the text or darken the background" if light_text else "darken the text or lighten the background"
    return (f"text {text} on {background}{background_is} has contrast {shown:.2f}:1, below the {need:g}:1 WCAG 2.2 AA "
            f"needs for {'large' if large else 'body'} text; {fix}")
