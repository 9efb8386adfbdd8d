"""Where everything lives: site paths for pages, feeds and assets.

Pure. One function per kind of address, so that templates, feeds, the
sitemap and the writer agree. Paths are site-absolute and honour the path of
`base_url` ('/calendar/en/...' when the site is published below a folder).
"""

from __future__ import annotations

from urllib.parse import urljoin

from .config import SiteConfig
from .model import Item


class Urls:
    """Addresses for one site; `absolute()` adds the scheme and host."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.prefix = config.url_prefix

    def path(self, *parts: str, folder: bool = True) -> str:
        joined = "/".join(p.strip("/") for p in parts if p)
        if not joined:
            return self.prefix
        return f"{self.prefix}{joined}/" if folder else f"{self.prefix}{joined}"

    def absolute(self, path: str) -> str:
        return urljoin(self.config.site.base_url, path)

    def root(self) -> str:
        return self.path()

    def home(self, lang: str) -> str:
        return self.path(lang)

    def year(self, lang: str, year: int) -> str:
        return self.path(lang, str(year))

    def item(self, lang: str, item: Item) -> str:
        return self.path(lang, item.section, item.id)

    def section(self, lang: str, section: str) -> str:
        """Index of 'events', 'programs', 'networks', 'categories', 'regions'."""
        return self.path(lang, section)

    def category(self, lang: str, key: str) -> str:
        return self.path(lang, "categories", key)

    def region(self, lang: str, key: str) -> str:
        return self.path(lang, "regions", key)

    def page(self, lang: str, page_id: str) -> str:
        return self.home(lang) if page_id == "home" else self.path(lang, page_id)

    # Data for other programs, and search.

    def data(self, lang: str) -> str:
        """Every published item as JSON: '/en/events.json'."""
        return self.path(lang, "events.json", folder=False)

    def schema(self) -> str:
        """The JSON Schema of `data`: '/events.schema.json'."""
        return self.path("events.schema.json", folder=False)

    def atom(self, lang: str) -> str:
        """Newly published items for feed readers: '/en/atom.xml'."""
        return self.path(lang, "atom.xml", folder=False)

    def search(self, lang: str) -> str:
        return self.path(lang, "search")

    def search_bundle(self) -> str:
        """Pagefind's index and UI, written by the indexing step: '/pagefind/'."""
        return self.path("pagefind")

    def asset(self, name: str) -> str:
        return self.path("assets", name, folder=False)

    def file(self, name: str) -> str:
        return self.path(name, folder=False)


def output_file(path: str, prefix: str) -> str:
    """A site path -> the file it is written to, relative to the output folder."""
    relative = path[len(prefix):] if path.startswith(prefix) else path.lstrip("/")
    return relative + "index.html" if relative.endswith("/") or not relative else relative
