"""`ohwb-book new --title "..." --lead KEY`: a case study entry in index.yaml and its source
file to write, without typing YAML. The index keeps its comments and order (ruamel.yaml)."""
from __future__ import annotations

import argparse
from pathlib import Path

from book.core.errors import EXIT_OK, Problem, Reporter, UserError, did_you_mean
from book.sources.indexedit import IndexFile, slug

SUMMARY = "Write a one-paragraph summary of the case study here."


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ohwb-book new", description="Add a case study to index.yaml and make its source file.",
        epilog='examples:\n  ohwb-book new --title "Walking rounds at Leeds" --lead leeds\n'
               '  ohwb-book new --title "..." --lead quillfield --name "Quillfield NHS Trust" --region Midlands\n'
               "      (a new organisation: its key, full name and region)",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--title", required=True, help="the case study's title")
    p.add_argument("--lead", required=True, metavar="KEY", help="the leading organisation's key ('ohwb-book list')")
    p.add_argument("--id", help="the case study's id (default: made from the title)")
    p.add_argument("--summary", default=SUMMARY, help="one paragraph (default: a reminder to write one)")
    p.add_argument("--theme", action="append", default=[], dest="themes", help="a theme (repeat for more)")
    p.add_argument("--name", help="a new organisation's full name (with --region)")
    p.add_argument("--region", help="a new organisation's NHS England region")
    p.add_argument("--docx", action="store_true", help="write the text in Word: the source is a .docx")
    p.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR", help="sources folder (default: sources)")
    return p


def run(args) -> int:
    index = IndexFile(args.sources / "index.yaml")
    case_id = args.id or "-".join(slug(args.title).split("-")[:6])
    problems = []
    if index.case_study(case_id) is not None:
        problems.append(Problem(f"a case study with the id '{case_id}' is already in {index.path}: give another with --id"))
    if args.lead not in index.organisations():
        if not (args.name and args.region):
            problems.append(Problem(f"--lead {args.lead}: no organisation has this key"
                                    f"{did_you_mean(args.lead, index.organisations())}; for a new one give its "
                                    "--name and --region too ('ohwb-book list' shows the keys)"))
    elif args.name or args.region:
        problems.append(Problem(f"--lead {args.lead} is already an organisation: leave out --name and --region"))
    suffix = ".docx" if args.docx else ".md"
    source = Path("case-studies") / f"{case_id}{suffix}"
    if (args.sources / source).exists():
        problems.append(Problem(f"{args.sources / source}: already exists: give another id with --id"))
    if problems:
        raise UserError(problems)
    _apply(args, index, case_id, source)
    return EXIT_OK


def _apply(args, index: IndexFile, case_id: str, source: Path) -> None:
    before = index.path.read_bytes()
    if args.lead not in index.organisations():
        index.set_organisation(args.lead, {"name": args.name, "region": args.region})
    index.set_case_study({"id": case_id, "title": args.title, "lead": args.lead, "themes": args.themes,
                          "source": source.as_posix(), "summary": args.summary})
    lead = index.organisations()[args.lead]
    part = index.place_in_part(case_id, str(lead.get("region", "")))
    if part is not None:
        print(f"note: case study '{case_id}' added to the part '{part}': move it in index.yaml if it belongs elsewhere")
    target = args.sources / source
    _write_source(target, args.docx)
    try:
        index.save()
        from book.sources.index import load_index

        load_index(args.sources, Reporter(quiet=True))
    except UserError:
        index.path.write_bytes(before)
        target.unlink(missing_ok=True)
        raise
    print(f"added case study '{case_id}' to {index.path}; write its text in {target}")
    if args.summary == SUMMARY:
        print(f"then replace the summary's reminder in {index.path} (or give --summary)")


def _write_source(target: Path, docx: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if docx:
        from docx import Document

        doc = Document()
        doc.add_paragraph("Write the case study's text here. No title: it comes from index.yaml.")
        doc.save(str(target))
    else:
        target.write_text("Write the case study's text here, in Markdown. No title: it comes from index.yaml.\n",
                          encoding="utf-8")
