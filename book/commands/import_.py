"""`ohwb-book import submission.docx [...]`: filled-in submission templates into the edition.

Each adds (or, imported again, updates) its organisation and its case study in index.yaml, and
saves its text as the case study's source, sources/case-studies/<id>.docx. Every problem of
every file is reported at once, named by the template's field; nothing changes unless all
are right. The result is checked by the index's own rules before it is kept."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from book.core.errors import EXIT_OK, Problem, Reporter, UserError
from book.sources.indexedit import IndexFile, slug
from book.sources.submission import read_submission, save_text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ohwb-book import", description="Add filled-in submission templates (.docx) to the edition.",
        epilog="examples:\n  ohwb-book import submissions/*.docx\n  ohwb-book import leeds.docx --id leeds-money-advice\n\n"
               "A case study's id is its file's name (leeds-money-advice.docx -> leeds-money-advice) unless --id "
               "gives one; importing a file of the same name again updates that case study.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.docx", help="filled-in templates")
    p.add_argument("--id", help="the case study's id (one file only): lower-case letters, digits and hyphens")
    p.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR", help="sources folder (default: sources)")
    return p


def run(args) -> int:
    if args.id and len(args.files) > 1:
        raise UserError(Problem("--id names one case study: import the files one at a time to give each an id"))
    index = IndexFile(args.sources / "index.yaml")
    problems, plans = [], []
    for path in args.files:
        if not path.is_file():
            problems.append(Problem(f"{path}: no such file: check the name and the folder"))
            continue
        submission = read_submission(path)
        problems += submission.problems
        case_id = args.id or slug(path.stem)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", case_id or ""):
            problems.append(Problem(f"{path}: cannot make a case study id from the file's name: give one with --id"))
        if not submission.problems:
            plans.append((path, case_id, submission))
    if problems:
        raise UserError(problems)
    _apply(args.sources, index, plans)
    return EXIT_OK


def _apply(sources: Path, index: IndexFile, plans) -> None:
    """Write the sources and the index, check the edition, and put everything back if it fails."""
    before = index.path.read_bytes()
    saved: dict[Path, bytes | None] = {}
    said = []
    try:
        for path, case_id, submission in plans:
            source = Path("case-studies") / f"{case_id}.docx"
            target = sources / source
            saved.setdefault(target, target.read_bytes() if target.exists() else None)
            save_text(path, target)
            added = _enter(index, case_id, source.as_posix(), submission)
            said.append(f"{'added' if added else 'updated'} case study '{case_id}' from {path}: "
                        f"{target.as_posix()} and {index.path.as_posix()}")
        index.save()
        from book.sources.index import load_index

        load_index(sources, Reporter(quiet=True))       # the index's own rules, on the result
    except UserError:
        index.path.write_bytes(before)
        for target, data in saved.items():
            if data is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(data)
        raise
    for line in said:
        print(line)


def _enter(index: IndexFile, case_id: str, source: str, sub) -> bool:
    """The organisation (matched by name, else added) and the case study; True when added."""
    name = sub.value("organisation")
    lead = index.organisation_by_name(name) or index.new_organisation_key(name)
    index.set_organisation(lead, {"name": name, "region": sub.value("region"), "ics": sub.value("ics")})
    partners = []
    for partner in sub.value("partners"):
        key = index.organisation_by_name(partner)
        if key is None:     # a partner new to the edition: the lead's region until the editor says otherwise
            key = index.new_organisation_key(partner)
            index.set_organisation(key, {"name": partner, "region": sub.value("region")})
            print(f"note: added organisation '{key}' ({partner}) with the region {sub.value('region')}: "
                  "check it in index.yaml")
        if key != lead:
            partners.append(key)
    quote = {k: sub.value(f"quote.{k}") for k in ("text", "name", "role")}
    part = index.place_in_part(case_id, sub.value("region"))
    if part is not None:
        print(f"note: case study '{case_id}' added to the part '{part}': move it in index.yaml if it belongs elsewhere")
    return index.set_case_study({
        "id": case_id, "title": sub.value("title"), "lead": lead, "partners": partners,
        "themes": sub.value("themes"), "award": sub.value("award"), "source": source,
        "summary": sub.value("summary"), "highlights": sub.value("highlights"),
        "quote": quote if quote["text"] else None, "url": sub.value("url"),
    })
