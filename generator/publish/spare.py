"""The site one build behind the published one, kept beside it to publish the next build into.

I/O: names and inodes under the output folder's parent. A build that finds the
spare as the last one left it renames it to its staging folder and changes
only the files that differ, then swaps it with the published site: publishing
costs what the change costs, not a hard link per file of the site (80,000 at
10,000 events). The spare is recognised by the inodes of its folder and of the
published one, which renames keep and nothing else reproduces: after a build
killed between the swap and the record, the two do not match and the next
build starts a staging folder from scratch.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True, slots=True)
class Spare:
    """What the previous publish left beside the site (write.write_artifacts returns it)."""

    inode: int
    """Of the spare folder."""
    published_inode: int
    """Of the published folder, when the spare was put beside it."""
    published: frozenset[str]
    """Every file of the published site."""
    differs: frozenset[str]
    """Files of either tree that are not the same file (one inode) in both; every other file
    of the published site is a hard link of the spare's, or a copy with the same bytes."""

    def to_json(self) -> dict:
        return {"inode": self.inode, "published_inode": self.published_inode,
                "published": sorted(self.published), "differs": sorted(self.differs)}

    @classmethod
    def from_json(cls, data: dict) -> Spare:
        return cls(int(data["inode"]), int(data["published_inode"]), frozenset(data["published"]),
                   frozenset(data["differs"]))


def spare_folder(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.spare"


def take_spare(out_dir: Path, spare: Spare | None, staging: Path) -> bool:
    """Rename the spare to `staging` if it is the one `spare` describes, beside the same published
    site; else remove whatever is there. True if `staging` now holds it. Once renamed, a build
    killed while changing it leaves a staging folder, which the next build removes: a half-changed
    spare is never taken again."""
    folder = spare_folder(out_dir)
    if spare is not None and _inode(folder) == spare.inode and _inode(out_dir) == spare.published_inode:
        os.rename(folder, staging)
        return True
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)  # another build's, or a site since changed by hand
    return False


def keep_spare(out_dir: Path, old: Path, published: set[str], differs: set[str]) -> Spare:
    """Put the previous site (at `old` after the swap) beside the new one as the next spare."""
    folder = spare_folder(out_dir)
    os.rename(old, folder)
    return Spare(_inode(folder), _inode(out_dir), frozenset(published), frozenset(differs))


def files_of(folder: Path) -> set[str]:
    """Every file below `folder`, '/'-separated, without a stat each."""
    return {name for name, _ in walk_files(str(folder))}


def file_stats(folder: str | Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` (as `walk_files` names it) with its size and mtime_ns, links
    not followed: what a manifest records of an output, and compares it with."""
    found = {}
    for name, entry in walk_files(str(folder)):
        info = entry.stat(follow_symlinks=False)
        found[name] = (info.st_size, info.st_mtime_ns)
    return found


def walk_files(folder: str, prefix: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to `folder` with '/', entry) of every file below it, links to folders
    included as files and never followed. os.scandir's entries spare a path join and a
    relpath per file: a large site's output has 80,000 files."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from walk_files(entry.path, f"{prefix}{entry.name}/")
        else:
            yield prefix + entry.name, entry


def remove_files(staging: Path, paths: set[str]) -> None:
    """Delete these files of `staging` and the folders they leave empty."""
    folders = set()
    for path in paths:
        try:
            os.unlink(staging / path)
        except FileNotFoundError:
            continue
        folders.update(_parents(path))
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(staging / folder)
        except OSError:
            pass  # not empty: other files live there


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _inode(folder: Path) -> int | None:
    try:
        return os.stat(folder, follow_symlinks=False).st_ino
    except OSError:
        return None
