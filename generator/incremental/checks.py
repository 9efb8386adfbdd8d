"""What the last one-off build read and checked of each content file, kept for the next: an
unchanged file is neither opened, parsed nor checked again.

I/O: the shards under .cache/checks/, read when the build starts; those holding a file that
changed are written once the files are checked. Each content file's entry, by its display
path, is its stat signature, its text, and its check (incremental/records.py) as one `bytes`
of marshal, under one version of the generator; a check counts only under the site.toml it
was made with. A file whose signature is the kept one is taken from here without being
opened, unless it last changed at or after the moment the build that kept it began reading
(git's "racily clean": a file written again within the same tick of the file system's clock
keeps its size and times); its check is taken when its text is the kept text. Files with
errors are checked again each time. A damaged, foreign or stale shard is ignored: it only
makes the build slower. content/ and .cache/ are taken to share one file system and clock.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import zlib
from pathlib import Path

from generator.config import SiteConfig
from generator.content.sources import SourceFile, read_text
from generator.content.validate import Checked, check_source
from generator.incremental.records import Record, record, restore
from generator.incremental.sealed import read_sealed, write_sealed

VERSION = 4
"""Of the layout below: a shard of another version is ignored."""
SHARDS = 32
"""Files the entries are spread over, by path: an edit rewrites one, not the whole site's text."""

Signature = tuple[int, int, int, int, int, int]
"""A regular file's (mode, size, mtime_ns, ctime_ns, inode, device), as its lstat gives them: a
write changes the times, `touch -r` the ctime, a file replaced another inode."""
Entry = tuple
"""(Signature or None, text, Record in marshal or None): what a shard keeps of one content file.
The record is kept as `bytes`, made into tuples only when its file is checked: as tuples, a
large site's records were a million small objects made at once and held until the checks
were saved, which the collector walked again and again unless frozen."""


class Checks:
    """`read` and `check`, as content/sources.read_sources and content/validate.build_site take
    them, answering from what the last build kept where a file is unchanged; `save` keeps this
    build's."""

    def __init__(self, folder: Path, code: str, fresh: bool = False):
        self.folder = folder
        self.code = code
        """The generator's and its libraries' stamp: another one makes every entry stale."""
        self.fresh = fresh
        """Take nothing from the last build (its shards are replaced on leaving `with`)."""
        self._kept: dict[str, Entry] = {}
        """The last build's entries, by display path: read on entering `with`."""
        self._shards: list[tuple[str | None, int]] = [(None, 0)] * SHARDS
        """Each shard's settings digest and the `clock` of the build that wrote it (0: missing or ignored)."""
        self._clock = 0
        """When this build began reading, by the file system's clock (mtime_ns of a file written
        then under .cache/checks/; 0 if it cannot be written: then nothing kept is trusted)."""
        self._read: dict[str, tuple[Signature | None, str]] = {}
        """What `read` gave this build, by display path."""
        self._entries: dict[str, Entry] = {}
        """This build's entries, by display path: what `save` writes (one version per file)."""
        self._racy: set[int] = set()
        """Shards holding a file that was read again for being racily clean: written again, so
        that it is not next time."""
        self._config: tuple[SiteConfig | None, str | None] = (None, None)

    def __enter__(self) -> Checks:
        if not self.fresh:
            self._kept, self._shards = _load(self.folder, self.code)
        self._clock = _clock(self.folder)
        return self

    def __exit__(self, *_exc) -> None:
        """Saved even when the build failed: the files that passed need not be checked again."""
        self.save()
        self._kept, self._read, self._entries = {}, {}, {}  # a large site's text: not held twice through the render

    def read(self, path: Path, display: str, lstat: os.stat_result) -> str:
        """content/sources.read_text's answer: the kept text of a regular file whose signature
        is the kept one and which last changed before the build that kept it began reading;
        else read now."""
        signature = _signature(lstat)
        entry = self._kept.get(display)
        if signature is not None and entry is not None and entry[0] == signature:
            shard = _shard(display)
            # Changed in the tick that reading began in, the file may have been written again
            # after it was read, within that tick: the same size and times, another text.
            if max(lstat.st_mtime_ns, lstat.st_ctime_ns) < self._shards[shard][1]:
                self._read[display] = (signature, entry[1])
                return entry[1]
            self._racy.add(shard)
        text = read_text(path, display, lstat)
        self._read[display] = (signature, text)
        return text

    def check(self, source: SourceFile, config: SiteConfig) -> Checked:
        """content/validate.check_source's answer: the kept one if made from this very text, at
        this path, as this kind and language, under these settings; else checked now."""
        settings = self._settings_of(config)
        signature, text = self._read.get(source.display, (None, None))
        if text != source.text:
            signature = None  # not read by `read` (a caller of its own): nothing says the file is this text
        entry = self._kept.get(source.display)
        if entry is not None and entry[2] is not None and entry[1] == source.text \
                and self._shards[_shard(source.display)][0] == settings:
            restored = restore(_loads(entry[2]), source, config)
            if restored is not None:
                self._entries[source.display] = (signature, source.text, entry[2])
                return restored, []
        checked, errors = check_source(source, config)
        kept = record(checked) if checked is not None else None
        self._entries[source.display] = (signature, source.text, None if kept is None else marshal.dumps(kept))
        return checked, errors

    def save(self) -> None:
        """Write the shards whose entries or settings changed; if the disk refuses, the next
        build reads and checks their files again."""
        settings = self._config[1]
        if settings is None:
            return
        shards: list[dict[str, Entry]] = [{} for _ in range(SHARDS)]
        changed = set(self._racy)
        for display, entry in self._entries.items():
            shard = _shard(display)
            shards[shard][display] = entry
            if self._kept.get(display) != entry:
                changed.add(shard)
        changed.update(_shard(display) for display in self._kept.keys() - self._entries.keys())  # deleted
        changed.update(i for i, (kept_settings, _) in enumerate(self._shards) if kept_settings != settings)
        for shard in sorted(changed):
            # This build's clock holds for the entries it kept unopened too: their files had not
            # changed since before the last clock, as their signatures, taken after this one, show.
            write_sealed(_shard_file(self.folder, shard), {"version": VERSION, "code": self.code, "clock": self._clock,
                                                           "settings": settings, "entries": shards[shard]})

    def _settings_of(self, config: SiteConfig) -> str:
        """A stable digest of the settings (repr of frozen dataclasses of builtins), made once per
        config; checks made under another config are not kept beside these."""
        if config is not self._config[0]:
            settings = hashlib.sha256(repr(config).encode()).hexdigest()
            if self._config[1] not in (None, settings):
                self._entries.clear()
            self._config = (config, settings)
        return self._config[1]


def _signature(lstat: os.stat_result) -> Signature | None:
    """None for a link: its target may change while the link stays the same."""
    if not stat.S_ISREG(lstat.st_mode):
        return None
    return (lstat.st_mode, lstat.st_size, lstat.st_mtime_ns, lstat.st_ctime_ns, lstat.st_ino, lstat.st_dev)


def _clock(folder: Path) -> int:
    """The file system's time now, as it dates the files it writes (its own granularity and
    tick, not the process's clock): the time of a file written for it, beside the shards."""
    file = folder / "clock"
    try:
        file.touch()  # dated now by the kernel, as a write would be
        return os.stat(file).st_mtime_ns
    except OSError:
        return 0


def _shard(display: str) -> int:
    return zlib.crc32(display.encode()) % SHARDS


def _shard_file(folder: Path, shard: int) -> Path:
    return folder / f"content-{shard:02d}.checks"


def _load(folder: Path, code: str) -> tuple[dict[str, Entry], list[tuple[str | None, int]]]:
    """The entries of every shard of this version and code, and each shard's settings and time."""
    kept: dict[str, Entry] = {}
    shards = [(None, 0)] * SHARDS
    for shard in range(SHARDS):
        file = _shard_file(folder, shard)
        data = read_sealed(file)
        try:
            if data is None or data["version"] != VERSION or data["code"] != code:
                continue
            entries, settings, clock = data["entries"], data["settings"], data["clock"]
        except (KeyError, TypeError):
            continue
        if isinstance(entries, dict) and type(clock) is int:
            kept.update((display, entry) for display, entry in entries.items() if _well_formed(entry))
            shards[shard] = (settings, clock)
    return kept, shards


def _well_formed(entry) -> bool:
    """An `Entry` as `save` writes it (a shard of this version and code holds nothing else,
    unless made by hand)."""
    return (type(entry) is tuple and len(entry) == 3 and type(entry[1]) is str
            and (entry[0] is None or type(entry[0]) is tuple) and (entry[2] is None or type(entry[2]) is bytes))


def _loads(kept: bytes) -> Record | None:
    """A kept record's tuple; None if it is not one marshal can read."""
    try:
        return marshal.loads(kept)
    except (ValueError, EOFError, TypeError):
        return None
