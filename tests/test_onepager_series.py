"""The one-pager series: what test_onepager_grid does not measure (issue 17), over the sample
edition and the archive edition (`../shared/editions/archive`), each built once per session
(``sample_build``, ``archive_build`` in conftest).

- a QR code needs its quiet zone (four modules of nothing round it) to scan: nothing is drawn
  there; its link covers it and goes where it reads; it is drawn as vectors, not an image;
- the text-fill measure (how deep the text reaches into each text block) cannot be met by a
  stray line at the foot of a block: no gap inside a block is over a sixth of its height;
- every warning copy-fitting gives names its trust;
- the large-print one-pagers are A4, at 16 pt or more, on no more pages than their style allows.
"""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdf
import pytest

from book.style.house import load_style
from book.writers.onepager.layout import Grid
from conftest import ARCHIVE, ROOT, source_date_epoch
from util import run_cli

MM = 72 / 25.4


@pytest.fixture(scope="module")
def grid() -> Grid:
    return Grid.from_style(load_style(ROOT / "styles"))


@pytest.fixture(scope="module")
def files(sample_build, archive_build) -> dict[str, Path]:
    """'edition/key' -> the one-pager's file, for both editions."""
    found = {}
    for name, out in (("sample", sample_build), ("archive", archive_build[0])):
        for path in sorted((out / "one-pagers").glob("*.pdf")):
            found[f"{name}/{path.stem}"] = path
    return found


def edges(box, height: float) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of a grid block, y from the page's top (pdfplumber's terms)."""
    return box.x, height - box.top, box.x + box.width, height - box.y


def within(thing: dict, box: tuple, slack: float = 0.5) -> bool:
    x0, top, x1, bottom = box
    return thing["x0"] >= x0 - slack and thing["x1"] <= x1 + slack and thing["top"] >= top - slack and thing["bottom"] <= bottom + slack


def overlaps(thing: dict, box: tuple) -> bool:
    x0, top, x1, bottom = box
    return not (thing["x1"] <= x0 or thing["x0"] >= x1 or thing["bottom"] <= top or thing["top"] >= bottom)


# ------------------------------------------------------------------ QR codes
def read_codes(path: Path, box: tuple, dpi: int = 300) -> list[tuple[object, tuple]]:
    """The QR codes zxing-cpp reads in ``box`` of the page rendered by pdfium: (code, its
    (x0, top, x1, bottom) in points, y from the page's top)."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(str(path))
    try:
        page = document[0]
        width, height = page.get_size()
        x0, top, x1, bottom = box
        scale = dpi / 72
        image = page.render(scale=scale, crop=(x0, height - bottom, width - x1, top)).to_pil()
    finally:
        document.close()
    found = []
    for code in zxingcpp.read_barcodes(image):
        p = code.position
        xs = [x0 + c.x / scale for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        ys = [top + c.y / scale for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        found.append((code, (min(xs), min(ys), max(xs), max(ys))))
    return found


@pytest.fixture(scope="module")
def drawn(files) -> dict[str, dict]:
    """'edition/key' -> what the first page of its one-pager draws (read once: pdfplumber is slow)."""
    found = {}
    for where, path in files.items():
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            found[where] = {"chars": page.chars, "rects": page.rects, "lines": page.lines, "height": page.height}
    return found


@pytest.fixture(scope="module")
def codes(files, drawn, grid) -> dict[str, dict]:
    """'edition/key' -> what its QR code is (text, place, modules a side) and what its page draws."""
    found = {}
    for where, page in drawn.items():
        qr = edges(grid.box("qr"), page["height"])
        if not [r for r in page["rects"] if within(r, qr) and r["width"] < 3 * MM]:
            continue        # no code on this page
        read = read_codes(files[where], qr)
        assert len(read) == 1, f"{where}: {len(read)} QR codes read"
        code, place = read[0]
        found[where] = {"text": code.text, "place": place, "modules": 17 + 4 * int(code.extra["Version"]), **page}
    return found


def test_both_editions_have_qr_codes_to_check(codes):
    assert any(where.startswith("archive/") for where in codes), "the archive gives web addresses"
    assert len(codes) >= 5


def test_nothing_is_drawn_in_a_qr_codes_quiet_zone(codes):
    for where, code in codes.items():
        x0, top, x1, bottom = code["place"]
        module = (x1 - x0) / code["modules"]
        zone = (x0 - 4 * module, top - 4 * module, x1 + 4 * module, bottom + 4 * module)
        symbol = (x0 - module / 2, top - module / 2, x1 + module / 2, bottom + module / 2)
        intruders = [c["text"] for c in code["chars"] if overlaps(c, zone)]
        intruders += [f"rect at {r['x0']:.1f},{r['top']:.1f}" for r in code["rects"]
                      if overlaps(r, zone) and not within(r, symbol) and not white(r)
                      and not within(zone_as_thing(zone), (r["x0"], r["top"], r["x1"], r["bottom"]), 0)]
        intruders += ["a line" for line in code["lines"] if overlaps(line, zone)]
        assert not intruders, f"{where}: {intruders[:5]} in the QR code's quiet zone (4 modules, {4 * module / MM:.1f} mm)"


def white(shape: dict) -> bool:
    colour = shape.get("non_stroking_color")
    return shape.get("fill") and colour is not None and all(abs(v - 1) < 0.01 for v in (colour if isinstance(colour, (list, tuple)) else [colour]))


def zone_as_thing(zone: tuple) -> dict:
    """The quiet zone as pdfplumber describes a shape: a panel wholly behind it is its background."""
    return {"x0": zone[0], "top": zone[1], "x1": zone[2], "bottom": zone[3]}


def test_a_qr_codes_link_covers_it_and_goes_where_it_reads(files, codes):
    for where, code in codes.items():
        page = pypdf.PdfReader(files[where]).pages[0]
        links = []
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/A") is not None and "/URI" in annot["/A"]:
                x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
                links.append((str(annot["/A"]["/URI"]), (x0, code["height"] - y1, x1, code["height"] - y0)))
        x0, top, x1, bottom = code["place"]
        covering = [uri for uri, rect in links if within({"x0": x0, "top": top, "x1": x1, "bottom": bottom}, rect, 1.0)]
        assert covering == [code["text"]], f"{where}: the code reads {code['text']!r}, its link goes to {covering}"


def test_one_pagers_draw_no_images(files):
    """The QR code is vector drawing, sharp at any size; nothing else on the page is a picture."""
    for where, path in files.items():
        for page in pypdf.PdfReader(path).pages:
            xobjects = page["/Resources"].get("/XObject", {})
            images = [name for name, x in xobjects.items() if x.get_object().get("/Subtype") == "/Image"]
            assert not images, f"{where}: images {images}"


# ------------------------------------------------------------------ the page used, honestly
def largest_gap(chars: list[dict], box: tuple) -> float:
    """The tallest empty band between two lines of text in a block (points)."""
    lines = sorted({(round(c["top"], 1), round(c["bottom"], 1)) for c in chars if within(c, box) and c["text"].strip()})
    gaps, reached = [0.0], None
    for top, bottom in lines:
        if reached is not None:
            gaps.append(top - reached)
        reached = bottom if reached is None else max(reached, bottom)
    return max(gaps)


def test_no_text_block_has_a_gap_of_more_than_a_sixth_of_its_height(drawn, grid):
    for where, page in drawn.items():
        for box in grid.text_boxes:
            if getattr(box, "page", 1) != 1:
                continue
            gap = largest_gap(page["chars"], edges(box, page["height"]))
            assert gap <= box.height / 6, f"{where}: a gap of {gap / MM:.0f} mm in the {box.name} block"


# ------------------------------------------------------------------ warnings
def test_every_onepager_warning_names_its_trust(archive_build):
    _, _, warnings = archive_build
    organisations = yaml_organisations(ARCHIVE / "index.yaml")
    for warning in warnings:
        if "one-pager" in warning.message or warning.kind.startswith("onepager"):
            assert any(f"'{key}'" in warning.message or name in warning.message for key, name in organisations.items()), \
                warning.message


def yaml_organisations(index: Path) -> dict[str, str]:
    import yaml

    return {key: org["name"] for key, org in yaml.safe_load(index.read_text(encoding="utf-8"))["organisations"].items()}


# ------------------------------------------------------------------ large print
def test_large_print_one_pagers_are_a4_at_16_pt_or_more(tmp_path):
    with source_date_epoch():
        code, output = run_cli("onepagers", "--style", "large-print", "--out", str(tmp_path), "-q")
    assert code == 0, output
    pages_allowed = load_style(ROOT / "styles", "large-print").onepager.get("pages", 1)
    paths = sorted((tmp_path / "one-pagers").glob("*.pdf"))
    assert len(paths) == 18
    for path in paths:
        with pdfplumber.open(path) as pdf:
            assert 1 <= len(pdf.pages) <= pages_allowed, f"{path.stem}: {len(pdf.pages)} pages"
            for page in pdf.pages:
                assert (round(page.width / MM), round(page.height / MM)) == (210, 297), f"{path.stem}: not A4"
                small = sorted({round(c["size"], 1) for c in page.chars if c["text"].strip() and c["size"] < 15.99})
                assert not small, f"{path.stem}: text at {small} pt"


# ------------------------------------------------------------------ the archive again: bytes, --strict
def test_the_archives_one_pagers_are_the_same_bytes_when_built_again(archive_build, tmp_path):
    """Only the one-pagers this time, in another folder: the same SOURCE_DATE_EPOCH, the same bytes."""
    first = archive_build[0]
    with source_date_epoch():
        code, output = run_cli("onepagers", "--sources", str(ARCHIVE), "--out", str(tmp_path), "-q")
    assert code == 0, output
    again = sorted((tmp_path / "one-pagers").glob("*.pdf"))
    assert [p.name for p in again] == sorted(p.name for p in (first / "one-pagers").glob("*.pdf"))
    for path in again:
        assert path.read_bytes() == (first / "one-pagers" / path.name).read_bytes(), path.name
    assert (tmp_path / "one-pagers.pdf").read_bytes() == (first / "one-pagers.pdf").read_bytes()


def test_with_strict_what_copy_fitting_leaves_out_is_an_error_and_nothing_is_written(archive_build, tmp_path):
    _, _, warnings = archive_build
    onepager_warnings = [w for w in warnings if "one-pager" in w.message]
    assert onepager_warnings, "the archive's big trusts need copy-fitting"
    with source_date_epoch():
        code, output = run_cli("--strict", "--sources", str(ARCHIVE), "--out", str(tmp_path), "-q")
    assert code == 1, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    for warning in onepager_warnings:
        assert any(warning.message in line for line in errors), f"not an error with --strict: {warning.message}"
    assert "Traceback" not in output
    assert not (tmp_path / "one-pagers.pdf").exists() and not (tmp_path / "compendium.pdf").exists()
