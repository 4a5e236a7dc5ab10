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
