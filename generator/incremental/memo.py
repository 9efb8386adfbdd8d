"""Memos kept between builds: bytes a slow step made, by a key that hashes its inputs.

I/O at the edge: `load_memo`/`save_memo` read and write one file under
.cache/. The file carries a hash of its contents; a damaged or foreign file
is simply an empty memo (the step runs again), never wrong output. `Memo`
remembers which entries a build used, so that only those are saved.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

MAGIC = b"sitegen-memo 1\n"


class Memo:
    """A mapping of key -> bytes over a previous build's entries; records what is used."""

    def __init__(self, previous: dict[str, bytes] | None = None):
        self.previous = previous or {}
        self.used: dict[str, bytes] = {}

    def __contains__(self, key: str) -> bool:
        if key in self.used:
            return True
        if key in self.previous:
            self.used[key] = self.previous[key]
            return True
        return False

    def __getitem__(self, key: str) -> bytes:
        if key in self:
            return self.used[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: bytes) -> None:
        self.used[key] = value

    @property
    def changed(self) -> bool:
        return self.used.keys() != self.previous.keys()


def load_memo(path: Path) -> Memo:
    """The memo in `path`, read entry by entry (a large site's is hundreds of megabytes: never
    twice in memory); empty when the file is missing, damaged or of another format."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                return Memo()
            expected, digest, entries = handle.read(64), hashlib.sha256(), {}
            while header := handle.read(12):
                key_length, value_length = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
                raw_key, value = handle.read(key_length), handle.read(value_length)
                if len(header) < 12 or len(raw_key) < key_length or len(value) < value_length:
                    return Memo()  # truncated
                for part in (header, raw_key, value):
                    digest.update(part)
                entries[raw_key.decode()] = value
    except (OSError, UnicodeDecodeError, ValueError):
        return Memo()
    return Memo(entries) if digest.hexdigest().encode() == expected else Memo()


def save_memo(path: Path, memo: Memo) -> None:
    """Write the entries the build used, atomically; a failure only makes the next build slower.
    Written part by part, the hash made in a first pass: the entries are never copied whole."""
    if not memo.changed:
        return
    keys = sorted(memo.used)

    def parts():
        for key in keys:
            raw_key, value = key.encode(), memo.used[key]
            yield len(raw_key).to_bytes(4, "big") + len(value).to_bytes(8, "big")
            yield raw_key
            yield value

    digest = hashlib.sha256()
    for part in parts():
        digest.update(part)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + digest.hexdigest().encode())
            out.writelines(parts())
        os.replace(temporary, path)
    except OSError:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
