"""`ohwb-book template [FILE]`: the Word template trusts fill in to submit a case study."""
from __future__ import annotations

import argparse
from pathlib import Path

from book.core.errors import EXIT_OK
from book.sources.submission import write_template


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ohwb-book template", description="Write the Word template trusts fill in to submit a case study.",
        epilog="then: send it to the trusts, and add the filled-in ones with 'ohwb-book import FILE.docx ...'")
    p.add_argument("file", nargs="?", type=Path, default=Path("ohwb-case-study-template.docx"), metavar="FILE",
                   help="where to write it (default: ohwb-case-study-template.docx)")
    return p


def run(args) -> int:
    path = args.file if args.file.suffix.lower() == ".docx" else args.file.with_suffix(".docx")
    write_template(path)
    print(f"wrote {path}: send it to the trusts; import the filled-in ones with 'ohwb-book import'")
    return EXIT_OK
