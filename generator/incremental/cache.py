"""A small on-disk cache for outputs that are slow to make (the brochure PDFs).

I/O: reads and writes files under one folder, nothing else. Entries are
addressed by a key that hashes every input, so an entry is never stale, only
unused; the least recently used are removed beyond `keep`. Each entry stores
a hash of its data: a damaged file is a miss (and is replaced on the next
`put`), never wrong output.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

_FORMAT = 1
"""Bump to ignore entries written by an older layout of this module."""


@dataclass(frozen=True, slots=True)
class Entry:
    data: bytes
    meta: Mapping[str, object] = field(default_factory=dict)
    """Small facts computed with the data (a page count), JSON-serialisable."""


def make_key(*parts: str | bytes) -> str:
    """One hash of several inputs; lengths are included so ('ab', 'c') != ('a', 'bc')."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """Entries in `folder`, one file each; `Cache(None)` caches nothing. `keep` entries
    are kept: enough for every language and year of a site, and a few edits back."""

    def __init__(self, folder: Path | None, keep: int = 32):
        self.folder = folder
        self.keep = keep

    def get(self, key: str) -> Entry | None:
        """The entry stored under `key`, or None when absent or damaged."""
        if self.folder is None:
            return None
        path = self.folder / key
        try:
            header, _, data = path.read_bytes().partition(b"\n")
            info = json.loads(header)
        except (OSError, ValueError):
            return None
        if not isinstance(info, dict) or info.get("format") != _FORMAT \
                or info.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return Entry(data, info.get("meta", {}))

    def put(self, key: str, entry: Entry) -> None:
        """Store an entry under `key`, atomically: readers never see half a file."""
        if self.folder is None:
            return
        header = json.dumps({"format": _FORMAT, "sha256": hashlib.sha256(entry.data).hexdigest(),
                             "meta": dict(entry.meta)}, sort_keys=True).encode()
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(header + b"\n" + entry.data)
            os.replace(temporary, self.folder / key)
            self._prune()
        except OSError:
            # A read-only checkout or a full disk only makes the next build slower.
            if temporary:
                Path(temporary).unlink(missing_ok=True)

    def _prune(self) -> None:
        entries = sorted((p for p in self.folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[self.keep:]:
            old.unlink(missing_ok=True)
