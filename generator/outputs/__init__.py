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
    data: bytes
    """The file's bytes (the files that stay as the previous build wrote them are `Unchanged`)."""


@dataclass(frozen=True, slots=True)
class Unchanged:
    """Files of the previous output that stay as they are, at the same paths, written as one
    (the pages and feeds of the items no edit reached: 80,000 files at 10,000 events, which
    as an Artifact each took 5 µs apiece to key, check and place)."""

    paths: list[str]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outputs:
    """Files made from keys: those the previous build supplies, and the others, made lazily."""

    keys: dict[str, str]
    """Output path -> key, for the next build's manifest."""
    reused: Unchanged
    fresh: Iterator[Artifact]
    """Made one by one as they are consumed (written), so that they are never all in memory."""

    def all(self) -> list[Artifact]:
        """Every file, made now (for tests and checks of small sites, where none is reused)."""
        assert not self.reused.paths, "reused files have no bytes here"
        return list(self.fresh)


def reuse_or_make(keyed: list[tuple[str, str, T]], previous: Previous | None,
                  make: Callable[[list[T]], Iterator[bytes]]) -> Outputs:
    """`keyed`: (output path, key, task) per file. Files whose key the previous build had are
    reused; `make(tasks)` yields the bytes of the others, in order."""
    keys = {path: key for path, key, _ in keyed}
    kept = previous.unchanged(keys) if previous else set()
    todo = [(path, task) for path, _, task in keyed if path not in kept]
    fresh = (Artifact(path, data) for (path, _), data in zip(todo, make([task for _, task in todo])))
    return Outputs(keys, Unchanged([path for path, _, _ in keyed if path in kept]), fresh)


class Previous(Protocol):
    """The previous build, as outputs may reuse it (incremental/manifest.py's Manifest)."""

    def unchanged(self, keys: dict[str, str]) -> set[str]:
        """The paths of `keys` (path -> key) whose previous file was made from that key and
        is untouched since: each stays as it is."""


def make_key(*parts: str | bytes) -> str:
    """One hash of several inputs; lengths are included so ('ab', 'c') != ('a', 'bc')."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
