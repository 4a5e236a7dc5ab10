"""The house style seen in the outputs: one change reaches all three, large print is large, and
every character is drawn with a real glyph."""
from __future__ import annotations

import re
import shutil
import zipfile

import pdfplumber
import pytest

from editions import minimal_edition
from util import ROOT


def build(sources, styles, out, *extra) -> str:
    from book.cli import main
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        code = main(["--sources", str(sources), "--styles", str(styles), "--out", str(out), *extra])
    assert code == 0, buffer.getvalue()
    return buffer.getvalue()


def rgb_operator(hex_colour: str) -> re.Pattern:
    """The PDF fill-colour operator ReportLab writes for a colour: '.101961 .168627 .423529 rg'."""
    parts = []
    for i in (1, 3, 5):
        value = f"{int(hex_colour[i:i + 2], 16) / 255:.6f}".rstrip("0").rstrip(".") or "0"
        value = value[1:] if value.startswith("0.") else value
        parts.append("0?" + re.escape(value[:5]) + r"\d*")
    return re.compile(r"\s".join(parts).encode() + rb"\s+rg")


def pdf_streams(path) -> bytes:
    import pikepdf

    with pikepdf.open(path) as pdf:
        data = b"".join(page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array)
                        else b"".join(c.read_bytes() for c in page.Contents) for page in pdf.pages)
        for obj in pdf.objects:   # forms and XObjects too
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
                data += obj.read_bytes()
    return data


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The sample edition built with the house style, and with one colour and one size changed."""
    root = tmp_path_factory.mktemp("restyle")
    styles = root / "styles"
    shutil.copytree(ROOT / "styles", styles)
    house = styles / "house.yaml"
    text = house.read_text()
    text = re.sub(r"(\n  nhs-dark-blue:\s*)[\"']?#003087[\"']?", r'\1"#1A2B6C"', text, count=1)
    h2 = text.index("\n  h2:")
    size_at = text.index("fontSize:", h2)
    end = text.index("\n", size_at)
    text = text[:size_at] + "fontSize: 17" + text[end:]
    house.write_text(text)
    build(ROOT / "sources", ROOT / "styles", root / "before", "-q")
    build(ROOT / "sources", styles, root / "after", "-q")
    return root / "before", root / "after"


def test_one_colour_changes_all_three_outputs(two_builds):
    before, after = two_builds
    new = rgb_operator("#1A2B6C")
    assert not new.search(pdf_streams(before / "compendium.pdf"))
    assert new.search(pdf_streams(after / "compendium.pdf"))
    assert new.search(pdf_streams(after / "one-pagers" / "imperial.pdf"))
    css = lambda d: "".join(zipfile.ZipFile(d / "compendium.epub").read(n).decode()  # noqa: E731
                            for n in zipfile.ZipFile(d / "compendium.epub").namelist() if n.endswith(".css"))
    assert "#1A2B6C" not in css(before).upper() and "#1A2B6C" in css(after).upper()


def heading_sizes(pdf_path, heading: str) -> set[float]:
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["size"])
            k = len(heading.split())
            for n in range(len(words)):
                if " ".join(x["text"] for x in words[n:n + k]) == heading:
                    return {round(x["size"], 1) for x in words[n:n + k]}
    return set()


def test_one_size_changes_pdf_and_epub(two_builds):
    before, after = two_builds
    assert heading_sizes(after / "compendium.pdf", "A service in need of change") == {17.0}
    assert heading_sizes(before / "compendium.pdf", "A service in need of change") != {17.0}
    def h2_rule(d):
        book = zipfile.ZipFile(d / "compendium.epub")
        css = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".css"))
        return re.search(r"(?m)^h2 \{[^}]*font-size: ([\d.]+)em", css).group(1)
    assert h2_rule(before) != h2_rule(after)


def test_large_print_edition_builds_with_body_text_at_least_16pt(tmp_path):
    build(ROOT / "sources", ROOT / "styles", tmp_path / "large", "--style", "large-print", "-q")
    with pdfplumber.open(tmp_path / "large" / "compendium.pdf") as pdf:
        sizes = {round(c["size"], 1) for page in pdf.pages[4:12] for c in page.chars if c["text"].strip()}
    assert sizes and min(sizes) >= 16, sorted(sizes)     # UKAAF and RNIB guidance: 16pt and up
    assert (tmp_path / "large" / "compendium.epub").exists()
    assert len(list((tmp_path / "large" / "one-pagers").glob("*.pdf"))) == 18


def test_every_character_is_a_real_glyph_with_a_warning_for_the_fallback(tmp_path):
    sources = minimal_edition(tmp_path, "Ticks ✓ arrows → Welsh ŵ Polish Ł euro €.\n")
    output = build(sources, ROOT / "styles", tmp_path / "dist", "pdf")
    assert "U+2713" in output                                   # warned: drawn from the fallback font
    assert not any(c in output for c in ("U+2192", "U+0175", "U+0141", "U+20AC"))   # Liberation Sans has these
    with pdfplumber.open(tmp_path / "dist" / "compendium.pdf") as pdf:
        chars = {c["text"]: c["fontname"] for page in pdf.pages for c in page.chars}
    for ch in "✓→ŵŁ€":
        assert ch in chars, ch                                   # mapped back to Unicode: a real glyph
    assert "DejaVu" in chars["✓"]
    assert all("Liberation" in chars[c] for c in "→ŵŁ€")
