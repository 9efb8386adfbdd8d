"""Pages rendered only when their key changed: the rest are linked from the previous output.

Pure apart from rendering on every core (generator/parallel.py).
"""

from __future__ import annotations

from typing import Iterator

from generator.incremental.keys import Keys
from generator.incremental.reuse import Reuse
from generator.outputs import Outputs, reuse_or_make
from generator.outputs.html import Renderer
from generator.outputs.pages import PagePlan
from generator.parallel import render_each


def render_keyed(renderer: Renderer, plans: list[PagePlan], reuse: Reuse, workers: int | None = None) -> Outputs:
    """Every planned page, rendering only those the previous build cannot supply."""
    keys = Keys(renderer, reuse.faces)
    reuse.under(keys.salt())  # before any fragment or face is taken: those of other layouts go
    keyed = [(renderer.output_path(plan), keys.key(plan), plan) for plan in plans]

    def make(todo: list[PagePlan]) -> Iterator[bytes]:
        if todo:
            renderer.render(todo[0])  # compile the templates once, before workers fork
        return render_each(lambda plan: renderer.render(plan).data, todo, workers)

    return reuse_or_make(keyed, reuse.previous, make)
