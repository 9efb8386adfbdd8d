"""Pages rendered only when their key changed: the rest are linked from the previous output.

Pure: the caller's `make` renders.
"""

from __future__ import annotations

from typing import Callable, Iterator

from generator.content.model import Site
from generator.incremental.items import item_index
from generator.incremental.keys import Keys
from generator.incremental.reuse import Reuse
from generator.outputs import Outputs, reuse_or_make
from generator.outputs.html import Renderer
from generator.outputs.pages import DeferredPlan, PagePlan


def start_render(renderer: Renderer, reuse: Reuse) -> Keys:
    """This render's page keys; the memos `reuse` lends are emptied first if they were made
    under another salt (layouts, catalogs, settings, date), before any is taken."""
    keys = Keys(renderer, reuse.faces, reuse.page_keys, reuse.references)
    reuse.under(keys.salt())
    return keys


def render_keyed(renderer: Renderer, plans: list[PagePlan], keys: Keys, reuse: Reuse,
                 make: Callable[[list[PagePlan]], Iterator[bytes]]) -> tuple[Outputs, dict[str, str]]:
    """Every planned page, rendering only those the previous build cannot supply (`make`
    renders them: outputs/item_pages.py); and each page's key by its address. The pages of the
    items no edit reached come with their file and key as the item index listed them
    (`DeferredPlan.listed`, items.py): not looked up again by what each page is made from
    (40,000 large tuples hashed at 10,000 events), nor kept so in the page keys memo (which
    then holds the lists' only)."""
    by_path, keyed = {}, []
    for plan in plans:
        listed = plan.listed if type(plan) is DeferredPlan else None
        file, key = listed if listed is not None else (renderer.output_path(plan), keys.key(plan))
        by_path[plan.path] = key
        keyed.append((file, key, plan))
    return reuse_or_make(keyed, reuse.previous, make), by_path


def finish_render(site: Site, plans: list[PagePlan], keys: Keys, reuse: Reuse,
                  planned: dict[tuple[str, str], list], by_path: dict[str, str]) -> None:
    """What the next render takes of this one, once its pages are written (a preview's
    browsers reload before): the item index (items.py), and a preview's memos of plans and
    keys cut to this render's worth (a one-off build's hold what it asked for)."""
    reuse.item_pages = item_index(site, planned, by_path)
    if reuse.plans is not None:
        used = {plan.made_from for plan in plans}
        keys.keep_only(used)
        for stale in [m for m in reuse.plans if m not in used]:
            del reuse.plans[stale]
