"""The book's page and the one-pagers' layout: the ``page`` and ``onepager`` sections of a style,
read into a ``PageGeometry`` and a mapping, and the one-pager's grid checked (every block on the
page, none over another, the QR code large enough to scan, the body type no smaller than the
smallest size the copy fitting may shrink it to).
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm

from book.core.errors import did_you_mean
from book.style.sectioncheck import PALETTE_COLOUR, SectionChecker
from book.style.stylevalues import (
    BadValue, parse_bool, parse_count, parse_length, parse_names, parse_page_size, positive_length,
)

ONEPAGER_BLOCKS = ("title", "story", "facts", "qr")     # every one-pager grid has these
ONEPAGER_OPTIONAL_BLOCKS = ("more",)                    # the story continued (a second page)
MIN_QR_SIZE = 20 * mm                                   # phones need about 20 mm to scan from print
DEFAULT_CALIPER = 0.1 * 72 / 25.4                       # 0.1 mm paper


@dataclass(frozen=True)
class PageGeometry:
    """The book page in points (1/72 in). Inner/outer margins mirror on facing pages."""

    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_inner: float
    margin_outer: float
    bleed: float
    columns: int
    column_gap: float
    side_column: float = 0.0        # the side column (facts, notes) on the outer edge; 0: none
    part_pages: bool = False        # a part opens on a page of its own (else with a band above its text)
    case_study_space: float = 0.0   # room a case study needs left on a page to start there (0: its opening)
    print_cover: bool = False       # --print also writes the cover: back, spine and front in one spread
    caliper: float = DEFAULT_CALIPER    # the paper's thickness: the spine is a leaf's for every two pages

    @property
    def text_width(self) -> float:
        return self.width - self.margin_inner - self.margin_outer

    @property
    def text_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    @property
    def column_width(self) -> float:
        return (self.text_width - (self.columns - 1) * self.column_gap) / self.columns

    @property
    def text_column(self) -> float:
        """The measure of running text: the type area less the side column and its gap."""
        return self.text_width - (self.side_column + self.column_gap if self.side_column else 0.0)


def parse_blocks(value) -> dict[str, dict]:
    """onepager.blocks: name -> {page, x, y, width, height} (lengths; y from the top of the page)."""
    names = ONEPAGER_BLOCKS + ONEPAGER_OPTIONAL_BLOCKS
    how = "write each block as {x: 15mm, y: 42mm, width: 180mm, height: 26mm} (and page: 2 on a second page)"
    if not isinstance(value, dict):
        raise BadValue(f"onepager.blocks must be a mapping of blocks ({', '.join(names)}): {how}")
    blocks = {}
    for name, box in value.items():
        if name not in names:
            raise BadValue(f"there is no one-pager block '{name}'{did_you_mean(str(name), names)}; the blocks are: {', '.join(names)}")
        if not isinstance(box, dict) or set(box) - {"page", "x", "y", "width", "height"} or not {"x", "y", "width", "height"} <= set(box):
            raise BadValue(f"block '{name}': {how}")
        blocks[name] = {"page": parse_count(box.get("page", 1)),
                        **{k: parse_length(box[k]) for k in ("x", "y", "width", "height")}}
    missing = [n for n in ONEPAGER_BLOCKS if n not in blocks]
    if missing:
        raise BadValue(f"the grid has no block {', '.join(missing)}: every one-pager grid has {', '.join(ONEPAGER_BLOCKS)}")
    return blocks




PAGE_SPEC = {"size": parse_page_size, "margins": {k: parse_length for k in ("top", "bottom", "inner", "outer")},
             "bleed": parse_length, "columns": parse_count, "column_gap": parse_length, "side_column": parse_length,
             "part_pages": parse_bool, "case_study_space": parse_length, "print_cover": parse_bool,
             "caliper": parse_length}
ONEPAGER_SPEC = {"band_height": parse_length, "band_color": PALETTE_COLOUR,
                 "margins": {k: parse_length for k in ("top", "bottom", "left", "right")},
                 "footer_height": parse_length, "gutter": parse_length,
                 "min_font_size": positive_length, "shrink_step": positive_length, "drop_order": parse_names,
                 "allow_drop": parse_bool, "size": parse_page_size, "pages": parse_count,
                 "name_lines": parse_count, "qr_size": positive_length, "blocks": parse_blocks}
# `size` is optional: the one-pagers default to the book's page size
ONEPAGER_OPTIONAL = ("size", "pages", "name_lines")


class PageChecks(SectionChecker):
    """The ``page`` and ``onepager`` sections."""

    def page_section(self) -> PageGeometry | None:
        page = self.fields(("page",), PAGE_SPEC, required=("size", "margins"))
        if "size" not in page or len(page.get("margins", {})) < 4:
            return None
        (width, height), m = page["size"], page["margins"]
        geometry = PageGeometry(width, height, m["top"], m["bottom"], m["inner"], m["outer"],
                                page.get("bleed", 0.0), page.get("columns", 1), page.get("column_gap", 12.0),
                                page.get("side_column", 0.0), page.get("part_pages", False),
                                page.get("case_study_space", 0.0), page.get("print_cover", False),
                                page.get("caliper", DEFAULT_CALIPER))
        if geometry.column_width <= 0 or geometry.text_height <= 0 or geometry.text_column < 72:
            self.bad(("page",), "page: the margins (and column gaps) leave no room for text; make them smaller")
        return geometry

    def onepager_section(self) -> dict:
        required = tuple(k for k in ONEPAGER_SPEC if k not in ONEPAGER_OPTIONAL)
        onepager = self.fields(("onepager",), ONEPAGER_SPEC, required=required)
        onepager.setdefault("pages", 1)
        onepager.setdefault("name_lines", 2)
        return onepager

    def check_copy_fit(self, onepager: dict, styles: dict, page: PageGeometry | None) -> None:
        """The one-pager's smallest type no larger than its body type, and its grid on its page."""
        body = styles.get("onepager_body")
        floor = onepager.get("min_font_size")
        if body and floor and floor > body["fontSize"]:
            self.bad(("onepager", "min_font_size"),
                     f"onepager.min_font_size {floor:g}pt is larger than style 'onepager_body' fontSize {body['fontSize']:g}pt")
        size = onepager.get("size") or ((page.width, page.height) if page else None)
        if size and isinstance(onepager.get("blocks"), dict):
            self.check_grid(onepager, size)

    def check_grid(self, onepager: dict, size: tuple[float, float]) -> None:
        """Every block on a page of the grid, between the band and the footer, none over another,
        and the QR block large enough for its code and quiet zone."""
        blocks = onepager["blocks"]
        self.check_placement(onepager, size)
        names = list(blocks)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if _overlap(blocks[a], blocks[b]):
                    self.bad(("onepager", "blocks", b), f"onepager.blocks.{b} lies over block {a}: blocks of the grid must not overlap")
        self.check_qr(onepager)

    def check_placement(self, onepager: dict, size: tuple[float, float]) -> None:
        """Each block on one of the one-pager's pages, between the band and the footer."""
        width, height = size
        top = onepager.get("band_height", 0)
        bottom = height - onepager.get("footer_height", 0) - onepager.get("margins", {}).get("bottom", 0)
        pages = onepager.get("pages", 1)
        for name, b in onepager["blocks"].items():
            where = ("onepager", "blocks", name)
            if b["page"] > pages:
                self.bad(where, f"onepager.blocks.{name} is on page {b['page']}, but onepager.pages is {pages}")
            if b["x"] < 0 or b["x"] + b["width"] > width + 0.01 or b["y"] < top - 0.01 or b["y"] + b["height"] > bottom + 0.01:
                self.bad(where, f"onepager.blocks.{name} does not lie between the band ({top / mm:.0f} mm) and the "
                         f"footer ({bottom / mm:.0f} mm from the top) inside the page's {width / mm:.0f} mm: move or shrink it")

    def check_qr(self, onepager: dict) -> None:
        """A QR code large enough to scan from print, in a block with room for its quiet zone."""
        qr, qr_size = onepager["blocks"].get("qr"), onepager.get("qr_size", 0)
        if qr_size and qr_size < MIN_QR_SIZE - 0.01:
            self.bad(("onepager", "qr_size"), f"onepager.qr_size {qr_size / mm:.0f} mm is too small to scan from print: make it 20mm or more")
        if qr and qr_size and min(qr["width"], qr["height"]) < qr_size * 1.35:
            self.bad(("onepager", "blocks", "qr"), f"onepager.blocks.qr is too small for a {qr_size / mm:.0f} mm code and its quiet zone: "
                     f"make it {qr_size * 1.35 / mm:.0f} mm or more each way")


def _overlap(a: dict, b: dict) -> bool:
    return (a["page"] == b["page"] and a["x"] < b["x"] + b["width"] - 0.01 and b["x"] < a["x"] + a["width"] - 0.01
            and a["y"] < b["y"] + b["height"] - 0.01 and b["y"] < a["y"] + a["height"] - 0.01)

