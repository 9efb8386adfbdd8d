"""What one render may take from earlier work, as one typed object.

Pure data. The pipeline (build.render_site) hands each output its part: the
page renderer its fragments, the feeds their VEVENTs, the brochure its PDFs,
the body images their processed files, events.json its entries, the search
index its Korean pages' compound marks. A one-off build's comes from .cache/ (cache.py); a
preview keeps one for its whole life (kept.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import MutableMapping

import jinja2

from generator.incremental.manifest import Manifest


@dataclass
class Reuse:
    previous: Manifest | None
    """The previous output's files by key: pages and feeds whose key is unchanged are linked, not made."""
    vevents: MutableMapping[str, bytes]
    """Each item's VEVENT by a hash of the item, language and settings (outputs/calendar/ics.py)."""
    pdfs: MutableMapping[str, tuple[bytes, int]]
    """Each brochure's PDF and page count by a hash of its HTML and design (outputs/brochure.py)."""
    templates: jinja2.BytecodeCache | None = None
    """Compiled layouts."""
    images: MutableMapping[str, tuple] = field(default_factory=dict)
    """Each body photo's processed files by a hash of the original and the encoder settings
    (outputs/images.py): resizing and encoding a photo takes about a second."""
    marks: MutableMapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Korean pages' compound breaks for the search index by a hash of the page and the analyzer
    (outputs/search.py): loading Kiwi to find them takes seconds."""
    fragments: dict[tuple, str] = field(default_factory=dict)
    """Item fragments of the page renderer, as HTML text (outputs/html.py Renderer.fragment): a
    list page shows a hundred cards, and the pages an edit reaches, about two thousand."""
    faces: dict[tuple, str] = field(default_factory=dict)
    """Items' faces by id and digest (keys.py)."""
    entries: dict[tuple, bytes] = field(default_factory=dict)
    """Items' entries in events.json by language, id and digest (outputs/data.py)."""
    sitemap: dict = field(default_factory=dict)
    """Pages' entries in sitemap.xml by their keys (outputs/sitemap.py)."""
    feed_facts: dict[tuple, tuple] = field(default_factory=dict)
    """Items' VEVENT keys and own feeds by settings, id and digest (outputs/calendar/ics.py)."""
    plans: dict | None = field(default_factory=dict)
    """A preview's pages' plans by what they are made from (outputs/pages.py PagePlan.made_from);
    None: a one-off build, which defers each plan instead (outputs/plans.py kept_plan)."""
    item_pages: dict = field(default_factory=dict)
    """The last render's item pages, by language and item, and its items' digests and programs
    (items.py): the pages of an item no edit reached are not planned again."""
    page_keys: dict[tuple, str] = field(default_factory=dict)
    """Pages' keys by what their plans are made from (keys.py)."""
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The templates each layout names, by its source's hash (keys.py): valid under any salt."""
    salt: str = ""
    """What the memos above were made under: layouts, catalogs, settings, date."""

    def under(self, salt: str) -> None:
        """Keep the memos only if they were made under the same `salt` (keys.Keys.salt): an
        edit of a layout, a catalog or site.toml, or another date, empties them."""
        if salt != self.salt:
            self.fragments.clear()
            self.faces.clear()
            self.entries.clear()
            self.sitemap.clear()
            self.feed_facts.clear()
            if self.plans is not None:
                self.plans.clear()
            self.page_keys.clear()
            self.item_pages = {}
            self.salt = salt
