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


# ---------------------------------------------------------------- markup read without HTMLParser (rlmarkup)
def _frag_state(frags):
    """The fragments' attributes, an ABag's (an <onDraw>'s or anchor's cbDefn) by value."""
    def plain(value):
        return ("ABag", sorted(vars(value).items())) if type(value).__name__ == "ABag" else value
    return [{k: plain(v) for k, v in vars(f).items()} for f in frags]


ATTR_VALUE = st.sampled_from(["#x", "https://example.org/a?b=1&amp;c=2", "Sans", "8.5", "#425563", "",
                              "340.15|toc_entry|chapter:case-0000", "a b", "caf\u00e9"])
TAGGED = st.sampled_from([
    ('<a href="{v}">', "</a>"), ('<a href="{v}" color="#005EB8">', "</a>"), ("<super>", "</super>"),
    ("<sub>", "</sub>"), ("<u>", "</u>"), ("<strike>", "</strike>"), ('<font name="Sans" size="8.5" color="#425563">', "</font>"),
    ("<font color='#003087'>", "</font>"), ("<b>", "</b>"), ("<i>", "</i>"), ('<span fontSize="9">', "</span>"),
])
EMPTY = st.sampled_from(['<a name="ref-1"/>', "<br/>", "<br />", '<onDraw name="notePosition" label="{v}"/>', "&nbsp;",
                         "&apos;", '<a name=""/>', "<onDraw/>", "<unknown/>", "<br>", "</b>", "&#233;", "<!-- c -->", "x > y"])


def tagged(inner):
    return st.tuples(TAGGED, inner, ATTR_VALUE).map(lambda t: t[0][0].format(v=t[2]) + t[1] + t[0][1])


LINK_MARKUP = st.recursive(PIECE | st.tuples(EMPTY, ATTR_VALUE).map(lambda t: t[0].format(v=t[1])),
                           lambda inner: tagged(inner) | st.lists(inner, max_size=3).map("".join), max_leaves=8)


@settings(max_examples=500, deadline=None)
@given(markup=st.lists(LINK_MARKUP, min_size=1, max_size=4).map("".join), name=st.sampled_from(STYLE_NAMES))
def test_markup_read_without_htmlparser_gets_the_parsers_fragments(house, markup, name):
    from book.pdf.rlmarkup import parsed_frags

    ps = house.paragraph_style(name)
    markup = rl_paragraph.cleanBlockQuotedText(markup)
    try:
        slow = parsed(markup, ps)
    except ValueError:                   # markup the parser refuses: not read here either
        assert parsed_frags(markup, ps) is None
        return
    fast = parsed_frags(markup, ps)
    if fast is not None:
        rl_paragraph.textTransformFrags(fast, ps)       # (as Paragraph does after parsing)
        assert _frag_state(fast) == _frag_state(slow.frags)


def test_the_toolkits_link_markup_is_read_without_htmlparser(house):
    from book.pdf.rlmarkup import parsed_frags

    ps = house.paragraph_style("toc_entry")
    for markup in ('<a href="#chapter:case-0000">Support staff<br/><font name="Sans" size="8.5" color="#425563">Abertawe'
                   '</font></a><onDraw name="notePosition" label="340.15|toc_entry|chapter:case-0000"/>',
                   'Evaluation continues.<a name="ref-case-0007-note1"/><super><a href="#case-0007-note1" color="#005EB8">1'
                   '</a></super>',
                   "<font color='#003087'><b>Organisation</b></font><br/>Abertawe NHS Foundation Trust 0"):
        fast = parsed_frags(markup, ps)
        assert fast is not None
        rl_paragraph.textTransformFrags(fast, ps)
        assert _frag_state(fast) == _frag_state(parsed(markup, ps).frags)
        assert _frag_state(Paragraph(markup, ps).frags) == _frag_state(fast)


SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u200c\ufeff"


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab .,\u00e9") + list(SPACES)), max_size=12))
def test_text_the_cleaner_would_not_change_is_not_cleaned(text):
    """``rlspeed`` skips ReportLab's cleaner for a text with no white space it would change."""
    cleaned = rl_paragraph.cleanBlockQuotedText(text)
    if not rlspeed.unclean(text):
        assert cleaned == text
