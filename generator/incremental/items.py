"""Which items no edit reached since the last render: their pages are planned from what it planned.

Pure. An item's pages are made from the item, its program and its program's members (the
inputs of outputs/pages.py `_item_page`: their ids and digests, the program's feed, the
pager); everything else they are made from (settings, layouts, catalogs, date, processed
images) is in the salt this index is kept under (reuse.py). So an edit of an item reaches
the pages of that item, of its program before and after the edit, and of its members; an
item added or removed, those of its program. At 10,000 events, working out what each of
40,000 item pages is made from took half a second of a one-file rebuild.
"""

from __future__ import annotations

from typing import Mapping

from generator.content.model import Site
from generator.outputs.urls import output_file


def unchanged_pages(site: Site, index: dict) -> dict[tuple[str, str], tuple]:
    """The pages the last render planned (`index`, from `item_index`) of the items no edit
    reached, by language and id."""
    before, pages = index.get("items", {}), index.get("pages", {})
    now = {i.id: (i.digest, i.program) for i in site.items}
    changed = {id for id in now.keys() | before.keys() if now.get(id) != before.get(id)}
    reached = set(changed)
    for id in changed:
        for facts in (now.get(id), before.get(id)):
            if facts is not None and facts[1]:
                reached.add(facts[1])  # its program, which lists it
    reached.update(id for id, (digest, program) in now.items() if program in changed or digest is None)
    return {key: found for key, found in pages.items() if key[1] not in reached}


def item_index(site: Site, planned: dict[tuple[str, str], list | tuple], keys: Mapping[str, str]) -> dict:
    """This render's item pages (`Planner.planned`: plans, or the entries of `unchanged_pages`
    for an item no edit reached, taken as they are) with their `keys` (by address) and files,
    and what `unchanged_pages` compares next time."""
    prefix = site.config.url_prefix
    pages = {found: plans if type(plans) is tuple else
             tuple((plan.template, plan.path, plan.made_from, keys[plan.path], output_file(plan.path, prefix))
                   for plan in plans)
             for found, plans in planned.items()}
    return {"items": {i.id: (i.digest, i.program) for i in site.items}, "pages": pages}
