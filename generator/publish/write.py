"""Artifacts -> the output folder: the only stage that writes the site.

The new site is assembled in a hidden folder beside the target and swapped in
with one atomic rename, so a failed or killed build leaves the previous
output whole. Files whose bytes did not change are hard-linked from the old
output, keeping their timestamps for cheap rsync or object-storage deploys.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from pathlib import Path
from typing import Callable, Iterable

from generator.errors import BuildFailed, SiteError
from generator.outputs import Artifact

_RENAME_EXCHANGE = 2  # from <linux/fs.h>


def write_artifacts(out_dir: Path, artifacts: Iterable[Artifact],
                    finish: Callable[[Path], None] | None = None) -> int:
    """Publish exactly these files in `out_dir`; returns how many were written.

    `finish(staging)` may add files made from the written site (the search
    index) before the swap, so they go live together with it."""
    out_dir = out_dir.absolute()
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    _remove_stale(out_dir)
    count = 0
    try:
        seen: set[str] = set()
        for artifact in artifacts:
            _check_path(artifact.path, seen)
            _place(staging, out_dir, artifact)
            count += 1
        if count == 0:
            staging.mkdir(parents=True, exist_ok=True)
        if finish:
            finish(staging)
            _link_unchanged(staging, out_dir, seen)
        _swap(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed([SiteError(str(out_dir), None, None,
                                     f"could not write the site: {exc.strerror or exc}; the previous output is unchanged")])
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after a swap this is the old output
    return count


def _check_path(path: str, seen: set[str]) -> None:
    """No artifact may leave the output folder or be written twice."""
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("..", ".", "") for p in parts) or "\\" in path:
        raise BuildFailed([SiteError(path, None, None, "refused to write outside the output folder")])
    if path in seen:
        raise BuildFailed([SiteError(path, None, None, "two outputs want the same file")])
    seen.add(path)


def _place(staging: Path, out_dir: Path, artifact: Artifact) -> None:
    target = staging / artifact.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if artifact.reuse is not None:
        try:
            os.link(artifact.reuse, target)
        except OSError:
            shutil.copy2(artifact.reuse, target)
        return
    previous = out_dir / artifact.path
    if _same_bytes(previous, artifact.data):
        try:
            os.link(previous, target)
            return
        except OSError:
            pass  # another filesystem or no hard links: write a copy instead
    with open(target, "wb") as handle:
        handle.write(artifact.data)


def _link_unchanged(staging: Path, out_dir: Path, placed: set[str]) -> None:
    """Files `finish` added keep their old timestamps too when their bytes did not change."""
    for target in staging.rglob("*"):
        name = target.relative_to(staging).as_posix()
        if name in placed or not target.is_file() or target.is_symlink():
            continue
        previous = out_dir / name
        if _same_bytes(previous, target.read_bytes()):
            try:
                os.link(previous, target.with_name(target.name + ".link"))
                os.replace(target.with_name(target.name + ".link"), target)
            except OSError:
                pass  # another filesystem or no hard links: the new copy stays


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.is_symlink() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
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


def update_artifacts(out_dir: Path, artifacts: Iterable[Artifact],
                     previous: set[str] | None = None) -> tuple[list[str], set[str]]:
    """Bring a preview's output up to date in place: write changed files, drop vanished ones.

    For `sitegen serve`, where the site is rebuilt on every save: each file is
    replaced atomically (write beside it, rename), so a browser never reads a
    half-written page, and only files whose bytes changed are touched.
    `previous` is the set of paths the last update produced (else the folder
    is listed). Returns the paths written, and every path of the site: the
    caller's `previous` next time.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written, seen = [], set()
    for artifact in artifacts:
        _check_path(artifact.path, seen)
        if artifact.reuse is not None:
            continue  # already in place: the previous build wrote it
        target = out_dir / artifact.path
        if _same_bytes(target, artifact.data):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(artifact.data)
        os.replace(temporary, target)
        written.append(artifact.path)
    if previous is None:
        previous = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    for relative in previous - seen:
        if not relative.startswith("pagefind/"):  # the search index is not rebuilt in previews
            (out_dir / relative).unlink(missing_ok=True)
    return written, seen
