"""`ohwb-book list`: the organisations and case studies with the keys and ids that --only,
`lead:` and `partners:` take, and each case study's source."""
from __future__ import annotations

import argparse
from pathlib import Path

from book.core.errors import EXIT_OK, Reporter
from book.sources.index import load_index


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ohwb-book list", description=__doc__.split("\n\n")[0].replace("`", ""))
    p.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR", help="sources folder (default: sources)")
    return p


def run(args) -> int:
    reporter = Reporter(quiet=True)      # warnings belong to `check`; a listing lists
    index = load_index(args.sources, reporter)
    print(f"organisations ({len(index.organisations)}): key, name, region")
    width = max((len(k) for k in index.organisations), default=0)
    for key, org in index.organisations.items():
        print(f"  {key:<{width}}  {org.name} ({org.region})")
    print(f"case studies ({len(index.case_studies)}): id, lead, source, title")
    width = max((len(cs.id) for cs in index.case_studies), default=0)
    for cs in index.case_studies:
        print(f"  {cs.id:<{width}}  {cs.lead}  {cs.source.label}  {cs.title}")
    return EXIT_OK
