"""Where everything lives: site paths for pages, feeds and assets.

Pure. One function per kind of address, so that templates, feeds, the
sitemap and the writer agree. Paths are site-absolute and honour the path of
`base_url` ('/calendar/en/...' when the site is published below a folder).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from generator.outputs.calendar.entries import AppLinks, app_links, calendar_entry, in_calendars
from generator.config import SiteConfig
from generator.i18n.formatting import Formatter
from generator.content.model import Item


class Urls:
    """Addresses for one site; `absolute()` adds the scheme and host."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.prefix = config.url_prefix
        parts = urlsplit(config.site.base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"

    def path(self, *parts: str, folder: bool = True) -> str:
        joined = "/".join(p.strip("/") for p in parts if p)
        if not joined:
            return self.prefix
        return f"{self.prefix}{joined}/" if folder else f"{self.prefix}{joined}"

    def absolute(self, path: str) -> str:
        if path.startswith("/") and not path.startswith("//"):
            return self._origin + path  # site paths: no need for urljoin's general rules
        return urljoin(self.config.site.base_url, path)

    def root(self) -> str:
        return self.path()

    def home(self, lang: str) -> str:
        return self.path(lang)

    def year(self, lang: str, year: int) -> str:
        return self.path(lang, str(year))

    def item(self, lang: str, item: Item) -> str:
        # self.path's result, without its general joining: asked 350,000 times at 10,000
        # events (pages, alternates, feeds), and an id is checked to be one plain segment.
        return f"{self.prefix}{lang}/{item.section}/{item.id}/"

    def section(self, lang: str, section: str) -> str:
        """Index of 'events', 'programs', 'networks', 'categories', 'regions'."""
        return self.path(lang, section)

    def list_page(self, first: str, number: int) -> str:
        """Page `number` of a list whose first page is `first`: '/en/events/page/2/'."""
        return first if number == 1 else f"{first}page/{number}/"

    def category(self, lang: str, key: str) -> str:
        return self.path(lang, "categories", key)

    def region(self, lang: str, key: str) -> str:
        return self.path(lang, "regions", key)

    def month(self, lang: str, year: int, month: int) -> str:
        """A month's grid: '/en/2024/11/', beside the year's page."""
        return self.path(lang, str(year), f"{month:02d}")

    def format(self, lang: str, key: str) -> str:
        """Items by how people take part: '/en/formats/online/'."""
        return self.path(lang, "formats", key)

    def page(self, lang: str, page_id: str) -> str:
        return self.home(lang) if page_id == "home" else self.path(lang, page_id)

    # Calendar feeds: fixed, guessable names next to the page each belongs to.

    def feed(self, lang: str) -> str:
        """The whole calendar: '/en/calendar.ics'."""
        return self.path(lang, "calendar.ics", folder=False)

    def region_feed(self, lang: str, key: str) -> str:
        return self.path(lang, "regions", key, "calendar.ics", folder=False)

    def category_feed(self, lang: str, key: str) -> str:
        return self.path(lang, "categories", key, "calendar.ics", folder=False)

    def program_feed(self, lang: str, item: Item) -> str:
        """A program's or network's calendar: itself and its activities."""
        return self.path(lang, item.section, item.id, "calendar.ics", folder=False)

    def year_feed(self, lang: str, year: int) -> str:
        """A year's complete calendar, for the archive: '/en/2024/calendar.ics'."""
        return self.path(lang, str(year), "calendar.ics", folder=False)

    def event_file(self, lang: str, item: Item) -> str | None:
        """An event's own .ics ("Add to calendar"), or None when calendars leave it out."""
        if item.kind != "event" or not in_calendars(item, self.config.feeds):
            return None
        return f"{self.item(lang, item)}event.ics"

    def webcal(self, path: str) -> str:
        """The subscription link desktop calendar apps open: 'webcal://host/en/calendar.ics'."""
        parts = urlsplit(self.absolute(path))
        return f"webcal://{parts.netloc}{parts.path}"

    def calendar_apps(self, lang: str, item: Item, fmt: Formatter) -> AppLinks:
        """Google Calendar and Outlook.com links prefilled with the item's entry in `lang`."""
        page = self.absolute(self.item(lang, item))
        return app_links(calendar_entry(item, lang, fmt, page, self.config))

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
