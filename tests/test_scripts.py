"""Right-to-left and complex scripts in a case study: Arabic and Hebrew shaped, set in visual order
line by line and read back from the PDF in the order they were typed; Bengali, Gurmukhi and
Gujarati shaped with no warning; the EPUB says dir and lang; the PDF/UA and EPUB checkers still pass;
a Latin-only edition carries none of the fonts added for them."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile

import pdfplumber
import pikepdf
import pytest

from book.pdf import bidi
from test_every_document import build, edition_with

ARABIC = "مرحبا بكم في عيادة صحة العمل. نحن نساعد الموظفين على العودة إلى العمل بعد المرض، ونقدم الدعم لجميع العاملين في الخدمة الصحية الوطنية."
HEBREW = "שלום וברוכים הבאים למרפאת בריאות העובדים. אנו עוזרים לעובדים לחזור לעבודה לאחר מחלה ומציעים תמיכה לכל הצוות."
BENGALI = "আমরা আপনাকে সাহায্য করতে এখানে আছি।"
GURMUKHI = "ਅਸੀਂ ਤੁਹਾਡੀ ਮਦਦ ਲਈ ਇੱਥੇ ਹਾਂ।"
GUJARATI = "અમે તમારી મદદ માટે અહીં છીએ."
URDU = "ہم آپ کی مدد کے لیے یہاں ہیں۔"
JOINING = "بببب ب"          # one letter: initial, medial, final and isolated forms

SUMMARY = "תמיכה בעובדים"

BODY = f"""Greeted with [שלום עולם]{{lang=he}} in English.

And in Arabic with مرحبا بكم as well.

{ARABIC}

{HEBREW}

::: {{lang=ur dir=rtl}}
{URDU}
:::

{JOINING}

{BENGALI}

{GURMUKHI}

{GUJARATI}

Cymraeg: Croeso i'r gwasanaeth, ŵyr ŷd. Polski: Zażółć gęślą jaźń. Română: Își țară și ș.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    sources = edition_with(tmp_path_factory.mktemp("scripts"), BODY)
    index = sources / "index.yaml"
    index.write_text(index.read_text().replace("summary: Summary.", f"summary: {SUMMARY}"), encoding="utf-8")
    code, text, out = build(sources)
    assert code == 0, text
    return out, text


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def logical(text: str) -> str:
    """Text as a reader compares it: presentation forms as their letters, spaces collapsed, no
    direction marks (pdftotext adds them around neutral characters)."""
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_BIDI_CONTROLS).split())
    return re.sub(r"\s*([،.])\s*", r"\1", text)    # pdftotext moves an Arabic comma or stop to the next word


def as_poppler_reads(text: str) -> str:
    """``text`` as pdftotext gives it back: the PDF maps an Arabic ligature's one glyph to its
    letters in typed order (lam, then alef), and pdftotext, putting a right-to-left line in typed
    order, reverses them a second time. Every other letter reads as typed."""
    return logical(text).replace("لى", "ىل").replace("لا", "ال")


def poppler_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler's pdftotext (applies the bidirectional algorithm when it extracts) is not installed")
    return logical(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def test_no_warning_for_scripts_the_bundled_fonts_are_made_for(built):
    _out, text = built
    assert "warning" not in text and "drawn with" not in text, text


def test_arabic_and_hebrew_read_back_in_the_order_they_were_typed(built):
    out, _ = built
    words = poppler_text(out / "compendium.pdf")
    for sentence in (*ARABIC.split(". "), *HEBREW.split(". "), URDU):
        assert as_poppler_reads(sentence.rstrip(".")) in words, sentence
    # a phrase inside English (where it stands in the line: test_a_hebrew_phrase_in_english_stays_in_its_place)
    assert "שלום עולם" in words and "مرحبا بكم" in words


def test_complex_scripts_read_back_as_typed_through_their_actual_text(built):
    out, _ = built
    words = poppler_text(out / "compendium.pdf")
    for sentence in (BENGALI, GURMUKHI, GUJARATI):
        assert logical(sentence) in words, sentence
    with pikepdf.open(out / "compendium.pdf") as pdf:
        marked = set()
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and str(operands[0]) == "/Span" and "/ActualText" in operands[1]:
                    marked.add(str(operands[1].ActualText))
    assert "সাহায্য" in marked and "ਅਸੀਂ" in marked      # a conjunct; a vowel sign and a nasal


def _rtl_line_words(page, sample: str):
    """The lines of ``page`` holding letters of ``sample``'s script: their chars, left to right."""
    letters = set(sample) - set(" .،")
    lines: dict[float, list] = {}
    for char in page.chars:
        if unicodedata.normalize("NFKC", char["text"])[:1] in letters:
            lines.setdefault(round(char["top"]), []).append(char)
    return [sorted(chars, key=lambda c: c["x0"]) for _top, chars in sorted(lines.items())]


def test_hebrew_is_drawn_right_to_left_and_its_paragraph_set_flush_right(built):
    out, _ = built
    with pdfplumber.open(out / "compendium.pdf") as pdf:
        page = next(p for p in pdf.pages if "English" in (p.extract_text() or ""))
        body = [line for line in _rtl_line_words(page, HEBREW) if len(line) > 20]
        assert len(body) >= 2
        drawn = "".join(c["text"] for line in body for c in reversed(line))      # each line read right to left
        assert drawn.replace(" ", "") == HEBREW.replace(" ", "").replace(".", "")     # letters only: stops are not picked
        rights = [line[-1]["x1"] for line in body]
        lefts = [line[0]["x0"] for line in body]
        assert max(rights) - min(rights) < 1.0 and max(lefts) - min(lefts) > 5     # flush right, ragged left


def test_a_hebrew_phrase_in_english_stays_in_its_place_in_visual_order(built):
    out, _ = built
    with pdfplumber.open(out / "compendium.pdf") as pdf:
        page = next(p for p in pdf.pages if "English" in (p.extract_text() or ""))
        words = page.extract_words()
        at = {w["text"]: w["x0"] for w in words}
        shalom = next(w["x0"] for w in words if w["text"][::-1] == "שלום")
        olam = next(w["x0"] for w in words if w["text"][::-1] == "עולם")
        assert at["Greeted"] < olam < shalom < at["English."]      # in its place; its second word on the left


def test_arabic_letters_are_joined(built):
    """One letter typed five times is drawn with four glyphs (initial, medial, final, isolated), each
    read back as that letter."""
    out, _ = built
    with pikepdf.open(out / "compendium.pdf") as pdf:
        codes = set()
        for page in pdf.pages:
            fonts = {name: font for name, font in page.Resources.Font.items() if "NotoSansArabic" in str(font.BaseFont)}
            current = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = fonts.get(str(operands[0]))
                elif str(operator) == "Tj" and current is not None:
                    cmap = current.ToUnicode.read_bytes().decode()
                    for code in bytes(operands[0]):
                        found = re.search(rf"<{code:02X}> <([0-9A-F]+)>", cmap)
                        if found and unicodedata.normalize("NFKC", bytes.fromhex(found[1]).decode("utf-16-be")) == "ب":
                            codes.add((str(current.BaseFont), code))
    assert len(codes) >= 4, codes


def test_the_one_pager_shapes_and_orders_its_summary(built):
    out, _ = built
    words = poppler_text(out / "one-pagers.pdf")
    assert SUMMARY in words


def test_the_epub_says_dir_and_lang(built):
    out, _ = built
    with zipfile.ZipFile(out / "compendium.epub") as epub:
        chapter = next(epub.read(n).decode() for n in epub.namelist() if "only" in n and n.endswith(".xhtml"))
    assert re.search(r'<p[^>]*dir="rtl"[^>]*>مرحبا', chapter)
    assert re.search(r'<p[^>]*dir="rtl"[^>]*>שלום', chapter)
    assert '<span lang="he" xml:lang="he">שלום עולם</span>' in chapter
    assert re.search(r'<div[^>]*lang="ur"[^>]*dir="rtl"', chapter)
    assert not re.search(r'<p[^>]*dir="rtl"[^>]*>Greeted', chapter)       # English with a phrase: left to right


def test_the_checkers_still_pass(built):
    from test_epub import epubcheck
    from test_tagged_pdf import marked_content_problems, ua1_failures

    import page

    out, _ = built
    assert marked_content_problems(out / "compendium.pdf") == []
    assert ua1_failures(page.validate_pdf(str(out / "compendium.pdf"), profile="ua1")) == []
    assert epubcheck(out / "compendium.epub") == []


def test_a_latin_edition_carries_none_of_the_fonts_for_other_scripts(tmp_path):
    code, text, out = build(edition_with(tmp_path, "Plain English, with Welsh ŵ and Polish ł. A tick ✓.\n"))
    assert code == 0, text
    with pikepdf.open(out / "compendium.pdf") as pdf:
        names = {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
    assert names and not any("Noto" in name for name in names), names


@pytest.mark.parametrize("directions, rtl, visual", [
    ([0, 1, 1, 0], False, [0, 2, 1, 3]),          # an RTL phrase inside English: reversed in place
    ([1, 1, 1], True, [2, 1, 0]),                 # an RTL line
    ([1, 0, 0, 1], True, [3, 1, 2, 0]),           # English inside an RTL line keeps its own order
    ([1, None, 1, None, 0], False, [2, 1, 0, 3, 4]),   # a space between RTL words is RTL; before English, the base
])
def test_words_are_reordered_by_rule_l2(directions, rtl, visual):
    assert bidi.reorder(list(range(len(directions))), directions, rtl) == visual
