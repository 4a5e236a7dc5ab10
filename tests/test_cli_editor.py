"""The command line as an editor meets it: variants that never overwrite the edition, the
grammar of targets and --only, --version, --help, list, and the project file (ohwb.yaml)."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import source_date_epoch
from util import ROOT, run_cli


@pytest.fixture
def edition_folder(tmp_path, monkeypatch):
    """A copy of the repository's layout (sources/ beside dist/), the command run from its top."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder, skip=()):
    """Every file of a folder with its bytes and modification time, variant folders left out."""
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).parts[0] not in skip}


def test_variants_never_overwrite_the_full_edition(edition_folder):
    dist = edition_folder / "dist"
    with source_date_epoch():
        code, out = run_cli("-q")
        assert code == 0, out
        before = snapshot(dist)
        assert (dist / "compendium.pdf").exists() and len(list((dist / "one-pagers").glob("*.pdf"))) == 18
        code, out = run_cli("--only", "imperial", "pdf", "onepagers", "-q")
        assert code == 0, out
        code, out = run_cli("--print", "pdf", "-q")
        assert code == 0, out
    variants = {"only-imperial", "print"}
    assert snapshot(dist, skip=variants) == before
    assert (dist / "only-imperial" / "compendium.pdf").exists()
    assert [p.name for p in (dist / "only-imperial" / "one-pagers").glob("*.pdf")] == ["imperial.pdf"]
    assert not (dist / "only-imperial" / "compendium.epub").exists()      # `pdf onepagers` only
    assert (dist / "print" / "compendium.pdf").exists() and (dist / "print" / "compendium-cover.pdf").exists()
    assert not (dist / "compendium-cover.pdf").exists()


def test_variant_folder_names():
    from book.build.variants import variant_name

    assert variant_name() == ""
    assert variant_name(print_marks=True) == "print"
    assert variant_name(style="large-print") == "large-print"
    assert variant_name("large-print", True) == "print-large-print"
    assert variant_name(only=["imperial", "leeds"]) == "only-imperial-leeds"
    assert variant_name(only=["a", "b", "c", "d", "e"]) == "only-a-b-c-and-2-more"


def test_only_takes_keys_and_the_words_after_it_are_outputs(edition_folder):
    code, out = run_cli("check", "--only", "imperial", "pdf")
    assert code == 2 and "check builds nothing" in out
    code, out = run_cli("--only", "imperial", "pfd")
    assert code == 2 and "'pfd' is not something to build" in out and "did you mean 'pdf'" in out
    code, out = run_cli("--only", "imperial", "leeds")
    assert code == 2 and "write --only leeds (several keys: --only a,b)" in out
    code, out = run_cli("check", "--only", "imperial,leeds")
    assert code == 0, out


def test_only_with_an_unknown_key_lists_the_keys(edition_folder):
    code, out = run_cli("check", "--only", "nosuch")
    assert code == 1 and "Traceback" not in out
    assert "--only nosuch: no organisation or case study has this key; the organisation keys are barnsley, cuh," in out


def test_version_and_help(capsys):
    from book.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("ohwb-book ")
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: ohwb-book") and "examples:" in text and "ohwb-book --only imperial pdf" in text


def test_list_shows_keys_ids_and_sources(edition_folder, capsys):
    from book.cli import main

    assert main(["list"]) == 0
    text = capsys.readouterr().out
    assert "organisations (18)" in text and "case studies (17)" in text
    assert re.search(r"imperial-oh-transformation +imperial +sources/case-studies/imperial-oh-transformation\.md", text)


def test_check_counts_one_warning_in_the_singular(edition_folder):
    code, out = run_cli("check")         # the sample edition has one editorial warning
    assert code == 0 and out.count("warning: ") == 1, out
    assert "no problems found (1 warning)" in out


def add_unknown_field(edition_folder):
    index = edition_folder / "sources" / "index.yaml"
    index.write_text(index.read_text().replace("  - id: imperial-oh-transformation",
                                               "  - id: imperial-oh-transformation\n    colour: blue", 1))


def test_a_case_study_is_named_by_its_id(edition_folder):
    add_unknown_field(edition_folder)
    code, out = run_cli("check")
    assert code == 0, out
    assert "case study 'imperial-oh-transformation': unknown field 'colour' is ignored" in out
    assert "case_studies[" not in out


def test_strict_says_each_problem_once_and_not_that_it_is_ignored(edition_folder):
    add_unknown_field(edition_folder)
    code, out = run_cli("check", "--strict")
    assert code == 1
    assert out.count("unknown field 'colour'") == 1, out
    assert "is ignored" not in out and "warning:" not in out
    assert "error: sources/index.yaml:" in out and "(--strict makes warnings errors)" in out


def test_an_over_indented_field_is_told_to_move_left(edition_folder):
    index = edition_folder / "sources" / "index.yaml"
    index.write_text(index.read_text().replace("      - Accreditation\n    award:", "      - Accreditation\n      award:", 1))
    code, out = run_cli("check")
    assert code == 1 and "Traceback" not in out
    assert "move 'award:' left to line up with 'themes:' above it (4 spaces in, not 6)" in out


def options_for(*argv):
    from book.cli import options_from, parser

    return options_from(parser().parse_intermixed_args(list(argv)))


def test_the_project_file_sets_options_and_the_command_line_wins(edition_folder):
    from pathlib import Path

    (edition_folder / "sources" / "ohwb.yaml").write_text(
        "# options for every build\nstyle: large-print\nprint: true\nstrict: true\nout: ../build\ntargets: [pdf]\n")
    options = options_for()
    assert (options.style, options.print_marks, options.strict, options.targets) == ("large-print", True, True, ("pdf",))
    assert options.out == Path("sources/../build/print-large-print")
    options = options_for("epub", "--style", "house", "--out", "elsewhere")
    assert (options.style, options.out, options.targets) == ("house", Path("elsewhere"), ("epub",))


def test_a_mistake_in_the_project_file_names_its_line(edition_folder):
    (edition_folder / "sources" / "ohwb.yaml").write_text("style: large-print\nprnt: true\ntargets: [pdf, epbu]\n")
    code, out = run_cli("check")
    assert code == 1 and "Traceback" not in out
    assert "sources/ohwb.yaml:2: unknown option 'prnt' (did you mean 'print'?)" in out
    assert "sources/ohwb.yaml:3: 'epbu' is not an output: use pdf, epub, onepagers or site (did you mean 'epub'?)" in out


def test_init_makes_an_edition_that_builds_and_new_adds_to_it(tmp_path, monkeypatch, capsys):
    from book.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["init", "ed"]) == 0
    monkeypatch.chdir(tmp_path / "ed")
    index = tmp_path / "ed" / "sources" / "index.yaml"
    comments = [line for line in index.read_text().splitlines() if line.lstrip().startswith("#")]
    assert main(["new", "--title", "Walking rounds: a year on", "--lead", "example-trust",
                 "--summary", "Staff walked: a lot.", "--theme", "Physical activity"]) == 0
    assert main(["new", "--title", "Quill", "--lead", "quill", "--name", "Quill NHS Trust", "--region", "Midlands"]) == 0
    capsys.readouterr()
    text = index.read_text()
    assert [line for line in text.splitlines() if line.lstrip().startswith("#")] == comments, "comments kept"
    assert "- id: walking-rounds-a-year-on" in text and "title: 'Walking rounds: a year on'" in text
    assert (tmp_path / "ed" / "sources" / "case-studies" / "walking-rounds-a-year-on.md").exists()
    assert main(["new", "--title", "Again", "--lead", "exampel-trust"]) == 1
    assert "did you mean 'example-trust'" in capsys.readouterr().err
    with source_date_epoch():
        code, out = run_cli("-q")
    assert code == 0, out
    assert len(list((tmp_path / "ed" / "dist" / "one-pagers").glob("*.pdf"))) == 2


def test_completion_script(capsys):
    from book.cli import main

    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    assert "--only" in script and "import" in script and "onepagers" in script


def test_watch_mode_ignores_editors_temporary_files(tmp_path):
    from watchfiles import Change

    from book.build.watchfilter import EditorFilesFilter

    keep = EditorFilesFilter()
    for name in ("~$leeds.docx", ".~lock.leeds.docx#", ".#index.yaml", "index.yaml~", ".index.yaml.swp",
                 "~WRL0003.tmp", "4913"):
        assert not keep(Change.added, str(tmp_path / name)), name
    for name in ("leeds.docx", "index.yaml", "house.yaml", "chart.png", "foreword.md"):
        assert keep(Change.modified, str(tmp_path / name)), name


def test_an_old_doc_source_is_reported_with_the_key_errors(edition_folder):
    sources = edition_folder / "sources"
    shutil.copy(sources / "case-studies" / "leeds-financial-wellbeing.md", sources / "case-studies" / "leeds.doc")
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("case-studies/leeds-financial-wellbeing.md", "case-studies/leeds.doc")
                     .replace("lead: imperial", "lead: imperail"))
    code, out = run_cli("check")
    assert code == 1 and "2 problems found" in out
    assert "source 'case-studies/leeds.doc': cannot read '.doc' files: open it in Word and save it as .docx" in out
    assert "lead 'imperail' is not an organisation (did you mean 'imperial'?)" in out


def test_a_style_error_names_the_path_as_typed(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "styles", tmp_path / "my" / "styles")
    house = tmp_path / "my" / "styles" / "house.yaml"
    house.write_text(house.read_text().replace("palette:\n", 'palette:\n  bogus: "#zz0000"\n', 1))
    monkeypatch.chdir(tmp_path)
    from book.cli import main
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        code = main(["check", "--sources", str(ROOT / "sources"), "--styles", "my/styles", "--out", str(tmp_path / "o")])
    assert code == 1 and "error: my/styles/house.yaml:17: palette 'bogus'" in buffer.getvalue()


def test_index_and_style_problems_come_in_one_pass(edition_folder):
    shutil.copytree(ROOT / "styles", edition_folder / "styles")
    house = edition_folder / "styles" / "house.yaml"
    house.write_text(house.read_text().replace("palette:\n", 'palette:\n  bogus: "#zz0000"\n', 1))
    index = edition_folder / "sources" / "index.yaml"
    index.write_text(index.read_text().replace("lead: imperial", "lead: imperail"))
    import contextlib
    import io

    from book.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        code = main(["check"])
    out = buffer.getvalue()
    assert code == 1 and "2 problems found" in out, out
    assert "lead 'imperail'" in out and "styles/house.yaml:17: palette 'bogus'" in out
