"""The house style: YAML files in styles/ drive the PDF book, the EPUB and the one-pagers.

``load_style`` reads one style (following ``extends``), has ``book.style.stylecheck`` check everything
a designer can get wrong, and returns a ``HouseStyle``: ReportLab paragraph styles for the PDF
writers and CSS for the EPUB writer (``book.style.css``), from the same data, so the outputs cannot
drift apart. styles/README.md documents the YAML for designers.
"""
from __future__ import annotations

import copy
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

from book.core.errors import did_you_mean
from book.style.fontfiles import file_digest, file_states, recall_files
from book.style.fonts import FontSet
from book.style.contrast import contrast_problem, contrast_ratio, is_large_text, relative_luminance
from book.style.pagecheck import PageGeometry
from book.style.stylecheck import HYPHENATION_LIMITS, STYLE_FORMAT, check_style
from book.style.stylesection import COLOUR_KEYS, REQUIRED_STYLES, RL_KEYS
from book.style.stylevalues import BadValue as _Bad, parse_colour, parse_length

__all__ = [
    "HouseStyle", "PageGeometry", "load_style", "hyphenator", "preload_hyphenation", "pyphen_language",
    # the checks' vocabulary and the WCAG contrast helpers, for writers and tests
    "REQUIRED_STYLES", "contrast_problem", "contrast_ratio", "is_large_text", "parse_colour", "parse_length",
    "relative_luminance",
]

@functools.lru_cache(maxsize=None)
def pyphen_language(language: str) -> str:
    """BCP 47 'en-GB' -> pyphen's 'en_GB'; the bare language when pyphen lacks the region; ''
    when pyphen has no dictionary for it (then the text is not hyphenated)."""
    import pyphen

    tag = language.replace("-", "_")
    if tag in pyphen.LANGUAGES:
        return tag
    base = tag.split("_")[0]
    return next((lang for lang in sorted(pyphen.LANGUAGES) if lang.split("_")[0] == base), "")


@dataclass(frozen=True)
class LineLimits:
    """What ``book.pdf.linebreak`` holds a paragraph style's lines to (``hyphenation_limits``)."""

    consecutive: int = 2            # hyphenated line ends in a row, at most
    max_word_space: float = 2.0     # a justified line's word space, at most, in normal spaces

    def __reduce__(self):
        # a style unpickled in a worker process brings the line breaker with it
        return (line_limits, (self.consecutive, self.max_word_space))


def line_limits(consecutive: int, max_word_space: float) -> LineLimits:
    from book.pdf import rlcontract

    rlcontract.install()        # a worker started afresh (not forked) has not installed them yet
    return LineLimits(consecutive, max_word_space)


class Hyphenator:
    """pyphen's break points, except that a word with a hyphen breaks after it, not before:
    pyphen offers 'under' + '-resourced', which ReportLab would print as 'under-' / '-resourced'.
    Within the house's limits: at least ``left`` letters before a break and ``right`` after it,
    words of ``min_word`` letters or more, capitalised words (names) only if ``capitalised``
    (or, through ``names_too``, where the line breaker finds no other cure for a loose line).
    A class, not a closure, so paragraph styles pickle into one-pager worker processes."""

    def __init__(self, lang: str, left: int = 2, right: int = 2, min_word: int = 5, capitalised: bool = True):
        self.lang = lang
        self.left, self.right, self.min_word, self.capitalised = left, right, min_word, capitalised
        self._dictionary = None
        self._splits: dict[str, tuple] = {}     # the line breaker asks again for every line a word ends

    def __reduce__(self):
        return (hyphenator, (self.lang, self.left, self.right, self.min_word, self.capitalised))

    def __call__(self, word: str):
        return iter(self._points(word, self.capitalised))

    def names_too(self, word: str):
        """The break points even inside a capitalised word: the line breaker breaks a name only
        where keeping it whole would leave a loose line."""
        return iter(self._points(word, True))

    def _points(self, word: str, names: bool) -> tuple:
        key = (word, names)
        splits = self._splits.get(key)
        if splits is None:
            if len(self._splits) > 200_000:
                self._splits.clear()
            splits = self._splits[key] = self._break_points(word, names)
        return splits

    def _break_points(self, word: str, names: bool) -> tuple:
        """(head, tail) pairs, longest head first (ReportLab takes the first that fits)."""
        if len(word) < self.min_word:
            return ()
        # after the word's own hyphens, even in a name: nothing is split that was not already
        points = {word[:i + 1]: word[i + 1:] for i, c in enumerate(word) if c == "-" and 0 < i < len(word) - 1}
        if names or not word[:1].isupper():
            if self._dictionary is None:
                self._dictionary = _pyphen(self.lang, self.left, self.right)
            for head, tail in self._dictionary.iterate(word):
                # pyphen counts the word's own hyphen as a letter: 'co-' + 'production' is too short
                if tail.startswith("-"):
                    head, tail = head + "-", tail[1:]
                points.setdefault(head, tail)
        return tuple(sorted(((h, t) for h, t in points.items() if self._long_enough(h, t)),
                            key=lambda pair: -len(pair[0])))

    def _long_enough(self, head: str, tail: str) -> bool:
        """At least ``left`` letters before the break and ``right`` after it, each part of a
        compound counted alone: not 'MSK-re-' / 'lated', nor 'need-' / 's-based'."""
        left = head[:-1].rsplit("-", 1)[-1] if head.endswith("-") else head.rsplit("-", 1)[-1]
        return _letters(left) >= self.left and _letters(tail.split("-", 1)[0]) >= self.right


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


@functools.lru_cache(maxsize=None)
def hyphenator(lang: str, left: int = 2, right: int = 2, min_word: int = 5, capitalised: bool = True) -> Hyphenator:
    return Hyphenator(lang, left, right, min_word, capitalised)


def _pyphen(lang: str, left: int, right: int):
    """pyphen's hyphenator, its patterns read by ``hyphpatterns`` (the same, four times faster)
    unless they were read already (``preload_hyphenation``)."""
    import pyphen

    from book.style.hyphpatterns import read_patterns

    path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = read_patterns(path)
    return pyphen.Pyphen(lang=lang, left=left, right=right)


def preload_hyphenation(language: str, cache) -> None:
    """pyphen's patterns for ``language`` (BCP 47) from the build cache: reading a dictionary
    takes ten milliseconds (``hyphpatterns``; pyphen's own reading, fifty); unpickling it, five.
    Kept there when read. (Called before worker processes are forked, so that they have them too.)"""
    import pyphen

    from book.core.cache import digest
    from book.style.hyphpatterns import read_patterns

    tag = pyphen_language(language)
    if not tag:
        return
    path = pyphen.LANGUAGES[tag]
    if path in pyphen.hdcache:
        return
    try:
        st = path.stat()
    except OSError:
        return
    key = digest("hyphenation", pyphen.__version__, str(path), st.st_size, st.st_mtime_ns)
    patterns = cache.load("hyphenation", [key])[0]
    if not isinstance(patterns, pyphen.HyphDict):
        patterns = read_patterns(path)
        cache.store("hyphenation", {key: patterns})
    pyphen.hdcache[path] = patterns


@dataclass(frozen=True, eq=False)
class HouseStyle:
    """A checked, fully resolved house style. Treat its dicts as read-only."""

    name: str  # the file stem, e.g. 'large-print'
    title: str  # the style's own `name:`, e.g. 'NHS house style'
    files: tuple[Path, ...]  # the YAML files read, base first
    palette: dict[str, str]
    page: PageGeometry
    fonts: FontSet
    styles: dict[str, dict]
    onepager: dict
    hyphenate: bool
    min_text_size: float | None = None
    hyphenation_limits: dict = field(default_factory=dict)   # see stylecheck.HYPHENATION_LIMITS
    surfaces: dict[str, str] = field(default_factory=dict)   # cover, part opener... -> '#RRGGBB'
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def color(self, name_or_hex: str) -> str:
        """A palette name or hex colour -> '#RRGGBB'."""
        try:
            return parse_colour(name_or_hex, self.palette)
        except _Bad as exc:
            raise ValueError(str(exc)) from None

    def paragraph_style(self, name: str, *, lang: str | None = "en-GB", **overrides) -> ParagraphStyle:
        """The ReportLab style for ``name``, hyphenating in ``lang`` (None: never).

        Cached and shared: never change the result; pass ``overrides`` (ReportLab attributes,
        colours may be palette names) to get a fresh copy, e.g. for copy-fitting.
        """
        if name not in self.styles:
            raise KeyError(f"no style {name!r}{did_you_mean(name, self.styles)}")
        if overrides:
            return self._make_paragraph_style(name, lang, overrides)
        key = ("paragraph", name, lang)
        if key not in self._cache:
            self._cache[key] = self._make_paragraph_style(name, lang, {})
        return self._cache[key]

    def _make_paragraph_style(self, name: str, lang: str | None, overrides: dict) -> ParagraphStyle:
        self.fonts.register()
        style = self.styles[name]
        values = {k: v for k, v in style.items() if k in RL_KEYS}
        # a web or e-mail address breaks at its punctuation whenever the line would be left short
        # (ReportLab's default, 0, breaks one only when it is wider than the whole line)
        values["uriWasteReduce"] = values.get("uriWasteReduce") or 0.001
        values.update(overrides)
        for key in COLOUR_KEYS & values.keys():
            if isinstance(values[key], str):
                values[key] = colors.HexColor(self.color(values[key]))
        tag = pyphen_language(lang) if self.hyphenate and style["hyphenate"] and lang else ""
        values["hyphenationLang"] = self._hyphenator(tag) if tag else ""
        result = ParagraphStyle(name, **values)
        # read by book.pdf.linebreak; inherited by styles made from this one
        limits = {**HYPHENATION_LIMITS, **self.hyphenation_limits}
        result.lineLimits = line_limits(limits["consecutive"], limits["max_word_space"])
        # a word no line holds, in a style that does not hyphenate, is hyphenated all the same
        # rather than cut without a hyphen (a table header in a narrow column)
        fallback = pyphen_language(lang) if lang and not tag else ""
        result.lastResortHyphenation = self._hyphenator(fallback) if fallback else None
        return result

    def _hyphenator(self, tag: str) -> Hyphenator:
        limits = {**HYPHENATION_LIMITS, **self.hyphenation_limits}
        return hyphenator(tag, limits["min_left"], limits["min_right"], limits["min_word"], limits["capitalised"])

    def css(self) -> str:
        """The EPUB style sheet, derived from the same data as the PDF styles."""
        if "css" not in self._cache:
            from book.style.css import CssWriter

            self._cache["css"] = CssWriter(self).write()
        return self._cache["css"]

    def fingerprint(self) -> str:
        """sha256 over the style's YAML and font files: changes whenever the output would."""
        if "fingerprint" not in self._cache:
            digest = hashlib.sha256(f"style-format {STYLE_FORMAT}\n{self.name}\n".encode())
            for file in self.files:
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
            for faces in [*self.fonts.families.values(), *self.fonts.fallback]:
                for face, file in sorted(faces.items()):
                    digest.update(f"{face}:{file_digest(file)}\n".encode())
            self._cache["fingerprint"] = digest.hexdigest()
        return self._cache["fingerprint"]


def load_style(styles_dir: Path, name: str = "house", kept=None) -> HouseStyle:
    """Read, check and resolve ``styles_dir/<name>.yaml``; UserError lists every problem.

    What checking gives is kept by the style's content (its YAML files and its fonts' digests):
    a process that loads the same style again (watch mode and the preview server rebuild after
    every save) is given a new HouseStyle made from it without reading and checking it again.
    A new one, with fonts of its own, so that nothing a build did to the last one (ReportLab's
    font mappings, changed by an SVG picture's drawing, are made again by ``fonts.register``
    for each new FontSet) reaches the next build. ``kept``, the user's cache
    (``book.core.usercache``): a new process takes it from there, its font files unchanged."""
    styles_dir = Path(styles_dir)
    place, key = (str(styles_dir.resolve()), name), _content_key(styles_dir, name)
    known = _CHECKED.get(place)
    if known is None or known[0] != key or _font_digests(known[1]["fonts"]) != known[2]:
        checked = _kept_check(kept, place, key) if kept is not None else None
        if checked is None:
            checked = check_style(styles_dir, name)
            if kept is not None:
                _keep_check(kept, place, key, checked)
        known = _CHECKED[place] = (key, checked, _font_digests(checked["fonts"]))
    # the line breaker every paragraph style brings (with all ReportLab's replacements, as
    # book.pdf.rlcontract lists them), installed before any worker is forked: each worker
    # imported it again (10 to 30 ms each)
    from book.pdf import rlcontract

    rlcontract.install()
    return HouseStyle(**_fresh(known[1]))


_CHECKED: dict[tuple[str, str], tuple[str, dict, tuple]] = {}   # (folder, name) -> (content key, checked, fonts)


def _kept_key(place: tuple[str, str], key: str) -> str:
    from reportlab import Version

    from book.core.cache import digest

    return digest("checked style", *place, key, Version)


def _kept_check(kept, place: tuple[str, str], key: str) -> dict | None:
    """What checking the style gave, from the user's cache, if its font files are unchanged."""
    entry = kept.load("checked style", [_kept_key(place, key)])[0]
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], dict)):
        return None
    checked, files = entry
    return checked if recall_files(files) else None


def _keep_check(kept, place: tuple[str, str], key: str, checked: dict) -> None:
    fonts = checked["fonts"]
    files = file_states(file for faces in [*fonts.families.values(), *fonts.fallback] for _, file in sorted(faces.items()))
    if files is not None:
        kept.store("checked style", {_kept_key(place, key): (checked, files)})
        kept.evict()


def _fresh(checked: dict) -> dict:
    """A copy of what ``check_style`` gave that no build has touched, with fonts of its own."""
    fonts = checked["fonts"]
    fresh = copy.deepcopy({k: v for k, v in checked.items() if k != "fonts"})
    fresh["fonts"] = FontSet(families=copy.deepcopy(fonts.families), fallback=copy.deepcopy(fonts.fallback),
                             css_stacks=dict(fonts.css_stacks))
    return fresh


def _content_key(styles_dir: Path, name: str) -> str:
    """sha256 over every style file of the folder (a style extends only styles beside it):
    any change to the style read, or to one it extends, changes it."""
    digest = hashlib.sha256(f"style-format {STYLE_FORMAT}\n{name}\n".encode())
    for path in sorted(styles_dir.glob("*.yaml")):
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            digest.update(path.name.encode() + b"\0unreadable\0")
    return digest.hexdigest()


def _font_digests(fonts: FontSet) -> tuple:
    """The style's font files and their contents' digests (kept by size and time: cheap)."""
    try:
        return tuple((str(file), file_digest(file)) for faces in [*fonts.families.values(), *fonts.fallback]
                     for _face, file in sorted(faces.items()))
    except OSError:
        return ()
