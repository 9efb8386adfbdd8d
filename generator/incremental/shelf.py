"""Tables kept under .cache/ in shards: a build writes again only the shards its changes reached.

I/O of one folder of sealed files (sealed.py), each under a header that a reader must share
(format, generator's code) and a tag that all files read together must share (the memos'
salt). Most tables are spread over SHARDS files: an entry stays in the shard it was first
written to, a new one goes to the shard a CRC of its key's repr picks, and a shard is written
again only if it gained, lost or changed an entry, or was missing, damaged or of another
header or tag. One edit at 10,000 events changes about a hundred of the memos' 170,000
entries: writing all 72 MB again took 0.4 s of a one-file rebuild. The `whole` tables, whose
entries share much (the lists' page keys, by what the lists are made from: items' ids and
digests again and again), are kept together in one head file, which marshal writes with
each shared value once (spread over the shards, they took three times the room).

Files are read and written one by one; a build that stops half-way leaves some of its files
and some of the last build's: each is whole (sealed), and files whose tag is not the first
one's (the head's) are dropped, so that entries made under two salts are never lent together.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Collection, Mapping

from generator.incremental.sealed import read_sealed, write_sealed

SHARDS = 512
"""Files the tables are spread over: the more, the less one edit rewrites (a hundred entries
reach about a fifth of 512 shards), the more files each build opens (512 take a few hundredths
of a second)."""
HEAD = -1
"""The file of the `whole` tables, read first."""


class Table(dict):
    """A table that says which of its entries it made (`made`: their keys, new or with another
    value); the others are the very entries it was loaded with. `Shelf.save` then finds what it
    lost by counting, and compares no entry (a key of the lists' page keys is a tuple of
    thousands of strings, slow to hash again and again)."""

    __slots__ = ("made",)

    def __init__(self, entries=(), made=()):
        super().__init__(entries)
        self.made = list(made)


class Shelf:
    """`load` the tables, then `save` them: only the files whose entries changed are written."""

    def __init__(self, folder: Path, header: dict, shards: int = SHARDS, whole: Collection[str] = ()):
        self.folder = folder
        self.header = header
        """What every file read must hold (format version, code stamp): else it is ignored."""
        self.count = shards
        self.whole = frozenset(whole)
        self._loaded: dict[int, dict[str, dict]] = {}
        """Each file's tables as read (absent: missing, damaged, or of another header or tag)."""
        self._merged: dict[str, dict] = {}
        self._tag: str | None = None

    def load(self) -> tuple[dict[str, dict], str | None]:
        """Every table, merged from the files this shelf's header reads, and their tag (None if
        none was read). The merged tables must not be changed: `save` compares with them."""
        for number in (HEAD, *range(self.count)):
            data = read_sealed(self._file(number))
            if data is None or any(data.get(k) != v for k, v in self.header.items()) \
                    or not isinstance(data.get("tables"), dict) or not isinstance(data.get("tag"), str):
                continue
            if self._tag is None:
                self._tag = data["tag"]
            if data["tag"] == self._tag:  # else made under another salt than the first file read
                self._loaded[number] = {name: t for name, t in data["tables"].items() if isinstance(t, dict)}
        for tables in self._loaded.values():
            for name, entries in tables.items():
                self._merged.setdefault(name, {}).update(entries)
        return self._merged, self._tag

    def save(self, tag: str, tables: Mapping[str, Mapping]) -> None:
        """Keep `tables` (plain data) under `tag`, writing again only the files that differ
        from what `load` read; nothing more is written if the disk refuses (or a value is not
        plain data): the next build then only finds less."""
        spread = {name: entries for name, entries in tables.items() if name not in self.whole}
        whole = {name: entries for name, entries in tables.items() if name in self.whole}
        placed, touched, lost = self._place(spread)
        for number in (HEAD, *range(self.count)):
            loaded = self._loaded.get(number)
            if number == HEAD:
                if loaded is None or tag != self._tag or _whole_changed(loaded, whole):
                    self._write(number, tag, {name: dict(entries) for name, entries in whole.items()})
            elif loaded is None or tag != self._tag or number in placed or number in touched \
                    or _changed(loaded, spread, lost):
                new = placed.get(number, {})
                self._write(number, tag, {name: _kept(loaded, name, entries, new.get(name, ()))
                                          for name, entries in spread.items()})

    def _place(self, tables: Mapping[str, Mapping]) -> tuple[dict[int, dict[str, list]], set[int], set[str]]:
        """The shard of each entry no shard held, by table (the one a CRC of its key picks); the
        shards holding an entry that a `Table` made again; the `Table`s that lost an entry."""
        placed: dict[int, dict[str, list]] = {}
        touched: set[int] = set()
        lost: set[str] = set()
        for name, entries in tables.items():
            loaded = self._merged.get(name, {})
            made = getattr(entries, "made", None)
            new = [key for key in (entries if made is None else made) if key not in loaded and key in entries]
            for key in new:
                placed.setdefault(zlib.crc32(repr(key).encode()) % self.count, {}).setdefault(name, []).append(key)
            if made is None:
                continue
            for key in made:
                if key in loaded:  # its value may be another: written where it is
                    touched.update(n for n, held in self._loaded.items() if key in held.get(name, {}))
            # The others are entries loaded: as many as it has less its new ones, of those loaded.
            if len(loaded) + len(set(new)) != len(entries):
                lost.add(name)
        return placed, touched, lost

    def _write(self, number: int, tag: str, tables: dict) -> None:
        try:
            write_sealed(self._file(number), {**self.header, "tag": tag, "tables": tables})
        except ValueError:  # marshal: a value that is not plain data; the next build finds less
            self._file(number).unlink(missing_ok=True)

    def _file(self, number: int) -> Path:
        return self.folder / ("head.shard" if number == HEAD else f"{number:03d}.shard")


def _changed(loaded: dict[str, dict], tables: Mapping[str, Mapping], lost: set[str]) -> bool:
    """Whether a table lost or changed an entry this shard held (its new entries are placed
    apart, a `Table`'s changed ones `touched`), or is not in it yet. Compared in C, identity
    first: entries taken again are the same objects."""
    for name, entries in tables.items():
        held = loaded.get(name)
        if held is None:
            return True
        if getattr(entries, "made", None) is None:
            if not held.items() <= entries.items():
                return True
        elif name in lost and not held.keys() <= entries.keys():
            return True
    return False


def _whole_changed(loaded: dict[str, dict], tables: Mapping[str, Mapping]) -> bool:
    """Whether the head's tables differ from those it held."""
    for name, entries in tables.items():
        held = loaded.get(name)
        made = getattr(entries, "made", None)
        if held is None or (made is None and held != entries) or (made is not None and (made or len(held) != len(entries))):
            return True
    return False


def _kept(loaded: dict[str, dict] | None, name: str, entries: Mapping, new: list) -> dict:
    """A shard's entries of one table: those it held that `entries` still has, and its new ones."""
    held = loaded.get(name) if loaded else None
    kept = {key: entries[key] for key in held if key in entries} if held else {}
    kept.update((key, entries[key]) for key in new)
    return kept
