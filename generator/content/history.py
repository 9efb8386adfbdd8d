"""Content history from git: when each file last changed and how often.

I/O at the edge (runs `git` once per build). Feeds use it for LAST-MODIFIED,
DTSTAMP and SEQUENCE, so two builds of the same commit are byte-identical and
every committed edit reaches subscribers as an update. Files with uncommitted
changes (a preview) count one more revision, dated by the file's mtime;
outside a git checkout, the mtime alone is used.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True, slots=True)
class Revision:
    modified: datetime
    """When the file last changed (UTC, whole seconds)."""
    count: int
    """How many revisions it has had: commits that touched it, plus one if edited since."""
    added: datetime | None = None
    """When the file was first committed; None when git does not know it (a new file, or no git).
    Of two files claiming one id, the older keeps it: an id, once published, is permanent."""


def read_history(root: Path, files: list[Path], modified: Sequence[int | None] | None = None) -> dict[Path, Revision]:
    """Revision of each file (absolute paths in, absolute paths as keys); `modified`: the
    files' modification times as they were read (content/sources.py), in the same order, else
    each is looked up."""
    commits = _git_log(root)
    dirty = _git_dirty(root) if commits is not None else None
    history, folders = {}, {}
    for path, seconds in zip(files, modified or [None] * len(files)):
        # Outside git, or with nothing committed, no file has commits to look up by its path.
        key = _canonical(str(path), folders) if commits else None
        times = commits.get(key, []) if commits else []
        edited = not times or key in dirty
        latest = max(times) if times else None
        if edited:
            mtime = _mtime(path) if seconds is None else _utc(seconds)
            latest = mtime if latest is None else max(latest, mtime)
        history[path] = Revision(latest, len(times) + (1 if edited and commits is not None else 0),
                                 min(times) if times else None)
    return history


def _git_log(root: Path) -> dict[str, list[datetime]] | None:
    """Commit times of every content file, newest first, by canonical path; None outside git."""
    output = _git(root, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", "content")
    if output is None:
        return None
    top = _git(root, "rev-parse", "--show-toplevel")
    base = str(Path(top.strip()) if top else root)
    commits: dict[str, list[datetime]] = {}
    folders: dict[str, str] = {}
    for chunk in output.split("\0")[1:]:
        lines = chunk.strip().split("\n")
        when = datetime.fromtimestamp(int(lines[0]), timezone.utc)
        for name in lines[1:]:
            if name:
                commits.setdefault(_canonical(os.path.join(base, name), folders), []).append(when)
    return commits


def _canonical(path: str, folders: dict[str, str]) -> str:
    """The path with its folders resolved, once per folder (a large site has tens of thousands
    of files in a few folders); the file itself is named as git names it, even a link. Plain
    strings: pathlib's parsing of each of those paths cost a second."""
    folder, name = os.path.split(path)
    if folder not in folders:
        folders[folder] = str(Path(folder).resolve())
    return os.path.join(folders[folder], name)


def _git_dirty(root: Path) -> set[str]:
    output = _git(root, "status", "--porcelain", "--untracked-files=all", "-z", "--", "content") or ""
    top = str(Path((_git(root, "rev-parse", "--show-toplevel") or str(root)).strip()))
    folders: dict[str, str] = {}
    return {_canonical(os.path.join(top, entry[3:]), folders) for entry in output.split("\0") if len(entry) > 3}


def file_versions(root: Path, path: Path) -> list[tuple[str, str]]:
    """(commit, text) of every committed version of one file, newest first; none outside git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    log = _git(root, "log", "--format=%H", "--no-renames", "--", str(path))
    if not top or not log:
        return []
    name = Path(_canonical(str(path.absolute()), {})).relative_to(Path(top.strip()).resolve()).as_posix()
    versions = []
    for commit in log.split():
        text = _git(root, "show", f"{commit}:{name}")
        if text is not None:  # None: the commit deleted it
            versions.append((commit, text.replace("\r\n", "\n")))
    return versions


def git_head(root: Path) -> str | None:
    """The commit checked out, if the project is in git: its history is part of the feeds."""
    head = _git(root, "rev-parse", "HEAD")
    return head.strip() if head else None


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                                env={"GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout


def _mtime(path: Path) -> datetime:
    return _utc(int(os.stat(path).st_mtime))


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def edited(history: dict[Path, Revision], files: list[Path]) -> dict[Path, Revision]:
    """Revisions of files changed after `history` was read: one more, dated now-ish (mtime)."""
    changed = {}
    for path in files:
        before = history.get(path)
        changed[path] = Revision(_mtime(path), (before.count if before else 0) + 1,
                                 before.added if before else None)
    return changed
