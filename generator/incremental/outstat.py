"""The size and time of every file of the previous output, taken on the other core while a
one-off build loads its content.

I/O: a child process walks the output folder (`os.fork`, before the build starts any thread)
and sends back each file's (size, mtime_ns), as the manifest records them. After one edit at
10,000 events a build may reuse 80,000 files, each only if it is still the file the last build
recorded: a stat of each took a third of a second of the build's one core. The child does
them while the build reads its cache and content; the build then compares.

A file is taken as it was when the child looked, a second or two before it is linked into the
new site: as when the build stat'ed it itself, a file changed by hand in that moment is not
seen (a build is not atomic against someone editing its output meanwhile). Where there is no
fork, or the child fails, nothing is taken ahead and the manifest stats each file itself.
"""

from __future__ import annotations

import marshal
import os
import signal
from pathlib import Path

from generator.publish.spare import file_stats


class OutputStats:
    """The stats of a folder's files, taken by a child process: `result()` once, then `close()`."""

    def __init__(self, out: Path):
        self._pid, self._pipe = _start(out) if hasattr(os, "fork") and out.is_dir() else (None, None)

    def result(self) -> dict[str, tuple[int, int]] | None:
        """Each file's (size, mtime_ns) by its path in the folder ('en/index.html'); None if
        the child could not take them (then stat each file)."""
        if self._pid is None:
            return None
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                data = pipe.read()
            found = marshal.loads(data) if data else None
        except (OSError, EOFError, ValueError, TypeError):
            found = None
        self._reap(signal.SIGKILL if found is None else None)
        return found if isinstance(found, dict) else None

    def close(self) -> None:
        """Stop the child if its result was not asked for (a build that is up to date, or failed)."""
        if self._pid is None:
            return
        try:
            os.close(self._pipe)
        except OSError:
            pass
        self._reap(signal.SIGKILL)

    def _reap(self, kill: int | None) -> None:
        pid, self._pid = self._pid, None
        try:
            if kill is not None:
                os.kill(pid, kill)
            os.waitpid(pid, 0)
        except (OSError, ChildProcessError):
            pass


def _start(out: Path) -> tuple[int | None, int | None]:
    try:
        read, write = os.pipe()
    except OSError:
        return None, None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None, None
    if pid:
        os.close(write)
        return pid, read
    # The child: no handler of the parent's may run here (not even on Ctrl-C), nor its buffers flush.
    code = 1
    try:
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.nice(5)  # after the build's own reading ahead of its cache, on the same core
        data = marshal.dumps(file_stats(out))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
        code = 0
    finally:
        os._exit(code)
