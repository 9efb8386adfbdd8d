"""Files of .cache/ that a build reads back: marshal (or pickle) behind its SHA-256.

I/O of one file at a time, written whole through a rename. marshal reads and
writes plain data (dicts, tuples, strings) three times faster than JSON, and
the hash in front means a damaged or truncated file is refused, never read:
everything under .cache/ may be lost, and then only makes the next build slower.
Pickle, for the model objects a build kept (incremental/snapshot.py), is read only
behind the hash of what this project's build wrote there: never a file from elsewhere.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
from pathlib import Path
from typing import Callable


def read_sealed(file: Path, loads: Callable[[memoryview], object] = marshal.loads) -> dict | None:
    """What `write_sealed` wrote (with the `dumps` that `loads` reads), or None: missing,
    damaged, or not ours."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    body = memoryview(data)[32:]  # not a copy: the snapshot holds a site's whole text
    if hashlib.sha256(body).digest() != data[:32]:
        return None
    try:
        found = loads(body)
    except (ValueError, EOFError, TypeError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    return found if isinstance(found, dict) else None


def write_sealed(file: Path, data: dict, dumps: Callable[[object], bytes] = marshal.dumps) -> bool:
    """Write `data` (builtins only, for marshal) whole, or nothing if the disk refuses; whether
    it was written."""
    temporary = file.with_suffix(".tmp")
    try:
        body = dumps(data)
        with open(temporary, "wb") as written:  # not digest + body: a second copy of the whole
            written.write(hashlib.sha256(body).digest())
            written.write(body)
        os.replace(temporary, file)
        return True
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
