"""The user's cache (``book.core.usercache``): a new process, a new output folder, takes the
style's checked form and the hyphenation patterns from it instead of reading and checking them
again; whatever changed (a style file, a font file, even one put back at its old size and time)
is checked again; the outputs are the same byte for byte with it empty, warm or not kept; and a
link where it would be is not followed."""
from __future__ import annotations

import filecmp
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from book.core.cache import FILE_NAME
from book.core.usercache import ENV, open_user_cache

ROOT = Path(__file__).resolve().parent.parent
HOUR_AGO = time.time() - 3600

LOAD = """
import sys
from pathlib import Path
from book.core.errors import UserError
from book.core.usercache import open_user_cache
from book.style import house, stylecheck
if sys.argv[2] == "unchecked":      # the check must not run: the user's cache gives its result
    def refuse(*args):
        raise AssertionError("the style was checked again")
    house.check_style = stylecheck.check_style = refuse
try:
    style = house.load_style(Path(sys.argv[1]), "house", open_user_cache())
except UserError as error:
    print("PROBLEM", error)
    raise SystemExit(0)
print(style.fingerprint())
print(style.css())
plain = (int, float, str, bool, type(None), tuple)
print(sorted((name, sorted((k, v) for k, v in style.paragraph_style(name).__dict__.items() if isinstance(v, plain)))
             for name in style.styles))
"""


def fresh(script: str, cache: Path | str, *args: str) -> str:
    env = {**os.environ, ENV: str(cache)}
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def styles_dir(tmp_path):
    """The house style, its files' times an hour back (as an editor's are: a file modified within
    two seconds is not trusted by its size and time, and is checked again every time)."""
    copy = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", copy)
    for path in copy.rglob("*"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return copy


def kinds(cache: Path) -> set[str]:
    with sqlite3.connect(cache / FILE_NAME) as db:
        return {kind for (kind,) in db.execute("SELECT DISTINCT kind FROM entry")}


def test_a_new_process_takes_the_checked_style_from_the_users_cache(styles_dir, tmp_path):
    cache = tmp_path / "user-cache"
    checked = fresh(LOAD, cache, str(styles_dir), "checked")
    assert kinds(cache) == {"checked style"}
    assert fresh(LOAD, cache, str(styles_dir), "unchecked") == checked
    assert fresh(LOAD, "", str(styles_dir), "checked") == checked      # and as no cache gives it


def test_a_style_file_edited_is_checked_again(styles_dir, tmp_path):
    cache = tmp_path / "user-cache"
    fresh(LOAD, cache, str(styles_dir), "checked")
    house = styles_dir / "house.yaml"
    house.write_text(house.read_text(encoding="utf-8").replace("fontSize: 10.5", "fontSize: huge", 1), encoding="utf-8")
    os.utime(house, (HOUR_AGO, HOUR_AGO))
    out = fresh(LOAD, cache, str(styles_dir), "checked")
    assert "PROBLEM" in out and "huge" in out


def test_a_font_file_changed_is_checked_again_even_at_its_old_size_and_time(styles_dir, tmp_path):
    cache = tmp_path / "user-cache"
    fresh(LOAD, cache, str(styles_dir), "checked")
    font = styles_dir / "fonts" / "LiberationMono-Italic.ttf"
    before = font.stat()
    font.write_bytes(b"\0" * before.st_size)
    os.utime(font, ns=(before.st_atime_ns, before.st_mtime_ns))      # its change time still moves
    out = fresh(LOAD, cache, str(styles_dir), "checked")
    assert "PROBLEM" in out and "ReportLab cannot load font file 'fonts/LiberationMono-Italic.ttf'" in out


def test_a_style_whose_font_was_modified_just_now_is_not_kept(styles_dir, tmp_path):
    os.utime(styles_dir / "fonts" / "LiberationSans-Regular.ttf")     # its time now: not yet settled
    cache = tmp_path / "user-cache"
    fresh(LOAD, cache, str(styles_dir), "checked")
    assert "checked style" not in kinds(cache)


def test_a_fallback_font_read_later_is_still_the_styles_problem(styles_dir, tmp_path):
    """A fallback font is checked lightly and read when first needed; the problem it would give
    then is kept with the style's checked form, and given by a process that took it from there."""
    cache = tmp_path / "user-cache"
    fresh(LOAD, cache, str(styles_dir), "checked")
    out = fresh("""
import sys
from pathlib import Path
from book.core.errors import UserError
from book.core.usercache import open_user_cache
from book.style import house, stylecheck
def refuse(*args):
    raise AssertionError("the style was checked again")
house.check_style = stylecheck.check_style = refuse
styles = Path(sys.argv[1])
style = house.load_style(styles, "house", open_user_cache())
(styles / "fonts" / "DejaVuSans.ttf").write_bytes(b"not a font any more" * 100)
try:
    style.fonts.fallback_font("\\u2713", "Sans")
    print("no error")
except UserError as error:
    print(error)
""", cache, str(styles_dir))
    assert "fonts.fallback.0.normal: ReportLab cannot load font file 'fonts/DejaVuSans.ttf' (" in out
    assert "house.yaml:" in out and "use a TrueType .ttf file" in out


def test_the_outputs_are_the_same_with_the_users_cache_empty_warm_or_not_kept(tmp_path):
    cache = tmp_path / "user-cache"
    outs = []
    for n, kept in enumerate([cache, cache, ""]):
        out = tmp_path / f"out{n}"
        env = {**os.environ, ENV: str(kept), "SOURCE_DATE_EPOCH": "1767225600"}
        done = subprocess.run([sys.executable, "build.py", "-q", "--out", str(out)], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outs.append(out)
    assert kinds(cache) == {"checked style", "hyphenation", "worker rates"}
    made = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file() and ".cache" not in p.parts)
    assert len(made) > 10
    for other in outs[1:]:
        for relative in made:
            if relative.name != "build-manifest.json":
                assert filecmp.cmp(outs[0] / relative, other / relative, shallow=False), relative


def test_a_link_where_the_users_cache_would_be_is_not_followed(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setenv(ENV, str(tmp_path / "link"))
    assert open_user_cache().path is None
    real = tmp_path / "real"
    real.mkdir()
    (elsewhere / "someones.sqlite").write_bytes(b"not ours")
    (real / FILE_NAME).symlink_to(elsewhere / "someones.sqlite")
    monkeypatch.setenv(ENV, str(real))
    cache = open_user_cache()
    assert cache.path is None
    cache.store("kind", {"key": 1})
    assert (elsewhere / "someones.sqlite").read_bytes() == b"not ours" and sorted(os.listdir(elsewhere)) == ["someones.sqlite"]


def test_none_is_kept_when_the_variable_is_empty(monkeypatch):
    monkeypatch.setenv(ENV, "")
    assert open_user_cache().path is None
