"""The ReportLab shortcuts in book/writers/rlspeed.py give exactly what ReportLab gives without them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as rl_paragraph

from book.style.house import load_style
from book.pdf import rlcontract, rlspeed
from util import ROOT

STYLE_NAMES = ("body", "h1", "h2", "caption", "opener_org", "toc_entry", "standfirst")


@pytest.fixture(scope="module")
def house():
    style = load_style(ROOT / "styles")
    style.fonts.register()
    rlcontract.install()
    return style


def parsed(text, ps):
    """The paragraph as ReportLab's own markup parser makes it."""
    p = Paragraph.__new__(Paragraph)
    p.caseSensitive, p.encoding = 1, "utf8"
    rl_paragraph.Paragraph._setup.__wrapped_original__(p, text, ps, None, None, rl_paragraph.cleanBlockQuotedText)
    return p


TEXT = st.text(alphabet=st.sampled_from(list("ab XYZ\n\t  \u2019\u201c\u201d\u2013\u2014\u00a3%\u00e9\u0175\u00a0\u00ad.,:;!?()'\"-0123456789")),
               max_size=60)


@settings(max_examples=400, deadline=None)
@given(text=TEXT, name=st.sampled_from(STYLE_NAMES))
def test_plain_paragraphs_get_the_fragments_the_parser_makes(house, text, name):
    ps = house.paragraph_style(name)
    fast, slow = Paragraph(text, ps), parsed(text, ps)
    assert fast.text == slow.text
    assert [vars(f) for f in fast.frags] == [vars(f) for f in slow.frags]


PIECE = TEXT.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
FONT_NAMES = ("Fallback1", "Mono", "Sans-Bold", "Mono-Italic")


def wrapped(inner):
    return st.one_of(
        st.tuples(st.sampled_from(["b", "i"]), inner).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
        st.tuples(st.sampled_from(FONT_NAMES), inner).map(lambda t: f'<font name="{t[0]}">{t[1]}</font>'),
        st.lists(inner, max_size=3).map("".join),
    )


MARKUP = st.recursive(PIECE | st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;"]), wrapped, max_leaves=8)
# and what the fast path must leave to ReportLab's parser: it must give what the parser gives
ODD = st.sampled_from(["<b>", "</i>", "<u>x</u>", "&nbsp;", "&#233;", '<font name="Sans" size="9">x</font>',
                       "<br/>", '<a href="#x">y</a>', "<super>1</super>", "a > b", "&", "<font>x</font>"])


@settings(max_examples=400, deadline=None)
@given(markup=st.lists(MARKUP | ODD, min_size=1, max_size=4).map("".join), name=st.sampled_from(STYLE_NAMES))
def test_simple_markup_gets_the_fragments_the_parser_makes(house, markup, name):
    ps = house.paragraph_style(name)
    try:
        slow = parsed(markup, ps)
    except ValueError:                   # markup the parser refuses: refused the same way
        with pytest.raises(ValueError):
            Paragraph(markup, ps)
        return
    fast = Paragraph(markup, ps)
    assert fast.text == slow.text
    assert [vars(f) for f in fast.frags] == [vars(f) for f in slow.frags]


def test_the_markup_the_toolkit_writes_most_is_not_parsed(house):
    ps = house.paragraph_style("body")
    frags = rlspeed.simple_frags('Health &amp; <b>wellbeing <font name="Fallback1">\u2713</font></b> <i>now</i>', ps)
    assert [f.text for f in frags] == ["Health ", "&", " ", "wellbeing ", "\u2713", " ", "now"]
    assert rlspeed.simple_frags('<a href="#x">y</a>', ps) is None


@settings(max_examples=100, deadline=None)
@given(text=TEXT, width=st.floats(min_value=20, max_value=500))
def test_wrapping_again_at_the_same_width_is_wrapping_once(house, text, width):
    ps = house.paragraph_style("body")
    p = Paragraph(text * 5, ps)
    first = p.wrap(width, 1000)
    lines = [list(getattr(line, "words", line)) for line in p.blPara.lines]
    assert p.wrap(width, 1000) == first
    fresh = Paragraph(text * 5, ps)
    assert fresh.wrap(width, 1000) == first
    assert [list(getattr(line, "words", line)) for line in fresh.blPara.lines] == lines


@settings(max_examples=150, deadline=None)
@given(markup=st.lists(MARKUP, min_size=1, max_size=3).map("".join), widths=st.lists(st.sampled_from([90.0, 160.0, 300.0]),
                                                                                    min_size=2, max_size=5))
def test_a_width_wrapped_at_before_gives_what_it_gave_then(house, markup, widths):
    ps = house.paragraph_style("body")
    p = Paragraph(markup * 4, ps)
    broken, first = [], {}
    real = rl_paragraph.Paragraph.breakLines
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rl_paragraph.Paragraph, "breakLines", lambda self, *a: broken.append(self) or real(self, *a))
        for width in widths:
            got = (p.wrap(width, 1000), lines_of(p))
            assert got == first.setdefault(width, got)
    assert sum(1 for para in broken if para is p) <= len(set(widths))     # each width broken once at most
    # the first break is ReportLab's. (ReportLab's own later breaks of a paragraph of several
    # fragments work on the word list the earlier ones left, so they can differ from a fresh
    # paragraph's, in a line's last decimal of spacing or where a cut word goes; at a width it
    # has broken at before, the paragraph keeps that break, the one its measurement saw.)
    fresh = Paragraph(markup * 4, ps)
    assert first[widths[0]] == (fresh.wrap(widths[0], 1000), lines_of(fresh))


def lines_of(p):
    return [(getattr(line, "extraSpace", None), [getattr(w, "text", w) for w in getattr(line, "words", line)])
            for line in p.blPara.lines]


def test_word_widths_are_reportlabs(house):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = house.paragraph_style("body").fontName
    for word in ("wellbeing", "NHS", "\u0175yr", "£12,000"):
        assert rl_paragraph.stringWidth(word, font, 10.5) == stringWidth(word, font, 10.5)
        assert rl_paragraph.stringWidth(word, font, 10.5) == stringWidth(word, font, 10.5)   # remembered
