"""Shared fixtures: the sample edition is built once per test session, into a temporary folder."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1767225600"  # 2026-01-01: fixed, and not the edition's own date, so a writer that ignores it shows


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory):
    """The user's cache (``book.core.usercache``) of the test session's own, empty at its start:
    the tests never write in the home folder of whoever runs them (their builds in processes of
    their own inherit it)."""
    from book.core.usercache import ENV

    old = os.environ.get(ENV)
    os.environ[ENV] = str(tmp_path_factory.mktemp("user-cache"))
    yield Path(os.environ[ENV])
    if old is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = old


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Build the sample edition once; returns the output folder."""
    from book.cli import main

    out = tmp_path_factory.mktemp("sample-dist")
    with source_date_epoch(EPOCH):
        code = main(["--sources", str(ROOT / "sources"), "--styles", str(ROOT / "styles"), "--out", str(out), "-q"])
    assert code == 0, "the sample edition must build"
    return out


@contextmanager
def source_date_epoch(value: str = EPOCH):
    """SOURCE_DATE_EPOCH set for one build only: tests must not depend on each other's environment."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@pytest.fixture(scope="session")
def sample_pdf(sample_build):
    return sample_build / "compendium.pdf"


@pytest.fixture(scope="session")
def sample_loaded(tmp_path_factory):
    """The sample edition's model, as the writers get it."""
    from book.core.errors import Reporter
    from book.build.pipeline import Options, load

    out = tmp_path_factory.mktemp("sample-loaded")
    return load(Options(sources=ROOT / "sources", styles=ROOT / "styles", out=out), Reporter(quiet=True))


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """The test edition that uses every construct, its compendium built once: (pdf path, sources)."""
    from editions import full_edition
    from util import run_cli

    root = tmp_path_factory.mktemp("full")
    sources = full_edition(root)
    code, out = run_cli("pdf", "--sources", str(sources), "--out", str(root / "dist"), "-q")
    assert code == 0, out
    return root / "dist" / "compendium.pdf", sources


@pytest.fixture
def edition(tmp_path):
    """A copy of the sample edition that a test may break."""
    target = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", target)
    return target


ARCHIVE = ROOT / ".." / "shared" / "editions" / "archive"     # beside the clone, in CI as here


@pytest.fixture(scope="session")
def archive_build(tmp_path_factory):
    """The archive edition (60 case studies; trusts leading 20, 10, 6 and 4 of them), all three
    outputs built once per test session: (output folder, page map, the build's warnings)."""
    from book.core.errors import Reporter
    from book.build.pipeline import Options, build

    if not (ARCHIVE / "index.yaml").is_file():
        pytest.skip("the archive edition is not beside the clone (../shared/editions/archive)")
    out = tmp_path_factory.mktemp("archive-dist")
    reporter = Reporter(quiet=True)
    with source_date_epoch(EPOCH):
        result = build(Options(sources=ARCHIVE, styles=ROOT / "styles", out=out, quiet=True), reporter)
    return out, result.page_map, reporter.warnings
