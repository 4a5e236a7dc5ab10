"""The project file, ``ohwb.yaml`` beside ``index.yaml``: the options an editor would otherwise
type every time. The command line wins over it; it wins over the built-in defaults.

    # ohwb.yaml
    style: large-print      # a style in the styles folder
    styles: ../styles       # the styles folder
    out: ../dist            # the output folder (variants get folders of their own beneath it)
    print: true             # crop marks and bleed
    strict: true            # warnings fail the build
    only: [imperial]        # a subset edition
    targets: [pdf, epub]    # what to build (default: all three)

Paths are relative to the folder the project file is in, as the paths in index.yaml are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from book.core.errors import Problem, UserError, and_list, did_you_mean

PROJECT_FILE = "ohwb.yaml"
_FIELDS = {"style": str, "styles": str, "out": str, "print": bool, "strict": bool, "only": list, "targets": list}


@dataclass
class Project:
    path: Path | None = None
    values: dict = field(default_factory=dict)

    def get(self, name, default=None):
        return self.values.get(name, default)

    def path_of(self, name) -> Path | None:
        """A folder named in the project file, resolved from the file's own folder."""
        value = self.values.get(name)
        if value is None:
            return None
        return Path(value) if Path(value).is_absolute() else self.path.parent / value


def load_project(sources: Path, outputs: tuple[str, ...]) -> Project:
    """``sources/ohwb.yaml`` if there is one, checked (``outputs``: the words that name the outputs):
    every problem at once, with its line."""
    path = Path(sources) / PROJECT_FILE
    if not path.is_file():
        return Project()
    import yaml

    label = str(path)
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise UserError(Problem(f"{label}: not readable as YAML ({_first_line(error)}); "
                                "write one 'name: value' per line, e.g. 'style: large-print'"))
    if data is None:
        return Project(path, {})
    if not isinstance(data, dict):
        raise UserError(Problem(f"{label}: expected lines of 'name: value', e.g. 'style: large-print'"))
    lines = {k.value: k.start_mark.line + 1 for k, _v in node.value} if node is not None else {}
    problems = [p for name, value in data.items() for p in _check(label, lines.get(name), name, value, outputs)]
    if problems:
        raise UserError(problems)
    # a list option given one value ("only: imperial") is a list of one
    return Project(path, {k: [v] if _FIELDS[k] is list and isinstance(v, str) else v for k, v in data.items()})


def _check(label: str, line: int | None, name, value, outputs: tuple[str, ...]) -> list[Problem]:
    where = f"{label}:{line}" if line else label
    if name not in _FIELDS:
        return [Problem(f"{where}: unknown option '{name}'{did_you_mean(name, _FIELDS)}; "
                        f"the options are {', '.join(_FIELDS)}")]
    kind = _FIELDS[name]
    if kind is list and isinstance(value, str):
        value = [value]
    if not isinstance(value, kind):
        example = {bool: "true or false", str: "a name or folder", list: "a list such as [a, b]"}[kind]
        return [Problem(f"{where}: '{name}' should be {example}")]
    if name == "targets":
        return [Problem(f"{where}: '{t}' is not an output: use {and_list(outputs, 'or')}{did_you_mean(t, outputs)}")
                for t in value if t not in outputs]
    return []


def _first_line(error) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
