"""Which calendar feeds the site publishes, what each holds, and how far back it reaches.

Pure: no file access, no clock (the build date is passed in). ics.py writes
the feeds planned here, and the page plans (html.py) and events.json ask the
same functions whether a feed exists, so that no page links to a feed that
is not published, and no feed is published without an event in it (RFC 5545
requires at least one component).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Callable

from generator.config import Feeds
from generator.content.model import Item, Site
from generator.i18n.formatting import Formatter
from generator.outputs.calendar.entries import in_calendars
from generator.outputs.urls import Urls
from generator.views import queries as views


@dataclass(frozen=True, slots=True)
class Feed:
    """One .ics file: where it lives, what it is called, which items it holds."""

    path: str
    name: str
    description: str
    items: tuple[Item, ...]
    """Only items that `in_calendars` accepts, in date order; never empty."""
    subscription: bool = True
    """A calendar to subscribe to (calendar-level name, refresh interval, short descriptions);
    False for an event's own file behind "Add to calendar", which holds one appointment."""


def window_start(feeds: Feeds, today: date) -> date | None:
    """The first day the windowed feeds reach back to: `window_months` before the build date
    (the same day of the month, or its last day); None when they keep every year."""
    months = feeds.window_months
    if not months:
        return None
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def complete(items: tuple[Item, ...], feeds: Feeds) -> tuple[Item, ...]:
    """The items of a feed that keeps every year (a program's, a year's)."""
    return tuple(i for i in items if in_calendars(i, feeds))


def program_items(site: Site, item: Item) -> tuple[Item, ...]:
    """A program's or network's feed: itself (when dated) and its activities, every year; the
    same whatever the build date, so events.json (which has none) can ask too."""
    return complete(views.with_members(site, item.id), site.config.feeds)


class FeedLists:
    """What each feed of the site holds, the same in every language: pages and feeds ask here,
    and each list is made once per render, not once per language and asker."""

    def __init__(self, site: Site, today: date, dated: Callable[[tuple[Item, ...]], tuple[Item, ...]] | None = None):
        self.site, self.today, self.feeds = site, today, site.config.feeds
        self._dated = dated or (lambda items: complete(items, self.feeds))
        self._made: dict[tuple, tuple[Item, ...]] = {}
        # The window ends at the build date, or at the calendar's last activity if that is
        # earlier: a calendar with nothing recent keeps its last months of activity in its
        # feeds, so that subscribers' addresses never stop answering.
        ends = [i.when.end for i in self._dated(site.items)]
        self._start = window_start(self.feeds, min(today, max(ends)) if ends else today)

    def whole(self) -> tuple[Item, ...]:
        return self._once(("whole",), lambda: self._window(self.site.items))

    def region(self, key: str) -> tuple[Item, ...]:
        return self._once(("region", key), lambda: self._window(views.in_region(self.site, key)))

    def category(self, key: str) -> tuple[Item, ...]:
        return self._once(("category", key), lambda: self._window(views.in_category(self.site, key)))

    def program(self, item: Item) -> tuple[Item, ...]:
        """A program's or network's feed: itself (when dated) and its activities, every year."""
        return self._once(("program", item.id), lambda: self._dated(views.with_members(self.site, item.id)))

    def year(self, year: int) -> tuple[Item, ...]:
        """A year's complete feed, for the archive: every item that touches the year."""
        return self._once(("year", year), lambda: self._dated(views.in_year(self.site, year)))

    def _once(self, name: tuple, make: Callable[[], tuple[Item, ...]]) -> tuple[Item, ...]:
        found = self._made.get(name)
        if found is None:
            found = self._made[name] = make()
        return found

    def _window(self, items: tuple[Item, ...]) -> tuple[Item, ...]:
        """Those that end on or after the window's start. An item known to the month or quarter
        counts by the last day of its period; year-round and undated items are in no feed."""
        dated = self._dated(items)
        return dated if self._start is None else tuple(i for i in dated if i.when.end >= self._start)


def published(path: str, items: tuple[Item, ...]) -> str | None:
    """The feed's path if it is published (it holds an event), else None: what pages link to."""
    return path if items else None


def plan_feeds(site: Site, lang: str, fmt: Formatter, urls: Urls, lists: FeedLists) -> list[Feed]:
    """The feeds of lists in `lang` that hold at least one event: the whole calendar, each region,
    category, program, network and year (each event's own file is ics.py's)."""
    _ = fmt._
    config = site.config

    def named(name: str) -> str:
        return _("%(site)s: %(name)s") % {"site": config.site.short_name, "name": name}

    feeds = [Feed(urls.feed(lang), _(config.site.title),
                  _("Every activity of %(organisation)s, with dates and places.")
                  % {"organisation": _(config.site.organisation)}, lists.whole())]
    for reg in config.regions:
        feeds.append(Feed(urls.region_feed(lang, reg.key), named(_(reg.name)),
                          _("WeGO activities in %(name)s.") % {"name": _(reg.name)}, lists.region(reg.key)))
    for cat in config.categories:
        feeds.append(Feed(urls.category_feed(lang, cat.key), named(_(cat.name)),
                          _("WeGO activities in %(name)s.") % {"name": _(cat.name)}, lists.category(cat.key)))
    for kind in ("program", "network"):
        for item in site.of_kind(kind):
            text = item.text(lang)
            feeds.append(Feed(urls.program_feed(lang, item), named(text.title), text.summary, lists.program(item)))
    for year in views.years(site):
        title = _("%(year)s Calendar of Activities") % {"year": fmt.year(year)}
        feeds.append(Feed(urls.year_feed(lang, year), named(title),
                          _("Every WeGO activity of %(year)s, with dates and places.") % {"year": fmt.year(year)},
                          lists.year(year)))
    return [feed for feed in feeds if feed.items]
