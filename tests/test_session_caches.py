"""A long-lived process (``build.py --watch``) never shows stale data: an image replaced on disk
is embedded with its new pixels when the edition is built again in the same process.

The caches that outlive one build (the PDF's encoded images, an image's XObject name and size)
are keyed by the file's content, not its path or its size and modification time: a picture
replaced by another of the same size, its modification time set back (a copy that keeps the
original's times, a restore from a backup), is a different picture.
"""
from __future__ import annotations

import io
import os
import time

import pytest
from PIL import Image

from conftest import source_date_epoch
from editions import minimal_edition
from util import run_cli

BODY = "A paragraph before the chart.\n\n![A chart of results](images/chart.png)\n\nA paragraph after it.\n"
OLD, NEW = (200, 30, 30), (30, 60, 200)


def png(colour: tuple[int, int, int]) -> bytes:
    """A 120 x 80 picture of one colour, stored uncompressed: every colour gives a file of the
    same size, so that only the pixels tell two apart."""
    out = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(out, "PNG", compress_level=0)
    return out.getvalue()


def embedded_colours(pdf_path) -> set[tuple[int, ...]]:
    """The colour of every picture embedded in the PDF (each is of one colour), read back out of
    the file's image XObjects."""
    import pikepdf

    colours = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for raw in page.get_images().values():
                picture = pikepdf.PdfImage(raw).as_pil_image().convert("RGB")
                found = picture.getcolors()
                assert found is not None and len(found) == 1, "the test's pictures are of one colour"
                colours.add(found[0][1])
    return colours


def build(sources, out) -> None:
    with source_date_epoch():
        code, printed = run_cli("pdf", "--sources", str(sources), "--out", str(out), "-q")
    assert code == 0, printed


def replace_image(path, colour, keep_mtime: bool) -> None:
    """The picture's file written again with other pixels (the same size in bytes); with
    ``keep_mtime``, its modification time set back to what it was."""
    before = os.stat(path)
    data = png(colour)
    assert len(data) == before.st_size, "the replacement must be the same size, the nasty case"
    path.write_bytes(data)
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(path).st_mtime_ns == before.st_mtime_ns


@pytest.fixture
def edition(tmp_path):
    sources = minimal_edition(tmp_path, BODY, files={"case-studies/images/chart.png": png(OLD)})
    a_day_ago = time.time_ns() - 86_400 * 10**9     # the sources saved long before the build
    for path in sources.rglob("*"):
        os.utime(path, ns=(a_day_ago, a_day_ago))
    out = tmp_path / "dist"
    build(sources, out)
    assert embedded_colours(out / "compendium.pdf") == {OLD}
    return sources, out, sources / "case-studies" / "images" / "chart.png"


def test_an_image_replaced_between_builds_in_one_process_is_embedded_anew(edition):
    sources, out, image = edition
    replace_image(image, NEW, keep_mtime=False)
    build(sources, out)
    assert embedded_colours(out / "compendium.pdf") == {NEW}, "the PDF shows the replaced image's old pixels"


def test_an_image_replaced_with_its_old_modification_time_is_embedded_anew(edition):
    """The text that shows the image edited too, so that the build's inputs have changed: the
    typesetting runs again (in this process: one case study is too little work for workers),
    and finds the picture by its path, size and modification time as before."""
    sources, out, image = edition
    replace_image(image, NEW, keep_mtime=True)
    source = sources / "case-studies" / "only.md"
    source.write_text(BODY + "\nA sentence added with the new chart.\n", encoding="utf-8")
    build(sources, out)
    assert embedded_colours(out / "compendium.pdf") == {NEW}, "the PDF shows the replaced image's old pixels"


@pytest.mark.xfail(strict=True, reason="the build layer (book/build/manifest.py, jobs.Facts.current, jobs.fingerprint)"
                   " tells a changed input by its size and modification time: a picture replaced by one of the"
                   " same size, its time set back, and nothing else changed, is taken as unchanged")
def test_an_image_replaced_with_its_old_modification_time_alone_is_seen(edition):
    sources, out, image = edition
    replace_image(image, NEW, keep_mtime=True)
    build(sources, out)
    assert embedded_colours(out / "compendium.pdf") == {NEW}


def test_a_second_style_in_the_same_process_does_not_repeat_a_font(tmp_path):
    """A style whose sans shares some files with another's (only its regular face changed), loaded
    in the same process before a build (--watch after the style is edited; the preview server):
    ReportLab hands the shared files' second names the first names' fonts, and each font must
    still be listed once in the PDF's resources (qpdf: 'dictionary has duplicated key')."""
    import shutil

    import pikepdf

    from book.style.house import load_style
    from util import ROOT

    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    house_yaml = styles / "house.yaml"
    house_yaml.write_text(house_yaml.read_text(encoding="utf-8").replace(
        "normal: fonts/LiberationSans-Regular.ttf", "normal: fonts/DejaVuSans.ttf"), encoding="utf-8")
    load_style(ROOT / "styles", "house").fonts.register()
    load_style(styles, "house").fonts.register()
    with source_date_epoch():
        code, out = run_cli("pdf", "--sources", str(ROOT / "sources"), "--out", str(tmp_path / "out"), "-q")
    assert code == 0, out
    with pikepdf.open(tmp_path / "out" / "compendium.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []
