"""Shared fixtures: the sample edition is built once per test session, into a temporary folder."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1764460800"  # 2025-11-30, fixed so outputs are reproducible


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Build the sample edition once; returns the output folder."""
    from book.cli import main

    out = tmp_path_factory.mktemp("sample-dist")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    code = main(["--sources", str(ROOT / "sources"), "--styles", str(ROOT / "styles"), "--out", str(out), "-q"])
    assert code == 0, "the sample edition must build"
    return out


@pytest.fixture
def edition(tmp_path):
    """A copy of the sample edition that a test may break."""
    target = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", target)
    return target
