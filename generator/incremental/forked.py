"""Work a one-off build hands to a child process: on the other core while it reads its cache, or after it.

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

Once the site is published, `sitegen build` hands what it keeps for the next build (the
manifest and memos: 0.3 s of writing at 10,000 events) to a process of its own (`detached`)
and returns; the next build waits for it (cache.py's lock).
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
import traceback
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


def detached(function: Callable, *args, log: str) -> bool:
    """Run `function(*args)` in a process that outlives this one, and return at once: True once
    it started, False if it could not (no fork, or another thread running: a fork copies it
    stopped wherever it was), and then nothing ran. The process is a grandchild in a session of
    its own, reaped by init, never a zombie of a long-lived caller; no terminal's Ctrl-C reaches
    it, and it holds none of the caller's pipes (a caller waiting for their end returns at once).
    If it fails, its traceback is in the file `log`, which it removes when it succeeds."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0
    code = 1
    try:
        os.setsid()
        code = 0 if os.fork() else _run_detached(function, args, log)
    finally:
        os._exit(code)


def _run_detached(function: Callable, args: tuple, log: str) -> int:
    """In the grandchild, with none of the caller's stdin, stdout and stderr."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        function(*args)
    except BaseException:
        try:
            with open(f"{log}.tmp", "w", encoding="utf-8") as file:
                traceback.print_exc(file=file)
            os.replace(f"{log}.tmp", log)  # whole, or not there
        except OSError:
            pass
        return 1
    try:
        os.unlink(log)
    except OSError:
        pass
    return 0
