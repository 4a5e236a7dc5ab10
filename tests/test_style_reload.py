"""A style loaded again in the same process (watch mode, the preview server) comes from what was
checked, kept by its content: a new HouseStyle each time, so that nothing one build did to it
reaches the next, and any change to its files or fonts is seen."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from reportlab.lib.fonts import addMapping, tt2ps

from book.core.errors import UserError
from book.style import house
from book.style.house import load_style

STYLES = Path(__file__).resolve().parent.parent / "styles"


@pytest.fixture
def styles(tmp_path) -> Path:
    folder = tmp_path / "styles"
    shutil.copytree(STYLES, folder)
    return folder


def test_a_style_loaded_again_is_new_and_the_same(styles):
    first = load_style(styles, "house")
    again = load_style(styles, "house")
    assert again is not first and again.fonts is not first.fonts and again.styles is not first.styles
    assert again.styles == first.styles and again.palette == first.palette and again.page == first.page
    assert again.fingerprint() == first.fingerprint()
    assert again.paragraph_style("body").fontName == first.paragraph_style("body").fontName == "Sans"


def test_a_change_to_the_style_or_the_one_it_extends_is_seen(styles):
    assert load_style(styles, "large-print").palette["nhs-blue"] == "#005EB8"
    house_yaml = styles / "house.yaml"            # large-print extends house
    house_yaml.write_text(house_yaml.read_text(encoding="utf-8").replace('nhs-blue: "#005EB8"', 'nhs-blue: "#005EB9"'), encoding="utf-8")
    assert load_style(styles, "large-print").palette["nhs-blue"] == "#005EB9"
    house_yaml.write_text(house_yaml.read_text(encoding="utf-8").replace("palette:", "palette: [", 1), encoding="utf-8")
    with pytest.raises(UserError):
        load_style(styles, "large-print")


def test_a_changed_font_file_is_checked_again(styles):
    load_style(styles, "house")
    font = styles / "fonts" / "LiberationSans-Regular.ttf"
    font.write_bytes(b"not a font")
    with pytest.raises(UserError) as error:
        load_style(styles, "house")
    assert "LiberationSans-Regular.ttf" in str(error.value)


def test_what_a_build_did_to_the_fonts_mapping_does_not_reach_the_next(styles):
    # drawing an SVG picture maps font families too; a new style maps the house's faces again
    style = load_style(styles, "house")
    style.fonts.register()
    assert tt2ps("Sans", 0, 1) == "Sans-Italic"
    addMapping("Sans", 0, 1, "Sans")
    assert tt2ps("Sans", 0, 1) == "Sans"
    load_style(styles, "house").fonts.register()
    assert tt2ps("Sans", 0, 1) == "Sans-Italic"


def test_the_checked_style_is_kept_by_content_not_read_again(styles, monkeypatch):
    load_style(styles, "house")
    calls = []
    monkeypatch.setattr(house, "check_style", lambda *args: calls.append(args) or pytest.fail("checked again"))
    load_style(styles, "house")
    assert calls == []
    os.utime(styles / "house.yaml")               # the time alone: the same bytes, still kept
    load_style(styles, "house")
    assert calls == []
