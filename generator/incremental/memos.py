"""The memos a one-off build leaves the next: page keys, events.json, feed and sitemap entries,
the templates each layout names, the item pages planned (items.py).

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
file holds that, and so never grows with the edits.
"""

from __future__ import annotations

from pathlib import Path

from generator.incremental.reuse import Reuse
from generator.incremental.sealed import read_sealed, write_sealed

VERSION = 1


class Memo(dict):
    """A memo of one render: what it made, and what it took from the `earlier` one's (`get`)."""

    __slots__ = ("earlier",)

    def __init__(self, earlier: dict | None = None):
        super().__init__()
        self.earlier = earlier or {}

    def get(self, key, default=None):
        found = dict.get(self, key)
        if found is None:
            found = self.earlier.get(key)
            if found is None:
                return default
            self[key] = found
        return found

    def clear(self) -> None:
        super().clear()
        self.earlier = {}


def lend_memos(reuse: Reuse, file: Path, code: str) -> None:
    """Give `reuse` the memos the last build saved in `file`, if made by this `code`."""
    saved = read_sealed(file)
    if not saved or saved.get("version") != VERSION or saved.get("code") != code:
        saved = {}
    reuse.page_keys = Memo(saved.get("page_keys"))
    reuse.entries = Memo(saved.get("entries"))
    reuse.feed_facts = Memo(saved.get("feed_facts"))
    reuse.sitemap = Memo(saved.get("sitemap"))
    reuse.references = Memo(saved.get("references"))
    reuse.item_pages = saved.get("item_pages") or {}
    reuse.salt = saved.get("salt", "")


def save_memos(reuse: Reuse, file: Path, code: str) -> None:
    """Keep this render's memos for the next build (nothing, if one is not plain data)."""
    try:
        write_sealed(file, {"version": VERSION, "code": code, "salt": reuse.salt,
                            "page_keys": dict(reuse.page_keys), "entries": dict(reuse.entries),
                            "feed_facts": dict(reuse.feed_facts), "sitemap": dict(reuse.sitemap),
                            "references": dict(reuse.references), "item_pages": reuse.item_pages})
    except ValueError:  # marshal: a value that is not plain data; the next build makes it again
        pass
