"""The on-disk store of what earlier builds made: VEVENT texts, brochure PDFs, processed
photos, the search marks of Korean pages.

I/O: one diskcache (SQLite) folder, .cache/store/. Every entry is addressed by
a key that hashes all of its inputs, so an entry is never stale, only unused;
past SIZE_LIMIT the least recently stored are dropped (as Hugo's file caches drop
the oldest): dropping one only makes a build make it again. Not the least recently
used: diskcache then writes each read's time, so reading the 4,700 VEVENTs of the
feeds one edit changes (10,000 events) took 0.63 s, against 0.045 s. A store that cannot be
opened or written (a damaged database, a read-only checkout, a full disk) only
makes builds slower: the build goes on with what it has in memory.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import sqlite3
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import diskcache

SIZE_LIMIT = 1 << 30
"""Enough for the VEVENTs of 10,000 events in four languages (about 150 MB), every
brochure, and some edits back."""


class Store:
    """Sections of one on-disk cache; `Store(None)` keeps nothing between builds."""

    def __init__(self, folder: Path | None):
        self._cache = _open(folder) if folder is not None else None
        self._written: set[str] | None = set() if self._cache is not None and _empty(self._cache) else None
        """While the store started empty (a cold build), the keys written since: any other is
        a miss without a query (a cold build at 1,000 events asks for 8,000 VEVENTs)."""

    def section(self, name: str) -> MutableMapping[str, Any]:
        """The entries of one kind ('vevent', 'pdf', 'image', 'mark'), as a mapping whose writes last."""
        return _Section(self._cache, name, self._written) if self._cache is not None else {}

    def clear(self) -> None:
        """Forget every entry (`sitegen build --fresh`)."""
        if self._cache is not None:
            try:
                self._cache.clear(retry=True)
                self._written = set()
            except (OSError, sqlite3.Error):
                pass

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


class _Section(MutableMapping):
    """Keys of one section, prefixed with its name in the shared cache. Each value is kept
    with its SHA-256: SQLite does not notice a damaged page, and a damaged entry must be a
    miss, never wrong output."""

    def __init__(self, cache: diskcache.Cache, name: str, written: set[str] | None):
        self._cache, self._prefix, self._written = cache, name + ":", written

    def __getitem__(self, key: str) -> Any:
        if self._written is not None and self._prefix + key not in self._written:
            raise KeyError(key)  # the store was empty, and this was not written since
        try:
            found = self._cache.get(self._prefix + key, default=None, retry=True)
        except (OSError, sqlite3.Error):
            found = None
        if not isinstance(found, bytes) or hashlib.sha256(found[32:]).digest() != found[:32]:
            raise KeyError(key)
        return pickle.loads(found[32:])

    def __setitem__(self, key: str, value: Any) -> None:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._cache.set(self._prefix + key, hashlib.sha256(data).digest() + data, retry=True)
            if self._written is not None:
                self._written.add(self._prefix + key)
        except (OSError, sqlite3.Error):
            pass  # not kept: the next build makes it again

    def update(self, entries=(), **more) -> None:
        """Many entries in one transaction: thousands of VEVENTs a build."""
        try:
            with self._cache.transact(retry=True):
                super().update(entries, **more)
        except (OSError, sqlite3.Error):
            pass  # not kept: the next build makes them again

    def __delitem__(self, key: str) -> None:
        self._cache.delete(self._prefix + key, retry=True)
        if self._written is not None:
            self._written.discard(self._prefix + key)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return (key[len(self._prefix):] for key in self._cache.iterkeys()
                if isinstance(key, str) and key.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)



def _empty(cache: diskcache.Cache) -> bool:
    try:
        return len(cache) == 0
    except (OSError, sqlite3.Error):
        return False


def _open(folder: Path) -> diskcache.Cache | None:
    """The cache in `folder`; one that cannot be opened is removed and made anew; None if even
    that fails. (A page damaged later is a miss when read: see _Section.)"""
    for _attempt in range(2):
        try:
            return diskcache.Cache(str(folder), size_limit=SIZE_LIMIT, eviction_policy="least-recently-stored")
        except (OSError, sqlite3.Error):
            shutil.rmtree(folder, ignore_errors=True)
    return None
