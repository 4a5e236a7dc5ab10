"""Every user mistake in the index or a source: one line per problem, file and line, exit 1, no traceback."""
from __future__ import annotations

from pathlib import Path

import re

import pytest

from util import run_cli


def edit(index, old: str, new: str, count: int = 1) -> None:
    text = index.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in the sample index"
    index.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(index, needle: str) -> int:
    for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def check(sources, *extra) -> tuple[int, str]:
    # an output folder beside the sources: a check keeps its conversion cache there, and a
    # variant's default folder would otherwise be made under the repository's dist/
    out = [] if "--out" in extra else ["--out", str(Path(sources).parent / "dist")]
    return run_cli("check", "--sources", str(sources), *out, *extra)


def assert_user_error(code: int, out: str, *needles: str) -> None:
    assert code == 1, out
    assert "Traceback" not in out
    for needle in needles:
        assert needle in out, f"{needle!r} not in:\n{out}"


def test_the_sample_edition_is_valid(edition):
    code, out = check(edition)
    assert code == 0, out
    assert "no problems found" in out


def test_a_line_indented_out_of_step_is_named_itself_not_the_line_after(edition):
    index = edition / "index.yaml"
    edit(index, "    lead: imperial\n", "   lead: imperial\n")
    code, out = check(edition)
    line = line_of(index, "   lead: imperial")
    assert_user_error(code, out, f"index.yaml:{line}:4: YAML syntax error: this line is indented differently from the lines"
                      " above and below it: line it up with them")


def test_a_quoted_value_left_open_is_named_where_it_opens(edition):
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing from Network Members", '  subtitle: "Hearing from Network Members')
    code, out = check(edition)
    line = line_of(index, '  subtitle: "Hearing')
    assert_user_error(code, out, f"index.yaml:{line}:13: YAML syntax error: a quotation mark opened on this line is not"
                      " closed on it: close it at the end of the value")


def test_a_value_yaml_reserves_is_told_to_be_quoted(edition):
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing from Network Members", "  subtitle: @Hearing from Network Members")
    code, out = check(edition)
    assert_user_error(code, out, "YAML syntax error: a value may not begin with '@' in YAML: put the value in quotes")


def test_an_unknown_partner_is_named_on_its_own_line(edition):
    index = edition / "index.yaml"
    edit(index, "      - swast\n", "      - yorkshire-ambulance\n")
    code, out = check(edition)
    line = line_of(index, "- yorkshire-ambulance")
    assert_user_error(code, out, f"index.yaml:{line}: case study 'gloucestershire-hub-and-spoke': partner"
                      " 'yorkshire-ambulance' is not an organisation (add it under organisations, or fix the key)")


def test_yaml_syntax_error_names_line_and_column(edition):
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing from Network Members", "  subtitle: [Hearing from Network Members")
    code, out = check(edition)
    assert_user_error(code, out, "index.yaml:", "YAML syntax error")
    assert re.search(r"index\.yaml:\d+:\d+: YAML syntax error", out)


def test_duplicate_key_is_an_error_not_silently_dropped(edition):
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing from Network Members", "  subtitle: Hearing from Network Members\n  subtitle: Other")
    line = line_of(index, "subtitle: Other")
    code, out = check(edition)
    assert_user_error(code, out, f"index.yaml:{line}: key 'subtitle' appears twice")


def test_tab_indentation(edition):
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing", "\tsubtitle: Hearing")
    code, out = check(edition)
    assert_user_error(code, out, "indented with a tab")


def test_missing_required_field(edition):
    index = edition / "index.yaml"
    edit(index, "  publisher: NHS Health at Work Network\n", "")
    code, out = check(edition)
    assert_user_error(code, out, "index.yaml:", "edition: 'publisher' is required")


def test_unknown_lead_suggests_the_nearest_key(edition):
    index = edition / "index.yaml"
    edit(index, "lead: imperial\n", "lead: imperiall\n")
    line = line_of(index, "lead: imperiall")
    code, out = check(edition)
    assert_user_error(code, out, f"index.yaml:{line}: case study 'imperial-oh-transformation': lead 'imperiall' is not an organisation (did you mean 'imperial'?)")


def test_duplicate_case_study_id(edition):
    index = edition / "index.yaml"
    edit(index, "id: leeds-financial-wellbeing", "id: northumbria-wor-gyms")
    code, out = check(edition)
    assert_user_error(code, out, "case study id 'northumbria-wor-gyms' is used twice")


def test_missing_source_file(edition):
    (edition / "case-studies" / "leeds-financial-wellbeing.md").unlink()
    index = edition / "index.yaml"
    line = line_of(index, "source: case-studies/leeds-financial-wellbeing.md")
    code, out = check(edition)
    assert_user_error(code, out, f"index.yaml:{line}: case study 'leeds-financial-wellbeing': source 'case-studies/leeds-financial-wellbeing.md' not found")


@pytest.mark.parametrize("path", ["../outside.md", "/etc/passwd"])
def test_source_outside_the_sources_folder_is_refused(edition, path):
    (edition.parent / "outside.md").write_text("Secret.\n")
    index = edition / "index.yaml"
    edit(index, "source: case-studies/leeds-financial-wellbeing.md", f"source: {path}")
    code, out = check(edition)
    assert_user_error(code, out, "index.yaml:")
    assert "leaves the sources folder" in out or "absolute path" in out


def test_symlink_pointing_outside_is_refused(edition):
    (edition.parent / "outside.md").write_text("Secret.\n")
    link = edition / "case-studies" / "link.md"
    link.symlink_to(edition.parent / "outside.md")
    edit(edition / "index.yaml", "source: case-studies/leeds-financial-wellbeing.md", "source: case-studies/link.md")
    code, out = check(edition)
    assert_user_error(code, out, "leaves the sources folder")


def test_empty_index(edition):
    (edition / "index.yaml").write_text("\n")
    code, out = check(edition)
    assert_user_error(code, out, "index.yaml: is empty")


def test_wrong_type(edition):
    index = edition / "index.yaml"
    edit(index, "    partners:\n      - swast", "    partners: 42")
    code, out = check(edition)
    assert_user_error(code, out, "partners: must be an array")


def test_unknown_field_warns_and_strict_fails(edition):
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing", "  subtitel: x\n  subtitle: Hearing")
    code, out = check(edition)
    assert code == 0, out
    assert "unknown field 'subtitel' is ignored (did you mean 'subtitle'?)" in out
    code, out = check(edition, "--strict")
    assert_user_error(code, out, "subtitel")


def test_alias_bomb_is_bounded(edition):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 30):
        prev = f"*a{n - 1}"
        lines.append(f"a{n}: &a{n} [{', '.join([prev] * 9)}]")
    (edition / "index.yaml").write_text("\n".join(lines) + "\n")
    code, out = check(edition)
    assert_user_error(code, out, "aliases")


def test_non_utf8_source_names_file_and_byte(edition):
    (edition / "case-studies" / "leeds-financial-wellbeing.md").write_bytes(b"Caf\xe9 culture.\n")
    code, out = check(edition)
    assert_user_error(code, out, "leeds-financial-wellbeing.md:1: is not UTF-8 text (byte 3")


def test_source_pandoc_cannot_read(edition):
    (edition / "case-studies" / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    edit(edition / "index.yaml", "source: case-studies/leeds-financial-wellbeing.md", "source: case-studies/broken.docx")
    code, out = check(edition)
    assert_user_error(code, out, "case-studies/broken.docx: pandoc cannot read it")


def test_all_problems_are_reported_at_once(edition):
    index = edition / "index.yaml"
    edit(index, "lead: imperial\n", "lead: nobody\n")
    edit(index, "id: leeds-financial-wellbeing", "id: northumbria-wor-gyms")
    code, out = check(edition)
    assert_user_error(code, out, "'nobody' is not an organisation", "used twice", "2 problems found")


def test_only_with_unknown_key(edition):
    code, out = check(edition, "--only", "imperail")
    assert_user_error(code, out, "--only imperail", "did you mean 'imperial'")


def test_wrong_usage_exits_2(edition):
    code, _ = run_cli("frobnicate")
    assert code == 2


def test_a_date_that_does_not_exist(edition):
    index = edition / "index.yaml"
    edit(index, "  date: 2025-11-30", "  date: 2025-02-30")
    code, out = check(edition)
    assert_user_error(code, out, f"index.yaml:{line_of(index, 'date: 2025-02-30')}: edition.date: '2025-02-30' is not a real date")


def test_a_highlight_with_a_colon_explains_the_quotes(edition):
    index = edition / "index.yaml"
    edit(index, '      - "Service KPIs: A new dashboard', '      - Service KPIs: "A new dashboard')
    code, out = check(edition)
    assert_user_error(code, out, "put the whole line in quotes, e.g.")


def test_a_case_study_in_two_parts(edition):
    index = edition / "index.yaml"
    edit(index, "  front_matter:", "  parts:\n    - {title: One, case_studies: [leeds-financial-wellbeing]}\n"
                "    - {title: Two, case_studies: [leeds-financial-wellbeing]}\n  front_matter:")
    code, out = check(edition)
    assert_user_error(code, out, "case study 'leeds-financial-wellbeing' is already in a part")


@pytest.mark.parametrize("bad_id", ["contents", "index-themes", "part-london"])
def test_ids_of_the_books_own_pages_are_refused(edition, bad_id):
    edit(edition / "index.yaml", "id: leeds-financial-wellbeing", f"id: {bad_id}")
    code, out = check(edition)
    assert_user_error(code, out, f"case study id '{bad_id}' is the name of one of the book's own pages")


def test_only_an_organisation_in_no_case_study(edition):
    index = edition / "index.yaml"
    edit(index, "organisations:\n", "organisations:\n  lonely: {name: Lonely Trust, region: London}\n")
    code, out = check(edition, "--only", "lonely")
    assert_user_error(code, out, "nothing to build")


def _with_cover(edition: Path, data: bytes) -> Path:
    (edition / "art").mkdir(exist_ok=True)
    (edition / "art" / "cover.png").write_bytes(data)
    index = edition / "index.yaml"
    edit(index, "  subtitle: Hearing from Network Members", "  cover_image: art/cover.png\n  subtitle: Hearing from Network Members")
    return index


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def _picture(fmt: str, size=(60, 90)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (0, 48, 135)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("data, says", [
    (b"this is not a picture", "cannot be read (UnidentifiedImageError): it is corrupt or not a picture; export it again as PNG or JPEG"),
    (_picture("PNG")[:-200], "cannot be read"),            # cut off in the middle of its pixels
    (_picture("BMP"), "is BMP: convert it to PNG or JPEG"),
    # a header that says 9,000 x 9,000 pixels, and nothing after it: refused before anything is decoded
    (_png_header(9000, 9000), "is 9000 x 9000 pixels, over 40 megapixels: resize it"),
])
def test_an_editions_own_cover_that_is_no_usable_picture_is_named_at_its_line(edition, data, says):
    """The printed cover and the EPUB's draw the edition's own picture: one that is not a PNG,
    JPEG or GIF they can read stopped the build with a bug report."""
    index = _with_cover(edition, data)
    code, out = check(edition)
    assert_user_error(code, out, f"index.yaml:{line_of(index, 'cover_image')}: edition.cover_image: 'art/cover.png' {says}")
    assert "bug" not in out


def test_an_editions_own_cover_that_is_a_picture_passes(edition):
    _with_cover(edition, _picture("PNG", (600, 900)))
    code, out = check(edition)
    assert code == 0, out
