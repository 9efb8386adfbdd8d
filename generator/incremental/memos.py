"""The memos a one-off build leaves the next: page keys, events.json, feed and sitemap entries,
the templates each layout names, the item pages planned (items.py), the fragments of the pages
it rendered (the cards of the lists an edit reaches, which the next edit of the same files
reaches again: about two thousand, a quarter of a second at 10,000 events).

A preview keeps these in memory between rebuilds (reuse.py). A new `sitegen build`
process would otherwise make them all again for one edit: at 10,000 events, keying
42,000 pages takes 2 s, encoding 40,000 events.json entries nearly as long, and
hashing the keys of 40,000 VEVENTs and event files 1 s. So
the build that made them saves them under .cache/memos/ (sealed.py), with what
they were made under, and the next takes them back:

- the salt (keys.Keys.salt: layouts, catalogs, settings, date), checked by
  `Reuse.under` as for a preview's;
- the generator's code: a code change may change what a plan or an entry is made
  of without changing the salt, so a memo from other code is not taken.

A `Memo` holds one render's worth: what this render asked for or made. The next
build keeps that, and so never grows with the edits. The memos are kept on a shelf
(shelf.py) of shards: after one edit, only the shards holding an entry that changed
are written again.
"""

from __future__ import annotations

from pathlib import Path

from generator.incremental.reuse import Reuse
from generator.incremental.shelf import Shelf, Table

VERSION = 5
MEMOS = ("page_keys", "entries", "feed_facts", "sitemap", "references", "fragments")
"""The memos kept as they are (`Memo`s of the Reuse fields of these names)."""


class Memo(Table):
    """A memo of one render: what it made (`made`: the keys set), and what it took from the
    `earlier` one's (`get`)."""

    __slots__ = ("earlier",)

    def __init__(self, earlier: dict | None = None):
        super().__init__()
        self.earlier = earlier or {}

    def __setitem__(self, key, value) -> None:
        self.made.append(key)
        dict.__setitem__(self, key, value)

    def get(self, key, default=None):
        found = dict.get(self, key)
        if found is None:
            found = self.earlier.get(key)
            if found is None:
                return default
            dict.__setitem__(self, key, found)
        return found

    def clear(self) -> None:
        super().clear()
        self.earlier = {}
        self.made = []


def memo_shelf(folder: Path, code: str) -> Shelf:
    """Where a build's memos are kept: readable by the builds of this `code` only."""
    # The fragments too: one render's worth of them, two thousand at most after an edit, differ
    # as much as the pages a build renders do (spread, a thousand new ones reached every shard).
    return Shelf(folder, {"version": VERSION, "code": code}, whole=("page_keys", "references", "fragments"))


def lend_memos(reuse: Reuse, shelf: Shelf) -> None:
    """Give `reuse` the memos the last build kept on `shelf`."""
    saved, salt = shelf.load()
    for name in MEMOS:
        setattr(reuse, name, Memo(saved.get(name)))
    reuse.item_pages = {"items": saved.get("items", {}), "pages": saved.get("pages", {})}
    reuse.salt = salt or ""


def save_memos(reuse: Reuse, shelf: Shelf) -> None:
    """Keep this render's memos for the next build (a shard holding a value that is not plain
    data is left out: the next build makes its entries again)."""
    tables = {name: getattr(reuse, name) for name in MEMOS}
    tables.update(items=reuse.item_pages.get("items", {}), pages=reuse.item_pages.get("pages", {}))
    shelf.save(reuse.salt, tables)
