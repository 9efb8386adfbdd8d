"""Artifacts -> the output folder: the only stage that writes the site.

The new site is assembled in a hidden folder beside the target and swapped in
with one atomic rename, so a failed or killed build leaves the previous
output whole. That folder is the site of the build before last, kept beside
the published one (spare.py): only the files that differ are written, linked
or deleted in it. Without a spare (the first builds, or after a killed one) it
starts empty and files whose bytes did not change are hard-linked from the
published site. Either way unchanged files keep their timestamps, for cheap
rsync or object-storage deploys.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from generator.errors import BuildFailed, SiteError
from generator.outputs import Artifact, Unchanged
from generator.publish.spare import Spare, files_of, keep_spare, remove_files, take_spare

_RENAME_EXCHANGE = 2  # from <linux/fs.h>


@dataclass(frozen=True, slots=True)
class Published:
    """What a publish did."""

    files: int
    """Files written (the artifacts)."""
    paths: frozenset[str]
    """Every file of the published site (the artifacts and what `finish` added)."""
    touched: frozenset[str]
    """Files that are new files since the previous publish (written, or linked after their
    bytes were compared): the others are the previous site's, with its size and time."""
    spare: Spare | None
    """The previous site, kept beside: the next publish's staging folder."""


def write_artifacts(out_dir: Path, artifacts: Iterable[Artifact | Unchanged],
                    finish: Callable[[Path], None] | None = None, spare: Spare | None = None) -> Published:
    """Publish exactly these files in `out_dir`.

    `finish(staging)` may add files made from the written site (the search
    index) before the swap, so they go live together with it. `spare`: what the
    previous publish returned, to publish into the site it kept beside."""
    out_dir = out_dir.absolute()
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    _remove_stale(out_dir)
    try:
        placer = _Placer(staging, out_dir, spare if take_spare(out_dir, spare, staging) else None)
        seen: set[str] = set()
        for artifact in artifacts:
            _place(placer, artifact, seen)
        staging.mkdir(parents=True, exist_ok=True)
        placer.remove_others(seen)
        if finish:
            finish(staging)
            seen |= _link_unchanged(staging, out_dir, seen, placer)
        existed = out_dir.exists()
        _swap(staging, out_dir)
        kept = keep_spare(out_dir, staging, seen, placer.differs(seen, staging)) if existed else None
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed([SiteError(str(out_dir), None, None,
                                     f"could not write the site: {exc.strerror or exc}; the previous output is unchanged")])
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # a failed build's
    return Published(placer.count, frozenset(seen), frozenset(placer.written | placer.compared), kept)


@dataclass
class _Placer:
    """Brings the staging folder to the new site: from nothing, or from the spare (`spare`)."""

    staging: Path
    out_dir: Path
    spare: Spare | None
    count: int = 0
    written: set[str] = field(default_factory=set)
    """Files written with new bytes (or copied where hard links fail): not the published site's."""
    compared: set[str] = field(default_factory=set)
    """Files found equal to the published site's by their bytes, and linked from it."""
    _same: set[str] | None = None

    def place(self, artifact: Artifact) -> None:
        self.count += 1
        path = artifact.path
        published = f"{self.out_dir}/{path}"
        if _same_bytes(published, artifact.data):
            self.compared.add(path)
            if not self._spare_has(path):
                self._link(published, path)
            return
        self._write(path, artifact.data)

    def keep(self, paths: list[str]) -> None:
        """The published site's files at `paths`, as they are."""
        self.count += len(paths)
        as_published = self._as_published()
        for path in paths if as_published is None else [p for p in paths if p not in as_published]:
            self._link(f"{self.out_dir}/{path}", path)

    def _spare_has(self, path: str) -> bool:
        """The staging folder already holds the published site's file for `path`."""
        same = self._as_published()
        return same is not None and path in same

    def _as_published(self) -> set[str] | None:
        """The files the staging folder (the spare) holds as the published site has them."""
        if self.spare is None:
            return None
        if self._same is None:
            self._same = self.spare.published - self.spare.differs
        return self._same

    def _link(self, source: str, path: str) -> None:
        target = self.staging / path
        try:
            _replace(target, lambda: os.link(source, target))
        except OSError:
            _replace(target, lambda: shutil.copy2(source, target))  # another filesystem, no hard links
            self.written.add(path)

    def _write(self, path: str, data: bytes) -> None:
        target = self.staging / path

        def write() -> None:
            with open(target, "xb") as handle:  # never through a link of the published file
                handle.write(data)
        _replace(target, write)
        self.written.add(path)

    def remove_others(self, seen: set[str]) -> None:
        """The spare's files that the new site does not have."""
        if self.spare is not None:
            remove_files(self.staging, (self.spare.published | self.spare.differs) - seen)

    def differs(self, seen: set[str], old: Path) -> set[str]:
        """Once swapped: files that are not one file in the new site and the old one (at `old`)."""
        before = self.spare.published if self.spare is not None else files_of(old)
        return self.written | (before ^ seen)


def _place(placer: _Placer, artifact: Artifact | Unchanged, seen: set[str]) -> None:
    """A file, or files that stay as they are, checked and brought to the staging folder."""
    if type(artifact) is Unchanged:
        _check_paths(artifact.paths, seen)
        placer.keep(artifact.paths)
    else:
        _check_path(artifact.path, seen)
        placer.place(artifact)


def _replace(target: Path, make: Callable[[], None]) -> None:
    """Make `target` anew with `make()`: never write through an existing file, which may be
    a hard link of the published site's."""
    try:
        make()
    except FileExistsError:
        os.unlink(target)
        make()
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        make()


_OUTSIDE = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|\\")
"""A path that is empty, absolute, has an empty, '.' or '..' part, or a backslash: one regular
expression, as every file of the site is checked (80,000 at 10,000 events)."""


def _check_path(path: str, seen: set[str]) -> None:
    """No artifact may leave the output folder or be written twice."""
    if _OUTSIDE.search(path):
        raise BuildFailed([SiteError(path, None, None, "refused to write outside the output folder")])
    if path in seen:
        raise BuildFailed([SiteError(path, None, None, "two outputs want the same file")])
    seen.add(path)


_OUTSIDE_LINE = re.compile(_OUTSIDE.pattern, re.MULTILINE)


def _check_paths(paths: list[str], seen: set[str]) -> None:
    """`_check_path` for each of `paths` (their lines: a path holding a line break is refused
    too), in one search and one set update for tens of thousands."""
    if not paths:
        return
    unique = set(paths)
    if len(unique) == len(paths) and seen.isdisjoint(unique) and _OUTSIDE_LINE.search("\n".join(paths)) is None:
        seen |= unique
        return
    for path in paths:  # which one, for the error
        _check_path(path, seen)


def _link_unchanged(staging: Path, out_dir: Path, placed: set[str], placer: _Placer) -> set[str]:
    """Files `finish` added keep their old timestamps too when their bytes did not change.
    Returns their paths."""
    added = files_of(staging) - placed
    for name in added:
        target = staging / name
        if target.is_symlink():
            placer.written.add(name)
            continue
        previous = out_dir / name
        if _same_bytes(previous, target.read_bytes()):
            try:
                os.link(previous, target.with_name(target.name + ".link"))
                os.replace(target.with_name(target.name + ".link"), target)
                placer.compared.add(name)
                continue
            except OSError:
                pass  # another filesystem or no hard links: the new copy stays
        placer.written.add(name)
    return added


def _same_bytes(path: str | Path, data: bytes) -> bool:
    """The file at `path` (not a link) holds exactly `data`."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _swap(staging: Path, out_dir: Path) -> None:
    """Put `staging` at `out_dir` in one step; the old output ends up at `staging`."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        return
    # No atomic exchange on this system: two renames, with a short gap.
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_stale(out_dir: Path) -> None:
    """Leftovers of builds that were killed before they could clean up."""
    for stale in out_dir.parent.glob(f".{out_dir.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in out_dir.parent.glob(f".{out_dir.name}.old-*"):
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(old, out_dir)  # killed between the two renames: put the old site back


def update_file(out_dir: Path, artifact: Artifact) -> bool:
    """Replace one file of a preview's output atomically if its bytes changed; True if they had."""
    target = out_dir / artifact.path
    if _same_bytes(target, artifact.data):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(artifact.data)
    os.replace(temporary, target)
    return True


def update_artifacts(out_dir: Path, artifacts: Iterable[Artifact | Unchanged], previous: set[str] | None = None,
                     on_written: Callable[[str], None] | None = None) -> tuple[list[str], set[str]]:
    """Bring a preview's output up to date in place: write changed files, drop vanished ones.

    For `sitegen serve`, where the site is rebuilt on every save: each file is
    replaced atomically (write beside it, rename), so a browser never reads a
    half-written page, and only files whose bytes changed are touched.
    `previous` is the set of paths the last update produced (else the folder
    is listed); `on_written(path)` is called as each file is written. Returns
    the paths written, and every path of the site: the caller's `previous` next time.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written, seen = [], set()
    for artifact in artifacts:
        if type(artifact) is Unchanged:
            _check_paths(artifact.paths, seen)
            continue
        _check_path(artifact.path, seen)
        if update_file(out_dir, artifact):
            written.append(artifact.path)
            if on_written is not None:
                on_written(artifact.path)
    if previous is None:
        previous = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    for relative in previous - seen:
        if not relative.startswith("pagefind/"):  # the search index is not rebuilt in previews
            (out_dir / relative).unlink(missing_ok=True)
    return written, seen
