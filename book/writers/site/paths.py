"""Where every page of the site lives, and links between them.

Addresses are paths under the output folder (``site/index.html``, ``one-pagers/leeds.pdf``), so a
link from one page to another, or to the compendium beside the site, is a relative path: the site
works opened from disk and from any folder of any static host.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from book.core.textutil import slug, unique_id

ROOT = "site"
HOME = f"{ROOT}/index.html"
SEARCH = f"{ROOT}/search.html"
ORGANISATIONS = f"{ROOT}/organisations/index.html"
REGIONS = f"{ROOT}/regions/index.html"
THEMES = f"{ROOT}/themes/index.html"
COMPENDIUM_PDF = "compendium.pdf"
COMPENDIUM_EPUB = "compendium.epub"
ONEPAGERS_PDF = "one-pagers.pdf"


def onepager(key: str) -> str:
    return f"one-pagers/{key}.pdf"


def href(page: str, target: str) -> str:
    """The link from ``page`` to ``target`` (both paths under the output folder), relative;
    a fragment (``#x``) is kept."""
    path, hash_, fragment = target.partition("#")
    if path == page:
        return "#" + fragment if hash_ else path.rsplit("/", 1)[-1]
    # by hand, not posixpath.relpath: that asks the operating system for the current folder, on
    # each of the tens of thousands of links a large edition has
    here, there = page.split("/")[:-1], path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:]) + hash_ + fragment


@dataclass
class SiteMap:
    """Each page's path, by what it shows. Case studies keep their ids (the editors' own, already
    safe in a path); organisations their keys; regions and themes get slugs of their names, made
    unique (two themes that differ only in punctuation get two pages)."""

    case_studies: dict[str, str] = field(default_factory=dict)     # chapter id -> path
    front: dict[str, str] = field(default_factory=dict)            # chapter id -> path
    organisations: dict[str, str] = field(default_factory=dict)    # key -> path
    regions: dict[str, str] = field(default_factory=dict)          # region name -> path
    themes: dict[str, str] = field(default_factory=dict)           # theme -> path

    @classmethod
    def of(cls, publication) -> "SiteMap":
        site = cls()
        for chapter in publication.case_studies:
            site.case_studies[chapter.id] = f"{ROOT}/case-studies/{chapter.id}.html"
        used: set[str] = set()
        for chapter in publication.front:
            name = unique_id(slug(chapter.title) or "page", used)
            site.front[chapter.id] = f"{ROOT}/{name}.html"
        for org in publication.organisations:
            site.organisations[org.key] = f"{ROOT}/organisations/{org.key}.html"
        site.regions = _slugged(regions_of(publication), f"{ROOT}/regions")
        site.themes = _slugged(publication.themes, f"{ROOT}/themes")
        return site

    def chapter(self, chapter_id: str) -> str:
        return self.case_studies.get(chapter_id) or self.front[chapter_id]

    def pages(self) -> list[str]:
        return [*self.case_studies.values(), *self.front.values(), *self.organisations.values(),
                *self.regions.values(), *self.themes.values()]


def regions_of(publication) -> list[str]:
    """The regions of the organisations named, in order of first appearance."""
    return list(dict.fromkeys(org.region for org in publication.organisations))


def _slugged(names, folder: str) -> dict[str, str]:
    used = {"index"}
    return {name: f"{folder}/{unique_id(slug(name) or 'x', used)}.html" for name in names}
