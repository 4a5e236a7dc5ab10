"""Faults injected into real builds: the build deletes nothing it did not make, never follows a
link out of its folder, survives a damaged cache, and ends every failure that is not its bug in
one line and an exit status; a killed build leaves one whole set of outputs."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from editions import minimal_edition
from util import run_cli

BODY = "A first paragraph.\n\nA second paragraph with a note.[^1]\n\n[^1]: The note.\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (outside the cache) by its digest; links by their target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if ".cache" in path.relative_to(folder).parts:
            continue
        if path.is_symlink():
            found[rel] = "link to " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    sources = minimal_edition(root, BODY)
    out = root / "dist"
    code, text = run_cli("--sources", str(sources), "--out", str(out), "-q")
    assert code == 0, text
    return sources, out


@pytest.fixture
def copy(built, tmp_path):
    sources, out = built
    shutil.copytree(sources, tmp_path / "sources")
    shutil.copytree(out, tmp_path / "dist", symlinks=True)
    return tmp_path / "sources", tmp_path / "dist"


def build(sources: Path, out: Path, *extra: str) -> tuple[int, str]:
    return run_cli("--sources", str(sources), "--out", str(out), "-q", *extra)


def edit(sources: Path, text: str = "Changed text.\n") -> None:
    (sources / "case-studies" / "only.md").write_text(text)


# ------------------------------------------------------------------ never delete what we did not make
def test_foreign_files_refuse_the_build_until_forced_and_stay(copy, tmp_path):
    sources, out = copy
    (out / "notes.txt").write_text("mine")
    (out / "sub").mkdir()
    (out / "sub" / ".thesis.docx.part").write_text("a user's temporary file")
    (out / "one-pagers" / ".draft.pdf.part").write_text("another")
    edit(sources)
    theirs = {k: v for k, v in snapshot(out).items() if "." in k and ("notes" in k or "part" in k)}
    code, text = build(sources, out)
    assert code == 1 and "Traceback" not in text
    assert f"{out}/notes.txt: was not made by this toolkit" in text and "--force" in text
    assert f"{out}/sub/.thesis.docx.part" in text and len(text.strip().splitlines()) == 4
    code, text = build(sources, out, "--force")
    assert code == 0, text
    after = snapshot(out)
    assert all(after.get(k) == v for k, v in theirs.items())


def test_the_first_build_into_a_folder_of_other_files_is_refused(built, tmp_path):
    sources, _ = built
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<p>someone's site</p>")
    code, text = build(sources, out)
    assert code == 1 and "index.html: was not made by this toolkit" in text
    assert not (out / "compendium.pdf").exists()


@pytest.mark.parametrize("folder", ["one-pagers", "site"])
def test_a_linked_output_folder_is_never_written_through(copy, tmp_path, folder):
    sources, out = copy
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.pdf").write_bytes(b"%PDF precious")
    shutil.rmtree(out / folder)
    (out / folder).symlink_to(elsewhere)
    edit(sources)
    for extra in ((), ("--force",)):
        code, text = build(sources, out, *extra)
        assert code == 1 and f"{out}/{folder}: is a link" in text and "Traceback" not in text
    assert [p.name for p in elsewhere.iterdir()] == ["precious.pdf"]
    assert (elsewhere / "precious.pdf").read_bytes() == b"%PDF precious"


def test_a_linked_file_in_the_folder_is_left_alone(copy, tmp_path):
    sources, out = copy
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF outside")
    (out / "link.pdf").symlink_to(outside)
    (out / "one-pagers" / "theirs.pdf").symlink_to(outside)
    edit(sources)
    code, text = build(sources, out, "--force")
    assert code == 0, text
    assert os.readlink(out / "link.pdf") == str(outside) and os.readlink(out / "one-pagers" / "theirs.pdf") == str(outside)
    assert outside.read_bytes() == b"%PDF outside"


def test_an_output_in_place_of_a_users_file_is_refused(copy):
    sources, out = copy
    (out / "compendium.pdf").unlink()
    (out / "compendium.pdf").write_bytes(b"the user's own compendium")
    manifest = out / ".cache" / "build-manifest.json"
    recorded = json.loads(manifest.read_text())
    del recorded["outputs"]["compendium.pdf"]
    manifest.write_text(json.dumps(recorded))
    edit(sources)
    code, text = build(sources, out, "--force")
    assert code == 1 and "compendium.pdf: is a file this toolkit did not make" in text
    assert (out / "compendium.pdf").read_bytes() == b"the user's own compendium"


def test_a_crafted_manifest_or_journal_reaches_nothing_outside(copy, tmp_path):
    sources, out = copy
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF victim")
    (out / "one-pagers" / "x.pdf").symlink_to(victim)
    manifest = out / ".cache" / "build-manifest.json"
    recorded = json.loads(manifest.read_text())
    for name in ("../victim.pdf", str(victim), "one-pagers/x.pdf", "one-pagers/../../victim.pdf"):
        recorded["outputs"][name] = {"state": [1, 1]}
    manifest.write_text(json.dumps(recorded))
    journal = {"state": "commit", "renames": [["one-pagers/x.pdf", "../victim.pdf"]],
               "remove": ["../victim.pdf", str(victim), "one-pagers/x.pdf"], "manifest": recorded}
    (out / ".cache" / "commit-journal.json").write_text(json.dumps(journal))
    edit(sources)
    code, text = build(sources, out, "--force")
    assert victim.read_bytes() == b"%PDF victim"
    assert os.readlink(out / "one-pagers" / "x.pdf") == str(victim)
    assert "Traceback" not in text


def test_one_output_built_alone_keeps_the_others(copy):
    sources, out = copy
    before = snapshot(out)
    edit(sources)
    code, text = build(sources, out, "pdf")        # (the command goes first: run_cli puts options after)
    assert code == 0, text
    code, text = build(sources, out, "epub")
    assert code == 0, text
    after = snapshot(out)
    assert set(after) == set(before)
    assert after["one-pagers.pdf"] == before["one-pagers.pdf"] and after["compendium.pdf"] != before["compendium.pdf"]


# ------------------------------------------------------------------ a damaged cache
def cache_file(out: Path) -> Path:
    return out / ".cache" / "build-cache.sqlite"


def change_rows(out: Path, sql: str, *params) -> int:
    import sqlite3

    with sqlite3.connect(cache_file(out)) as db:
        changed = db.execute(sql, params).rowcount
    return changed


def flip_bytes(value: bytes) -> bytes:
    """The same length and type, other bytes: what a bad disk or a stray write leaves."""
    return value.replace(b"paragraph", b"DAMAGED!!")


def rebuild_after_damage(sources: Path, out: Path) -> tuple[int, str]:
    """A build that must read the cache: the source touched (same bytes, new time)."""
    source = sources / "case-studies" / "only.md"
    os.utime(source, ns=(source.stat().st_mtime_ns + 10**9,) * 2)
    return build(sources, out)


@pytest.mark.parametrize("damage", ["changed values", "values of the wrong type", "wrong checksums",
                                    "the build counter", "not a database"])
def test_a_damaged_cache_is_rebuilt_with_one_warning(copy, damage):
    import sqlite3

    sources, out = copy
    before = snapshot(out)
    if damage == "changed values":
        with sqlite3.connect(cache_file(out)) as db:
            db.create_function("flip", 1, flip_bytes)
            assert db.execute("UPDATE entry SET value = flip(value) WHERE instr(value, 'paragraph')").rowcount
    elif damage == "values of the wrong type":
        assert change_rows(out, "UPDATE entry SET value = 42, used = 'soon'")
    elif damage == "wrong checksums":
        change_rows(out, "UPDATE entry SET checksum = 'x' WHERE kind = 'pandoc'")
        change_rows(out, "UPDATE entry SET checksum = zeroblob(16) WHERE kind != 'pandoc'")
    elif damage == "the build counter":
        change_rows(out, "UPDATE build SET n = 'many'")
    else:
        for suffix in ("-wal", "-shm"):
            Path(str(cache_file(out)) + suffix).unlink(missing_ok=True)
        cache_file(out).write_bytes(b"SQLite format 3\0" + b"\xff" * 5000)
    code, text = rebuild_after_damage(sources, out)
    assert code == 0 and "Traceback" not in text, text
    if damage != "the build counter":
        assert text.count("the build cache was damaged and has been rebuilt") == 1, text
    assert snapshot(out) == before           # the outputs a sound cache gives, nothing of the damage in them
    code, text = rebuild_after_damage(sources, out)
    assert code == 0 and "damaged" not in text, text      # rebuilt: the next build finds it sound


def test_a_cache_folder_made_a_file_gets_a_message(copy):
    sources, out = copy
    shutil.rmtree(out / ".cache")
    (out / ".cache").write_text("not a folder")
    code, text = build(sources, out)
    assert code == 1 and "Traceback" not in text
    assert f"{out}/.cache: is not a folder (the build keeps its cache there): remove it" in text


def test_a_lock_made_a_folder_gets_a_message(copy):
    sources, out = copy
    (out / ".cache" / "build.lock").unlink()
    (out / ".cache" / "build.lock").mkdir()
    edit(sources)
    code, text = build(sources, out)
    assert code == 1 and "Traceback" not in text
    assert f"{out}/.cache/build.lock: the build's lock file cannot be opened (Is a directory): remove it" in text


# ------------------------------------------------------------------ failures of the machine
def test_a_full_disk_at_the_write_is_one_line_and_changes_nothing(copy, monkeypatch):
    import errno

    from book.build import commit

    sources, out = copy
    before = snapshot(out)
    real = commit._create_part

    class FillsUp:
        """A part file on a disk that fills up half-way through the first write."""

        def __init__(self, part, mode):
            self.handle = real(part, mode)

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))      # (a failed write names no file)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(commit, "_create_part", FillsUp)
    edit(sources)
    code, text = build(sources, out)
    assert code == 1 and "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "the disk is full: free some space and build again" in lines[0], text
    assert "the previous outputs are unchanged" in lines[0] and lines[0].startswith(f"error: {out}/")
    assert snapshot(out) == before
    assert not (out / ".cache" / "commit-journal.json").exists()
    monkeypatch.setattr(commit, "_create_part", real)
    code, text = build(sources, out)
    assert code == 0, text


def _namespace_available() -> bool:
    import subprocess

    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _namespace_available(), reason="no user and mount namespaces here: the injected full disk covers it")
@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_real_full_or_read_only_disk(built, tmp_path, fault):
    """A small tmpfs in a mount namespace of its own: filled up, or remounted read-only, between
    a good build and the next."""
    import subprocess
    import sys

    from util import ROOT

    sources, _ = built
    mine = tmp_path / "sources"
    shutil.copytree(sources, mine)
    disk = tmp_path / "disk"
    disk.mkdir()
    out = disk / "dist"
    python = [sys.executable, str(ROOT / "build.py"), "--sources", str(mine), "--out", str(out), "--styles",
              str(ROOT / "styles"), "-q"]
    cmd = " ".join(f"'{a}'" for a in python)
    damage = (f"cat /dev/zero > {disk}/filler 2>/dev/null; " if fault == "full" else f"mount -o remount,ro {disk}; ")
    script = (f"mount -t tmpfs -o size=12m tmpfs {disk} && {cmd} && "
              f"sha256sum {out}/compendium.pdf > {tmp_path}/before && echo 'Changed text, longer than before.' > "
              f"{mine}/case-studies/only.md && {damage} {cmd}; echo \"exit $?\"; sha256sum {out}/compendium.pdf; "
              f"ls -a {out} {out}/one-pagers")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1"))
    text = done.stdout + done.stderr
    assert "exit 1" in text and "Traceback" not in text, text
    expected = "the disk is full" if fault == "full" else "cannot write to the output folder (Read-only file system)"
    assert expected in text, text
    assert (tmp_path / "before").read_text().split()[0] in done.stdout        # the compendium as it was
    assert ".part" not in done.stdout


# ------------------------------------------------------------------ killed and interrupted builds
CASES = 4


def several_case_studies(root: Path, words: int) -> Path:
    """An edition of CASES case studies: several chapters, parts and one-pagers to build."""
    extra = "".join(f"""  - id: case-{n}
    title: Case study {n}
    lead: one
    source: case-studies/case-{n}.md
    summary: Summary {n}.
""" for n in range(CASES))
    sources = minimal_edition(root, BODY, extra_case=extra)
    for n in range(CASES):
        set_case_text(sources, n, words)
    return sources


def set_case_text(sources: Path, n: int, words: int, word: str = "words") -> None:
    paragraphs = [f"Paragraph {p} of case {n}: " + f"{word} and more {word} " * 40 for p in range(words // 160)]
    (sources / "case-studies" / f"case-{n}.md").write_text("\n\n".join(paragraphs) + "\n")


def start_build(sources: Path, out: Path):
    import subprocess
    import sys

    from util import ROOT

    # in a session of its own: what it starts (its workers, pandoc) is known by the session, even
    # once the build has ended and they were left to the system
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--sources", str(sources), "--out", str(out),
                             "--styles", str(ROOT / "styles"), "-q"], cwd=ROOT, env=dict(os.environ, SOURCE_DATE_EPOCH="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def processes_of(build) -> list[int]:
    """Live processes (not zombies) of the build's session: the build, its workers and pandoc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _parent, _group, session = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:4]
        except (OSError, ValueError):
            continue
        if int(session) == build.pid and state != "Z":
            found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (0 if it is gone)."""
    try:
        user, system = (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split())[11:13]
    except (OSError, ValueError):
        return 0.0
    return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK")


def wait_until_gone(build, seconds: float = 5.0) -> list[int]:
    import time

    deadline = time.monotonic() + seconds
    while (left := processes_of(build)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory):
    """A built edition (the old set), its sources edited, and the set a finished build of the
    edit gives (the new set); and how long that build takes."""
    import time

    root = tmp_path_factory.mktemp("kills")
    sources = several_case_studies(root, 480)
    old = root / "old"
    assert start_build(sources, old).wait() == 0
    for n in range(CASES):
        set_case_text(sources, n, 480, "changed")
    index = sources / "index.yaml"          # and every one-pager changed too
    index.write_text(index.read_text().replace("summary: Summary", "summary: A new summary"))
    new = root / "new"
    shutil.copytree(old, new)
    started = time.monotonic()
    assert start_build(sources, new).wait() == 0
    return sources, old, new, time.monotonic() - started


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc to find the build's processes")
@pytest.mark.parametrize("half", [0, 1])       # twenty moments in two tests of ten (each under 20 s)
def test_a_build_killed_at_twenty_moments_leaves_one_whole_set_and_no_process(two_sets, tmp_path, half):
    import signal
    import time

    from book.build.commit import recover

    sources, old, new, duration = two_sets
    old_set, new_set = snapshot(old), snapshot(new)
    assert old_set != new_set and set(old_set) == set(new_set)
    seen = {"old": 0, "new": 0, "finished before the kill": 0}
    for moment in range(1 + half, 21, 2):
        out = tmp_path / f"dist-{moment}"
        shutil.copytree(old, out)
        proc = start_build(sources, out)
        time.sleep(duration * 1.1 * moment / 20)     # from start-up to the end (the late ones may finish)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        else:
            seen["finished before the kill"] += 1
        proc.wait()
        proc.stdout.close()
        assert wait_until_gone(proc) == [], f"killed at {moment}/20: processes of the build left"
        recover(out)            # what the next build does first
        after = snapshot(out)
        assert after in (old_set, new_set), f"killed at {moment}/20: a mix of old and new outputs"
        seen["old" if after == old_set else "new"] += 1
        assert not [p for p in out.rglob("*.part")], f"killed at {moment}/20: temporary files left"
        shutil.rmtree(out)
    assert seen["old"], seen


def _killed_inside_the_commit(sources: Path, out: Path, where: str, after: int) -> None:
    """A build that kills itself (SIGKILL) inside its commit: before its ``after``-th rename, or
    as it writes its ``after``-th temporary file."""
    import subprocess
    import sys

    from util import ROOT

    script = f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
from book.build import commit
calls = [0]
real = commit.{where}
def fault(*args):
    if calls[0] == {after}:
        os.kill(os.getpid(), signal.SIGKILL)
    calls[0] += 1
    return real(*args)
commit.{where} = fault
from book.cli import main
sys.exit(main(["--sources", {str(sources)!r}, "--out", {str(out)!r}, "--styles", {str(ROOT / "styles")!r}, "-q"]))
"""
    done = subprocess.run([sys.executable, "-c", script], env=dict(os.environ, SOURCE_DATE_EPOCH="1"), timeout=120)
    assert done.returncode == -signal_number("SIGKILL")


def signal_number(name: str) -> int:
    import signal

    return int(getattr(signal, name))


@pytest.mark.parametrize("renamed", [1, 2, 3])
def test_a_build_killed_between_two_renames_is_completed_by_the_next(two_sets, tmp_path, renamed):
    from book.build.commit import recover

    sources, old, new, _duration = two_sets
    out = tmp_path / "dist"
    shutil.copytree(old, out)
    _killed_inside_the_commit(sources, out, "_rename", renamed)
    mixed = snapshot(out)
    assert mixed not in (snapshot(old), snapshot(new))      # what the journal is for
    assert recover(out) == "completed"
    assert snapshot(out) == snapshot(new)
    assert not list(out.rglob("*.part")) and not (out / ".cache" / "commit-journal.json").exists()


def test_a_build_killed_while_writing_its_outputs_is_rolled_back(two_sets, tmp_path):
    from book.build.commit import recover

    sources, old, _new, _duration = two_sets
    out = tmp_path / "dist"
    shutil.copytree(old, out)
    _killed_inside_the_commit(sources, out, "_create_part", 2)
    assert list(out.rglob("*.part"))        # two temporary files written, a third begun
    assert recover(out) == "rolled back"
    assert snapshot(out) == snapshot(old) and not list(out.rglob("*.part"))


def test_ctrl_c_ends_with_130_and_one_line(two_sets, tmp_path):
    import signal
    import time

    sources, old, new, duration = two_sets
    mine = tmp_path / "sources"
    shutil.copytree(sources, mine)
    # long enough to find the build at work: four short case studies no longer start workers
    # (too little work to repay them), and pandoc alone could finish before it was seen (with
    # 200,000 words the build, faster now, was sometimes done before the signal came)
    set_case_text(mine, 0, 600_000, "slow")
    out = tmp_path / "dist"
    shutil.copytree(old, out)
    proc = start_build(mine, out)
    while len(processes_of(proc)) < 2 and proc.poll() is None:      # at work: pandoc or the workers started
        time.sleep(0.01)
    assert proc.poll() is None, "the build was not seen at work"
    proc.send_signal(signal.SIGINT)
    text = proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, text
    assert text.strip().splitlines() == ["interrupted: the previous outputs are unchanged"], text
    assert snapshot(out) == snapshot(old)
    assert wait_until_gone(proc) == []


def test_pandoc_killed_is_one_line(two_sets, tmp_path):
    import signal
    import time

    sources, old, _new, _duration = two_sets
    mine = tmp_path / "sources"
    shutil.copytree(sources, mine)
    set_case_text(mine, 0, 600_000, "slow")        # long enough to find pandoc at work
    out = tmp_path / "dist"
    shutil.copytree(old, out)
    proc = start_build(mine, out)
    deadline = time.monotonic() + 30
    pandoc = []
    while not pandoc and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
        pandoc = [pid for pid in processes_of(proc) if b"pandoc" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
                  and cpu_seconds(pid) > 0.1]       # at work: not one started ahead, still waiting for its sources
    assert pandoc, "pandoc was not seen at work"
    # every pandoc: the build starts one per core, and one given only short sources may already
    # have handed in all its documents (killing only that one changes nothing, rightly)
    for pid in pandoc:
        os.kill(pid, signal.SIGKILL)
    text = proc.communicate(timeout=60)[0]
    assert proc.returncode == 1 and "Traceback" not in text, text
    assert text.strip().splitlines() == ["error: pandoc was stopped by SIGKILL while reading the sources (by hand, or by"
                                         " the system when memory ran short): build again; the previous outputs are unchanged"]
    assert snapshot(out) == snapshot(old)


# ------------------------------------------------------------------ an edit that keeps size and time
def test_an_edit_of_the_same_size_in_the_same_second_is_seen(tmp_path):
    """Written just before a build, then edited to the same size and given back the same time (an
    editor saving twice in one tick of a coarse clock): the next build reads it again."""
    sources = minimal_edition(tmp_path, "The first version of the text.\n")
    out = tmp_path / "dist"
    source = sources / "case-studies" / "only.md"
    code, text = build(sources, out)
    assert code == 0, text
    then = source.stat().st_mtime_ns
    source.write_text("The other version of the text.\n")
    assert source.stat().st_size == len("The first version of the text.\n")
    os.utime(source, ns=(then, then))
    code, text = build(sources, out)
    assert code == 0 and "up to date" not in text, text
    assert "other version" in pdf_text(out / "compendium.pdf") and "first version" not in pdf_text(out / "compendium.pdf")


def pdf_text(path: Path) -> str:
    import pypdf

    return " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


# ------------------------------------------------------------------ workers stopped after a failure
def _slow(batch, context):
    import time

    time.sleep(30)
    return batch


def test_workers_left_running_by_a_failed_build_are_stopped_before_exit():
    """A build that fails while workers run (a mistake found while the one-pagers are drawn)
    stops them itself: left to the interpreter's exit, its wake-up of each pool raced the pool's
    thread closing its pipe ('OSError: [Errno 9] Bad file descriptor' after the user's message)."""
    import time
    from concurrent.futures import process as futures_process

    from book.core import workers

    running = workers.start_parallel(_slow, list(range(4)), jobs=2, weights=[10] * 4)
    assert running.pool is not None
    pids = list(running.pool._processes)
    started = time.monotonic()
    workers.stop_all()
    assert time.monotonic() - started < 10
    for thread, wakeup in list(futures_process._threads_wakeups.items()):
        assert not thread.is_alive() and wakeup._closed      # nothing left for the exit to wake
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]


@pytest.mark.parametrize("state", ["staging", "commit"])
def test_a_journal_names_only_outputs_and_their_temporary_files(copy, state):
    from book.build.commit import recover

    _sources, out = copy
    (out / "notes.txt").write_text("mine")
    (out / ".notes.txt.12345678.part").write_text("mine too")
    journal = {"state": state, "parts": ["notes.txt", ".notes.txt.12345678.part"],
               "renames": [[".notes.txt.12345678.part", "notes.txt"]], "remove": ["notes.txt"]}
    (out / ".cache" / "commit-journal.json").write_text(json.dumps(journal))
    recover(out)
    assert (out / "notes.txt").read_text() == "mine" and (out / ".notes.txt.12345678.part").read_text() == "mine too"
