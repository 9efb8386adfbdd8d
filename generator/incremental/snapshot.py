"""What the last one-off build loaded of content/, kept for the next: each file's stat signature
and the facts the checks across files need of it (crosscheck.FileFacts), and each item and page as
it was assembled. After an edit, a build opens, parses and checks only the files that changed
(and the other files of their items), and assembles only their items.

I/O: the shards under .cache/content/, read when the build starts; those holding a file or an
item that changed are written when it ends (even if it failed: what passed need not be read
again). Entries are spread over the shards by item, so that an edit rewrites one. A shard is
pickled (the items are the model's frozen dataclasses) behind the checksum of sealed.py: the
cache is this project's own, written by its build, and read back making only the model's
classes; a damaged, foreign or stale shard is ignored, never trusted, and only makes the
build slower. Entries count only under the generator's code stamp and the site.toml they were
made with. A file whose signature is the kept one is taken unread, unless it last changed at
or after the moment the build that kept it began reading (git's "racily clean": a file
written again within the same tick of the file system's clock keeps its size and times).
Files with errors of their own are not kept.
content/ and .cache/ are taken to share one file system and clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import operator
import os
import pickle
import posixpath
import stat
import zlib
from pathlib import Path
from typing import NamedTuple

from generator.config import SiteConfig
from generator.content.model import Detail, ImageRef, Item, Link, Page, Text
from generator.content.sources import SourceFile, read_text
from generator.content.crosscheck import FileFacts
from generator.content.validate import Assembled, Checked, CheckedFile, check_source
from generator.content.when import When
from generator.errors import SiteError
from generator.incremental.manifest import Lstat
from generator.incremental.sealed import read_sealed, write_sealed

VERSION = 2
"""Of the layout below: a shard of another version is ignored."""
SHARDS = 32
"""Files the entries are spread over, by item: an edit rewrites one, not the whole site."""

Signature = tuple[int, int, int, int, int, int]
"""A regular file's (mode, size, mtime_ns, ctime_ns, inode, device), as its lstat gives them: a
write changes the times, `touch -r` the ctime, a file replaced another inode."""
_ASSEMBLED = (Item, Page, type(None))
"""What an assembled entry holds: an item, a page, or None for a draft left out."""
Kept = tuple
"""(Signature, id, id line, id written, program line, draft, digest, links as (path relative to
the file's folder, file line)): what a shard keeps of a file (FileFacts less what its path says)."""


class Snapshot:
    """`keep`, `read` and `check`, as content/sources.read_sources and content/validate.build_site
    take them, and `assembled`, the items and pages `build_site` takes whole; `save` keeps this
    build's."""

    def __init__(self, folder: Path, code: str, fresh: bool = False, listed: dict[str, tuple] | None = None):
        self.folder = folder
        self.code = code
        """The generator's and its libraries' stamp: another one makes every entry stale."""
        self.listed = {} if listed is None else listed
        """The lstat of the files the inputs stamp listed, by path, as an `Lstat`'s fields
        (manifest.inputs_stamp): a file is not stat'ed twice. Taken before reading, as a stat
        of its own would be."""
        self.fresh = fresh
        """Take nothing from the last build (its shards are replaced when this one ends)."""
        self.assembled: dict[str, Assembled] = {}
        """Each item and page by its original's display path, as build_site assembled it: the
        last build's (under this build's settings), then this build's."""
        self._files: dict[str, Kept] = {}
        """The last build's files by display path (under this build's settings)."""
        self._loaded: list[Shard] = []
        """Each shard as read (none when fresh)."""
        self._clock = 0
        """When this build began reading, by the file system's clock (mtime_ns of a file written
        then under the folder; 0 if it cannot be written: then nothing kept is trusted)."""
        self._oldest = 0
        """The earliest clock of the shards kept: a file older than it is older than its shard's."""
        self._settings: str | None = None
        self._seen: set[str] = set()
        """Every content file this build listed (that the walk asked `keep` about)."""
        self._signatures: dict[str, Signature | None] = {}
        """The signature of each file this build read (None for a link)."""
        self._checked: dict[str, Kept] = {}
        """What this build keeps of each file it read that passed its check."""
        self._racy: set[int] = set()

    def __enter__(self) -> Snapshot:
        if not self.fresh:
            self._loaded = _load(self.folder, self.code)
        self._clock = _clock(self.folder)
        return self

    def __exit__(self, *_exc) -> None:
        self.save()
        self._files, self._loaded, self.assembled = {}, [], {}  # the model: not held twice through the render

    def settle(self, config: SiteConfig) -> None:
        """Take what the last build kept under these settings (call before reading)."""
        self._settings = hashlib.sha256(repr(config).encode()).hexdigest()
        ours = [shard for shard in self._loaded if shard.settings == self._settings]
        for shard in ours:
            self._files.update(shard.files)
            self.assembled.update(shard.assembled)
        self._oldest = min((shard.clock for shard in ours), default=0)

    def keep(self, path: Path, display: str, kind: str, stem: str, lang: str | None,
             lstat: os.stat_result) -> FileFacts | None:
        """The facts of a file whose signature is the kept one and which last changed before the
        build that kept it began reading; None: read it."""
        self._seen.add(display)
        kept = self._files.get(display)
        if kept is None or kept[0] != _signature(lstat):
            return None
        changed = max(lstat.st_mtime_ns, lstat.st_ctime_ns)
        # Changed in the tick that reading began in, the file may have been written again
        # after it was read, within that tick: the same size and times, another text.
        if changed >= self._oldest and changed >= self._loaded[_shard(display)].clock:
            self._racy.add(_shard(display))
            return None
        links = kept[7]
        if links:  # kept relative to the file's folder: a project moved with its .cache/ links the same files
            folder = os.path.dirname(path)
            links = tuple((Path(posixpath.normpath(posixpath.join(folder, target))), line) for target, line in links)
        return FileFacts(path, display, kind, stem, lang, int(lstat.st_mtime), *kept[1:7], links)

    def lstat(self, path: str) -> os.stat_result | Lstat:
        """The file's lstat, as the inputs stamp listed it (OSError if it is gone)."""
        found = self.listed.pop(path, None)
        return Lstat(*found) if found is not None else os.lstat(path)

    def read(self, path: Path, display: str, lstat: os.stat_result) -> str:
        """content/sources.read_text, noting the signature the text was read under."""
        self._signatures[display] = _signature(lstat)
        return read_text(path, display, lstat)

    def check(self, source: SourceFile | FileFacts, config: SiteConfig) -> Checked:
        """content/validate.check_source, keeping the facts of a file that passes; a file given
        as its facts is read again (its item is made again) and must still be that text."""
        if type(source) is FileFacts:
            return _check_again(source, config)
        checked, errors = check_source(source, config)
        if checked is not None:
            facts = _facts(checked)
            folder = os.path.dirname(source.path)
            self._checked[source.display] = (*facts[:-1], tuple((os.path.relpath(target, folder), line)
                                                                 for target, line in facts[-1]))
        return checked, errors

    def save(self) -> None:
        """Write the shards whose files, items or settings changed; if the disk refuses, the next
        build reads and checks their files again."""
        if self._settings is None:
            return  # no content was read (site.toml had errors)
        if len(self._loaded) < SHARDS or any(shard.settings != self._settings for shard in self._loaded):
            changed = set(range(SHARDS))
            files: list[dict[str, Kept]] = [{} for _ in range(SHARDS)]
        else:  # only the shards of the files read, gone, or whose item was made again
            changed = self._racy | {_shard(d) for d in (*self._signatures, *(self._files.keys() - self._seen))}
            changed.update(_shard(d) for d, item in self.assembled.items() if item is not self._files_item(d))
            files = [dict(shard.files) for shard in self._loaded]
            for display in self._files.keys() - self._seen:
                del files[_shard(display)][display]
        for display in (self._seen if len(changed) == SHARDS else self._signatures):
            kept = self._kept_now(display)
            if kept is not None:
                files[_shard(display)][display] = kept
            else:
                files[_shard(display)].pop(display, None)
        for shard in sorted(changed):
            # Only items whose file is kept: one now gone or broken is dropped.
            assembled = {d: item for d in files[shard] if (item := self.assembled.get(d)) is not None}
            # This build's clock holds for the files it kept unread too: they had not changed
            # since before the last clock, as their signatures, taken after this one, show.
            write_sealed(_shard_file(self.folder, shard),
                         {"version": VERSION, "code": self.code, "clock": self._clock, "settings": self._settings,
                          "files": files[shard], "assembled": assembled}, _dumps)

    def _files_item(self, display: str) -> Assembled | None:
        """The item the last build kept for this original."""
        return self._loaded[_shard(display)].assembled.get(display)

    def _kept_now(self, display: str) -> Kept | None:
        """What to keep of a file: what was read now, if it was, and passed; else the kept entry."""
        if display not in self._signatures:
            return self._files.get(display)
        checked, signature = self._checked.get(display), self._signatures[display]
        return None if checked is None or signature is None else (signature, *checked)


def _facts(checked: CheckedFile) -> tuple:
    f = checked.facts
    return (f.id, f.id_line, f.id_written, f.program_line, f.draft, f.digest, f.links)


def _check_again(facts: FileFacts, config: SiteConfig) -> Checked:
    """The whole check of a file kept as `facts`, read again: its text must be the one kept."""
    try:
        text = read_text(facts.path, facts.display, None)
    except (OSError, UnicodeDecodeError):
        text = None
    source = SourceFile(facts.path, facts.display, facts.kind, facts.stem, facts.lang, text or "", facts.modified)
    checked, errors = check_source(source, config) if text is not None else (None, [])
    if checked is None or checked.text.digest != facts.digest:
        return None, [SiteError(facts.display, None, None, "changed while the build read it; build again")]
    return checked, errors


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
    """By item: an original and its translations ('events/x.md', 'events/x.ko.md') share one
    (a content file's name has no dot but those before its language and 'md')."""
    folder, _, name = display.rpartition("/")
    return zlib.crc32(f"{folder}/{name.split('.', 1)[0]}".encode()) % SHARDS


def _shard_file(folder: Path, shard: int) -> Path:
    return folder / f"content-{shard:02d}.pickle"


_FIELDS = {cls: operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))
           for cls in (Item, Page, Text, Detail, Link, When, ImageRef)}


class _ModelPickler(pickle.Pickler):
    """Writes a model object as its class and its fields' values, to be made again by its own
    `__init__`: a third of the time dataclasses' `__setstate__` takes (54,000 objects at 10,000
    events)."""

    def reducer_override(self, obj):
        fields = _FIELDS.get(type(obj))
        return NotImplemented if fields is None else (type(obj), fields(obj))


def _dumps(data: dict) -> bytes:
    buffer = io.BytesIO()
    _ModelPickler(buffer, protocol=5).dump(data)
    return buffer.getvalue()


_MODEL = {("generator.content.model", name) for name in ("Item", "Page", "Text", "Detail", "Link", "ImageRef")} \
    | {("generator.content.when", name) for name in ("When", "Precision")} \
    | {("datetime", name) for name in ("date", "time", "datetime", "timezone", "timedelta")}
"""The only classes a shard may name: what the model is made of."""


class _ModelUnpickler(pickle.Unpickler):
    """Makes only the model's classes: a shard crafted to call anything else (a `.cache/` that
    came with a checkout, say) is refused, never obeyed."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _MODEL:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of the model")
        return super().find_class(module, name)


def _loads(body: memoryview) -> object:
    """The shard (read by a one-off build, whose collector is off: build.uncollected)."""
    return _ModelUnpickler(io.BytesIO(body)).load()


class Shard(NamedTuple):
    settings: str | None
    """The digest of the site.toml its entries were made under."""
    clock: int
    """When the build that wrote it began reading (0: nothing of it is trusted)."""
    files: dict[str, Kept]
    assembled: dict[str, Assembled]


def _load(folder: Path, code: str) -> list[Shard]:
    """Every shard; one missing, damaged, or of another version or code, as empty."""
    shards = []
    for shard in range(SHARDS):
        data = read_sealed(_shard_file(folder, shard), _loads)
        try:
            if data is None or data["version"] != VERSION or data["code"] != code:
                raise KeyError
            found = Shard(data["settings"], data["clock"], data["files"], data["assembled"])
            if not _well_formed(found):
                raise TypeError
        except (KeyError, TypeError):
            found = Shard(None, 0, {}, {})
        shards.append(found)
    return shards


def _well_formed(shard: Shard) -> bool:
    """A shard as `save` writes it (one of this version and code holds nothing else, unless made
    by hand): its shape only, checked in a few milliseconds for a large site."""
    return (type(shard.settings) is str and type(shard.clock) is int and type(shard.files) is dict
            and type(shard.assembled) is dict
            and all(type(kept) is tuple and len(kept) == 8 and type(kept[0]) is tuple for kept in shard.files.values())
            and all(type(item) is tuple and len(item) == 3 and type(item[1]) in _ASSEMBLED
                    for item in shard.assembled.values()))
