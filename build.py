#!/usr/bin/env python3
"""Build the compendium PDF, the EPUB and the one-pagers: `python build.py --help`."""
import sys

if __name__ == "__main__":
    try:
        from book.cli import entry
    except KeyboardInterrupt:       # Ctrl-C while the toolkit loads: nothing was begun
        print("interrupted: the previous outputs are unchanged", file=sys.stderr)
        sys.exit(130)
    entry()
