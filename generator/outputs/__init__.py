"""Outputs: sibling renderers that turn the model into files.

Each takes the model (and what it needs of the others, such as asset URLs)
and returns `Artifact`s; none writes to disk and none knows about the others.
Those with many files keyed by their inputs (pages, feeds) return `Outputs`:
the files the previous build supplies, and the others made as they are written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol, TypeVar


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str
    """Relative to the output folder, '/'-separated: 'en/events/excom-2024/index.html'."""
    data: bytes | None
    """The file's bytes; None when `reuse` names an identical file of the previous build."""
    reuse: str | None = None
    """A file of the previous output known (by its key) to hold exactly these bytes (a path:
    a string, because a large site reuses tens of thousands and pathlib is slow to make them)."""


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outputs:
    """Files made from keys: those the previous build supplies, and the others, made lazily."""

    keys: dict[str, str]
    """Output path -> key, for the next build's manifest."""
    reused: list[Artifact]
    fresh: Iterator[Artifact]
    """Made one by one as they are consumed (written), so that they are never all in memory."""

    def all(self) -> list[Artifact]:
        """Every file, made now (for tests and checks of small sites)."""
        return self.reused + list(self.fresh)


def reuse_or_make(keyed: list[tuple[str, str, T]], previous: Previous | None,
                  make: Callable[[list[T]], Iterator[bytes]]) -> Outputs:
    """`keyed`: (output path, key, task) per file. Files whose key the previous build had are
    reused; `make(tasks)` yields the bytes of the others, in order."""
    keys, reused, todo = {}, [], []
    for path, key, task in keyed:
        keys[path] = key
        source = previous.reusable(path, key) if previous else None
        if source is not None:
            reused.append(Artifact(path, None, reuse=source))
        else:
            todo.append((path, task))
    fresh = (Artifact(path, data) for (path, _), data in zip(todo, make([task for _, task in todo])))
    return Outputs(keys, reused, fresh)


class Previous(Protocol):
    """The previous build, as outputs may reuse it (incremental/manifest.py's Manifest)."""

    def reusable(self, path: str, key: str) -> str | None:
        """The previous file for `path` if it was made from `key` and is untouched since."""


def make_key(*parts: str | bytes) -> str:
    """One hash of several inputs; lengths are included so ('ab', 'c') != ('a', 'bc')."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
