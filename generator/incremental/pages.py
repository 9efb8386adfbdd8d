"""Pages rendered only when their key changed: the rest are linked from the previous output.

Pure: the caller's `make` renders.
"""

from __future__ import annotations

from typing import Callable, Iterator

from generator.incremental.keys import Keys
from generator.incremental.reuse import Reuse
from generator.outputs import Outputs, reuse_or_make
from generator.outputs.html import Renderer
from generator.outputs.pages import PagePlan


def start_render(renderer: Renderer, reuse: Reuse) -> Keys:
    """This render's page keys; the memos `reuse` lends are emptied first if they were made
    under another salt (layouts, catalogs, settings, date), before any is taken."""
    keys = Keys(renderer, reuse.faces, reuse.page_keys, reuse.references)
    reuse.under(keys.salt())
    return keys


def render_keyed(renderer: Renderer, plans: list[PagePlan], keys: Keys, reuse: Reuse,
                 make: Callable[[list[PagePlan]], Iterator[bytes]]) -> Outputs:
    """Every planned page, rendering only those the previous build cannot supply (`make`
    renders them: outputs/item_pages.py)."""
    keyed = [(renderer.output_path(plan), keys.key(plan), plan) for plan in plans]
    used = {plan.made_from for plan in plans}
    keys.keep_only(used)
    for stale in [m for m in reuse.plans or () if m not in used]:  # one render's plans, not every edit's
        del reuse.plans[stale]
    return reuse_or_make(keyed, reuse.previous, make)
