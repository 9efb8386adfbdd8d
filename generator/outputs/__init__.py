"""Outputs: sibling renderers that turn the model into files.

Each takes the model (and what it needs of the others, such as asset URLs)
and returns `Artifact`s; none writes to disk and none knows about the others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str
    """Relative to the output folder, '/'-separated: 'en/events/excom-2024/index.html'."""
    data: bytes | None
    """The file's bytes; None when `reuse` names an identical file of the previous build."""
    reuse: str | None = None
    """A file of the previous output known (by its key) to hold exactly these bytes (a path:
    a string, because a large site reuses tens of thousands and pathlib is slow to make them)."""
