"""The one-pager series read back as a printer and a reader see it (issue 17), over the sample
edition and the archive edition (`../shared/editions/archive`: 60 case studies, trusts leading
20, 10, 6 and 4 of them), each built once per session through the command line.

Everything is measured on the drawn pages (pdfplumber for text and shapes, pypdfium2 to render
and zxing-cpp to read the QR codes), against the grid the house style defines:

- every fixed block at the same place and size on every page: the band, the panels and the
  footer rule drawn identically (to 0.1 mm), the QR code at the same place, and every character
  of every page inside one of the grid's blocks;
- the organisation's name at one type size on every page, on at most the style's lines;
- the page used: text runs through at least 70 % of the grid's text area (the title, story and
  facts blocks: for each, the depth its text reaches, as a share of its height, weighted by the
  block's area), with no gap inside a block of more than a sixth of its height;
- QR codes of 20 mm or more with a quiet zone of four modules, decoded back to the address
  printed under them and linked from them;
- the big trusts' pages list every one of their case studies with its page in the compendium.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from book.errors import Reporter
from book.index import load_index
from book.style import load_style
from book.writers.onepager_layout import Grid
from conftest import source_date_epoch
from textcheck import squash
from util import ROOT, run_cli

ARCHIVE = ROOT / ".." / "shared" / "editions" / "archive"      # CI has shared/ beside the clone
MM = 72 / 25.4
TENTH_MM = 0.1 * MM


# ------------------------------------------------------------------ the two series, built once
@dataclass
class Series:
    name: str
    out: Path
    sources: Path
    output: str                     # what the build printed (warnings)

    @property
    def index(self):
        return load_index(self.sources, Reporter(quiet=True))

    def files(self) -> dict[str, Path]:
        """Organisation key -> its one-pager, in the edition's order."""
        return {key: self.out / "one-pagers" / f"{key}.pdf" for key in self.index.organisations
                if (self.out / "one-pagers" / f"{key}.pdf").exists()}


def build_series(name: str, sources: Path, out: Path, *extra: str) -> Series:
    with source_date_epoch():
        code, output = run_cli("--sources", str(sources), "--out", str(out), *extra)
    assert code == 0, output
    return Series(name, out, sources, output)


@pytest.fixture(scope="session")
def archive() -> Path:
    if not (ARCHIVE / "index.yaml").exists():
        pytest.skip(f"the archive edition is not at {ARCHIVE} (CI checks it out beside the repository)")
    return ARCHIVE.resolve()


@pytest.fixture(scope="session")
def archive_series(archive, tmp_path_factory) -> Series:
    return build_series("archive", archive, tmp_path_factory.mktemp("archive-dist"))


@pytest.fixture(scope="session")
def sample_series(tmp_path_factory) -> Series:
    return build_series("sample", ROOT / "sources", tmp_path_factory.mktemp("sample-series"))


@pytest.fixture(scope="session")
def both(sample_series, archive_series) -> list[Series]:
    return [sample_series, archive_series]


@pytest.fixture(scope="session")
def grid() -> Grid:
    return Grid.from_style(load_style(ROOT / "styles"))


@dataclass
class Drawn:
    """What one page of one one-pager shows, in pdfplumber's terms (points, y from the top)."""

    where: str                      # 'archive/mft p1'
    page_number: int                # 1-based, within its one-pager
    height: float
    chars: list[dict]
    rects: list[dict]
    lines: list[dict]
    links: list[tuple[str, tuple]]  # (URI, rect) of its link annotations


def drawn_pages(series: Series) -> list[Drawn]:
    pages = []
    for key, path in series.files().items():
        links = link_annotations(path)
        with pdfplumber.open(path) as pdf:
            for n, page in enumerate(pdf.pages, 1):
                pages.append(Drawn(f"{series.name}/{key} p{n}", n, page.height, page.chars, page.rects, page.lines,
                                   links.get(n - 1, [])))
    return pages


def link_annotations(path: Path) -> dict[int, list[tuple[str, tuple]]]:
    found = {}
    for n, page in enumerate(pypdf.PdfReader(path).pages):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is not None and "/URI" in action:
                found.setdefault(n, []).append((str(action["/URI"]), tuple(float(v) for v in annot["/Rect"])))
    return found


@pytest.fixture(scope="session")
def pages(both) -> dict[str, list[Drawn]]:
    return {series.name: drawn_pages(series) for series in both}


def all_pages(pages) -> list[Drawn]:
    return [page for series in pages.values() for page in series]


# ------------------------------------------------------------------ the grid, in pdfplumber's terms
def boxes_on(grid: Grid, page_number: int) -> dict[str, tuple[float, float, float, float]]:
    """name -> (x0, top, x1, bottom) of the grid's blocks on that page, y from the top; the band
    and the footer are on every page."""
    found = {b.name: (b.x, grid.height - b.top, b.x + b.width, grid.height - b.y) for b in grid.boxes
             if getattr(b, "page", 1) == page_number}
    found["band"] = (0.0, 0.0, grid.width, grid.band_height)
    found["footer"] = (grid.margin_left, grid.height - grid.footer_top, grid.width - grid.margin_right, grid.height)
    return found


def inside(thing: dict, box: tuple, slack: float = 0.5) -> bool:
    x0, top, x1, bottom = box
    return (thing["x0"] >= x0 - slack and thing["x1"] <= x1 + slack
            and thing["top"] >= top - slack and thing["bottom"] <= bottom + slack)


def mm(value: float) -> float:
    return round(value / MM, 1)


def frame(thing: dict) -> tuple[float, ...]:
    return tuple(mm(thing[k]) for k in ("x0", "top", "x1", "bottom"))


def text_boxes(grid: Grid, page_number: int) -> dict[str, tuple]:
    names = {b.name for b in grid.text_boxes}
    return {name: box for name, box in boxes_on(grid, page_number).items() if name in names}


# ------------------------------------------------------------------ the archive builds
def test_the_archive_builds_all_three_outputs(archive_series):
    out = archive_series.out
    assert (out / "compendium.pdf").stat().st_size > 0
    assert (out / "compendium.epub").stat().st_size > 0
    assert (out / "one-pagers.pdf").stat().st_size > 0
    assert sorted(archive_series.files()) == sorted(archive_series.index.organisations)


def test_what_copy_fitting_leaves_out_is_a_warning_naming_the_trust(archive_series):
    names = {org.name for org in archive_series.index.organisations.values()}
    keys = set(archive_series.index.organisations)
    said = [line for line in archive_series.output.splitlines() if line.startswith(("warning:", "error:"))]
    for line in (line for line in said if "one-pager" in line):
        assert line.startswith("warning:"), line
        assert any(f"'{key}'" in line for key in keys) or any(name in line for name in names), line


# ------------------------------------------------------------------ any number of case studies
def compendium_labels(out: Path) -> dict[str, str]:
    """Case-study title -> the page label its chapter starts on, from the compendium's bookmarks."""
    reader = pypdf.PdfReader(out / "compendium.pdf")
    labels = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                labels.setdefault(squash(item.title), reader.page_labels[reader.get_destination_page_number(item)])

    walk(reader.outline)
    return labels


def leading(index, count: int) -> str:
    """The organisation that leads ``count`` case studies."""
    leads = Counter(cs.lead for cs in index.case_studies)
    return next(key for key, n in leads.items() if n == count)


@pytest.mark.parametrize("count", [20, 10, 6, 4])
def test_a_trust_leading_many_case_studies_gets_one_page_listing_each_with_its_page(archive_series, grid, count):
    index = archive_series.index
    key = leading(index, count)
    path = archive_series.out / "one-pagers" / f"{key}.pdf"
    labels = compendium_labels(archive_series.out)
    own = [cs for cs in index.case_studies if key in (cs.lead, *cs.partners)]
    assert len(own) >= count
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1, f"{key}: {len(pdf.pages)} pages"
        page = pdf.pages[0]
        # read block by block: side-by-side blocks would interleave their lines
        text = "".join(squash(page.crop(box).extract_text() or "") for box in boxes_on(grid, 1).values()
                       if box[2] > box[0] and box[3] > box[1])
    for cs in own:
        title = squash(cs.title)
        assert title in text, f"{key}: case study {cs.id} is not on its page"
        after = text[text.index(title) + len(title):]
        number = re.search(r"page(\d+)", after)
        assert number and number[1] == labels[title], f"{key}: {cs.id} should say page {labels[title]}"


# ------------------------------------------------------------------ a fixed grid
def test_every_character_is_inside_a_block_of_the_grid(pages, grid):
    for page in all_pages(pages):
        boxes = boxes_on(grid, page.page_number).values()
        outside = [c["text"] for c in page.chars if not any(inside(c, box) for box in boxes)]
        assert not outside, f"{page.where}: {''.join(outside)[:80]!r} is outside the grid's blocks"


def fixed_shapes(page: Drawn, grid: Grid) -> list[tuple]:
    """The panels and rules the grid draws: every filled box of 15 x 5 mm or more and every
    horizontal rule of 20 mm or more that is not inside the story (whose boxes, like the
    highlights panel, are as long as their text)."""
    story = [box for name, box in boxes_on(grid, page.page_number).items() if name in ("story", "more")]
    panels = [("rect", frame(r)) for r in page.rects if r["width"] >= 15 * MM and r["height"] >= 5 * MM]
    rules = [("rule", frame(line)) for line in page.lines if line["width"] >= 20 * MM]
    return sorted(shape for shape in panels + rules
                  if not any(x0 <= shape[1][0] * MM + 0.5 and shape[1][2] * MM - 0.5 <= x1 and top <= shape[1][1] * MM + 0.5
                             and shape[1][3] * MM - 0.5 <= bottom for x0, top, x1, bottom in story))


def test_the_band_panels_and_footer_rule_are_drawn_identically_on_every_page(pages, grid):
    by_page_number: dict[int, dict] = {}
    for page in all_pages(pages):
        shapes = fixed_shapes(page, grid)
        first = by_page_number.setdefault(page.page_number, {"where": page.where, "shapes": shapes})
        assert shapes == first["shapes"], f"{page.where} differs from {first['where']}"
    band = ("rect", (0.0, 0.0, mm(grid.width), mm(grid.band_height)))
    assert band in by_page_number[1]["shapes"], "the band runs across the top of the page"


def qr_modules(page: Drawn, grid: Grid) -> list[dict]:
    qr = boxes_on(grid, page.page_number).get("qr")
    return [r for r in page.rects if qr and inside(r, qr) and r["width"] < 3 * MM and r["height"] < 3 * MM]


def test_the_qr_code_sits_at_the_same_place_on_every_page_that_has_one(pages, grid):
    places = {}
    for page in all_pages(pages):
        modules = qr_modules(page, grid)
        if modules:
            box = (min(r["x0"] for r in modules), min(r["top"] for r in modules),
                   max(r["x1"] for r in modules), max(r["bottom"] for r in modules))
            places.setdefault(tuple(mm(v) for v in box), []).append(page.where)
    assert places, "the archive has web addresses: some one-pagers have QR codes"
    assert len(places) == 1, f"QR codes at {len(places)} places: {places}"


def test_the_title_area_starts_at_the_same_place_on_every_page(pages, grid):
    tops = {}
    for page in all_pages(pages):
        title = boxes_on(grid, page.page_number).get("title")
        if title:
            chars = [c for c in page.chars if inside(c, title)]
            assert chars, f"{page.where}: nothing in the title area"
            tops.setdefault(round(min(c["top"] for c in chars), 1), []).append(page.where)
    assert len(tops) == 1, f"the title area's first line at {sorted(tops)} pt"


def test_the_organisations_name_has_one_size_on_every_page(pages, grid, both):
    name_lines = load_style(ROOT / "styles").onepager.get("name_lines", 2)
    sizes = {}
    for page in all_pages(pages):
        band = [c for c in page.chars if c["bottom"] <= grid.band_height and c["text"].strip()]
        assert band, f"{page.where}: no name in the band"
        biggest = max(round(c["size"], 2) for c in band)
        sizes.setdefault(biggest, []).append(page.where)
        name = [c for c in band if round(c["size"], 2) == biggest]
        assert len({round(c["top"]) for c in name}) <= name_lines, f"{page.where}: the name takes more than {name_lines} lines"
    assert len(sizes) == 1, f"the band's name at sizes {sorted(sizes)}"


# ------------------------------------------------------------------ the page used
def block_fill(chars: list[dict], box: tuple) -> tuple[float, float]:
    """(share of the block's height its text reaches down to, largest gap between two lines of
    it as a share of the block's height)."""
    x0, top, x1, bottom = box
    lines = sorted({(round(c["top"], 1), round(c["bottom"], 1)) for c in chars if inside(c, box)})
    if not lines:
        return 0.0, 1.0
    depth = max(b for _, b in lines) - top
    gaps, reached = [], top
    for line_top, line_bottom in lines:
        gaps.append(line_top - reached)
        reached = max(reached, line_bottom)
    height = bottom - top
    return min(depth / height, 1.0), max(gaps) / height


def page_fill(page: Drawn, grid: Grid) -> tuple[float, dict]:
    boxes = text_boxes(grid, page.page_number)
    areas = {name: (b[2] - b[0]) * (b[3] - b[1]) for name, b in boxes.items()}
    fills = {name: block_fill(page.chars, box) for name, box in boxes.items()}
    return sum(fills[n][0] * areas[n] for n in boxes) / sum(areas.values()), fills


def test_text_fills_at_least_70_percent_of_the_text_area_on_every_page(pages, grid):
    report = []
    for page in all_pages(pages):
        if page.page_number > 1:
            continue            # the house style has one page per organisation
        fill, blocks = page_fill(page, grid)
        report.append((fill, page.where))
        assert fill >= 0.70, f"{page.where}: text fills {fill:.0%} of the text area ({blocks})"
        for name, (_, gap) in blocks.items():
            assert gap <= 1 / 6, f"{page.where}: a gap of {gap:.0%} of the {name} block's height inside it"
    assert len(report) == sum(len(p) for p in pages.values())


# ------------------------------------------------------------------ QR codes
def read_codes(path: Path, page_index: int, box: tuple, dpi: int = 300):
    """The QR codes zxing-cpp reads in ``box`` (pdfplumber's terms) of a page rendered by
    pdfium, each with its corners in points from the page's top left."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(str(path))
    try:
        page = document[page_index]
        width, height = page.get_size()
        x0, top, x1, bottom = box
        scale = dpi / 72
        image = page.render(scale=scale, crop=(x0, height - bottom, width - x1, top)).to_pil()
    finally:
        document.close()
    found = []
    for code in zxingcpp.read_barcodes(image):
        p = code.position
        corners = [(x0 + pt.x / scale, top + pt.y / scale) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        found.append((code, corners))
    return found


def expected_addresses(series: Series, key: str) -> set[str]:
    index = series.index
    org = index.organisations[key]
    return {cs.url for cs in index.case_studies if key in (cs.lead, *cs.partners) and cs.url} | ({org.url} if org.url else set())


def test_qr_codes_are_20_mm_or_more_with_their_quiet_zone_and_read_back_to_their_address(both, pages, grid):
    checked = 0
    for series in both:
        files = series.files()
        for page in pages[series.name]:
            if not qr_modules(page, grid):
                continue
            key = page.where.split("/")[1].split(" ")[0]
            qr = boxes_on(grid, page.page_number)["qr"]
            codes = read_codes(files[key], page.page_number - 1, qr)
            assert len(codes) == 1, f"{page.where}: {len(codes)} QR codes read"
            code, corners = codes[0]
            address = code.text
            assert address in expected_addresses(series, key), f"{page.where}: the code reads {address!r}"
            side = max(x for x, _ in corners) - min(x for x, _ in corners)
            assert side >= 20 * MM, f"{page.where}: the QR code is {side / MM:.1f} mm"
            modules = 17 + 4 * int(code.extra["Version"])
            quiet = 4 * side / modules
            left, top = min(x for x, _ in corners), min(y for _, y in corners)
            zone = (left - quiet, top - quiet, left + side + quiet, top + side + quiet)
            intruders = [c["text"] for c in page.chars if not (c["x1"] <= zone[0] or c["x0"] >= zone[2]
                                                                or c["bottom"] <= zone[1] or c["top"] >= zone[3])]
            assert not intruders, f"{page.where}: {''.join(intruders)!r} inside the QR code's quiet zone"
            printed = squash("".join(c["text"] for c in page.chars if inside(c, qr)))
            # printed as a reader types it: 'https://' may be left out
            assert squash(re.sub(r"^https?://", "", address)) in printed, f"{page.where}: the address is not printed"
            assert any(uri == address for uri, _ in page.links), f"{page.where}: the code does not link to {address}"
            checked += 1
    assert checked >= 5, f"only {checked} QR codes in the two editions"


def test_qr_codes_are_drawn_as_vectors(both):
    for series in both:
        for key, path in series.files().items():
            for page in pypdf.PdfReader(path).pages:
                xobjects = page["/Resources"].get("/XObject", {})
                images = [name for name, x in xobjects.items() if x.get_object().get("/Subtype") == "/Image"]
                assert not images, f"{series.name}/{key}: an image on the page ({images})"


# ------------------------------------------------------------------ large print
def test_large_print_one_pagers_are_a4_at_16_pt_or_more(tmp_path_factory):
    out = tmp_path_factory.mktemp("large-print-series")
    series = build_series("large print", ROOT / "sources", out, "onepagers", "--style", "large-print")
    pages_allowed = load_style(ROOT / "styles", "large-print").onepager.get("pages", 1)
    for key, path in series.files().items():
        with pdfplumber.open(path) as pdf:
            assert 1 <= len(pdf.pages) <= pages_allowed, f"{key}: {len(pdf.pages)} pages"
            for page in pdf.pages:
                assert (mm(page.width), mm(page.height)) == (210.0, 297.0), f"{key}: not A4"
                small = {round(c["size"], 1) for c in page.chars if c["text"].strip() and c["size"] < 16 - 0.01}
                assert not small, f"{key}: text at {sorted(small)} pt"
