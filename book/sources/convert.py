"""The only caller of pandoc: every source file -> the document model, batched and cached.

All sources that are not in the cache are converted by one ``pandoc lua`` process per core, or
fewer when there is little to read (``Converter.processes_for``); not one per file, and never
through ``pypandoc.convert_*``, which starts pandoc three times a call.
Each result is kept in the build cache (``cache.BuildCache``) under the hash of the file's bytes,
the reader and the pandoc build, so an unchanged source is never converted twice.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from book.core import limits
from book.core.errors import Problems
from book.core.cache import BuildCache, digest
from book.sources.pandocrun import LUA_SCRIPT, PandocStopped, lua_command, pandoc_binary, start_pandoc
from book.sources.sourcefile import MEDIA_READERS, READERS, SourceFile, read_checked

if TYPE_CHECKING:
    from book.document import ast

# What pandoc reads of Markdown in about the time the build, meanwhile, imports the typesetting and
# reads the style (0.12 s on the project machine, a 2-core VM; both are CPU-bound, so the ratio
# holds on a faster one); a Word or OpenDocument file is compressed, and reading each of its bytes
# takes pandoc about four times as long (``Converter.processes_for``)
PANDOC_SHARE = 128 * 1024
ZIPPED_WEIGHT = 4
# Bump when the conversion itself changes, so old cache entries are not reused.
CONVERTER_REVISION = "1"


def _pandoc_fingerprint(binary: str) -> str:
    st = os.stat(binary)
    return f"{binary}:{st.st_size}:{int(st.st_mtime)}"


def _state(path: Path) -> tuple[int, int] | None:
    """(size, modification time) of a regular file, else None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


RACY_NS = 2_000_000_000     # the coarsest file times in use (FAT's two seconds): later than this is not settled


def settled_time() -> int:
    """Files modified before this moment, looked at from now on, cannot be edited again without
    their time changing (the clock of file times has moved on by more than a tick since)."""
    return time.time_ns() - RACY_NS


class Converter:
    def __init__(self, cache_dir: Path, jobs: int | None = None, cache: BuildCache | None = None,
                 accept_changes: bool = False, start=start_pandoc):
        self.cache = cache if cache is not None else BuildCache(cache_dir.parent)
        self.start = start      # args -> a pandoc process ready for its list of sources
        self.media_dir = cache_dir / "media"
        self.binary = pandoc_binary()
        self.jobs = jobs or os.cpu_count() or 1
        # Word's tracked changes: rejected unless the build says otherwise (see the README)
        self.accept_changes = accept_changes
        self.track_changes = "accept-changes" if accept_changes else "reject-changes"
        self._salt = (f"{CONVERTER_REVISION}:{_pandoc_fingerprint(self.binary)}:{LUA_SCRIPT.read_bytes().hex()[:64]}"
                      f":{self.track_changes}")
        self.converted = 0   # how many sources pandoc actually read this run (for -v and the benchmark)
        self._raw: dict[str, bytes] = {}       # key -> document, for the sources converted this build
        self._kept: set[str] = set()
        self.keys: dict[str, str] = {}      # label -> the hash its conversion is cached under
        self._pandocs: set = set()          # the pandoc processes running now
        self._todo: dict[str, tuple] = {}   # label -> (source, reader, key): to convert again if its entry is lost
        self._sizes: dict[str, int] = {}    # label -> the file's size, as ``convert_all`` found it
        # set once pandoc runs on every source that needs it (or none does, or converting failed)
        self.started = threading.Event()
        self._unstarted, self._lock = 0, threading.Lock()
        # the documents pandoc is reading now, told as each comes in (``raw`` waits for one)
        self._arrived = threading.Condition()
        self._coming: set[str] = set()
        self.failed: Exception | None = None       # what stopped the conversion, if anything did

    def _key(self, data: bytes, reader: str) -> str:
        h = hashlib.sha256(self._salt.encode())
        h.update(reader.encode())
        h.update(data)
        return h.hexdigest()

    def convert_all(self, sources: list[SourceFile]) -> None:
        """Make sure every source is converted (in the cache, or converted now); all problems
        raised together as one UserError. The documents are read later, when a chapter's text
        is needed (``raw``, ``document``): a build that needs none reads none. ``started`` is set
        once the pandoc processes it needs run."""
        try:
            self._convert_all(sources)
        except Exception as error:       # (said where the conversion is waited for, and by ``raw``)
            self.failed = error
            raise
        finally:
            self.started.set()
            with self._arrived:
                self._coming.clear()        # in, or not to come: ``raw`` waits no longer
                self._arrived.notify_all()

    def _convert_all(self, sources: list[SourceFile]) -> None:
        problems = Problems()
        checked = []
        state_key = digest("source states with their time", self._salt)
        recorded = self.cache.load("source-state", [state_key])[0] or (0, {})
        settled_before, known = recorded          # states of files older than this are trusted
        states, racy, now_settled = {}, False, settled_time()       # (taken before any file is looked at)
        for source in sources:
            # a file the last build read, with the same size and modification time, is taken to
            # hold the same bytes (as make does): a thousand sources need not be read and hashed.
            # Not one modified as late as those states were written: an edit in the same tick of
            # the clock keeps the time (and often the size), so it is read again (git's "racy
            # clean" entries)
            state = _state(source.path)
            path = str(source.path)
            reader = READERS.get(source.path.suffix.lower())      # None: read_checked says so
            if state is not None and known.get(path, (None,))[:2] == state and state[1] < settled_before:
                key = known[path][2]
            else:
                data = read_checked(source, problems)
                if data is None:
                    continue
                key = self._key(data, reader)
            self.keys[source.label] = key
            self._todo[source.label] = (source, reader, key)
            checked.append((source, reader, key))
            if state is not None:
                states[path] = (*state, key)
                self._sizes[source.label] = state[0]
                racy = racy or state[1] >= settled_before
        if states != known or racy:
            self.cache.store("source-state", {state_key: (now_settled, states)})
        present = self.cache.present("pandoc", [key for _, _, key in checked])
        with_media = [key for _, reader, key in checked if reader in MEDIA_READERS and key in present]
        for key, text in self.cache.get_many("pandoc", with_media).items():
            if not self._media_present(text):
                present.discard(key)
        todo = [item for item in checked if item[2] not in present]
        with self._arrived:
            self._coming = {key for _source, _reader, key in todo}
        for source, message in self._run_pandoc(todo):
            if isinstance(message, Limit):
                problems.add(str(message), source.label)
            elif message is not None:
                problems.add(f"pandoc cannot read it: {_first_line(message)}; open it in its editor and save it again", source.label)
        problems.raise_if_any()

    def keep(self) -> None:
        """Put what was converted this build in the cache (called while the workers that read the
        documents get going: it is the slowest write of a cold build)."""
        self.cache.put_many("pandoc", {key: raw for key, raw in self._raw.items() if key not in self._kept})
        self._kept.update(self._raw)

    def raw(self, label: str) -> bytes:
        """The source's document as pandoc wrote it (JSON); one pandoc is reading now is waited
        for (the build's first job can begin before pandoc has read every source)."""
        key = self.keys[label]
        with self._arrived:
            while key in self._coming and key not in self._raw:
                self._arrived.wait()
        if key in self._raw:
            return self._raw[key]
        if self.failed is not None:
            raise self.failed       # (pandoc could not read some source, or was stopped: that is said)
        found = self.cache.get_many("pandoc", [key])
        if key in found:
            return found[key]
        # found damaged (or evicted by another build) since convert_all saw it: converted again
        source, message = self._run_pandoc([self._todo[label]])[0]
        if message is not None or key not in self._raw:
            raise RuntimeError(f"the conversion of {label} is neither in memory nor in the cache, and failed again: {message}")
        self.cache.put_many("pandoc", {key: self._raw[key]})
        return self._raw[key]

    @staticmethod
    def parse(raw: bytes) -> dict:
        return json.loads(raw)

    def document(self, label: str) -> ast.Document:
        from book.document import ast

        return ast.document_from_json(self.parse(self.raw(label)), label)

    def _media_present(self, text: bytes) -> bool:
        """Images extracted from Word files live beside the cache: if one is gone, convert again."""
        from book.document.pandocjson import json_image_sources

        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):     # nested too deep: the chapter's check says so
            return False
        return all(not node.startswith(str(self.media_dir)) or Path(node).exists()
                   for node in json_image_sources(doc.get("blocks", [])))

    def _run_pandoc(self, todo) -> list[tuple[SourceFile, str | None]]:
        """(source, pandoc's message if it could not read it) for each of ``todo``, in order. The
        documents are kept in memory for this build and stored in the cache."""
        if not todo:
            return []
        self.media_dir.mkdir(parents=True, exist_ok=True)
        processes = self.processes_for(todo)
        chunks = [todo[i :: processes] for i in range(processes)]
        self._unstarted = len(chunks)
        results = {}
        with ThreadPoolExecutor(len(chunks)) as pool:
            running = [pool.submit(self._run_chunk, chunk) for chunk in chunks]
            try:
                for done in as_completed(running):
                    results.update(done.result())
            except BaseException:
                self._stop_pandoc()         # one failed (pandoc killed, Ctrl-C): the others stop now too
                raise
        self.converted += len(todo)
        return [(source, results[key]) for source, _reader, key in todo]

    def processes_for(self, todo) -> int:
        """How many pandoc processes to read ``todo`` with: one per core, but only so many that
        each has more to read than pandoc reads in the time this process, meanwhile, imports the
        typesetting and reads the style (``PANDOC_SHARE``). With less, a second pandoc does not
        pay: the two and this process share the cores and all finish later than one pandoc beside
        this process (20 case studies: 0.15 s, against 0.19 with two)."""
        work = 0
        for source, reader, _key in todo:
            size = self._sizes.get(source.label)
            if size is None:        # (not found by ``convert_all``)
                size = (_state(source.path) or (0,))[0]
            work += size * (ZIPPED_WEIGHT if reader in MEDIA_READERS else 1)
        return max(1, min(self.jobs, len(todo), round(work / PANDOC_SHARE)))

    def _stop_pandoc(self) -> None:
        for proc in list(self._pandocs):
            try:
                proc.kill()
            except OSError:
                pass

    def _run_chunk(self, chunk):
        """One ``pandoc lua`` process for ``chunk``; each document is taken in as it comes, while
        pandoc reads the next."""
        settings = json.dumps({"media": str(self.media_dir.resolve()), "track_changes": self.track_changes}) + "\n"
        manifest = settings + "".join(json.dumps([reader, str(source.path), source.label]) + "\n" for source, reader, _key in chunk)
        proc = self.start(lua_command())
        self._pandocs.add(proc)
        feeder = threading.Thread(target=_feed, args=(proc.stdin, manifest.encode()), daemon=True)
        feeder.start()
        with self._lock:
            self._unstarted -= 1
            if self._unstarted == 0:
                self.started.set()
        errors = []
        # pandoc's messages read to their end, then pandoc reaped (a build does not wait for its exit)
        drain = threading.Thread(target=lambda: errors.append(proc.stderr.read()) or proc.wait(), daemon=True)
        drain.start()
        results = []
        try:
            for (source, _reader, key), line in zip(chunk, proc.stdout):
                fields = line.rstrip(b"\n").split(b"\t", 2)
                if len(fields) != 3 or not line.endswith(b"\n"):
                    break           # a line cut short: pandoc was stopped (its exit status says how)
                kind, _label, payload = fields
                if kind == b"E":
                    results.append((key, json.loads(payload)))
                    continue
                over = _over_limits(payload)
                if over:
                    results.append((key, Limit(over)))
                    continue
                with self._arrived:
                    self._raw[key] = payload
                    self._arrived.notify_all()
                results.append((key, None))
        finally:
            proc.stdout.close()
            code = (proc.poll() or 0) if len(results) == len(chunk) else proc.wait(timeout=600)   # all in, whole
            self._pandocs.discard(proc)
        if code < 0:
            raise PandocStopped(-code)
        if code != 0 or len(results) != len(chunk):
            drain.join()        # all pandoc said
            raise RuntimeError(f"pandoc lua failed ({code}): {b''.join(errors).decode(errors='replace')}")
        return results


class Limit(str):
    """A source over one of the limits on its document (``limits``): said as it is."""


def _over_limits(payload: bytes) -> str | None:
    """Counted in pandoc's JSON before it is parsed into objects (``"t":`` begins every element;
    pandoc writes its JSON without spaces)."""
    notes = payload.count(b'"t":"Note"')
    if notes > limits.MAX_NOTES:
        return f"has {notes} footnotes; a source is limited to {limits.MAX_NOTES}: split it"
    nodes = payload.count(b'"t":')
    if nodes > limits.MAX_NODES:
        return (f"is {nodes} elements long (words, spaces, paragraphs...); a source is limited to {limits.MAX_NODES}:"
                " split it")
    return None


def _feed(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except BrokenPipeError:
        pass        # pandoc stopped early: its exit status tells why


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else "unknown error"
