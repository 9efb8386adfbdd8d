"""`sitegen serve`: which source files were saved.

Told by the operating system through watchfiles (inotify, FSEvents,
ReadDirectoryChangesW), or by watchfiles' own polling where it cannot tell.
Reports settled batches of saved paths; must not build, serve or read them
(it stats only the files it has just reported, see `_SameSecondSaves`).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import watchfiles

SETTLE_MS = 30
"""A batch is reported once no file changed for this long (editors save in bursts)."""
WAKE_MS = 100
"""How often the watch loop wakes while idle, to say it is watching and to notice `stop`."""


class Watcher:
    """Watches the project's sources; calls `on_change` once per settled batch of saves.

    `on_change` runs in the watcher's thread: saves made while it runs are
    collected by watchfiles meanwhile and reported as the next batch, so a
    save during a rebuild triggers exactly one more. `force_polling`: True
    polls (network drives, containers), None lets watchfiles decide (it polls
    on WSL or when WATCHFILES_FORCE_POLLING is set); notifications that cannot
    be had at all (a full inotify table) fall back to polling too.
    """

    def __init__(self, roots: list[Path], on_change: Callable[[list[Path]], None],
                 force_polling: bool | None = None):
        self.roots, self.on_change, self.force_polling = roots, on_change, force_polling
        self._stopped = threading.Event()
        self._watching = threading.Event()
        self._same_second = _SameSecondSaves()
        self._thread = threading.Thread(target=self._run, name="sitegen-watcher", daemon=True)

    def start(self) -> None:
        """Watch in a thread of its own; returns once saves from now on are seen."""
        self._thread.start()
        self._watching.wait(5)

    def stop(self) -> None:
        """End the watching; returns once it has ended (the tests' and the benchmark's: the
        server's watcher runs until the process ends)."""
        self._stopped.set()
        self._thread.join(5)

    def _run(self) -> None:
        pending: set[Path] = set()
        batches = self._watch()
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return  # stopped
            except (OSError, RuntimeError):  # no notifications here: a full watch table, an odd file system
                if self.force_polling:
                    raise
                self.force_polling = True
                batches = self._watch()
                continue
            self._watching.set()
            changed = pending | {Path(path) for _, path in batch} | self._same_second.resaved()
            if any(path in self.roots for path in changed - pending):
                # An editor's atomic save replaces site.toml, which ends the operating system's
                # watch on the old file: watch again, and report these saves with the new watch's
                # first batch (at most WAKE_MS later), so that none made meanwhile is missed.
                batches.close()
                pending, batches = changed, self._watch()
                continue
            pending = set()
            if changed:
                self._same_second.remember(changed)
                self.on_change(sorted(changed))

    def _watch(self) -> Iterator[set[tuple[watchfiles.Change, str]]]:
        roots = [str(root) for root in self.roots if root.exists()]
        folders = [root for root in roots if os.path.isdir(root)]
        return watchfiles.watch(*roots, watch_filter=lambda _, path: _reported(path, folders),
                                step=SETTLE_MS, rust_timeout=WAKE_MS, yield_on_timeout=True,
                                stop_event=self._stopped, raise_interrupt=False,
                                force_polling=self.force_polling)


class _SameSecondSaves:
    """The files of the last batches, for SAME_SECOND_WATCH seconds after they were reported.

    watchfiles' polling (notify's PollWatcher) compares modification times to the
    whole second (watchfiles issue #319): a file saved again within the second of
    the save it reported would go unseen until saved again. Only those files are
    stat'ed, at each wake; notifications never miss such a save, so with them this
    finds nothing that is not in the same batch already.
    """

    def __init__(self) -> None:
        self._stamps: dict[Path, tuple[tuple[int, int], float]] = {}
        """Each file's (mtime_ns, size) when reported, and until when it is looked at."""

    def remember(self, paths: set[Path]) -> None:
        until = time.monotonic() + SAME_SECOND_WATCH
        for path in paths:
            stamp = _stamp(path)
            if stamp is None:
                self._stamps.pop(path, None)
            else:
                self._stamps[path] = (stamp, until)

    def resaved(self) -> set[Path]:
        """Files saved again since reported, within the second of the save reported."""
        found, now = set(), time.monotonic()
        for path, (before, until) in list(self._stamps.items()):
            stamp = _stamp(path)
            if stamp is not None and stamp != before and stamp[0] // SECOND == before[0] // SECOND:
                found.add(path)  # a save in another second is the poll's to see
            elif stamp is None or now > until:
                del self._stamps[path]
        return found


SAME_SECOND_WATCH = 2.0
SECOND = 1_000_000_000


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _reported(path: str, folders: list[str]) -> bool:
    """Not a dot-file nor in a dot-folder below a watched folder (.git, editors' swap files), as
    the build itself skips them. Nor a folder: polling names the folder of a new file too, which
    the file itself tells, and a folder's name would make the preview walk the tree again."""
    for folder in folders:
        if path.startswith(folder + os.sep):
            if any(part.startswith(".") for part in path[len(folder) + 1:].split(os.sep)):
                return False
            break
    return not os.path.isdir(path)
