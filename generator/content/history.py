"""Content history from git: when each file last changed and how often.

I/O at the edge (runs `git` once per build). Feeds use it for LAST-MODIFIED,
DTSTAMP and SEQUENCE, so two builds of the same commit are byte-identical and
every committed edit reaches subscribers as an update. Files with uncommitted
changes (a preview) count one more revision, dated by the file's mtime;
outside a git checkout, the mtime alone is used.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Revision:
    modified: datetime
    """When the file last changed (UTC, whole seconds)."""
    count: int
    """How many revisions it has had: commits that touched it, plus one if edited since."""
    added: datetime | None = None
    """When the file was first committed; None when git does not know it (a new file, or no git).
    Of two files claiming one id, the older keeps it: an id, once published, is permanent."""


def read_history(root: Path, files: list[Path]) -> dict[Path, Revision]:
    """Revision of each file (absolute paths in, absolute paths as keys)."""
    commits = _git_log(root)
    dirty = _git_dirty(root) if commits is not None else None
    history, folders = {}, {}
    for path in files:
        key = _canonical(path, folders)
        times = (commits or {}).get(key, [])
        edited = dirty is None or key in dirty or not times
        modified = max(times + ([_mtime(path)] if edited else []))
        history[path] = Revision(modified, len(times) + (1 if edited and commits is not None else 0),
                                 min(times) if times else None)
    return history


def _git_log(root: Path) -> dict[Path, list[datetime]] | None:
    """Commit times of every content file, newest first; None outside git."""
    output = _git(root, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", "content")
    if output is None:
        return None
    top = _git(root, "rev-parse", "--show-toplevel")
    base = Path(top.strip()) if top else root
    commits: dict[Path, list[datetime]] = {}
    folders: dict[Path, Path] = {}
    for chunk in output.split("\0")[1:]:
        lines = chunk.strip().split("\n")
        when = datetime.fromtimestamp(int(lines[0]), timezone.utc)
        for name in lines[1:]:
            if name:
                commits.setdefault(_canonical(base / name, folders), []).append(when)
    return commits


def _canonical(path: Path, folders: dict[Path, Path]) -> Path:
    """The path with its folders resolved, once per folder (a large site has tens of thousands
    of files in a few folders); the file itself is named as git names it, even a link."""
    if path.parent not in folders:
        folders[path.parent] = path.parent.resolve()
    return folders[path.parent] / path.name


def _git_dirty(root: Path) -> set[Path]:
    output = _git(root, "status", "--porcelain", "--untracked-files=all", "-z", "--", "content") or ""
    top = Path((_git(root, "rev-parse", "--show-toplevel") or str(root)).strip())
    folders: dict[Path, Path] = {}
    return {_canonical(top / entry[3:], folders) for entry in output.split("\0") if len(entry) > 3}


def file_versions(root: Path, path: Path) -> list[tuple[str, str]]:
    """(commit, text) of every committed version of one file, newest first; none outside git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    log = _git(root, "log", "--format=%H", "--no-renames", "--", str(path))
    if not top or not log:
        return []
    name = _canonical(path.absolute(), {}).relative_to(Path(top.strip()).resolve()).as_posix()
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
    return datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)


def edited(history: dict[Path, Revision], files: list[Path]) -> dict[Path, Revision]:
    """Revisions of files changed after `history` was read: one more, dated now-ish (mtime)."""
    changed = {}
    for path in files:
        before = history.get(path)
        changed[path] = Revision(_mtime(path), (before.count if before else 0) + 1,
                                 before.added if before else None)
    return changed
