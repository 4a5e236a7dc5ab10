"""The web edition (issue 23), read back as files: every page type made, each page one h1, a skip
link, landmarks and a Content-Security-Policy that forbids inline script; every link between the
site's files resolves, and the downloads it links to are the build's; nothing from another host;
the sources' markup never becomes the site's; the same sources give the same bytes."""
from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from editions import full_edition, minimal_edition
from sitebuild import ROOT, build_site


class Page(HTMLParser):
    """What a test needs of a page: its elements' tags and attributes, and its text."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.elements if t == tag]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site-sample")
    return out, build_site(ROOT / "sources", out)


@pytest.fixture(scope="module")
def full_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site-full")
    out = root / "dist"
    return out, build_site(full_edition(root), out)


def pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {name: Page(data.decode("utf-8")) for name, data in files.items() if name.endswith(".html")}


def test_every_page_type_is_made(sample_site):
    _, files = sample_site
    names = set(files)
    for expected in ("site/index.html", "site/search.html", "site/foreword.html", "site/organisations/index.html",
                     "site/regions/index.html", "site/themes/index.html", "site/case-studies/leeds-financial-wellbeing.html",
                     "site/organisations/leeds.html", "site/regions/north-west.html", "site/assets/style.css",
                     "site/assets/search.js", "site/assets/search-index.js", "site/fonts/LiberationSans-Regular.ttf",
                     "site/fonts/LICENSE-Liberation.txt"):
        assert expected in names
    assert len([n for n in names if n.startswith("site/case-studies/")]) == 17
    assert len([n for n in names if n.startswith("site/themes/")]) > 2


def test_home_lists_every_case_study_as_the_networks_page_does(sample_site):
    from book.sources.index import load_index
    from book.core.errors import Reporter

    _, files = sample_site
    home = files["site/index.html"].decode()
    index = load_index(ROOT / "sources", Reporter(quiet=True))
    escaped = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    for cs in index.case_studies:
        assert escaped(cs.title) in home and escaped(cs.summary) in home
        assert f'href="case-studies/{cs.id}.html"' in home
    assert home.count(">Read case study<") == len(index.case_studies)
    for download in ("../compendium.pdf", "../compendium.epub", "../one-pagers.pdf"):
        assert f'href="{download}"' in home


def test_each_page_has_one_h1_landmarks_a_skip_link_and_a_policy(sample_site, full_site):
    for _, files in (sample_site, full_site):
        for name, page in pages(files).items():
            assert len(page.all("h1")) == 1, name
            assert page.all("main") == [{"id": "main", "tabindex": "-1"}], name
            assert page.all("header") and page.all("footer") and page.all("nav"), name
            first_link = next(a for t, a in page.elements if t == "a")
            assert first_link == {"class": "skip-link", "href": "#main"}, name
            assert page.all("html")[0]["lang"], name
            policy = [m["content"] for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
            assert len(policy) == 1, name
            rules = dict(r.strip().split(" ", 1) for r in policy[0].split(";"))
            assert rules["script-src"] == "'self'" and rules["default-src"] == "'none'", name
            assert all(s.get("src") for s in page.all("script")), f"{name}: an inline script"
            assert not [a for _, a in page.elements for k in a if k.startswith("on")], f"{name}: an event handler"


def test_every_link_resolves_and_nothing_comes_from_another_host(full_site, sample_build):
    out, files = full_site
    outside = {"compendium.pdf", "compendium.epub", "one-pagers.pdf"}
    for name, page in pages(files).items():
        for tag, attrs in page.elements:
            for key in ("href", "src"):
                target = attrs.get(key)
                if not target or target.startswith("#"):
                    continue
                parts = urlsplit(target)
                if parts.scheme:
                    # only a reader's own choice to follow a link leaves the site
                    assert tag == "a" and parts.scheme in ("https", "http", "mailto", "tel"), (name, tag, target)
                    continue
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
                if resolved in outside or resolved.startswith("one-pagers/"):
                    assert (sample_build / "one-pagers").is_dir()
                    continue
                assert resolved in files, (name, target, resolved)
    css = files["site/assets/style.css"].decode()
    for url in re.findall(r"url\(([^)]*)\)", css):
        assert not urlsplit(url.strip("'\"")).scheme and (Path("site/assets") / url).resolve().name, url
        assert f"site/fonts/{Path(url).name}" in files
    assert "@import" not in css


def test_downloads_are_the_files_a_build_makes(sample_site, sample_build):
    """The site sits beside the build's outputs in dist/: its download links are those files."""
    _, files = sample_site
    home = files["site/index.html"].decode()
    for link in re.findall(r'href="\.\./([^"#]+)"', home):
        assert (sample_build / link).is_file(), link
    organisation = files["site/organisations/leeds.html"].decode()
    onepager = re.search(r'href="\.\./\.\./(one-pagers/[^"]+)"', organisation).group(1)
    assert (sample_build / onepager).is_file()


def test_a_case_study_page_has_its_highlights_quote_facts_figures_tables_and_notes(full_site):
    _, files = full_site
    page = files["site/case-studies/everything.html"].decode()
    assert 'class="highlights"' in page and "First highlight ✓" in page
    assert "A quoted line € 5." in page and "Ann Example, Tester" in page
    assert "About this case study" in page and "Test Award" in page and 'href="../themes/testing.html"' in page
    # alt text that repeats the caption is emptied (read once, as the caption), as in the EPUB
    image = re.search(r'<figure[^>]*><img src="([^"]+)" alt=""', page).group(1)
    assert "<figcaption><strong>Figure 1.</strong> A chart of results" in page
    assert image.startswith("../images/") and f"site/{image[3:]}" in files
    assert "<table" in page and 'role="region" tabindex="0" aria-label="Table 1. Results table caption"' in page
    assert 'class="endnotes"' in page and "The first endnote." in page
    assert "\ue000" not in page and "epub:type" not in page


def test_sources_markup_never_becomes_the_sites(full_site):
    _, files = full_site
    for name in ("site/case-studies/hostile.html", "site/case-studies/everything.html", "site/index.html"):
        page = Page(files[name].decode())
        assert not [s for s in page.all("script")], name
        assert not page.all("iframe") and not page.all("form"), name
        assert not [a for a in page.all("a") if a.get("href", "").lower().startswith("javascript")], name
    assert "Visible hostile paragraph." in files["site/case-studies/hostile.html"].decode()
    assert "Everything &lt;b&gt;bold&lt;/b&gt; &amp; more" in files["site/index.html"].decode()


def test_the_same_sources_give_the_same_bytes(tmp_path, sample_site):
    _, first = sample_site
    again = build_site(ROOT / "sources", tmp_path / "again")
    assert sorted(again) == sorted(first)
    assert [n for n in first if first[n] != again[n]] == []


def test_the_search_index_holds_every_word_of_the_text(full_site):
    import json

    _, files = full_site
    script = files["site/assets/search-index.js"].decode()
    data = json.loads(script[script.index("=") + 1:].rstrip().rstrip(";"))
    titles = [doc[0] for doc in data["docs"]]
    everything = titles.index("Everything <b>bold</b> & more")
    # accents are dropped (ł has none to drop): "Łódź" and "Lodz"-like spellings typed match alike
    for word in ("preformatted", "endnote", "definition", "ann", "łodz"):
        assert word in data["terms"], word
    assert everything in data["terms"]["preformatted"]
    assert data["docs"][everything][1] == "case-studies/everything.html"


def test_a_long_unbroken_text_is_kept_within_the_page(tmp_path):
    """(Measured in a browser in test_site_browser.py; here: the table is in its scrolling region.)"""
    sources = minimal_edition(tmp_path, "| A | B |\n|---|---|\n| 1 | 2 |\n")
    files = build_site(sources, tmp_path / "dist")
    assert 'class="table-scroll" role="region" tabindex="0" aria-label="Table"' in files["site/case-studies/only.html"].decode()


def test_the_build_makes_the_site_beside_its_other_outputs(sample_build, tmp_path):
    """A plain build makes dist/site/ with the rest; a case study's page says where it starts in
    the printed compendium and opens the PDF there; `ohwb-book site` makes only the site."""
    from pypdf import PdfReader
    from conftest import source_date_epoch
    from util import run_cli

    page = (sample_build / "site" / "case-studies" / "imperial-oh-transformation.html").read_text(encoding="utf-8")
    label, number = re.search(r'href="\.\./\.\./compendium\.pdf#page=(\d+)">page (\w+) of the compendium', page).group(2, 1)
    reader = PdfReader(sample_build / "compendium.pdf")
    assert reader.page_labels[int(number) - 1] == label
    assert "Imperial" in reader.pages[int(number) - 1].extract_text()
    with source_date_epoch():
        code, printed = run_cli("site", "--sources", str(ROOT / "sources"), "--out", str(tmp_path / "dist"), "-q")
    assert code == 0, printed
    assert sorted(p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith(".")) == ["site"]
    made = {p.relative_to(tmp_path / "dist").as_posix(): p.read_bytes() for p in (tmp_path / "dist" / "site").rglob("*") if p.is_file()}
    built = {p.relative_to(sample_build).as_posix(): p.read_bytes() for p in (sample_build / "site").rglob("*") if p.is_file()}
    assert made == built


def test_a_rebuild_renders_only_the_changed_case_study_and_gives_a_cold_builds_bytes(tmp_path):
    """Each chapter's part of its page is kept in the build cache: after a correction, one page is
    rendered anew and only its file and the search index change; the files are those a cold build
    of the corrected sources makes, byte for byte."""
    import shutil

    from conftest import source_date_epoch
    from book.build.pipeline import Options, build

    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)

    def site_of(out: Path):
        options = Options(sources=sources, styles=ROOT / "styles", out=out, quiet=True, targets=("site",))
        with source_date_epoch():
            result = build(options)
        return result, {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "site").rglob("*") if p.is_file()}

    _, before = site_of(tmp_path / "dist")
    source = sources / "case-studies" / "leeds-financial-wellbeing.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA corrected sentence.\n", encoding="utf-8")
    result, after = site_of(tmp_path / "dist")
    assert result.remade["web pages rendered"] == 1
    changed = sorted(n for n in after if after[n] != before.get(n))
    assert changed == ["site/assets/search-index.js", "site/case-studies/leeds-financial-wellbeing.html"]
    assert sorted(p.name for p in result.written) == ["leeds-financial-wellbeing.html", "search-index.js"]
    _, cold = site_of(tmp_path / "cold")
    assert after == cold
