#!/usr/bin/env python3
"""Build the compendium PDF, the EPUB and the one-pagers: `python build.py --help`."""
import sys

from book.cli import main

if __name__ == "__main__":
    sys.exit(main())
