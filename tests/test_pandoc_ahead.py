"""pandoc started ahead of the build (``pandocrun.Ahead``, as the command line begins): the build
converts its sources with that process; one the build does not need is ended, not left waiting;
and pandoc reads what it needs to know of the build from its standard input, so every pandoc is
started the same way. Real builds and real pandoc processes."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time

from book.build.pipeline import build
from book.cli import options_from, parser
from book.sources.pandocrun import PANDOC_PIPE_BYTES, Ahead, lua_command, start_pandoc
from util import ROOT


def options(sources, out):
    return options_from(parser().parse_intermixed_args(["pdf", "--sources", str(sources), "--out", str(out), "-q"]))


def test_the_build_converts_its_sources_with_the_pandoc_started_ahead(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    ahead = Ahead()
    early = ahead.process
    assert early is not None and early.poll() is None, "pandoc started, waiting for its sources"
    result = build(options(sources, tmp_path / "out"), ahead=ahead)
    assert (tmp_path / "out" / "compendium.pdf").exists() and result.remade["sources converted"] > 0
    assert ahead.process is None, "taken by the build"
    # it read the build's sources to their end and ended by itself (one not used would be killed)
    assert early.wait(timeout=30) == 0 and early.stdout.closed


def test_a_pandoc_started_ahead_and_not_needed_is_ended(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    settled = time.time() - 60      # (a file modified within two seconds of a build is read again)
    for path in sources.rglob("*"):
        os.utime(path, (settled, settled))
    build(options(sources, tmp_path / "out"))
    ahead = Ahead()
    early = ahead.process
    result = build(options(sources, tmp_path / "out"), ahead=ahead)     # nothing changed: no pandoc needed
    assert result.up_to_date and ahead.process is early
    ahead.close()
    assert early.returncode is not None and ahead.process is None


def test_pandoc_started_ahead_and_given_nothing_ends_at_once():
    process = start_pandoc(lua_command())
    out, err = process.communicate(b"", timeout=30)
    assert process.returncode == 0 and out == b"" and err == b""


def test_pandoc_may_write_a_megabyte_before_the_build_reads_it():
    """A document is tens of kilobytes of JSON: with the usual 64 KB of pipe, pandoc waited at
    every second or third one for the build's reading thread, which the build's imports kept
    from running."""
    process = start_pandoc(lua_command())
    try:
        assert fcntl.fcntl(process.stdout.fileno(), fcntl.F_GETPIPE_SZ) >= PANDOC_PIPE_BYTES
    finally:
        process.communicate(b"", timeout=30)


def test_the_settings_line_is_required():
    """A list of sources without its line of settings first is refused by pandoc, not read with
    defaults."""
    source = sorted((ROOT / "sources" / "case-studies").glob("*.md"))[0]
    process = subprocess.run(lua_command(), input=(json.dumps(["markdown", str(source), "case"]) + "\n").encode(),
                             capture_output=True, timeout=30)
    assert process.returncode != 0 and b"track_changes" in process.stderr


def test_any_folder_name_reaches_pandoc_whole(tmp_path):
    """What pandoc is told is JSON, a line each: a Word file in a folder with a tab in its name is
    read, and its picture saved in the folder the settings name (the output folder's), a tab and
    a line break in its name too."""
    from PIL import Image

    from book.sources.pandocrun import pandoc_binary

    folder = tmp_path / "word\tfiles"
    folder.mkdir()
    Image.new("RGB", (8, 8), "red").save(folder / "pic.png")
    (folder / "in.md").write_text("Text.\n\n![A red square](pic.png)\n")
    subprocess.run([pandoc_binary(), "in.md", "-o", "in.docx"], cwd=folder, check=True, timeout=60)
    media = tmp_path / "odd\tfolder\nname"
    media.mkdir()
    settings = json.dumps({"media": str(media), "track_changes": "reject-changes"})
    source = json.dumps(["docx", str(folder / "in.docx"), "case\tone"])
    done = subprocess.run(lua_command(), input=f"{settings}\n{source}\n".encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    kind, label, document = done.stdout.rstrip(b"\n").split(b"\t", 2)
    assert kind == b"D" and json.loads(label) == "case\tone"
    assert [p.suffix for p in media.iterdir()] == [".png"]
    assert json.dumps(str(media)).encode()[1:-1] in document
