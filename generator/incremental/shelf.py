"""Tables kept under .cache/ in shards: a build writes again only the shards its changes reached.

I/O of one folder of sealed files (sealed.py), each under a header that a reader must share
(format, generator's code) and the tag of the save that wrote it (the memos' salt). Most
tables are spread over SHARDS files: an entry stays in the shard it was first written to, a
new one goes to the shard a CRC of its key's repr picks, and a shard is written again only if
it gained, lost or changed an entry, or was missing, damaged or of another header or tag. One
edit at 10,000 events changes about a hundred of the memos' 170,000 entries: writing all 72 MB
again took 0.4 s of a one-file rebuild. The `whole` tables, whose entries share much (the
lists' page keys, by what the lists are made from: items' ids and digests again and again),
are kept together in the head, which marshal writes with each shared value once (spread over
the shards, they took three times the room).

A save is whole or not at all, as one file was: the shards it writes are new files (named by
the save's generation), and the head, written last through a rename, names the shard files
of its save. A build stopped half-way leaves the last head and the files it names: the tables
of one save, never some of two (the memos' tables hold each other's keys: an item's pages and
its digest must come from the same render). The files no head names are removed by the next save.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Collection, Mapping

from generator.incremental.sealed import read_sealed, write_sealed

SHARDS = 512
"""Files the tables are spread over: the more, the less one edit rewrites (a hundred entries
reach about a fifth of 512 shards), the more files each build opens (512 take a few hundredths
of a second)."""
HEAD = -1
"""The head: the `whole` tables, and the shard files of its save."""


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
        self._generations: list = [None] * shards
        """The save in which the head read names each shard file (None: no file)."""

    def load(self) -> tuple[dict[str, dict], str | None]:
        """Every table, merged from the files the head names, and their tag (None if there is
        no head this shelf's header reads). The merged tables must not be changed: `save`
        compares with them."""
        head = self._read(HEAD)
        shards = head.get("shards") if head else None
        if head is None or not isinstance(shards, list) or len(shards) != self.count:
            return self._merged, None
        self._tag, self._generations = head["tag"], shards
        self._loaded[HEAD] = head["tables"]
        for number, generation in enumerate(shards):
            data = self._read(number, generation) if type(generation) is int else None
            if data is not None and data["tag"] == self._tag:
                self._loaded[number] = data["tables"]
        for number, tables in self._loaded.items():
            if number != HEAD:
                for name, entries in tables.items():
                    self._merged.setdefault(name, {}).update(entries)
        self._merged.update(head["tables"])
        return self._merged, self._tag

    def save(self, tag: str, tables: Mapping[str, Mapping]) -> None:
        """Keep `tables` (plain data) under `tag`, writing again only the files that differ
        from what `load` read, then the head that names them. A shard the disk refuses, or
        holding a value that is not plain data, is left out (the next build finds less); if
        the head cannot be written, the last save stays whole."""
        spread = {name: entries for name, entries in tables.items() if name not in self.whole}
        whole = {name: entries for name, entries in tables.items() if name in self.whole}
        placed, touched, lost = self._place(spread)
        generation = max((g for g in self._generations if type(g) is int), default=0) + 1
        shards, changed = list(self._generations), False
        for number in range(self.count):
            loaded = self._loaded.get(number)
            if loaded is None or tag != self._tag or number in placed or number in touched \
                    or _changed(loaded, spread, lost):
                new = placed.get(number, {})
                written = self._write(number, generation, tag, {name: _kept(loaded, name, entries, new.get(name, ()))
                                                                for name, entries in spread.items()})
                shards[number], changed = generation if written else None, True
        head = self._loaded.get(HEAD)
        if changed or head is None or tag != self._tag or _whole_changed(head, whole):
            if self._write(HEAD, None, tag, {name: dict(entries) for name, entries in whole.items()}, shards=shards):
                self._forget_others(shards)

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

    def _read(self, number: int, generation: int | None = None) -> dict | None:
        data = read_sealed(self._file(number, generation))
        if data is None or any(data.get(k) != v for k, v in self.header.items()) \
                or not isinstance(data.get("tables"), dict) or not isinstance(data.get("tag"), str) \
                or not all(isinstance(t, dict) for t in data["tables"].values()):
            return None
        return data

    def _write(self, number: int, generation: int | None, tag: str, tables: dict, **more) -> bool:
        """Whether the file is written whole."""
        try:
            return write_sealed(self._file(number, generation), {**self.header, "tag": tag, "tables": tables, **more})
        except ValueError:  # marshal: a value that is not plain data
            return False

    def _file(self, number: int, generation: int | None = None) -> Path:
        return self.folder / ("head.shard" if number == HEAD else f"{number:03d}.{generation}.shard")

    def _forget_others(self, shards: list) -> None:
        """Remove the shard files the head no longer names (earlier saves', stopped saves')."""
        named = {self._file(n, g).name for n, g in enumerate(shards) if g is not None} | {"head.shard"}
        try:
            found = [entry for entry in os.scandir(self.folder) if entry.name.endswith(".shard")]
        except OSError:
            return
        for entry in found:
            if entry.name not in named:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


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
