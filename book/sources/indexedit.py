"""Editing index.yaml for the editor (``new``, ``import``): a round trip through ruamel.yaml,
so the file's comments, order, quoting and blank lines stay as the editor left them, and a
value with a colon or a quotation mark in it is quoted correctly (the mistakes people make by
hand). Nothing here checks the edition: the caller runs the index's own checks on the result."""
from __future__ import annotations

import io
import re
from pathlib import Path

from book.core.errors import Problem, UserError

# the order an entry's fields are written in, as in the README's description of the index
CASE_STUDY_ORDER = ("id", "title", "lead", "partners", "themes", "award", "source", "summary",
                    "highlights", "quote", "url")
ORGANISATION_ORDER = ("name", "region", "ics")


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100_000                           # never fold an editor's long line
    yaml.indent(mapping=2, sequence=4, offset=2)   # the house layout: "  - id:" and "      - item"
    return yaml


class IndexFile:
    """index.yaml loaded for editing; ``save`` writes it back through a temporary file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.data = _yaml().load(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(Problem(f"{self.path}: there is no index here: give the edition's folder with --sources, "
                                    "or make one with 'ohwb-book init FOLDER'"))
        except Exception as error:          # ruamel's many parser errors: the build's check words them better
            raise UserError(Problem(f"{self.path}: cannot be read ({str(error).splitlines()[0]}): "
                                    "run 'ohwb-book check' to see the mistake, and correct it first"))
        if not isinstance(self.data, dict):
            raise UserError(Problem(f"{self.path}: is not an edition's index: run 'ohwb-book check'"))

    def text(self) -> str:
        buffer = io.StringIO()
        _yaml().dump(self.data, buffer)
        return buffer.getvalue()

    def save(self) -> None:
        from book.core.fsutil import atomic_write_all

        atomic_write_all({self.path: self.text().encode("utf-8")})

    # ---------------------------------------------------------------- organisations
    def organisations(self):
        from ruamel.yaml.comments import CommentedMap

        if self.data.get("organisations") is None:
            self.data["organisations"] = CommentedMap()
        return self.data["organisations"]

    def organisation_by_name(self, name: str) -> str | None:
        """The key of the organisation with this name (or key), ignoring case and spacing."""
        wanted = _plain(name)
        for key, org in self.organisations().items():
            if _plain(key) == wanted or (isinstance(org, dict) and _plain(org.get("name", "")) == wanted):
                return key
        return None

    def new_organisation_key(self, name: str) -> str:
        """A short key from a name: 'Leeds Teaching Hospitals NHS Trust' -> 'leeds-teaching-hospitals'."""
        words = [w for w in slug(name).split("-") if w not in ("nhs", "foundation", "trust", "the", "of", "and")]
        base = "-".join(words[:4]) or "organisation"
        key, n = base, 2
        while key in self.organisations():
            key, n = f"{base}-{n}", n + 1
        return key

    def set_organisation(self, key: str, fields: dict) -> bool:
        """Add or update an organisation; True when it was added."""
        orgs = self.organisations()
        added = key not in orgs
        if added:
            from ruamel.yaml.comments import CommentedMap

            orgs[key] = CommentedMap()
        _update(orgs[key], fields, ORGANISATION_ORDER)
        if added and len(orgs) > 1:
            # the blank line (and comment) that ended the section ends it still, after the new one
            _set_trailing(orgs[key], _take_trailing(orgs[list(orgs)[-2]]))
        return added

    # ---------------------------------------------------------------- case studies
    def case_studies(self):
        from ruamel.yaml.comments import CommentedSeq

        if self.data.get("case_studies") is None:
            self.data["case_studies"] = CommentedSeq()
        return self.data["case_studies"]

    def case_study(self, case_id: str):
        return next((cs for cs in self.case_studies() if isinstance(cs, dict) and cs.get("id") == case_id), None)

    def set_case_study(self, fields: dict) -> bool:
        """Add or update the case study with ``fields['id']``; True when it was added. Fields
        given empty are removed from an existing entry (the submission no longer has them)."""
        from ruamel.yaml.comments import CommentedMap

        entry = self.case_study(fields["id"])
        added = entry is None
        seq = self.case_studies()
        if added:
            entry = CommentedMap()
            seq.append(entry)
        _update(entry, fields, CASE_STUDY_ORDER)
        if added and len(seq) > 1:
            # what followed the last entry follows the new one; entries stay a blank line apart
            # when the others are
            _set_trailing(entry, _take_trailing(seq[-2]))
            separator = _trailing(seq[-3]) if len(seq) > 2 else None
            if separator is not None and not separator.value.strip():
                _set_trailing(seq[-2], _copy_token(separator))
        return added

    def place_in_part(self, case_id: str, region: str) -> str | None:
        """An edition with ``parts:`` must list every case study in one: a new one goes in the
        part titled as its region, else the last. Returns the part's title when it was placed."""
        parts = (self.data.get("edition") or {}).get("parts")
        if not parts or any(case_id in (part.get("case_studies") or []) for part in parts if isinstance(part, dict)):
            return None
        named = [part for part in parts if isinstance(part, dict) and _plain(part.get("title", "")) == _plain(region)]
        part = (named or [parts[-1]])[0]
        if part.get("case_studies") is None:
            from ruamel.yaml.comments import CommentedSeq

            part["case_studies"] = CommentedSeq()
        part["case_studies"].append(case_id)
        return str(part.get("title", ""))


def _update(entry, fields: dict, order: tuple[str, ...]) -> None:
    """Set the given fields in place (an existing key keeps its place and comments); new keys go
    where ``order`` puts them; empty values remove the key."""
    for name, value in fields.items():
        if value in (None, "", [], {}):
            entry.pop(name, None)
        elif name in entry:
            entry[name] = _node(value)
        else:
            later = [k for k in order[order.index(name) + 1:] if k in entry] if name in order else []
            position = list(entry).index(later[0]) if later else len(entry)
            entry.insert(position, name, _node(value))


def _last_leaf(node):
    """(mapping, key) of the last scalar written in ``node``: ruamel keeps the blank lines and
    comments that follow an entry on it."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while isinstance(node, CommentedMap) and node:
        key = list(node)[-1]
        value = node[key]
        if isinstance(value, CommentedMap) and value and value.fa.flow_style() is not True:
            node = value
        elif isinstance(value, CommentedSeq) and value and isinstance(value[-1], CommentedMap):
            node = value[-1]
        else:
            return node, key
    return None, None


def _trailing(node):
    owner, key = _last_leaf(node)
    if owner is None:
        return None
    slots = owner.ca.items.get(key)
    return slots[2] if slots and len(slots) > 2 else None


def _take_trailing(node):
    owner, key = _last_leaf(node)
    if owner is None or key not in owner.ca.items:
        return None
    token = owner.ca.items[key][2]
    owner.ca.items[key][2] = None
    return token


def _set_trailing(node, token) -> None:
    owner, key = _last_leaf(node)
    if owner is None or token is None:
        return
    slots = owner.ca.items.setdefault(key, [None, None, None, None])
    slots[2] = token


def _copy_token(token):
    from copy import copy

    return copy(token)


def _node(value):
    """Lists in block style, a quote as a small mapping: as an editor would type them."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, list):
        return CommentedSeq(value)
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            if v:
                node[k] = v
        return node
    return value


def slug(text: str) -> str:
    """Lower-case letters, digits and hyphens: the form keys and ids take."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _plain(text) -> str:
    return " ".join(str(text).lower().split())
