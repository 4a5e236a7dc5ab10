"""`ohwb-book init DIR`: a new edition folder to start from, laid out as the commands expect
when run from it (sources/, styles/, dist/ when built)."""
from __future__ import annotations

import argparse
import shutil
import uuid
from datetime import date
from pathlib import Path

from book.core.errors import EXIT_OK, Problem, UserError

STARTER = Path(__file__).with_name("starter")
TOOLKIT_STYLES = Path(__file__).resolve().parents[2] / "styles"     # the house style beside the toolkit


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ohwb-book init", description="Make a new edition folder to start from.",
                                epilog="example:\n  ohwb-book init ohwb-2026 && cd ohwb-2026 && ohwb-book",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path, metavar="DIR", help="the new folder (must not exist, or be empty)")
    p.add_argument("--styles", type=Path, default=TOOLKIT_STYLES, metavar="DIR",
                   help="the style to copy in (default: the toolkit's house style)")
    return p


def run(args) -> int:
    folder = args.folder
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(Problem(f"{folder}: already exists and is not empty: give a new folder's name"))
    if not (args.styles / "house.yaml").is_file():
        raise UserError(Problem(f"{args.styles}: no house.yaml in it: give the styles folder with --styles"))
    sources = folder / "sources"
    (sources / "front").mkdir(parents=True)
    (sources / "case-studies").mkdir()
    index = (STARTER / "index.yaml").read_text(encoding="utf-8")
    today = date.today()
    index = (index.replace("EDITION", str(today.year)).replace("UUID", str(uuid.uuid4()))
             .replace("DATE", today.isoformat()))
    (sources / "index.yaml").write_text(index, encoding="utf-8")
    shutil.copy(STARTER / "foreword.md", sources / "front" / "foreword.md")
    shutil.copy(STARTER / "example-case-study.md", sources / "case-studies" / "example-case-study.md")
    shutil.copy(STARTER / "ohwb.yaml", sources / "ohwb.yaml")
    readme = (STARTER / "README.md").read_text(encoding="utf-8").replace("EDITION_NAME", folder.name)
    (folder / "README.md").write_text(readme, encoding="utf-8")
    shutil.copytree(args.styles, folder / "styles")
    print(f"made {folder}/: the edition's sources, the house style and a README; "
          f"next: cd {folder} && ohwb-book check")
    return EXIT_OK
