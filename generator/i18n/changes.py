"""What changed in an original since its translation was stamped: a diff from git.

I/O at the edge: reads the original's committed versions (content/history.py) and
finds the one whose fingerprint the translation records; the diff is difflib's
unified diff of that version's text and the file as it is now. Changes nothing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from generator.config import SiteConfig
from generator.content.history import file_versions
from generator.content.sources import SourceFile
from generator.content.validate import read_text
from generator.i18n.translations import fingerprint


def original_changes(root: Path, original: SourceFile, stamp: str, config: SiteConfig) -> str | None:
    """The unified diff of `original` from the version whose fingerprint is `stamp` to now;
    None when git holds no such version (the stamp was made from uncommitted text)."""
    for commit, text in file_versions(root, original.path):
        version = SourceFile(original.path, original.display, original.kind, original.stem, None, text)
        then = read_text(version, config)
        if then is not None and fingerprint(then) == stamp:
            lines = difflib.unified_diff(text.splitlines(keepends=True), original.text.splitlines(keepends=True),
                                         f"{original.display} (translated from, {commit[:10]})",
                                         f"{original.display} (now)")
            return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return None
