"""`build.py --watch`: rebuild whenever a source or the style changes, and say what was rebuilt."""
from __future__ import annotations

import sys
import time


def watch(options, command: str, run) -> int:
    from watchfiles import watch as watch_changes

    run(options, command)
    announced = False
    try:
        # yield_on_timeout: an empty set once the watcher is running, so that "watching" is said
        # only when a change saved from then on is sure to be seen
        from book.build.watchfilter import EditorFilesFilter

        # step: a save is taken once 50 ms pass with nothing more written (an editor's save is a
        # few writes and a rename within milliseconds); every 50 ms more here is 50 ms more
        # before the outputs show it
        for changes in watch_changes(options.sources, options.styles, debounce=300, step=50,
                                     watch_filter=EditorFilesFilter(),
                                     yield_on_timeout=True, rust_timeout=500):
            if not changes:
                if not announced:
                    print(f"watching {options.sources} and {options.styles} (Ctrl+C to stop)", flush=True)
                    announced = True
                continue
            names = sorted({path for _change, path in changes})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            print(f"{time.strftime('%H:%M:%S')} changed: {shown}", flush=True)
            run(options, command, summary=True)
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    return 0
