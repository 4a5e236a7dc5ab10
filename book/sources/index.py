"""sources/index.yaml -> a validated, frozen Index.

Validation is declarative (the JSON Schema in ``book/sources/schema/``, applied by
``book.sources.indexschema``) plus the checks a schema cannot express, made here while the Index
is built: unique ids, known organisation keys, parts that list each case study once, and paths
that stay inside the sources folder (``book.sources.indexpaths``). Every problem is collected and
reported at once, with its line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from book.core import limits
from book.core.errors import Problems, Reporter, UserError, Problem, did_you_mean
from book.core.textutil import slug
from book.core.yamlload import load_yaml
from book.sources.indexpaths import SourceRef, resolved_folder, source_label, source_ref
from book.sources.indexschema import check_field_sizes, check_schema

# the book's own pages are named like this in every output (links, page list, outline)
RESERVED_IDS = frozenset({"cover", "imprint", "contents", "body", "title-page", "nav", "toc", "index-organisations", "index-themes"})
RESERVED_PATTERN = re.compile(r"^(front|page)-\d+$")
INDEX_NAME = "index.yaml"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Quote:
    text: str
    name: str = ""
    role: str = ""


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    region: str
    ics: str = ""
    line: int | None = None
    url: str = ""                       # its web page (a QR code on its one-pager)
    featured: tuple[str, ...] = ()      # case-study ids its one-pager shows first, in this order


@dataclass(frozen=True)
class CaseStudy:
    id: str
    title: str
    lead: str
    source: SourceRef
    summary: str
    partners: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    award: str = ""
    highlights: tuple[str, ...] = ()
    quote: Quote | None = None
    url: str = ""
    line: int | None = None

    @property
    def organisations(self) -> tuple[str, ...]:
        return (self.lead, *self.partners)


@dataclass(frozen=True)
class FrontMatter:
    source: SourceRef
    title: str


@dataclass(frozen=True)
class Part:
    title: str
    case_studies: tuple[str, ...]


@dataclass(frozen=True)
class Edition:
    title: str
    edition: str
    publisher: str
    language: str
    identifier: str
    subtitle: str = ""
    date: str = ""
    rights: str = ""
    cover_image: SourceRef | None = None
    front_matter: tuple[FrontMatter, ...] = ()
    parts: tuple[Part, ...] = ()

    @property
    def long_date(self) -> str:
        """'30 November 2025' (whatever the machine's locale), or '' without a date."""
        return long_date(date.fromisoformat(self.date)) if self.date else ""


@dataclass(frozen=True)
class Index:
    edition: Edition
    organisations: dict[str, Organisation]
    case_studies: tuple[CaseStudy, ...]
    path: Path
    sources_dir: Path
    label: str = field(default="sources/index.yaml")

    def keys_hint(self) -> str:
        """The keys --only takes, for a message when a key is not one of them."""
        return (f"; the organisation keys are {', '.join(sorted(self.organisations))}; "
                "'ohwb-book list' shows the case studies' ids too")

    def subset(self, keys: list[str]) -> "Index":
        """The edition limited to some organisations or case studies (``--only``)."""
        ids = {cs.id for cs in self.case_studies}
        unknown = [k for k in keys if k not in ids and k not in self.organisations]
        if unknown:
            choices = list(ids) + list(self.organisations)
            raise UserError([Problem(f"--only {k}: no organisation or case study has this key"
                                     + (did_you_mean(k, choices) or self.keys_hint())) for k in unknown])
        wanted = set(keys)
        kept = tuple(cs for cs in self.case_studies if cs.id in wanted or wanted & set(cs.organisations))
        if not kept:
            raise UserError(Problem(f"--only {' '.join(keys)}: no case study has these organisations or ids, so there is "
                                    "nothing to build: name an organisation that leads or partners a case study"))
        parts = tuple(
            Part(p.title, tuple(i for i in p.case_studies if any(cs.id == i for cs in kept))) for p in self.edition.parts
        )
        edition = Edition(**{**self.edition.__dict__, "parts": tuple(p for p in parts if p.case_studies)})
        return Index(edition, self.organisations, kept, self.path, self.sources_dir, self.label)


def load_index(sources_dir: Path, reporter: Reporter, cache=None) -> Index:
    """The index, checked. ``cache`` (a ``cache.BuildCache``) keeps the parsed and checked YAML
    under the hash of the file's bytes: reading and checking a thousand case studies' entries
    takes longer than a small rebuild. Its warnings are kept too and printed again."""
    path = sources_dir / INDEX_NAME
    label = source_label(sources_dir, INDEX_NAME)
    if not sources_dir.is_dir():
        raise UserError(Problem("sources folder not found: pass the right one with --sources", str(sources_dir)))
    data = _checked_yaml(path, label, reporter, cache)
    problems = Problems()
    resolved_folder.cache_clear()
    index = _build(data, sources_dir, label, problems)
    problems.raise_if_any()
    return index


def _checked_yaml(path: Path, label: str, reporter: Reporter, cache):
    from book.core.cache import digest

    try:
        key = digest("index", label, path.read_bytes()) if cache is not None else None
    except OSError:
        key = None           # load_yaml says what is wrong with the file
    if key is not None:
        found = cache.load("index", [key])[0]
        if found is not None:
            data, warnings = found
            for w in warnings:
                reporter.warn(w.kind, w.message, w.file, w.line)
            return data
    data = load_yaml(path, label)
    check_field_sizes(data, label)         # before anything reads them (a 10 MB title never finished)
    problems, heard = Problems(), Reporter(quiet=True)
    check_schema(data, label, problems, heard)
    for w in heard.warnings:
        reporter.warn(w.kind, w.message, w.file, w.line)
    problems.raise_if_any()
    if key is not None:
        cache.store("index", {key: (data, heard.warnings)})
    return data


def _build(data, sources_dir: Path, label: str, problems: Problems) -> Index:
    organisations = {
        key: Organisation(key, org["name"].strip(), org["region"].strip(), org.get("ics", "").strip(),
                          data["organisations"].line_of(key), org.get("url", ""), tuple(org.get("featured", [])))
        for key, org in data["organisations"].items()
    }
    case_studies = _case_studies(data, sources_dir, label, organisations, problems)
    _check_featured(organisations, case_studies, label, problems)
    edition = _edition(data, sources_dir, label, {cs.id for cs in case_studies}, problems)
    return Index(edition, organisations, tuple(case_studies), sources_dir / INDEX_NAME, sources_dir, label)


def _check_featured(organisations: dict[str, Organisation], case_studies: list[CaseStudy], label: str,
                    problems: Problems) -> None:
    """An organisation's ``featured`` names case studies it leads or takes part in."""
    featuring = [org for org in organisations.values() if org.featured]
    if not featuring:
        return
    taking_part: dict[str, list[str]] = {}
    for cs in case_studies:
        for key in cs.organisations:
            taking_part.setdefault(key, []).append(cs.id)
    for org in featuring:
        own = taking_part.get(org.key, [])
        for case_id in org.featured:
            if case_id not in own:
                problems.add(f"organisation '{org.key}': featured case study '{case_id}' is not one it leads or takes part "
                             f"in{did_you_mean(case_id, own)} (its case studies: {', '.join(own) or 'none'})", label, org.line)


def _case_studies(data, sources_dir, label, organisations, problems) -> list[CaseStudy]:
    parts = [p["title"] for p in data["edition"].get("parts", [])] or [o.region for o in organisations.values()]
    reserved = RESERVED_IDS | {f"part-{slug(title)}" for title in parts}
    seen: dict[str, int] = {}
    result = []
    items = data["case_studies"]
    for position, item in enumerate(items):
        line = items.line_of(position)
        cs_id = item["id"]
        _check_id(cs_id, line, reserved, seen, label, problems)
        _check_organisations(item, organisations, label, problems)
        source = source_ref(sources_dir, item["source"], label, item.line_of("source"), problems, f"case study '{cs_id}': source")
        result.append(_case_study(item, source, line))
    return result


def _check_id(cs_id: str, line, reserved: set[str], seen: dict[str, int], label: str, problems: Problems) -> None:
    """A case study's id is unique and names none of the book's own pages."""
    if cs_id in reserved or RESERVED_PATTERN.match(cs_id):
        problems.add(f"case study id '{cs_id}' is the name of one of the book's own pages: choose another id", label, line)
    if cs_id in seen:
        problems.add(f"case study id '{cs_id}' is used twice (first on line {seen[cs_id]}): give each a unique id", label, line)
    seen.setdefault(cs_id, line)


def _check_organisations(item, organisations: dict[str, Organisation], label: str, problems: Problems) -> None:
    """A case study's lead and partners are organisations of the index."""
    partners = item.get("partners", [])
    for key_name, keys in (("lead", [item["lead"]]), ("partner", partners)):
        for n, key in enumerate(keys):
            if key not in organisations:
                # a partner's own line in the list (the line of 'lead:' for the lead)
                line = partners.line_of(n) if key_name == "partner" and hasattr(partners, "line_of") else item.line_of("lead")
                problems.add(
                    f"case study '{item['id']}': {key_name} '{key}' is not an organisation{did_you_mean(key, organisations)}"
                    " (add it under organisations, or fix the key)",
                    label,
                    line,
                )


def _case_study(item, source: SourceRef | None, line) -> CaseStudy:
    quote = item.get("quote")
    return CaseStudy(
        id=item["id"],
        title=_clean(item["title"]),
        lead=item["lead"],
        source=source,
        summary=_clean(item["summary"]),
        partners=tuple(dict.fromkeys(p for p in item.get("partners", []) if p != item["lead"])),
        themes=tuple(dict.fromkeys(_clean(t) for t in item.get("themes", []))),
        award=_clean(item.get("award", "")),
        highlights=tuple(_clean(h) for h in item.get("highlights", [])),
        quote=Quote(_clean(quote["text"]), _clean(quote.get("name", "")), _clean(quote.get("role", ""))) if quote else None,
        url=item.get("url", ""),
        line=line,
    )


def _edition(data, sources_dir, label, ids: set[str], problems) -> Edition:
    e = data["edition"]
    if e.get("date"):
        try:
            date.fromisoformat(str(e["date"]))
        except ValueError:
            problems.add(f"edition.date: '{e['date']}' is not a real date: write it as YYYY-MM-DD, e.g. 2025-11-30",
                         label, e.line_of("date"))
    front = _front_matter(e.get("front_matter", []), sources_dir, label, problems)
    parts = _parts(e, ids, label, problems)
    cover = None
    if e.get("cover_image"):
        cover = source_ref(sources_dir, e["cover_image"], label, e.line_of("cover_image"), problems, "cover image")
        unusable = cover and cover_problem(cover.path)
        if unusable:
            problems.add(f"edition.cover_image: '{e['cover_image']}' {unusable}", label, e.line_of("cover_image"))
            cover = None
    return Edition(
        title=_clean(e["title"]),
        edition=str(e["edition"]),
        publisher=_clean(e["publisher"]),
        language=e["language"],
        identifier=e["identifier"],
        subtitle=_clean(e.get("subtitle", "")),
        date=str(e.get("date", "")),
        rights=_clean(e.get("rights", "")),
        cover_image=cover,
        front_matter=front,
        parts=parts,
    )


COVER_FORMATS = ("PNG", "JPEG", "GIF")      # what the printed cover and the EPUB's both take


def cover_problem(path: Path) -> str | None:
    """Why the edition's own cover picture cannot be printed or put in the EPUB, or None. (Its
    pictures are only read when an edition has one: Pillow is not imported before pandoc
    starts otherwise.)"""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt, (width, height) = img.format, img.size
                if width * height > limits.MAX_PIXELS:
                    return f"is {width} x {height} pixels, over {limits.MAX_PIXELS // 1_000_000} megapixels: resize it"
                img.verify()
            with Image.open(path) as img:       # (verify reads the structure alone: a cut-off file passes it)
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"is over {limits.MAX_PIXELS // 1_000_000} megapixels: resize it"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"cannot be read ({type(exc).__name__}): it is corrupt or not a picture; export it again as PNG or JPEG"
    if fmt not in COVER_FORMATS:
        return f"is {fmt}: convert it to PNG or JPEG"
    return None


def _front_matter(items, sources_dir: Path, label: str, problems: Problems) -> tuple[FrontMatter, ...]:
    """Each front-matter page: a path, or {source:, title:}; the title defaults to the file's name."""
    front = []
    for position, item in enumerate(items):
        relative = item if isinstance(item, str) else item["source"]
        ref = source_ref(sources_dir, relative, label, items.line_of(position), problems, "front matter")
        title = item.get("title") if isinstance(item, dict) else None
        front.append(FrontMatter(ref, title or Path(relative).stem.replace("-", " ").replace("_", " ").capitalize()))
    return tuple(front)


def _parts(e, ids: set[str], label: str, problems: Problems) -> tuple[Part, ...]:
    """The edition's parts, which (when there are any) list every case study exactly once."""
    parts = []
    listed: set[str] = set()
    for part in e.get("parts", []):
        for cs_id in part["case_studies"]:
            if cs_id in listed:
                problems.add(f"part '{part['title']}': case study '{cs_id}' is already in a part: list each case study once",
                             label, part.line_of("case_studies"))
            if cs_id not in ids:
                problems.add(f"part '{part['title']}': no case study has id '{cs_id}'{did_you_mean(cs_id, ids)}", label, part.line_of("case_studies"))
            listed.add(cs_id)
        parts.append(Part(_clean(part["title"]), tuple(part["case_studies"])))
    if parts and ids - listed:
        missing = ", ".join(sorted(ids - listed))
        problems.add(f"edition.parts leaves out case studies {missing}: add each to a part", label, e.line_of("parts"))
    return tuple(parts)


def _clean(text: str) -> str:
    """Index text is one paragraph: collapse the line breaks YAML folding may leave."""
    return " ".join(str(text).split())
