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
    data: bytes
