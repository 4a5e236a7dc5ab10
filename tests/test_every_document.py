"""Every document a trust sends renders, or stops with one line naming the file: constructs that
crashed the build once (a definition holding a table, an empty list, nesting hundreds deep, a
truncated JPEG), and a crash in the toolkit itself reported as a bug, never as the editor's mistake."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from editions import minimal_edition
from util import run_cli


def edition_with(tmp_path: Path, body: str | bytes, name: str = "only.md", files: dict | None = None) -> Path:
    """A one-case-study edition whose source is ``name`` holding ``body``."""
    sources = minimal_edition(tmp_path, "placeholder\n", files=files)
    (sources / "case-studies" / "only.md").unlink()
    target = sources / "case-studies" / name
    target.write_bytes(body) if isinstance(body, bytes) else target.write_text(body, encoding="utf-8")
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("case-studies/only.md", f"case-studies/{name}"))
    return sources


def build(sources: Path, *extra: str) -> tuple[int, str, Path]:
    out = sources.parent / "dist"
    code, text = run_cli("--sources", str(sources), "--out", str(out), *extra)
    return code, text, out


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def assert_user_error(code: int, text: str, file_name: str, *needles: str) -> None:
    assert code == 1, text
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, text
    assert file_name in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]


DEFINITIONS = """\
Staff survey
:   | Year | Response |
    |------|----------|
    | 2024 | 61 %     |

Referral form
:   ```
    ref = OH-2024-117
    ```

Steps
:   - Refer the colleague
    - Book the appointment
"""


def test_a_definition_may_hold_a_table_code_or_a_list(tmp_path):
    code, text, out = build(edition_with(tmp_path, DEFINITIONS))
    assert code == 0, text
    words = pdf_text(out / "compendium.pdf")
    for expected in ("Staff survey", "Response", "61 %", "ref = OH-2024-117", "Book the appointment"):
        assert expected in words


def test_empty_lists_and_tables_are_left_out_without_a_crash(tmp_path):
    html = "<p>Before the lists.</p><ol></ol><ul></ul><ol start='3'></ol><table></table><p>After the lists.</p>"
    code, text, out = build(edition_with(tmp_path, html, "only.html"))
    assert code == 0, text
    words = pdf_text(out / "compendium.pdf")
    assert "Before the lists." in words and "After the lists." in words


@pytest.mark.parametrize("name, body, where", [
    ("only.md", "".join("  " * depth + f"- level {depth}\n" for depth in range(300)), ""),
    ("only.md", "> " * 400 + "deep inside\n", ""),
    ("only.html", "<em>" * 400 + "styled" + "</em>" * 400, ""),
    ("only.md", "Intro.\n\n" + "> " * 40 + "deep inside\n", "(at 'deep inside')"),
    ("only.html", "<p>" + "<em>" * 45 + "styled words" + "</em>" * 45 + "</p>", "(at 'styled words')"),
])
def test_nesting_too_deep_is_one_message_naming_the_file(tmp_path, name, body, where):
    code, text, out = build(edition_with(tmp_path, body, name))
    assert_user_error(code, text, f"case-studies/{name}", "more than 30 levels deep", where)
    assert not (out / "compendium.pdf").exists()


def test_nesting_thirty_deep_still_builds(tmp_path):
    body = "".join("  " * depth + f"- level{depth}\n" for depth in range(30)) + "\n" + "> " * 29 + "quoted\n"
    code, text, out = build(edition_with(tmp_path, body))
    assert code == 0, text
    words = pdf_text(out / "compendium.pdf")
    assert "level0" in words and "level29" in words and "quoted" in words


def truncated_progressive_jpeg() -> bytes:
    """A JPEG cut short: Pillow's verify() passes it, decoding it fails."""
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    cut = data[: len(data) * 6 // 10]
    Image.open(io.BytesIO(cut)).verify()       # the check that let it through before
    return cut


def test_a_truncated_progressive_jpeg_is_refused_with_its_name(tmp_path):
    sources = edition_with(tmp_path, "Text.\n\n![A photo](photo.jpg)\n",
                           files={"case-studies/photo.jpg": truncated_progressive_jpeg()})
    code, text, _out = build(sources)
    assert_user_error(code, text, "case-studies/only.md", "image 'photo.jpg' cannot be read")


def test_a_bug_in_the_toolkit_says_so_and_exits_3(tmp_path, monkeypatch):
    import book.build.pipeline

    def broken(options, **_given):
        return {}["a key the toolkit forgot"]

    monkeypatch.setattr(book.build.pipeline, "build", broken)      # (the command line's way in)
    code, text, out = build(edition_with(tmp_path, "Text.\n"))
    assert code == 3, text
    assert "Traceback" not in text
    assert "bug in the toolkit, not a problem in your input (KeyError" in text
    saved = re.search(r"the details are in (\S+)\.$", text, re.M).group(1)
    assert "Traceback" in Path(saved).read_text() and "broken" in Path(saved).read_text()
    assert Path(saved).parent == out / ".cache"

    code, text, _out = build(edition_with(tmp_path / "verbose", "Text.\n"), "-v")
    assert code == 3 and "Traceback" in text and "KeyError" in text


def test_glyph_messages_are_one_per_file_and_name_fonts_as_editors_know_them(tmp_path):
    sources = edition_with(tmp_path, "Done ✓ and ★.\n\n职业健康 is occupational health, 中文 Chinese.\n")
    code, text, _out = build(sources)
    assert "Fallback" not in text and "Traceback" not in text
    [warning] = [line for line in text.splitlines() if line.startswith("warning:")]
    assert "2 characters not in" in warning and "are drawn with DejaVu Sans: '★' U+2605 BLACK STAR, '✓' U+2713 CHECK MARK" in warning
    assert_user_error(code, text, "case-studies/only.md", "6 characters are in no house or fallback font",
                      "'业' U+4E1A", "'职' U+804C", "Fonts for other scripts")
