"""`build.py --watch`: rebuild whenever a source or the style changes, and say what was rebuilt."""
from __future__ import annotations

import sys
import threading
import time

# A save is taken once this many milliseconds pass with nothing new written (so, between one and
# two of them after it: the watcher looks every QUIET_MS). An editor's save is a few writes, a
# rename and a temporary file removed, within a millisecond or two of each other; what it writes
# beside the file (temporary copies, backups, locks) is not a change (``watchfilter``), so a
# flush to disk between writing its temporary file and renaming it does not split a save in
# two. Every millisecond here is one more before the outputs show the save (it was 50).
QUIET_MS = 10
LONGEST_MS = 300        # changes that go on (a folder copied in) are taken at the latest after this


def watch(options, command: str, run, stop: threading.Event | None = None) -> int:
    """``run(options, command, summary=..., session=...)`` once, then after every change until
    Ctrl+C (or ``stop``). One build session for them all (``book.build.session``)."""
    from watchfiles import watch as watch_changes

    from book.build.session import BuildSession
    from book.build.watchfilter import EditorFilesFilter

    with BuildSession() as session:
        run(options, command, session=session)
        session.between_builds()
        announced = False
        try:
            # yield_on_timeout: an empty set once the watcher is running, so that "watching" is
            # said only when a change saved from then on is sure to be seen
            for changes in watch_changes(options.sources, options.styles, debounce=LONGEST_MS, step=QUIET_MS,
                                         watch_filter=EditorFilesFilter(), stop_event=stop,
                                         yield_on_timeout=True, rust_timeout=500):
                if not changes:
                    if not announced:
                        print(f"watching {options.sources} and {options.styles} (Ctrl+C to stop)", flush=True)
                        announced = True
                    continue
                names = sorted({path for _change, path in changes})
                shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                print(f"{time.strftime('%H:%M:%S')} changed: {shown}", flush=True)
                run(options, command, summary=True, session=session)
                sys.stdout.flush()
                session.between_builds()
        except KeyboardInterrupt:
            pass
    return 0
