"""The ReportLab contract (book/pdf/rlcontract.py) holds for the ReportLab installed: the version it
was made for, pinned in pyproject.toml, and every private name and replaced function it lists,
with the parameters it lists. A failure names what changed and the versions: read the entry
against ReportLab's source before changing the pin (see rlcontract's docstring)."""
from __future__ import annotations

import importlib
import inspect
import re
import tomllib

import pytest
import reportlab

from book.pdf import rlcontract
from util import ROOT

INSTALLED = reportlab.Version
MADE_FOR = rlcontract.REPORTLAB_VERSION


def resolve(dotted: str):
    """A module, or a class (or function) inside one, by its dotted name."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            found = getattr(found, part)
        return found
    raise ImportError(dotted)


def original(function):
    """What ReportLab had before the toolkit's replacements (each keeps what it replaced)."""
    while hasattr(function, "__wrapped_original__"):
        function = function.__wrapped_original__
    return function


def where(entry) -> str:
    return (f"{entry.owner}.{entry.name} (used by {getattr(entry, 'used_in', None) or entry.by}; contract made for"
            f" ReportLab {MADE_FOR}, ReportLab {INSTALLED} installed)")


def source_of(owner) -> str:
    """The source of a module, or of a class and its ReportLab bases: where ReportLab sets or reads
    an attribute of its objects."""
    if inspect.ismodule(owner):
        return inspect.getsource(owner)
    return "\n".join(inspect.getsource(cls) for cls in owner.__mro__ if cls.__module__.startswith("reportlab"))


@pytest.fixture(scope="module", autouse=True)
def installed():
    rlcontract.install()


def test_reportlab_is_the_version_the_contract_was_made_for():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if re.match(r"reportlab\b", d, re.I)]
    assert pins == [f"reportlab=={MADE_FOR}"], (
        f"pyproject.toml pins {pins}, but book/pdf/rlcontract.py was made for ReportLab {MADE_FOR}: pin the version"
        " the contract was checked against")
    assert INSTALLED == MADE_FOR, (
        f"ReportLab {INSTALLED} is installed, but book/pdf/rlcontract.py was made for ReportLab {MADE_FOR}: check every"
        " entry against its source, compare the outputs byte for byte, then move the pin and REPORTLAB_VERSION")


@pytest.mark.parametrize("entry", rlcontract.PRIVATE, ids=lambda e: f"{e.owner.rsplit('.', 1)[-1]}.{e.name}")
def test_every_private_name_is_there(entry):
    owner = resolve(entry.owner)
    if entry.kind == "instance":
        mentioned = re.search(rf"\b{re.escape(entry.name)}\b", source_of(owner)) is not None
        assert mentioned, f"{where(entry)}: ReportLab's code no longer sets or reads this attribute"
        return
    assert hasattr(owner, entry.name), f"{where(entry)}: no longer there"
    found = getattr(owner, entry.name)
    if entry.signature is not None:
        got = str(inspect.signature(original(found)))
        assert got == entry.signature, f"{where(entry)}: takes {got}, the contract says {entry.signature}"
    if entry.value is not None:
        assert found == entry.value, f"{where(entry)}: is {found!r}, the contract says {entry.value!r}"


@pytest.mark.parametrize("patch", rlcontract.PATCHES, ids=lambda p: f"{p.owner.rsplit('.', 1)[-1]}.{p.name}")
def test_every_replaced_function_takes_what_reportlab_gives_it(patch):
    current = getattr(resolve(patch.owner), patch.name, None)
    assert current is not None, f"{where(patch)}: no longer there"
    replaced = original(current)
    assert replaced.__module__.startswith("reportlab"), f"{where(patch)}: what it replaced is not ReportLab's"
    if patch.during:
        assert current is replaced, f"{where(patch)}: replaced for good, not only during {patch.during}"
    else:
        assert current is not replaced, f"{where(patch)}: not replaced by rlcontract.install()"
    got = str(inspect.signature(replaced))
    assert got == patch.signature, f"{where(patch)}: ReportLab's takes {got}, the replacement takes {patch.signature}"


@pytest.mark.parametrize("override", rlcontract.OVERRIDES, ids=lambda o: f"{o.owner.rsplit('.', 1)[-1]}.{o.name}")
def test_every_overridden_method_is_called_as_the_override_expects(override):
    method = getattr(resolve(override.owner), override.name, None)
    assert method is not None, f"{where(override)}: no longer there"
    got = str(inspect.signature(method))
    assert got == override.signature, f"{where(override)}: ReportLab's takes {got}, the contract says {override.signature}"


def test_the_remembered_wrap_restores_all_that_reportlab_wrap_leaves(tmp_path):
    """``rlspeed._WRAP_STATE`` must be everything ``Paragraph.wrap`` sets on a paragraph: what a
    remembered wrap does not restore would be left from a wrap at another width."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from book.pdf import rlspeed

    toolkit_own = {"_broken_at", "_wraps"}
    reportlab_wrap = original(Paragraph.wrap)
    for text in ("Plain words " * 40, "Some <b>bold</b> and <i>italic</i> words " * 20):
        para = Paragraph(text, ParagraphStyle("p", fontName="Helvetica", fontSize=10, leading=12,
                                              hyphenationLang="", uriWasteReduce=0.001))
        before = set(para.__dict__)
        reportlab_wrap(para, 200, 1000)
        left = set(para.__dict__) - before - toolkit_own
        assert left <= set(rlspeed._WRAP_STATE), (
            f"Paragraph.wrap in ReportLab {INSTALLED} also sets {sorted(left - set(rlspeed._WRAP_STATE))}: add them to"
            f" rlspeed._WRAP_STATE (the contract was made for ReportLab {MADE_FOR})")


def test_install_is_idempotent():
    from reportlab.platypus import Paragraph

    wrap = Paragraph.wrap
    rlcontract.install()
    assert Paragraph.wrap is wrap and rlcontract.installed()


def test_making_a_tagger_installs_nothing():
    """In a fresh process: making a Tagger patches no ReportLab function; without
    ``rlcontract.install()`` it says what to call."""
    import subprocess
    import sys

    script = """
from reportlab.platypus.flowables import Flowable
from book.pdf.pdfpage import PageRecorder
from book.pdf.pdftags import Tagger
draw_on = Flowable.drawOn
try:
    Tagger(PageRecorder((100, 100), "Helvetica"))
except RuntimeError as error:
    print("refused:", error)
print("patched" if Flowable.drawOn is not draw_on else "untouched")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "rlcontract.install()" in done.stdout and done.stdout.strip().endswith("untouched"), done.stdout + done.stderr


def test_the_unused_uri_pattern_is_compiled_only_when_used():
    """In fresh processes: ``import_reportlab`` leaves ReportLab's ``uri_pat`` uncompiled (a
    ReportLab whose pattern no longer holds ``://`` would compile it at import again, 20 ms),
    gives ``re.compile`` back, and ReportLab's own URI splitter, using it, splits as it does with
    the pattern compiled at import."""
    import json
    import subprocess
    import sys

    script = """
import json, re, sys
compile_before = re.compile
from book.pdf import rlcontract
if sys.argv[1] == "deferred":
    rlcontract.import_reportlab()
from reportlab.platypus import paragraph
from book.core.lazyregex import DeferredPattern
deferred = isinstance(paragraph.uri_pat, DeferredPattern)
untouched = deferred and paragraph.uri_pat._compiled is None
words = ["https://www.example.org/a/b-c", "HTTP://Example.ORG:8080/x?y=1", "mailto://x@y.org", "plain", "ftp://[::1]/p"]
print(json.dumps([re.compile is compile_before, deferred, untouched, [paragraph._uri_split_pairs(w) for w in words]]))
"""

    def run(how):
        done = subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True, cwd=ROOT, check=True)
        return json.loads(done.stdout)

    restored, deferred, untouched, split_deferred = run("deferred")
    _, eager_deferred, _, split_eager = run("eager")
    assert restored and deferred and untouched, "ReportLab's paragraph module's uri_pat is compiled at import again"
    assert not eager_deferred
    assert split_deferred == split_eager and any(split_eager)


def test_harfbuzz_is_imported_when_a_word_is_first_shaped():
    """In fresh processes: after ``import_reportlab``, ReportLab and ``book.pdf.shaping`` are in
    and HarfBuzz is not, ReportLab takes it as there, and an Arabic word is shaped as in a process
    that imported HarfBuzz at once."""
    import json
    import subprocess
    import sys

    script = """
import json, sys
from book.pdf import rlcontract
if sys.argv[1] == "deferred":
    rlcontract.import_reportlab()
import reportlab.pdfbase.ttfonts as ttfonts
import uharfbuzz
from book.pdf import shaping
from book.pdf.fontparse import QuickFace
loaded_first = "uharfbuzz._harfbuzz" in sys.modules
face = QuickFace("styles/fonts/NotoSansArabic-Regular.ttf")
shaping.prepare_face(face)
word = shaping.shape_run("\\u0645\\u0631\\u062d\\u0628\\u0627 \\u0628\\u0627\\u0644\\u0639\\u0627\\u0644\\u0645", face)
print(json.dumps([loaded_first, bool(ttfonts.uharfbuzz) and ttfonts.uharfbuzz.Buffer is uharfbuzz.Buffer, word]))
"""

    def run(how):
        done = subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True, cwd=ROOT, check=True)
        return json.loads(done.stdout)

    loaded_first, there, deferred_word = run("deferred")
    eager_loaded, _, eager_word = run("eager")
    assert not loaded_first and eager_loaded, "HarfBuzz is loaded before a word is shaped again"
    arabic = "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645"
    assert there and deferred_word == eager_word != arabic


def test_urllib_request_is_imported_when_reportlab_first_opens_an_address():
    """In a fresh process: after ``import_reportlab``, ReportLab is in and ``urllib.request``
    (with http.client, email and ssl) is not; ReportLab's ``urlopen`` still opens an address (a
    data: one here, not the network), and anything importing ``urllib.request`` gets the real
    module, not the stand-in ReportLab was given."""
    import json
    import subprocess
    import sys

    script = """
import json, sys
from book.pdf import rlcontract
rlcontract.import_reportlab()
from reportlab.lib import utils
left_out = [name for name in ("urllib.request", "http.client", "email.parser", "ssl") if name not in sys.modules]
read = utils.urlopen("data:text/plain,hello").read().decode()
import urllib.request
print(json.dumps([left_out, read, hasattr(urllib.request, "Request")]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    left_out, read, real = json.loads(done.stdout)
    assert left_out == ["urllib.request", "http.client", "email.parser", "ssl"]
    assert read == "hello" and real


def test_patterns_never_used_are_compiled_only_when_used():
    """In a fresh process: PyYAML's reader's test for characters YAML does not allow (libyaml's
    parser, which the toolkit reads YAML with, tests them itself) and ReportLab's CJK splitting
    pattern are left uncompiled at import, ``re.compile`` is given back, and each, when used,
    does what the compiled pattern does: PyYAML's own reader still refuses a bell character."""
    import json
    import subprocess
    import sys

    script = """
import json, re
compile_before = re.compile
import book.core.yamlload
from book.pdf import rlcontract
rlcontract.import_reportlab()
import yaml
from yaml.reader import Reader
from reportlab.lib import textsplit
from book.core.lazyregex import DeferredPattern
left = [isinstance(p, DeferredPattern) and p._compiled is None for p in (Reader.NON_PRINTABLE, textsplit.rx)]
try:
    yaml.load("a: \\x07", Loader=yaml.SafeLoader)
    refused = False
except yaml.reader.ReaderError:
    refused = True
print(json.dumps([re.compile is compile_before, left, refused, textsplit.rx.sub(r"[\\1]", "ab\\u4e2dc")]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    restored, left, refused, split = json.loads(done.stdout)
    assert restored and left == [True, True]
    assert refused and split == "ab[\u4e2d]c"
