"""What watch mode ignores: the files editors' programs write beside the ones being edited (Word's
owner files '~$x.docx' and '~WRL0001.tmp', LibreOffice's '.~lock.x.docx#', Emacs's '.#x' and
'x~', Vim's '.x.swp', the temporary copies that GNOME's and KDE's editors and JetBrains' write
before renaming one over the file), so saving a document starts one rebuild and lists only real
sources. Watch mode takes a save once 10 ms pass with nothing new written: what is written to
these files does not count, so an editor that writes its copy, flushes it to disk (which can
take longer than that) and renames it over the file gives one rebuild, after the rename."""
from __future__ import annotations

import re

from watchfiles import DefaultFilter

EDITOR_FILES = (
    r"^~\$",                 # Word's owner file while a document is open
    r"^~WRL\d+\.tmp$",       # Word's temporary copy while saving
    r"^\.~lock\..*#$",       # LibreOffice's lock file
    r"^\.#",                 # Emacs's lock link
    r"~$",                   # Emacs's, gedit's and others' backups
    r"\.sw[a-p]$",           # Vim's swap files
    r"^4913$",               # Vim's check that the folder is writable
    r"\.tmp$",
    r"^\.goutputstream-",    # GNOME's editors (gedit, GIO): the copy renamed over the file
    r"\.kate-swp$",          # Kate's swap file
    r"___jb_(tmp|old)___$",  # JetBrains' editors: the new copy and the old file while saving
    r"^\.DS_Store$",
)


class EditorFilesFilter(DefaultFilter):
    def __init__(self) -> None:
        super().__init__(ignore_entity_patterns=(*DefaultFilter.ignore_entity_patterns, *EDITOR_FILES))


def is_editor_file(name: str) -> bool:
    """True for a file name watch mode ignores (for the tests and the message)."""
    return any(re.search(pattern, name) for pattern in EDITOR_FILES)
