"""The previous build, remembered: which key each page had and the file it became.

A page whose key is unchanged and whose file in the output is still the one
recorded (same size and modification time) is hard-linked, not rendered. A
missing, truncated or replaced file, or an unreadable manifest, simply means
the page is rendered again: a stale cache is never served.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from generator.incremental.shelf import Shelf, Table
from generator.publish.spare import Spare, file_stats, walk_files
from generator.publish.write import Published


VERSION = 5
TAG = "manifest"
"""The tag of every save of the manifest (shelf.py): it has no salt, as its entries say which
key each file was made from."""


@dataclass(frozen=True, slots=True)
class Manifest:
    out: Path
    entries: dict[str, tuple[str, int, int]]
    """Output path -> (key, size, mtime_ns) of the page written for it."""
    inputs: str = ""
    """The stamp of every input the build read (see `inputs_stamp`)."""
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Every file of the output -> (size, mtime_ns) when the build ended."""
    trusted: bool = False
    """The output is known to be as this build left it (a preview writes its own folder):
    files are reused by key alone, without a stat of each."""
    spare: Spare | None = None
    """The site the build kept beside the output, to publish the next one into (publish/spare.py)."""

    shelf: Shelf | None = field(default=None, repr=False, compare=False)
    """Where it was loaded from (shelf.py): saving the next build's writes again only the
    shards whose files changed (80,000 entries at 10,000 events, a few dozen after one edit)."""
    taken: dict[str, tuple[int, int]] | None = field(default=None, repr=False, compare=False)
    """Each file of the output's (size, mtime_ns), taken ahead while the build loaded
    (incremental/forked.py); None: `reusable` stats each file itself."""

    @classmethod
    def load(cls, folder: Path, out: Path) -> Manifest | None:
        """The manifest kept in `folder` of the build into `out`; None if there is none (the
        entries of a damaged shard are missing: their files are made again)."""
        shelf = _shelf(folder, out)
        tables, tag = shelf.load()
        head = tables.get("head", {})
        try:
            spare = Spare.from_json(head["spare"]) if head.get("spare") else None
            inputs = head.get("inputs", "")
            if tag is None or type(inputs) is not str:
                return None
            return cls(out.absolute(), tables.get("entries", {}), inputs, tables.get("files", {}), spare=spare,
                       shelf=shelf)
        except (KeyError, TypeError, ValueError):
            return None

    @classmethod
    def record(cls, out: Path, keys: dict[str, str], inputs: str, published: Published | None = None,
               previous: Manifest | None = None) -> Manifest:
        """The output just `published`; the size and time of its files are the `previous`
        build's where the publish left its file in place, and read again for the others
        (all of them without a `previous` build's record)."""
        if published is None or previous is None:
            files = file_stats(out)
            entries = {path: (key, *files[path]) for path, key in keys.items()}
        else:
            files = _restat(out, published, previous.files)
            entries = _entries(keys, files, previous.entries)
        return cls(out.absolute(), entries, inputs, files, spare=published.spare if published else None,
                   shelf=previous.shelf if previous else None)

    def save(self, folder: Path) -> None:
        """Remember this build; if the disk refuses, the next build just renders more."""
        head = {"inputs": self.inputs, "spare": self.spare.to_json() if self.spare else None}
        (self.shelf or _shelf(folder, self.out)).save(TAG, {"head": head, "entries": self.entries, "files": self.files})

    folder: str = field(init=False, repr=False, compare=False)
    """`out` as a string, for the 80,000 files a build looks up."""

    def __post_init__(self):
        object.__setattr__(self, "folder", str(self.out))

    def up_to_date(self, inputs: str, stats: Callable[[], dict | None] = lambda: None) -> bool:
        """Nothing the build reads changed, and its output is exactly as it left it (`stats`:
        its files' as taken ahead, if they were)."""
        return bool(self.inputs) and self.inputs == inputs and (stats() or file_stats(self.out)) == self.files

    def unchanged(self, keys: dict[str, str]) -> set[str]:
        """The paths of `keys` (path -> key) whose file was made from that key and is untouched
        since (outputs.Previous): one pass over tens of thousands, not a call for each."""
        entries, taken = self.entries, self.taken
        if self.trusted:
            return {path for path, key in keys.items() if (entry := entries.get(path)) is not None and entry[0] == key}
        if taken is None:
            return {path for path, key in keys.items() if self.reusable(path, key) is not None}
        return {path for path, key in keys.items()
                if (entry := entries.get(path)) is not None and entry[0] == key and taken.get(path) == entry[1:]}

    def reusable(self, path: str, key: str) -> str | None:
        """The previous file for `path` if it was made from `key` and is untouched since."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != key:
            return None
        file = f"{self.folder}/{path}"
        if self.trusted:
            return file
        if self.taken is not None:
            return file if self.taken.get(path) == entry[1:] else None
        try:
            stat = os.stat(file)
        except OSError:
            return None
        return file if (stat.st_size, stat.st_mtime_ns) == (entry[1], entry[2]) else None



def inputs_stamp(folders: list[Path], files: list[Path], *facts: str,
                 listed: dict[str, tuple] | None = None) -> str:
    """A hash of the name, size and modification time of every input file, and of `facts`
    (generator version, options, the git commit whose history the feeds show). `listed`, if
    given, gets each file's lstat by its path (as an `Lstat`'s fields): reading the content
    then takes those (a large site's 34,000 files are not stat'ed twice)."""
    digest = hashlib.sha256("\0".join(facts).encode())
    for path in files:
        digest.update(_stamp_line(path.name, path.stat))
    for folder in folders:
        # One line per file, hashed together: a large site has 34,000 content files.
        lines = []
        for name, entry in sorted(walk_files(str(folder))):
            if listed is None:
                lines.append(_stamp_line(name, entry.stat))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                info = None
            if info is None or stat.S_ISLNK(info.st_mode):  # following links: a linked file is an input too
                lines.append(_stamp_line(name, entry.stat))
            else:
                lines.append(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
            if info is not None:
                listed[entry.path] = (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                      info.st_dev)
        digest.update(b"".join(lines))
    return digest.hexdigest()


def stamp_and_listing(folders: list[str], files: list[str], *facts: str) -> tuple[str, dict[str, tuple]]:
    """`inputs_stamp` and what it `listed`, as plain data: what a child process sends back
    (incremental/forked.py)."""
    listed: dict[str, tuple] = {}
    return inputs_stamp([Path(f) for f in folders], [Path(f) for f in files], *facts, listed=listed), listed


class Lstat(NamedTuple):
    """The fields of a file's lstat that reading content takes (content/sources.py, and the
    snapshot's signatures), from `inputs_stamp`'s listing: plain data a child can send back."""

    st_mode: int
    st_size: int
    st_mtime_ns: int
    st_ctime_ns: int
    st_ino: int
    st_dev: int

    @property
    def st_mtime(self) -> float:
        """As os.stat gives it (seconds plus nanoseconds, in a float)."""
        return self.st_mtime_ns // 1_000_000_000 + self.st_mtime_ns % 1_000_000_000 * 1e-9


def _stamp_line(name: str, stat) -> bytes:
    try:
        info = stat()
        return f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()
    except OSError:
        return f"{name}\0missing\n".encode()


def _shelf(folder: Path, out: Path) -> Shelf:
    """The shards of the manifest of the build into `out` (the head: its inputs stamp and spare)."""
    return Shelf(folder, {"version": VERSION, "out": str(out.absolute())}, whole=("head",))


def _restat(out: Path, published: Published, before: dict[str, tuple[int, int]]) -> Table:
    """Each file's size and time: the `before` entry where the publish left the file in place,
    else read again (`made`)."""
    found = Table()
    for path in published.paths:
        entry = None if path in published.touched else before.get(path)
        if entry is None:
            info = os.stat(f"{out}/{path}", follow_symlinks=False)
            entry = (info.st_size, info.st_mtime_ns)
            found.made.append(path)
        found[path] = entry
    return found


def _entries(keys: dict[str, str], files: Table, before: dict[str, tuple[str, int, int]]) -> Table:
    """Each page's and feed's key, size and time: the `before` entry where none changed."""
    entries, made = Table(), set(files.made)
    for path, key in keys.items():
        entry = before.get(path)
        if entry is None or path in made or entry[0] != key:
            entry = (key, *files[path])
            entries.made.append(path)
        entries[path] = entry
    return entries
