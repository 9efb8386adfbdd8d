"""Work a one-off build hands to a child process, on the other core, while it reads its cache.

I/O: a child forked before the build starts any thread (`os.fork`) runs one function of
plain data (stats of folders: the build's inputs, the previous output) and sends back its
result, marshalled, over a pipe. At 10,000 events, the lstat of each of the 34,000 input
files (their stamp) took a sixth of a second of the build's one core, and the stat of each of
the 80,000 files of the previous output (whether each is still the file the last build
recorded) a third; the children take them while the build decodes its cache.

What a child saw is taken as it was when it looked, a second or two before the build uses
it: as when the build stat'ed the files itself, a file changed by hand in that moment is not
seen (a build is not atomic against someone editing its inputs or output meanwhile). Where
there is no fork, or the child fails, `result()` is None and the build takes the stats itself.
"""

from __future__ import annotations

import marshal
import os
import signal
from typing import Callable


class Forked:
    """`function(*args)`, run by a child forked now (plain data in, marshal's plain data out):
    `result()` once, or `close()` to stop it unasked."""

    def __init__(self, function: Callable, *args, nice: int = 0):
        """`nice`: how much the child yields to the build and its other children, on two cores."""
        self._pid, self._pipe = _start(function, args, nice) if hasattr(os, "fork") else (None, None)

    def result(self):
        """What the function returned; None if the child could not tell (then do it yourself)."""
        if self._pid is None:
            return None
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                data = pipe.read()
            found = marshal.loads(data) if data else None
        except (OSError, EOFError, ValueError, TypeError):
            found = None
        self._reap(signal.SIGKILL if found is None else None)
        return found

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


def _start(function: Callable, args: tuple, nice: int) -> tuple[int | None, int | None]:
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
        if nice:
            os.nice(nice)
        data = marshal.dumps(function(*args))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
        code = 0
    finally:
        os._exit(code)
