"""`ohwb-book serve`: a local preview. Builds the edition, serves the output folder on 127.0.0.1
(the web edition at /site/, the PDF, EPUB and one-pagers beside it), rebuilds whenever a source or
the style is saved (the watch of ``--watch``), and reloads the page open in the browser once the
build is done; a build that fails shows its problems over the page, which stays as it last built.
The compendium's and one-pagers' pages are shown as pictures at /__preview/pages.html.

Only for previewing on this machine: it listens on 127.0.0.1 alone, serves nothing but the
output folder, and adds its small script (``/__preview/reload.js``) to the pages it serves, not
to the files: the site that is published never polls anything."""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from book.commands import serve_pages
from book.core.errors import EXIT_OK, UserError

PREFIX = "/__preview/"
HOME = "/site/index.html"
RELOAD_SCRIPT = Path(__file__).with_name("serve_reload.js")


def parser() -> argparse.ArgumentParser:
    from book.buildargs import parser as build_parser

    p = build_parser()
    p.prog = "ohwb-book serve"
    p.usage = "ohwb-book serve [WHAT ...] [--port N] [build options]"
    p.description = __doc__.split("\n\n")[0].replace("`", "")
    p.epilog = "examples:\n  ohwb-book serve              everything, at http://127.0.0.1:8000/\n" \
               "  ohwb-book serve site         the web edition alone: the quickest rebuilds\n"
    p.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default 8000; 0: any free one)")
    return p


class BuildState:
    """The last build's outcome, for the pages' script: a stamp that changes with every build,
    and its problems and warnings as the terminal shows them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp = 0
        self.building = True
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def started(self) -> None:
        with self.lock:
            self.building = True

    def finished(self, problems: list[str], warnings: list[str]) -> None:
        with self.lock:
            self.stamp += 1
            self.building, self.problems, self.warnings = False, problems, warnings

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"stamp": self.stamp, "building": self.building, "ok": not self.problems,
                               "problems": self.problems, "warnings": self.warnings}).encode()


def make_builder(state: BuildState):
    """What the watch runs for each change: one build, its outcome told to the terminal and to
    the pages (``state``)."""
    def rebuild(options, command: str, summary: bool = False, session=None) -> int:
        from book.build.pipeline import build
        from book.core.errors import Reporter
        from book.core.workers import stop_all

        state.started()
        started = time.perf_counter()
        reporter = Reporter(strict=options.strict, quiet=options.quiet)
        try:
            result = build(options, reporter, session)
            problems = []
        except UserError as error:
            problems = [str(p) for p in error.problems]
        except Exception as error:          # the toolkit's bug: said in both places, and the preview goes on
            problems = [f"a bug in the toolkit stopped the build ({type(error).__name__}: {error}); please report it"]
        finally:
            stop_all()
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr, flush=True)
        if problems:
            print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; the preview shows the last good build",
                  file=sys.stderr, flush=True)
        else:
            made = "up to date" if result.up_to_date else f"{len(result.written)} file(s) written"
            print(f"built in {time.perf_counter() - started:.1f} s: {made}", flush=True)
        state.finished(problems, [str(w) for w in reporter.warnings])
        return EXIT_OK
    return rebuild


class PreviewHandler(SimpleHTTPRequestHandler):
    """The output folder's files, never cached; HTML pages with the reload script added."""

    state: BuildState

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", HOME)
            self.end_headers()
        elif path == PREFIX + "status.json":
            self.send_bytes(self.state.as_json(), "application/json")
        elif path == PREFIX + "reload.js":
            self.send_bytes(RELOAD_SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        elif path in (serve_pages.PAGES, serve_pages.PAGE):
            self.pictures(path)
        else:
            file = Path(self.translate_path(self.path))
            if file.is_dir():
                file = file / "index.html"
            if file.suffix == ".html" and file.is_file():
                self.send_bytes(with_reload(file.read_bytes(), self.state.stamp), "text/html; charset=utf-8")
            elif file.suffix == ".html":
                self.send_bytes(waiting_page(self.state.stamp), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
            else:
                super().do_GET()

    def pictures(self, path: str) -> None:
        """The compendium's and one-pagers' pages as pictures (``serve_pages``)."""
        out = Path(self.directory)
        if path == serve_pages.PAGES:
            self.send_bytes(serve_pages.pages_page(out, self.state.stamp), "text/html; charset=utf-8")
            return
        query = parse_qs(urlsplit(self.path).query)
        number = query.get("n", ["0"])[0]
        png = serve_pages.page_png(out, query.get("file", [""])[0], int(number)) if number.isdigit() else None
        if png is None:
            self.send_error(HTTPStatus.NOT_FOUND)
        else:
            self.send_bytes(png, "image/png")

    def send_bytes(self, data: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:      # noqa: A002  (the terminal shows the builds)
        pass


def with_reload(page: bytes, stamp: int) -> bytes:
    """The page with the reload script, told which build made the page as served."""
    script = f'<script src="{PREFIX}reload.js" data-stamp="{stamp}" defer></script>\n'.encode()
    head_end = page.find(b"</head>")
    return page[:head_end] + script + page[head_end:] if head_end >= 0 else page + script


def waiting_page(stamp: int) -> bytes:
    """Where a page is asked for that no build has made yet: the first build is under way, or
    failed (its problems are shown over this page)."""
    return with_reload(b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                       b'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'; '
                       b'connect-src \'self\'; style-src-attr \'unsafe-inline\'">\n<title>Preview</title>\n</head>\n'
                       b'<body>\n<main>\n<h1>Preview</h1>\n<p>This page has not been built yet. It appears here '
                       b'when the build makes it.</p>\n</main>\n</body>\n</html>\n', stamp)


def serve(options, port: int, state: BuildState | None = None) -> ThreadingHTTPServer:
    """The server, started in a thread of its own; ``server.server_address`` has its port."""
    options.out.mkdir(parents=True, exist_ok=True)
    handler = type("Handler", (PreviewHandler,), {"state": state or BuildState()})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(options.out)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="preview-server").start()
    return server


def run(args) -> int:
    from book.buildargs import resolve
    from book.build.watch import watch

    options = resolve(args)
    if args.command == "check":
        raise UserError("serve builds: leave out 'check' (run 'ohwb-book check' to check only)")
    state = BuildState()
    try:
        server = serve(options, args.port, state)
    except OSError as error:
        raise UserError(f"cannot listen on 127.0.0.1:{args.port} ({error.strerror}): choose another port with --port") from None
    port = server.server_address[1]
    print(f"previewing {options.out} at http://127.0.0.1:{port}{HOME} (Ctrl+C to stop); the PDFs' pages as "
          f"pictures at http://127.0.0.1:{port}{serve_pages.PAGES}", flush=True)
    try:
        return watch(options, "all", make_builder(state))
    finally:
        server.shutdown()
        server.server_close()
