"""The one-pager series measured on the page: the sample edition and the archive edition (whose
trusts lead 20, 10, 6 and 4 case studies), read back from the built files.

- every fixed block of the grid (band, name, title area, story, facts panel, QR block, footer)
  at the same place and size, to 0.1 mm, on every one-pager of both series;
- the band's name at one type size on all;
- the text filling at least 70 % of the grid's text area on every one-pager;
- the QR codes rendered (pypdfium2), measured at 20 mm or more and decoded (zxing-cpp) back to
  the page's own address;
- the archive's largest trusts on one page each, every case study listed with its page.
"""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml

from book.style.house import load_style
from book.writers.onepager.flowables import display_url
from book.writers.onepager.layout import Grid
from conftest import ARCHIVE, ROOT
from textcheck import squash

MM = 72 / 25.4
TEXT_FILL = 0.70        # the share of the grid's text area the text must reach down into


GRID = Grid.from_style(load_style(ROOT / "styles"))


@pytest.fixture(scope="module")
def grid() -> Grid:
    return GRID


@pytest.fixture(scope="module")
def series(sample_build, archive_build) -> dict[str, Path]:
    """Every one-pager of both editions: 'edition/key' -> its file."""
    archive_out, _, _ = archive_build
    files = {}
    for name, out in (("sample", sample_build), ("archive", archive_out)):
        for path in sorted((out / "one-pagers").glob("*.pdf")):
            files[f"{name}/{path.stem}"] = path
    return files


@pytest.fixture(scope="module")
def pages(series) -> dict[str, dict]:
    """What each one-pager shows, measured once: its characters, rectangles and lines."""
    measured = {}
    for key, path in series.items():
        with pdfplumber.open(path) as pdf:
            assert len(pdf.pages) == 1, f"{key}: one page"
            page = pdf.pages[0]
            measured[key] = {"chars": page.chars, "rects": page.rects, "lines": page.lines, "height": page.height,
                             "width": page.width, "text": page.extract_text(),
                             "blocks": {box.name: page.crop(box_edges(box, page.height)).extract_text() for box in GRID.boxes}}
    return measured


# ------------------------------------------------------------------ where things are
def mm(value: float) -> float:
    return round(value / MM, 1)


def box_edges(box, height: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a grid block, measured from the page's top left (points)."""
    return box.x, height - box.top, box.x + box.width, height - box.y


def inside(obj, edges) -> bool:
    left, top, right, bottom = edges
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return left <= x <= right and top <= y <= bottom


def line_top(char, height: float) -> float:
    """The top of a character's first line as the layout sets it: ReportLab hangs a paragraph's
    first baseline one type size under the top of the paragraph (pdfplumber's own 'top' is the
    font's ascent over the baseline, so type fitted smaller would seem to move the block)."""
    return height - char["matrix"][5] - char["size"]


def first_char(chars, edges, height: float = 0.0):
    """(left, top) of the first line of text in a block, in mm."""
    found = [c for c in chars if inside(c, edges) and c["text"].strip()]
    if not found:
        return None
    top = min(c["top"] for c in found)
    line = [c for c in found if c["top"] < top + 1]
    return mm(min(c["x0"] for c in line)), mm(min(line_top(c, height) for c in line))


def qr_modules(page: dict, grid: Grid) -> list:
    edges = box_edges(grid.box("qr"), page["height"])
    return [r for r in page["rects"] if inside(r, edges) and r["width"] < 3 * MM and r["height"] < 3 * MM]


def anchors(page: dict, grid: Grid) -> dict:
    """Where each fixed block of the grid fell on one page, in millimetres to 0.1."""
    height, chars = page["height"], page["chars"]
    band = [r for r in page["rects"] if r["top"] < 1 and r["width"] > page["width"] - 1]
    name = [c for c in chars if c["bottom"] < grid.band_height and c["size"] >= 12]
    panel = [r for r in page["rects"] if inside(r, box_edges(grid.box("facts"), height)) and r["height"] > 10 * MM]
    footer = [line for line in page["lines"] if abs(line["top"] - (height - grid.footer_top)) < 1]
    found = {
        "band": [(mm(r["x0"]), mm(r["top"]), mm(r["x1"]), mm(r["bottom"])) for r in band],
        "name starts": (mm(min(c["x0"] for c in name)), mm(min(c["top"] for c in name))),
        "title area starts": first_char(chars, box_edges(grid.box("title"), height), height),
        "story starts": first_char(chars, box_edges(grid.box("story"), height), height),
        "facts panel": [(mm(r["x0"]), mm(r["top"]), mm(r["x1"]), mm(r["bottom"])) for r in panel],
        "facts start": first_char(chars, box_edges(grid.box("facts"), height), height),
        "footer rule": [(mm(line["x0"]), mm(line["top"]), mm(line["x1"])) for line in footer],
        "footer starts": first_char(chars, (0, height - grid.footer_top, page["width"], height), height),
    }
    modules = qr_modules(page, grid)
    if modules:
        found["QR code"] = (mm(min(r["x0"] for r in modules)), mm(min(r["top"] for r in modules)),
                            mm(max(r["x1"] for r in modules)), mm(max(r["bottom"] for r in modules)))
    else:
        found["where to read"] = first_char(chars, box_edges(grid.box("qr"), height), height)
    return found


# ------------------------------------------------------------------ the grid never moves
def test_every_fixed_block_is_at_the_same_place_and_size_on_every_onepager(pages, grid):
    measured = {key: anchors(page, grid) for key, page in pages.items()}
    assert any("QR code" in a for a in measured.values()) and any("where to read" in a for a in measured.values())
    for block in ["band", "name starts", "title area starts", "story starts", "facts panel", "facts start",
                  "footer rule", "footer starts", "QR code", "where to read"]:
        places = {key: a[block] for key, a in measured.items() if block in a}
        assert len(set(map(repr, places.values()))) == 1, f"{block} moves: {places}"
    first = next(iter(measured.values()))
    assert first["band"] == [(0.0, 0.0, mm(grid.width), mm(grid.band_height))]
    assert len(first["facts panel"]) == 1 and len(first["footer rule"]) == 1


def test_no_text_leaves_its_block(pages, grid):
    """Nothing spills out of the grid: every character is in the band, a block or the footer."""
    for key, page in pages.items():
        height = page["height"]
        areas = [(0, 0, page["width"], grid.band_height)] + [box_edges(b, height) for b in grid.boxes]
        areas.append((0, height - grid.footer_top, page["width"], height))
        stray = [c["text"] for c in page["chars"] if c["text"].strip() and not any(inside(c, a) for a in areas)]
        assert not stray, f"{key}: text outside the grid: {''.join(stray)[:80]}"


def test_the_band_sets_every_name_at_one_size_on_at_most_two_lines(pages, grid):
    sizes, lines = set(), {}
    for key, page in pages.items():
        name = [c for c in page["chars"] if c["bottom"] < grid.band_height and c["size"] >= 12]
        sizes |= {round(c["size"], 2) for c in name}
        lines[key] = len({round(c["top"]) for c in name})
    assert sizes == {20.0}
    assert max(lines.values()) == 2 and min(lines.values()) == 1, lines


# ------------------------------------------------------------------ the page is used
def text_fill(page: dict, grid: Grid) -> float:
    """How much of the grid's text area the text reaches into: for each text block (the title
    area, the story, the facts panel), the depth from its top to the bottom of its lowest line,
    times its width; over the blocks' whole area. An empty lower half scores at most a half."""
    used = total = 0.0
    for box in grid.text_boxes:
        left, top, right, bottom = box_edges(box, page["height"])
        chars = [c for c in page["chars"] if inside(c, (left, top, right, bottom)) and c["text"].strip()]
        depth = min(bottom, max((c["bottom"] for c in chars), default=top)) - top
        used += depth * box.width
        total += box.height * box.width
    return used / total


def test_text_fills_at_least_70_percent_of_the_text_area_on_every_onepager(pages, grid):
    fills = {key: round(text_fill(page, grid), 3) for key, page in pages.items()}
    short = {key: fill for key, fill in fills.items() if fill < TEXT_FILL}
    assert not short, f"text fills less than {TEXT_FILL:.0%} of the text area: {short}"


# ------------------------------------------------------------------ QR codes
def test_qr_codes_are_20mm_or_more_and_decode_to_the_pages_address(series, pages, grid):
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    import pypdf

    scale = 300 / 72
    coded = [key for key, page in pages.items() if qr_modules(page, grid)]
    assert len(coded) >= 10, "the archive's one-pagers have QR codes"
    for key in coded:
        page = pypdf.PdfReader(series[key]).pages[0]
        links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
        assert len(links) == 1, key
        image = pdfium.PdfDocument(series[key])[0].render(scale=scale).to_pil()
        left, top, right, bottom = box_edges(grid.box("qr"), pages[key]["height"])
        crop = image.crop(tuple(round(v * scale) for v in (left, top, right, bottom)))
        found = zxingcpp.read_barcodes(crop)
        assert [code.text for code in found] == links, key
        corners = found[0].position
        side = ((corners.top_right.x - corners.top_left.x) ** 2 + (corners.top_right.y - corners.top_left.y) ** 2) ** 0.5
        assert side / scale / MM >= 20, f"{key}: the code is {side / scale / MM:.1f} mm"
        assert squash(display_url(links[0])) in squash(pages[key]["blocks"]["qr"]), "the address is printed under the code"
        modules = qr_modules(pages[key], grid)
        module = min(r["height"] for r in modules)         # each run of dark modules is one module tall
        assert min(r["x0"] for r in modules) - left >= 4 * module - 0.01, f"{key}: a quiet zone of four modules"
        assert min(r["top"] for r in modules) - top >= 4 * module - 0.01, f"{key}: a quiet zone of four modules"


def test_each_qr_code_is_the_featured_case_studys_address_when_it_has_one(archive_build, series, pages, grid):
    import pypdf

    data = yaml.safe_load((ARCHIVE / "index.yaml").read_text(encoding="utf-8"))
    for key, path in series.items():
        if not key.startswith("archive/") or not qr_modules(pages[key], grid):
            continue
        org = key.split("/", 1)[1]
        own = [cs for cs in data["case_studies"] if org == cs["lead"] or org in cs.get("partners", [])]
        uri = pypdf.PdfReader(path).pages[0]["/Annots"][0].get_object()["/A"]["/URI"]
        assert uri in [cs.get("url") for cs in own] + [data["organisations"][org].get("url")], key


# ------------------------------------------------------------------ any number of case studies
@pytest.mark.parametrize("org, count", [("mft", 20), ("lth", 10), ("bcuhb", 6), ("uhd", 4)])
def test_a_trust_with_many_case_studies_gets_one_page_listing_each_with_its_page(archive_build, pages, org, count):
    out, page_map, warnings = archive_build
    data = yaml.safe_load((ARCHIVE / "index.yaml").read_text(encoding="utf-8"))
    own = [cs for cs in data["case_studies"] if cs["lead"] == org]
    assert len(own) == count
    blocks = pages[f"archive/{org}"]["blocks"]
    text = squash(blocks["title"] + " " + blocks["story"])
    # the first page number after each appearance of a title is its own (in the list, or after its
    # text); the archive gives some case studies of one trust the same title
    by_title: dict[str, list[str]] = {}
    for cs in own:
        by_title.setdefault(squash(cs["title"]), []).append(page_map.chapter_label(cs["id"]))
    for title, labels in by_title.items():
        found = [re.search(r"page(\d+)", text[m.end():]) for m in re.finditer(re.escape(title), text)]
        found = sorted(m[1] for m in found if m)
        assert all(found.count(label) >= labels.count(label) for label in labels), (org, title, labels, found)
    if count >= 10:
        assert any(w.kind == "onepager-drop" and f"'{org}'" in w.message for w in warnings), "what was left out is said"


def test_the_archive_builds_every_output(archive_build):
    out, _, warnings = archive_build
    assert (out / "compendium.pdf").stat().st_size > 0 and (out / "compendium.epub").stat().st_size > 0
    data = yaml.safe_load((ARCHIVE / "index.yaml").read_text(encoding="utf-8"))
    named = {o for cs in data["case_studies"] for o in [cs["lead"], *cs.get("partners", [])]}
    assert {p.stem for p in (out / "one-pagers").glob("*.pdf")} == named
    assert not [w for w in warnings if w.kind == "onepager-overflow"]
