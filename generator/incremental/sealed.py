"""Files of .cache/ that a build reads back: marshal behind its SHA-256.

I/O of one file at a time, written whole through a rename. marshal reads and
writes plain data (dicts, tuples, strings) three times faster than JSON, and
the hash in front means a damaged or truncated file is refused, never read:
everything under .cache/ may be lost, and then only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path


def read_sealed(file: Path) -> dict | None:
    """What `write_sealed` wrote, or None: missing, damaged, or not ours."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    body = memoryview(data)[32:]  # not a copy: the kept checks are a site's whole text
    if hashlib.sha256(body).digest() != data[:32]:
        return None
    try:
        found = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    return found if isinstance(found, dict) else None


def write_sealed(file: Path, data: dict) -> None:
    """Write `data` (builtins only) whole, or nothing if the disk refuses."""
    temporary = file.with_suffix(".tmp")
    try:
        body = marshal.dumps(data)
        with open(temporary, "wb") as written:  # not digest + body: a second copy of the whole
            written.write(hashlib.sha256(body).digest())
            written.write(body)
        os.replace(temporary, file)
    except OSError:
        temporary.unlink(missing_ok=True)
