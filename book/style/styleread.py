"""Reading a style's YAML file and the files it ``extends``, merged into one mapping (mappings
key by key, anything else replaced), remembering the file and line each value came from so that
every problem is reported where it was written.
"""
from __future__ import annotations

from pathlib import Path

from book.core.errors import Problem, UserError, did_you_mean
from book.core.yamlload import load_yaml


class Origins:
    """Where each value came from: key path -> (file as shown, line)."""

    def __init__(self, main_file: str):
        self.lines: dict[tuple, tuple[str, int | None]] = {(): (main_file, None)}

    def at(self, path: tuple) -> tuple[str, int | None]:
        while path not in self.lines:
            path = path[:-1]
        return self.lines[path]


def _merge(target: dict, doc, shown: str, path: tuple, origins: Origins) -> None:
    """Deep-merge ``doc`` into ``target``: mappings merge key by key, anything else replaces."""
    for key, value in doc.items():
        here = path + (key,)
        origins.lines[here] = (shown, doc.line_of(key))
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value, shown, here, origins)
        else:
            target[key] = _copy(value, shown, here, origins)


def _copy(value, shown: str, path: tuple, origins: Origins):
    if isinstance(value, dict):
        out: dict = {}
        _merge(out, value, shown, path, origins)
        return out
    if isinstance(value, list):
        for i in range(len(value)):
            origins.lines[path + (i,)] = (shown, value.line_of(i))
        return [_copy(v, shown, path + (i,), origins) for i, v in enumerate(value)]
    return value


def read_chain(styles_dir: Path, name: str) -> tuple[dict, Origins, list[Path]]:
    """Read a style and the styles it extends; return the merged data, origins and files."""
    docs, asked_by = [], None
    available = sorted(p.stem for p in styles_dir.glob("*.yaml"))
    current = name.removesuffix(".yaml")
    while current is not None:
        path = styles_dir / f"{current}.yaml"
        if current in [p.stem for p, _, _ in docs]:
            chain = " -> ".join([p.stem for p, _, _ in docs] + [current])
            raise UserError(Problem(f"'extends' loops: {chain}; remove one 'extends'", *asked_by))
        if not path.is_file():
            message = f"no style named '{current}' in {styles_dir}{did_you_mean(current, available)}; the styles there are: {', '.join(available) or 'none'}"
            raise UserError(Problem(message, *(asked_by or (None, None))))
        shown = path.as_posix()       # as the user typed --styles, so it opens from where they ran the command
        doc = load_yaml(path, shown)
        if not isinstance(doc, dict):
            raise UserError(Problem("must be a set of sections (name:, palette:, fonts:, ...)", shown, 1))
        docs.append((path, shown, doc))
        current, asked_by = _extends_of(doc, shown)
    data: dict = {}
    origins = Origins(docs[0][1])
    for path, shown, doc in reversed(docs):
        _merge(data, doc, shown, (), origins)
    return data, origins, [p for p, _, _ in reversed(docs)]


def _extends_of(doc, shown: str) -> tuple[str | None, tuple[str, int | None] | None]:
    extends = doc.get("extends")
    where = (shown, doc.line_of("extends"))
    if extends is None:
        return None, where
    if not isinstance(extends, str):
        raise UserError(Problem("'extends' must be the name of another style file in this folder, e.g. house", *where))
    return extends.strip().removesuffix(".yaml"), where
