"""The house style: real YAML and font files in styles/, copied to a temporary folder to break."""
from __future__ import annotations

import multiprocessing
import re
import shutil
from pathlib import Path

import pytest
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from book.core.errors import UserError
from book.style.house import REQUIRED_STYLES, contrast_ratio, load_style

STYLES = Path(__file__).resolve().parent.parent / "styles"


@pytest.fixture(scope="module")
def house():
    return load_style(STYLES, "house")


@pytest.fixture(scope="module")
def large():
    return load_style(STYLES, "large-print")


@pytest.fixture
def styles_dir(tmp_path):
    copy = tmp_path / "styles"
    shutil.copytree(STYLES, copy)
    return copy


def problems_of(styles_dir: Path, yaml_text: str) -> str:
    """Load a style that extends house with ``yaml_text``; return the error text."""
    (styles_dir / "test.yaml").write_text("name: test\nextends: house\n" + yaml_text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_style(styles_dir, "test")
    return str(caught.value)


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


# -- the shipped styles ---------------------------------------------------------------------------
def test_house_and_large_print_load(house, large):
    assert house.name == "house" and large.name == "large-print"
    assert [f.name for f in large.files] == ["house.yaml", "large-print.yaml"]
    assert house.palette["nhs-blue"] == "#005EB8"
    assert house.page.width == pytest.approx(595.28, abs=0.01)  # A4
    assert house.page.margin_top == pytest.approx(20 / 25.4 * 72)
    assert house.page.columns == 1 and house.hyphenate is True and large.hyphenate is False
    assert house.onepager["min_font_size"] == 7.5 and house.onepager["allow_drop"] is True
    assert house.onepager["drop_order"] == ["quote", "highlights", "themes", "partners"]
    assert house.onepager["pages"] == 1 and large.onepager["pages"] == 2
    assert large.onepager["size"] == pytest.approx((595.28, 841.89), abs=0.01)  # A4, not A3


@pytest.mark.parametrize("which", ["house", "large-print"])
def test_every_required_style_exists(which):
    style = load_style(STYLES, which)
    assert set(REQUIRED_STYLES) <= set(style.styles)
    for name in REQUIRED_STYLES:
        assert style.paragraph_style(name).fontName in style.fonts.main_font_names()


def test_house_design(house):
    body, h2 = house.styles["body"], house.styles["h2"]
    assert (body["fontSize"], body["leading"], body["alignment"]) == (10.5, 15, 0)  # ragged right (left)
    assert h2["fontName"] == "Sans-Bold" and h2["textColor"] == "#003087" and h2["keepWithNext"]
    assert house.styles["code"]["fontName"] == "Mono"
    assert house.styles["h6"]["fontName"] == "Sans-BoldItalic"
    assert house.paragraph_style("body").hyphenationLang.lang == "en_GB"
    assert ("under-", "resourced") in list(house.paragraph_style("body").hyphenationLang("under-resourced"))
    assert house.paragraph_style("h1").hyphenationLang == ""  # headings never hyphenate


def test_large_print_is_at_least_14pt(large):
    assert large.styles["body"]["fontSize"] >= 14
    assert large.styles["body"]["alignment"] == 0  # left, not justified
    assert min(s["fontSize"] for s in large.styles.values()) >= 14
    # Wider leading for running text; display sizes (18pt and up) may be tighter.
    assert all(s["leading"] >= 1.4 * s["fontSize"] for s in large.styles.values() if s["fontSize"] < 18)
    assert large.paragraph_style("body").hyphenationLang == ""


def test_css_from_the_same_data(house):
    css = house.css()
    assert "#005EB8" in css and "10.5pt" in css
    assert re.search(r"body \{[^}]*font-size: 1em;", css)
    assert re.search(r"h1 \{[^}]*font-size: 1.905em;", css)  # 20pt / 10.5pt
    assert re.search(r"body \{[^}]*line-height: 1.429;", css)  # 15 / 10.5, unitless
    for selector in ("aside.pullquote .attribution", ".highlights h2", "section.endnotes", "a.noteref",
                     "nav#toc", ".part-title", ".index-entry", ".cover-title", ".title-page",
                     'span[epub|type~="pagebreak"]', ".opener-org", "figcaption", "pre"):
        assert selector in css
    assert "px" not in css and "!important" not in css
    assert css.count("{") == css.count("}")
    assert "Frutiger, Arial, 'Liberation Sans'" in css


def test_contrast_formula():
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#005EB8") == contrast_ratio("#005EB8", "#FFFFFF")


# -- mistakes a designer can make ------------------------------------------------------------------
def test_low_contrast_names_both_colours_and_ratio(styles_dir):
    setting = '    textColor: "#8A9BA8"'
    text = f"styles:\n  caption:\n{setting}\n"
    message = problems_of(styles_dir, text)
    assert f"styles/test.yaml:{line_of(text, setting) + 2}:" in message
    assert "style 'caption'" in message and "#8A9BA8 on #FFFFFF" in message
    assert "2.86:1" in message and "4.5:1" in message


def test_large_text_needs_only_3_to_1_and_band_uses_band_colour(styles_dir):
    # #767676-ish grey at 24pt passes (3:1 for large text); white on a pale band fails.
    message = problems_of(styles_dir, "styles:\n  h1:\n    textColor: \"#8A8A8A\"\nonepager:\n  band_color: nhs-pale-grey\n")
    assert "style 'h1'" not in message
    assert "style 'band_title'" in message and "#FFFFFF on #E8EDEE" in message and "3:1" in message


def test_missing_font_file_is_named(styles_dir):
    (styles_dir / "fonts" / "LiberationSans-Bold.ttf").unlink()
    with pytest.raises(UserError) as caught:
        load_style(styles_dir, "house")
    message = str(caught.value)
    assert "fonts/LiberationSans-Bold.ttf" in message and "not found" in message
    assert "styles/fonts/" in message and "styles/house.yaml:" in message


def test_unloadable_font_file(styles_dir):
    (styles_dir / "fonts" / "LiberationMono-Italic.ttf").write_bytes(b"not a font" * 50)
    with pytest.raises(UserError, match=r"ReportLab cannot load font file 'fonts/LiberationMono-Italic.ttf'"):
        load_style(styles_dir, "house")


def test_unknown_key_did_you_mean_with_line(styles_dir):
    text = "styles:\n  body:\n    fontsize: 11\n"
    message = problems_of(styles_dir, text)
    assert f"styles/test.yaml:{line_of(text, '    fontsize: 11') + 2}:" in message
    assert "unknown attribute 'fontsize' (did you mean 'fontSize'?)" in message


def test_unknown_section_and_css_word(styles_dir):
    message = problems_of(styles_dir, "pallete:\n  x: \"#000000\"\nstyles:\n  body:\n    color: text\n")
    assert "unknown section 'pallete' (did you mean 'palette'?)" in message
    assert "unknown attribute 'color' (did you mean 'textColor'?)" in message


def test_bad_colour(styles_dir):
    message = problems_of(styles_dir, "styles:\n  h2:\n    textColor: nhs-blu\n  h3:\n    textColor: #003087\n")
    assert "style 'h2': textColor: 'nhs-blu' is neither a palette colour nor a hex colour" in message
    assert "(did you mean 'nhs-blue'?)" in message
    assert "style 'h3': textColor: no colour given" in message and "quotes" in message


def test_a_list_where_one_word_belongs_is_a_problem_not_a_crash(styles_dir):
    text = "styles:\n  h2:\n    alignment: [left]\n    surface: {cover: true}\n"
    message = problems_of(styles_dir, text)
    assert f"styles/test.yaml:{line_of(text, '    alignment: [left]') + 2}: style 'h2': alignment: ['left'] is not one of: left," in message
    assert "style 'h2': surface: '{'cover': True}' is not one of the surfaces" in message


def test_cyclic_parent(styles_dir):
    message = problems_of(styles_dir, "styles:\n  h2:\n    parent: h3\n  h3:\n    parent: h2\n")
    assert "parents loop" in message and ("h2 -> h3 -> h2" in message or "h3 -> h2 -> h3" in message)


def test_unknown_parent_and_extends(styles_dir):
    message = problems_of(styles_dir, "styles:\n  h2:\n    parent: h11\n")
    assert "parent 'h11' is not a style (did you mean 'h1'?)" in message
    (styles_dir / "other.yaml").write_text("name: x\nextends: hous\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"styles/other.yaml:2: no style named 'hous'.*did you mean 'house'"):
        load_style(styles_dir, "other")


def test_bad_lengths_and_every_problem_at_once(styles_dir):
    message = problems_of(styles_dir, "page:\n  margins:\n    top: 20 millimetres\nstyles:\n  body:\n"
                                      "    spaceAfter: 2 lines\n    alignment: middle\n  h1:\n    leading: 10\n")
    assert "page.margins.top: '20 millimetres' is not a length" in message
    assert "style 'body': spaceAfter: '2 lines' is not a length" in message
    assert "'middle' is not one of: left, centre" in message
    assert "leading 10pt is less than fontSize 20pt" in message
    assert len(message.splitlines()) >= 4


def test_min_text_size_is_enforced(styles_dir):
    message = problems_of(styles_dir, "min_text_size: 9pt\n")
    assert "style 'caption'" not in message  # 9pt exactly is allowed
    assert "style 'footnote': fontSize 8.5pt is below this style's min_text_size 9pt" in message


# -- one change, every output ----------------------------------------------------------------------
def test_colour_change_reaches_pdf_and_epub(styles_dir):
    house_yaml = styles_dir / "house.yaml"
    text = house_yaml.read_text(encoding="utf-8")
    assert 'nhs-dark-blue: "#003087"' in text
    house_yaml.write_text(text.replace('nhs-dark-blue: "#003087"', 'nhs-dark-blue: "#0B2A5B"'), encoding="utf-8")
    style = load_style(styles_dir, "house")
    assert style.paragraph_style("h2").textColor.hexval() == "0x0b2a5b"
    assert re.search(r"h2 \{[^}]*color: #0B2A5B;", style.css())
    assert "#003087" not in style.css()
    assert style.fingerprint() != load_style(STYLES, "house").fingerprint()


def test_paragraph_style_overrides_are_fresh(house):
    shared = house.paragraph_style("onepager_body")
    smaller = house.paragraph_style("onepager_body", fontSize=8, leading=10.5, textColor="nhs-blue")
    assert smaller is not shared and shared.fontSize == house.styles["onepager_body"]["fontSize"] != 8 and smaller.fontSize == 8
    assert smaller.textColor.hexval() == "0x005eb8"
    assert house.paragraph_style("onepager_body") is shared


def test_color_lookup(house):
    assert house.color("nhs-blue") == "#005EB8" and house.color("#abc") == "#AABBCC"
    with pytest.raises(ValueError, match="did you mean 'nhs-blue'"):
        house.color("nhs-bleu")


# -- fonts ----------------------------------------------------------------------------------------
def test_fallback_for_missing_glyphs(house):
    fonts = house.fonts
    assert fonts.split_by_font("a✓b", "Sans") == [("a", None), ("✓", "Fallback1"), ("b", None)]
    assert fonts.split_by_font("✓ done", "Sans-Bold")[0] == ("✓ ", "Fallback1-Bold")
    assert fonts.fallback_font("✓", "Sans") == "Fallback1"


def test_welsh_polish_euro_need_no_fallback(house):
    for char in "ŵŁ€’“”–—":
        for name in ("Sans", "Sans-Bold", "Sans-Italic", "Sans-BoldItalic"):
            assert house.fonts.has_glyph(name, char), (name, char)
    assert house.fonts.split_by_font("Ŵŵ Łódź €5", "Sans") == [("Ŵŵ Łódź €5", None)]


def test_audit_reports_missing_characters(house):
    reports = house.fonts.audit({"a.md": "ok ✓\u00ad\n", "b.md": "✓ and \U0010FFFD"})
    by_char = {r.char: r for r in reports}
    assert set(by_char) == {"✓", "\U0010FFFD"}
    tick = by_char["✓"]
    assert tick.codepoint == "U+2713" and tick.files == ("a.md", "b.md") and tick.fallback == "Fallback1"
    assert by_char["\U0010FFFD"].fallback is None


def test_register_maps_bold_and_italic(house):
    house.fonts.register()
    house.fonts.register()  # idempotent
    assert tt2ps("sans", 1, 0) == "Sans-Bold" and tt2ps("sans", 1, 1) == "Sans-BoldItalic"
    assert ps2tt("Sans-Italic") == ("sans", 0, 1)
    assert tt2ps("fallback1", 0, 1) == "Fallback1"  # no italic face: the regular stands in
    para = Paragraph("plain <b>bold</b> <i>it</i>", house.paragraph_style("body"))
    para.wrap(400, 100)
    fonts = {frag.fontName for line in para.blPara.lines for frag in line.words}
    assert {"Sans", "Sans-Bold", "Sans-Italic"} <= fonts


def _width_in_child(args):
    styles_dir, name = args
    style = load_style(Path(styles_dir), name)
    style.fonts.register()
    return stringWidth("Hello ✓", "Sans", 10) + stringWidth("✓", "Fallback1", 10)


def test_fonts_work_in_forked_workers(house):
    house.fonts.register()
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        widths = pool.map(_width_in_child, [(str(STYLES), "house"), (str(STYLES), "large-print")])
    assert widths[0] == widths[1] > 0


def test_a_different_sans_gets_its_own_font_name(styles_dir, house):
    # ReportLab keeps the first font registered under a name, so another style's sans in the
    # same process must not reuse 'Sans'.
    house_yaml = styles_dir / "house.yaml"
    text = house_yaml.read_text(encoding="utf-8")
    house_yaml.write_text(text.replace("normal: fonts/LiberationSans-Regular.ttf", "normal: fonts/DejaVuSans.ttf"), encoding="utf-8")
    other = load_style(styles_dir, "house")
    body_font = other.styles["body"]["fontName"]
    assert body_font.startswith("Sans") and body_font != "Sans"
    assert house.styles["body"]["fontName"] == "Sans"
    house.fonts.register()
    other.fonts.register()
    assert stringWidth("Wellbeing", body_font, 10) != stringWidth("Wellbeing", "Sans", 10)


def test_text_on_a_surface_keeps_its_ground_in_the_epub(house):
    # white part-opener text needs the part surface behind it in the EPUB too
    css = house.css()
    rule = css[css.index('section[epub|type~="part"] {'):]
    assert f"background-color: {house.surfaces['part']}" in rule[:rule.index("}")]


def test_the_onepager_grid_is_checked(styles_dir):
    """A block over another, off its page, on a page the style does not have, a QR code under
    20 mm or a QR block too small for its code: each an error naming the block."""
    message = problems_of(styles_dir, """\
onepager:
  qr_size: 15mm
  blocks:
    facts: {x: 120mm, y: 72mm, width: 58mm, height: 124mm}
    qr: {page: 2, x: 137mm, y: 202mm, width: 20mm, height: 67mm}
    title: {x: 15mm, y: 10mm, width: 180mm, height: 26mm}
""")
    assert "onepager.blocks.facts lies over block story" in message
    assert "onepager.blocks.qr is on page 2, but onepager.pages is 1" in message
    assert "onepager.blocks.title does not lie between the band" in message
    assert "onepager.qr_size 15 mm is too small to scan from print" in message
    assert "onepager.blocks.qr is too small for a 15 mm code and its quiet zone" in message
    assert "there is no one-pager block 'sidebar'" in problems_of(styles_dir, """\
onepager:
  blocks:
    sidebar: {x: 15mm, y: 42mm, width: 180mm, height: 26mm}
""")
