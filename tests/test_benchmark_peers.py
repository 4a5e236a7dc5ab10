"""The benchmark's own machinery works, at a tiny size (nothing here is timed against a target):
the generated edition is settled, the peers make their PDF and EPUB, our build runs in a fresh
process and a rebuild of the settled edition is up to date, watch mode's latency is measured by
saving a source and seeing the outputs rewritten, and the table is printed."""
from __future__ import annotations

import importlib.util
import sys
import time
import zipfile
from pathlib import Path

import pypdf
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import peers  # noqa: E402
import watchlatency  # noqa: E402


def _run_module():
    spec = importlib.util.spec_from_file_location("benchmark_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return generate.generate(2, tmp_path_factory.mktemp("bench") / "edition-2")


def test_generated_edition_is_settled(tiny):
    files = [p for p in tiny.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"index.yaml", "case-0000.md", "case-0001.md", "chart.png"}
    # older than the two seconds within which the toolkit does not trust a file's time
    assert max(p.stat().st_mtime for p in files) < time.time() - 30


def test_peers_make_their_outputs(tiny, tmp_path):
    typst = peers.typst_pdf(tiny, tmp_path / "typst")
    assert typst["pages"] >= 2 and typst["total"] >= typst["pandoc"] > 0 and typst["typst"] > 0
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "typst" / "edition.pdf").pages)
    first_words = (tiny / "case-studies" / "case-0000.md").read_text(encoding="utf-8").split()[:3]
    assert " ".join(first_words) in " ".join(text.split())
    assert peers.pandoc_epub(tiny, tmp_path / "peer.epub") > 0
    with zipfile.ZipFile(tmp_path / "peer.epub") as epub:
        assert epub.read("mimetype") == b"application/epub+zip"


def test_our_build_measured_in_a_fresh_process(tiny, tmp_path):
    run = _run_module()
    out = tmp_path / "dist"
    cold = run.run_build(tiny, out, sample=True)
    assert not cold["up_to_date"] and cold["with_start_up"] > cold["wall"] > 0 and cold["all_mb"] > 0
    # the three outputs the targets name, and not the web edition
    assert (out / "compendium.pdf").is_file() and (out / "compendium.epub").is_file()
    assert list((out / "one-pagers").glob("*.pdf")) and not (out / "site").exists()
    # the generated files are settled: an editor's rebuild with nothing changed does nothing
    assert run.run_build(tiny, out)["up_to_date"]
    everything = tmp_path / "everything"
    assert not run.run_build(tiny, everything, targets=run.EVERYTHING)["up_to_date"]
    assert (everything / "site" / "index.html").is_file()


def test_table_and_targets_render():
    run = _run_module()
    build = {"wall": 1.0, "with_start_up": 1.2, "cpu": 1.5, "largest_mb": 100, "all_mb": 150,
             "phases": {"typesetting": 0.5}, "phase_cpu": {"typesetting": 0.6}, "up_to_date": False}
    result = {"n": 20, "cold": build, "noop": {**build, "up_to_date": True}, "edit": {**build, "with_start_up": 0.3},
              "move": build, "cold_all": {**build, "with_start_up": 1.5, "all_mb": 170},
              "first": {**build, "with_start_up": 1.8, "all_mb": None}, "pages": 49, "onepagers": 20,
              "pandoc": 0.6, "same": True, "typst": {"pandoc": 0.3, "typst": 0.3, "total": 0.6, "pages": 47}}
    watch = {"median": 0.2, "latencies": [0.2, 0.3], "noticed": 0.1, "outputs": ["compendium.pdf"], "source": "a.md"}
    text = run.report([result], watch)
    assert ("| 20 | 49 / 47 | 1.20 s | 0.60 s (0.30 + 0.30) | 2.00x | 0.60 s | 2.00x | 0.30 s | 25% | 150 "
            "| 1.50 s | 2.50x | 1.80 s | 3.00x |") in text
    assert "| 20 | cold, a first build on the machine (the user's cache empty) | 1.00 (1.80) | 1.50 | 100 / - |" in text
    assert "- NOT met: N=20 cold" in text and "- NOT met: watch mode" in text and "200 ms" in text
    assert "with the web edition too, 2.50x" in text and "(170 MB)" in text


def test_watch_latency_sees_the_outputs_rewritten(tiny, tmp_path):
    result = watchlatency.watch_latency(tiny, tmp_path, saves=1)
    assert {"compendium.pdf", "compendium.epub"} <= set(result["outputs"])
    # (not "noticed before rewritten": on a loaded machine the line can be read after the poll)
    assert len(result["latencies"]) == 1 and 0 < result["median"] < 60 and 0 < result["noticed"] < 60


def test_the_package_does_not_import_the_benchmark():
    for path in (ROOT / "book").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("benchmarks", "import peers", "import generate", "import watchlatency"):
            assert name not in text, f"{path} mentions {name!r}"
