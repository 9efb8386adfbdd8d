"""Run `sitegen` and kill it with SIGKILL at a chosen moment of the write stage. Tests only.

The moment comes from the environment variable KILL_AT, so that no test hook
lives in the generator (tests/test_crash.py runs this as a child process):

  place:N          after N files were written into the staging folder
  finish           when the search index is about to be made (every page staged)
  swap             just before the staged site is swapped in
  between-renames  on a system without renameat2, after the old site was moved aside
                   and before the new one took its place
  after-swap       after the swap, before the old output is deleted

Usage: KILL_AT=place:10 python tests/killed_build.py --root SITE build --out OUT ...
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import build  # noqa: E402
from generator.outputs import search  # noqa: E402
from generator.publish import write  # noqa: E402
from generator.cli import main  # noqa: E402


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def after(count: int, function):
    """`function`, but the process dies once it has returned `count` times."""
    calls = 0

    def wrapped(*args, **kwargs):
        nonlocal calls
        result = function(*args, **kwargs)
        calls += 1
        if calls == count:
            die()
        return result
    return wrapped


class _OsDyingOnRename:
    """The os module as write.py sees it, except that the first rename is the last thing it does."""

    def __getattr__(self, name):
        return getattr(os, name)

    rename = staticmethod(after(1, os.rename))


def arm(point: str) -> None:
    name, _, count = point.partition(":")
    if name == "place":
        write._place = after(int(count), write._place)
    elif name == "finish":
        search.index_site = lambda *_args: die()
    elif name == "swap":
        write._swap = lambda staging, out: die()
    elif name == "between-renames":
        write._exchange = lambda a, b: False
        write.os = _OsDyingOnRename()
    elif name == "after-swap":
        write._swap = after(1, write._swap)
    else:
        raise SystemExit(f"KILL_AT={point!r}: unknown moment")


if __name__ == "__main__":
    arm(os.environ["KILL_AT"])
    sys.exit(main(sys.argv[1:]))
