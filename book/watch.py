"""`build.py --watch`: rebuild whenever a source or the style changes, and say what was rebuilt."""
from __future__ import annotations

import time


def watch(options, command: str, run) -> int:
    from watchfiles import watch as watch_changes

    run(options, command)
    print(f"watching {options.sources} and {options.styles} (Ctrl+C to stop)")
    try:
        for changes in watch_changes(options.sources, options.styles, debounce=300, step=100):
            names = sorted({path for _change, path in changes})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            print(f"{time.strftime('%H:%M:%S')} changed: {shown}")
            run(options, command)
    except KeyboardInterrupt:
        pass
    return 0
