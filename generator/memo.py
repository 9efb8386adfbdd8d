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
    try:
        data = path.read_bytes()
    except OSError:
        return Memo()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 64:
        return Memo()
    digest, body = data[len(MAGIC):len(MAGIC) + 64], data[len(MAGIC) + 64:]
    if hashlib.sha256(body).hexdigest().encode() != digest:
        return Memo()
    entries, position = {}, 0
    try:
        while position < len(body):
            key_length = int.from_bytes(body[position:position + 4], "big")
            value_length = int.from_bytes(body[position + 4:position + 12], "big")
            position += 12
            key = body[position:position + key_length].decode()
            position += key_length
            entries[key] = body[position:position + value_length]
            position += value_length
    except (UnicodeDecodeError, ValueError):
        return Memo()
    return Memo(entries)


def save_memo(path: Path, memo: Memo) -> None:
    """Write the entries the build used, atomically; a failure only makes the next build slower."""
    if not memo.changed:
        return
    parts = []
    for key in sorted(memo.used):
        raw_key, value = key.encode(), memo.used[key]
        parts += [len(raw_key).to_bytes(4, "big"), len(value).to_bytes(8, "big"), raw_key, value]
    body = b"".join(parts)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + hashlib.sha256(body).hexdigest().encode() + body)
        os.replace(temporary, path)
    except OSError:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
