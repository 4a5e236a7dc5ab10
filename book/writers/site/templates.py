"""The page shell every page of the site shares, and the pieces pages repeat.

Markup is made only with the EPUB writer's ``el``/``text``/``attr`` (``book.writers.markup.xhtml``):
every text from the sources is escaped there, so nothing an index or a source holds becomes
markup. Each page has one ``h1``, a skip link to its ``main``, a banner, a labelled main
navigation and a footer; no script is needed to read any of it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from book.writers.markup.xhtml import HOLD, attr, el, text
from book.writers.site import paths

# No script but the site's own files (so none in the page); nothing from any other host. Style
# attributes stay allowed: the EPUB's renderer aligns table cells with them.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'")
STYLESHEET = f"{paths.ROOT}/assets/style.css"
SECTIONS = (("Case studies", paths.HOME), ("Organisations", paths.ORGANISATIONS), ("Regions", paths.REGIONS),
            ("Themes", paths.THEMES), ("Search", paths.SEARCH))
_EPUB_ONLY = re.compile(r' epub:type="[^"]*"')
_TAG = re.compile(r"<[^>]*>")       # text never holds '<' or '>' (escaped), so this finds tags only


@dataclass
class Shell:
    """What every page shows around its own content."""

    title: str          # the edition's
    subtitle: str
    publisher: str
    rights: str
    lang: str


def for_web(markup: str) -> str:
    """The EPUB renderer's markup for a web page: its print-page place holders and EPUB-only
    attributes taken out (inside tags only: a text that quotes such an attribute keeps it)."""
    return _TAG.sub(lambda tag: _EPUB_ONLY.sub("", tag.group(0)), HOLD.sub("", markup))


def page(shell: Shell, here: str, title: str, body: str, section: str = "", scripts: tuple[str, ...] = ()) -> bytes:
    """A whole page at path ``here``; ``section``: the main navigation's entry it belongs to.
    ``body`` is markup made here and in ``pages`` (the EPUB renderer's passes ``for_web`` first)."""
    link = lambda target: attr(paths.href(here, target))  # noqa: E731
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{attr(CSP)}">',
        el("title", text(title if title == shell.title else f"{title} \u2013 {shell.title}")),
        f'<link rel="stylesheet" href="{link(STYLESHEET)}">',
        *(f'<script src="{link(script)}" defer></script>' for script in scripts),
    ]
    parts = [
        '<a class="skip-link" href="#main">Skip to main content</a>',
        banner(shell, here, section),
        f'<main id="main" tabindex="-1">\n{body}\n</main>',
        footer(shell, here),
    ]
    return (f'<!DOCTYPE html>\n<html lang="{attr(shell.lang)}">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            "<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n").encode("utf-8")


def banner(shell: Shell, here: str, section: str) -> str:
    home = el("a", text(shell.title), href=paths.href(here, paths.HOME), class_="site-title")
    sub = el("p", text(shell.subtitle), class_="site-subtitle") if shell.subtitle else ""
    items = "".join(el("li", el("a", text(name), href=paths.href(here, target),
                                aria_current="page" if name == section else None)) for name, target in SECTIONS)
    nav = el("nav", el("ul", items), aria_label="Main", class_="site-nav")
    return el("header", el("div", home + sub + nav, class_="wrap"), class_="site-header")


def footer(shell: Shell, here: str) -> str:
    downloads = el("ul", "".join(el("li", link) for link in download_links(here)), class_="inline-list")
    lines = [el("p", text(shell.publisher), class_="site-publisher")]
    if shell.rights:
        lines.append(el("p", text(shell.rights)))
    body = el("h2", "Downloads", class_="footer-heading") + downloads + "".join(lines)
    return el("footer", el("div", body, class_="wrap"), class_="site-footer")


def download_links(here: str) -> list[str]:
    files = (("The compendium (PDF)", paths.COMPENDIUM_PDF), ("The compendium (EPUB)", paths.COMPENDIUM_EPUB),
             ("Every one-page summary (PDF)", paths.ONEPAGERS_PDF))
    return [el("a", text(label), href=paths.href(here, target)) for label, target in files]


def visually_hidden(words: str) -> str:
    return el("span", text(words), class_="visually-hidden")


def cards(here: str, chapters, site: paths.SiteMap, level: int = 2) -> str:
    """Case studies as the Network's own page lists them: the title, who, the summary and a
    "Read case study" link (named with the title too, for a list of links read on its own)."""
    items = []
    for chapter in chapters:
        cs = chapter.case_study
        who = chapter.lead.name + (" with " + " and ".join(p.name for p in chapter.partners) if chapter.partners else "")
        more = el("a", "Read case study" + visually_hidden(f": {chapter.title}"), href=paths.href(here, site.chapter(chapter.id)),
                  class_="read-more")
        items.append(el("li", el(f"h{level}", text(chapter.title), class_="card-title") + el("p", text(who), class_="card-org")
                        + el("p", text(cs.summary), class_="card-summary") + el("p", more), class_="card"))
    return el("ul", "".join(items), class_="cards")


def link_list(here: str, entries: list[tuple[str, str, str]], label: str = "") -> str:
    """(text, target, note) as a list of links; the note (a count) after each."""
    items = "".join(el("li", el("a", text(name), href=paths.href(here, target)) + (" " + el("span", text(note), class_="count") if note else ""))
                    for name, target, note in entries)
    return el("ul", items, class_="link-list", aria_label=label or None)


def count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
