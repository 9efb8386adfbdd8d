"""Pages rendered only when their key changed: the rest are linked from the previous output.

Pure: the caller's `make` renders.
"""

from __future__ import annotations

from typing import Callable, Iterator

from generator.content.model import Site
from generator.incremental.items import item_index
from generator.incremental.keys import Keys
from generator.incremental.reuse import Reuse
from generator.outputs import Artifact, Outputs, Previous, Unchanged, reuse_or_make
from generator.outputs.html import Renderer
from generator.outputs.pages import ListedPages, PagePlan


def start_render(renderer: Renderer, reuse: Reuse) -> Keys:
    """This render's page keys; the memos `reuse` lends are emptied first if they were made
    under another salt (layouts, catalogs, settings, date), before any is taken."""
    keys = Keys(renderer, reuse.faces, reuse.page_keys, reuse.references)
    reuse.under(keys.salt())
    return keys


def render_keyed(renderer: Renderer, plans: list, keys: Keys, reuse: Reuse,
                 make: Callable[[list[PagePlan]], Iterator[bytes]]) -> tuple[Outputs, dict[str, str], Iterator[Artifact | Unchanged]]:
    """Every planned page, rendering only those the previous build cannot supply (`make`
    renders them: outputs/item_pages.py), with its key by its file and by its address; the
    pages of the items no edit reached (`ListedPages`) come apart, to be written after the
    others, and their keys are added as they are (`_listed_pages`)."""
    by_path, keyed, blocks = {}, [], []
    for plan in plans:
        if type(plan) is ListedPages:
            blocks.append(plan)
            continue
        key = keys.key(plan)
        by_path[plan.path] = key
        keyed.append((renderer.output_path(plan), key, plan))
    pages = reuse_or_make(keyed, reuse.previous, make)
    return pages, by_path, _listed_pages(blocks, reuse.previous, make, pages.keys, by_path)


def _listed_pages(blocks: list[ListedPages], previous: Previous | None, make: Callable[[list[PagePlan]], Iterator[bytes]],
                  keys: dict[str, str], by_path: dict[str, str]) -> Iterator[Artifact | Unchanged]:
    """The listed pages: the previous build's files, as one `Unchanged`, then those made where
    that is not the file the last build recorded (changed or removed by hand since); their keys
    are added to `keys` (by file) and `by_path` (by address) once they are asked for. Their
    files and keys are the ones the item index listed (items.py), not looked up again by what
    each page is made from (40,000 large tuples hashed at 10,000 events), nor kept so in the
    page keys memo (which then holds the lists' only)."""
    listed = {}
    for block in blocks:
        for _, path, _, key, file in block.entries:
            listed[file] = by_path[path] = key
    keys.update(listed)
    kept = previous.unchanged(listed) if previous is not None else set()
    if kept:
        yield Unchanged([file for file in listed if file in kept])
    todo = [(entry[4], block.plan(entry)) for block in blocks for entry in block.entries if entry[4] not in kept]
    if todo:
        yield from (Artifact(file, data) for (file, _), data in zip(todo, make([plan for _, plan in todo])))


def finish_render(site: Site, plans: list[PagePlan], keys: Keys, reuse: Reuse,
                  planned: dict[tuple[str, str], list], by_path: dict[str, str]) -> None:
    """What the next render takes of this one, once its pages are written (a preview's
    browsers reload before): the item index (items.py), and a preview's memos of plans and
    keys cut to this render's worth (a one-off build's hold what it asked for)."""
    reuse.item_pages = item_index(site, planned, by_path)
    if reuse.plans is not None:
        used = set()
        for plan in plans:
            if type(plan) is ListedPages:
                used.update(entry[2] for entry in plan.entries)
            else:
                used.add(plan.made_from)
        keys.keep_only(used)
        for stale in [m for m in reuse.plans if m not in used]:
            del reuse.plans[stale]
