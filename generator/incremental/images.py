"""Processed body images kept between builds: .cache/images/, one entry per original.

I/O under one folder, through `Cache` (an entry is addressed by a hash of its
inputs, so it is never stale; a damaged one is a miss). Implements the Store
that outputs/images.py is given: resizing and encoding a photo takes about a
second, and most builds change no photo.
"""

from __future__ import annotations

from pathlib import Path

from generator.incremental.cache import Cache, Entry, make_key
from generator.outputs.images import Encoded

KEEP = 2000
"""Entries kept: every photo of many years of a site, and a few replaced ones."""


class ImageStore:
    """Encoded files by the original's SHA-256 and the encoder settings; `ImageStore(None)` keeps
    nothing. `made` and `reused` count this run's misses and hits (tests read them)."""

    def __init__(self, folder: Path | None):
        self.cache = Cache(folder, keep=KEEP)
        self.made = 0
        self.reused = 0

    def get(self, digest: str, settings: str) -> tuple[Encoded, ...] | None:
        entry = self.cache.get(make_key(digest, settings))
        files = entry.meta.get("files") if entry else None
        if not isinstance(files, list):
            return None
        found, offset = [], 0
        for width, height, mime, length in files:
            found.append(Encoded(width, height, mime, entry.data[offset:offset + length]))
            offset += length
        if offset != len(entry.data):
            return None
        self.reused += 1
        return tuple(found)

    def put(self, digest: str, settings: str, encoded: tuple[Encoded, ...]) -> None:
        self.made += 1
        meta = {"files": [[e.width, e.height, e.mime, len(e.data)] for e in encoded]}
        self.cache.put(make_key(digest, settings), Entry(b"".join(e.data for e in encoded), meta))
