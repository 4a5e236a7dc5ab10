"""What an input may cost: decompression bombs and huge fields refused before the work, each in
one message naming the file and the limit, in seconds and well under 1 GiB (measured on a child
process through ``resource``)."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from book.core import limits
from editions import minimal_edition
from util import ROOT, run_cli

GiB = 1024 ** 3
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
PARAGRAPH = b"<w:p><w:r><w:t>Occupational health and wellbeing services supported staff. </w:t></w:r></w:p>"


def measured_build(sources: Path, out: Path) -> tuple[int, str, float, int]:
    """Exit status, what was printed, seconds and the peak memory (bytes) of the largest process
    of a build run in a child (pandoc included): the child reports its own children's peak."""
    build = [sys.executable, str(ROOT / "build.py"), "--sources", str(sources), "--out", str(out),
             "--styles", str(ROOT / "styles"), "-q"]
    probe = f"""
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run({build!r}, capture_output=True, text=True, timeout=600)
print(json.dumps([done.returncode, done.stdout + done.stderr, time.monotonic() - started,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024]))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=180, cwd=ROOT)
    code, text, seconds, peak = json.loads(done.stdout)
    return code, text, seconds, peak


def docx(path: Path, document: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", document)
    return path


def understated(path: Path, declared: int) -> Path:
    """The package with the sizes its directory gives for word/document.xml made ``declared``:
    a crafted file whose directory lies."""
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30: local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46: central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def bomb_document(size: int) -> bytes:
    body = PARAGRAPH * (size // len(PARAGRAPH))
    return (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A .docx of about 200 KB holding 64 MiB of XML (it took 11.5 GB before it was refused)."""
    return docx(tmp_path_factory.mktemp("bomb") / "bomb.docx", bomb_document(64 * limits.MiB))


def edition_with_source(root: Path, name: str, data: bytes) -> Path:
    sources = minimal_edition(root, "Text.\n", files={f"case-studies/{name}": data})
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("case-studies/only.md", f"case-studies/{name}"))
    return sources


def assert_refused_cheaply(sources: Path, out: Path, expected: str) -> str:
    code, text, seconds, peak = measured_build(sources, out)
    assert code == 1 and "Traceback" not in text, text
    assert expected in text, text
    assert seconds < 10, f"refused in {seconds:.1f} s"
    assert peak < GiB, f"refusing it took {peak / GiB:.2f} GiB"
    assert not (out / "compendium.pdf").exists()
    return text


def test_a_docx_bomb_is_refused_cheaply(bomb, tmp_path):
    assert bomb.stat().st_size < 400_000
    sources = edition_with_source(tmp_path, "bomb.docx", bomb.read_bytes())
    text = assert_refused_cheaply(sources, tmp_path / "dist", "bomb.docx: has a text inside (word/document.xml) of"
                                  " more than 4.0 MB uncompressed; the limit is 4.0 MB: split the document")
    assert len(text.strip().splitlines()) == 2       # the problem, and the count


def test_a_docx_whose_directory_understates_its_size_is_refused(bomb, tmp_path):
    path = tmp_path / "lying.docx"
    path.write_bytes(bomb.read_bytes())
    understated(path, 4096)
    with zipfile.ZipFile(path) as package:       # what a reader trusting the directory sees
        assert package.getinfo("word/document.xml").file_size == 4096
    sources = edition_with_source(tmp_path, "lying.docx", path.read_bytes())
    assert_refused_cheaply(sources, tmp_path / "dist", "lying.docx: is damaged (")


def test_an_odt_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", b"<text>" + b"a" * (5 * limits.MiB) + b"</text>")
    sources = edition_with_source(tmp_path, "bomb.odt", path.read_bytes())
    code, text = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 1 and "bomb.odt: has a text inside (content.xml) of more than 4.0 MB uncompressed" in text


def test_a_package_of_too_many_parts_is_refused(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as package:
        for n in range(limits.MAX_PACKAGE_PARTS + 1):
            package.writestr(f"word/media/{n}.bin", b"x")
    sources = edition_with_source(tmp_path, "many.docx", path.read_bytes())
    code, text = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 1 and f"many.docx: holds {limits.MAX_PACKAGE_PARTS + 1} files; a document is limited to" in text


def test_a_huge_index_is_refused_cheaply(tmp_path):
    sources = minimal_edition(tmp_path, "Text.\n")
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("title: Minimal", "title: " + "A very long title " * 600_000))
    assert index.stat().st_size > 10_000_000
    assert_refused_cheaply(sources, tmp_path / "dist", "index.yaml: is 10.3 MB; a YAML file is limited to 4.0 MB")


def test_a_huge_field_is_refused_cheaply_with_its_line(tmp_path):
    sources = minimal_edition(tmp_path, "Text.\n")
    index = sources / "index.yaml"
    text = index.read_text().replace("title: Only case study", "title: " + "A long title " * 250_000)
    index.write_text(text.replace("summary: Summary.", "summary: " + "words " * 4000))
    assert 3_000_000 < index.stat().st_size < limits.MAX_YAML_BYTES
    line = next(n for n, t in enumerate(index.read_text().splitlines(), 1) if "A long title" in t)
    printed = assert_refused_cheaply(sources, tmp_path / "dist", f"index.yaml:{line}: `title` is 3249999 characters"
                                     " long; it is limited to 1000: shorten it")
    summary_line = line + 3
    assert f"index.yaml:{summary_line}: `summary` is 23999 characters long; it is limited to 20000" in printed


def test_a_text_source_over_its_limit_is_refused(tmp_path):
    sources = edition_with_source(tmp_path, "long.md", b"word " * (limits.MAX_TEXT_SOURCE_BYTES // 5 + 1))
    code, text = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 1 and "long.md: is 8.0 MB; a text source is limited to 8.0 MB: split it" in text


def test_footnotes_and_elements_over_their_limits_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_NOTES", 5)
    body = " ".join(f"Claim {n}.[^{n}]" for n in range(6)) + "\n\n" + "".join(f"[^{n}]: Note {n}.\n" for n in range(6))
    sources = minimal_edition(tmp_path, body)
    code, text = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist"), "-q")
    assert code == 1 and "only.md: has 6 footnotes; a source is limited to 5: split it" in text
    monkeypatch.setattr(limits, "MAX_NOTES", 20_000)
    monkeypatch.setattr(limits, "MAX_NODES", 50)
    code, text = run_cli("--sources", str(sources), "--out", str(tmp_path / "dist2"), "-q")
    assert code == 1 and "elements long (words, spaces, paragraphs...); a source is limited to 50: split it" in text


# ------------------------------------------------------------------ long paragraphs, in linear time
@pytest.mark.parametrize("markup", ["plain", "several fragments"])
def test_long_paragraphs_are_set_as_reportlab_sets_them(markup, monkeypatch):
    """The long-paragraph paths of rlspeed (words taken from the front in constant time, a split
    paragraph's remainder given the lines already found) print exactly what ReportLab's own
    paths print, over many pages and splits."""
    import hashlib
    import io

    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from book.style.house import load_style
    from book.pdf import rlcontract, rlspeed

    style = load_style(ROOT / "styles")
    style.fonts.register()
    rlcontract.install()
    words = ["occupational", "health", "and", "wellbeing", "services", "supported", "staff", "across", "the", "trust,"]
    if markup != "plain":
        words[4] = "<b>services</b>"
    text = " ".join(words[n % 10] for n in range(6000))
    body = style.paragraph_style("body")

    def typeset() -> str:
        pdf = io.BytesIO()
        SimpleDocTemplate(pdf, invariant=1).build([Paragraph(text, body), Paragraph("After it.", body)])
        return hashlib.sha256(pdf.getvalue()).hexdigest()

    fast = typeset()
    monkeypatch.setattr(rlspeed, "LONG", 10 ** 9)      # ReportLab's own paths
    assert typeset() == fast


@pytest.mark.parametrize("character", ["\x00", "\x85", "\x1b"])
def test_a_control_character_in_the_index_is_named_with_its_line(tmp_path, character):
    sources = minimal_edition(tmp_path, "Text.\n")
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("summary: Summary.", f"summary: Sum{character}mary."))
    line = next(n for n, t in enumerate(index.read_text().split("\n"), 1) if "summary:" in t)
    code, text = run_cli("check", "--sources", str(sources), "--out", str(tmp_path / "dist"))
    assert code == 1 and "Traceback" not in text
    assert f"index.yaml:{line}:" in text and f"control character (U+{ord(character):04X}): delete it" in text
