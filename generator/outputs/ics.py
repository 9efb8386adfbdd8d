"""Site model -> iCalendar feeds: the whole calendar, each region, category,
program and network, and each event's own file, in every language.

Pure: returns Artifacts. Every file is made by the icalendar library, which
escapes text and folds lines; components are built here rather than with
`Calendar.new()`/`Event.new()`, which add a random UID, the clock and the
library's version. Nothing varies between two builds of the same commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterator

from icalendar import Calendar, Event, Timezone, vCategory, vDuration, vText, vUri

from .. import __version__, views
from ..cache import make_key
from ..calendar_entries import Entry, calendar_entry, entry_zone, in_calendars
from ..i18n import Formatter
from ..model import Item, Site
from ..parallel import render_all
from ..urls import Urls, output_file
from . import Outputs, reuse_or_make

PRODID = "-//WeGO//sitegen calendar feeds//EN"
"""Names the generator, not its version: a new release must not change every feed."""
REFRESH = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Feed:
    """One .ics file: where it lives, what it is called, which items it holds."""

    path: str
    name: str
    description: str
    items: tuple[Item, ...]
    """Only items that `in_calendars` accepts, in date order."""


def render_feeds(site: Site, formatters: dict[str, Formatter], memo: dict | None = None,
                 previous=None, workers: int | None = None) -> Outputs:
    """Every feed in every language of site.toml; those whose key the `previous` build
    (a Manifest) had are reused.

    `memo` (kept by the caller between builds) maps an item's digest, language and
    settings to its VEVENT text, so that an unchanged item is not serialised again.
    """
    memo = {} if memo is None else memo
    urls = Urls(site.config)
    events = {lang: _Events(site, lang, formatters[lang], urls, memo) for lang in site.config.language_codes}
    keyed = []
    for lang in site.config.language_codes:
        for feed in plan_feeds(site, lang, formatters[lang], urls):
            key = make_key(events[lang].settings, feed.path, feed.name, feed.description,
                           *(f"{item.id}:{item.digest}" for item in feed.items))
            keyed.append((output_file(feed.path, urls.prefix), key, (feed, events[lang])))

    def make(todo: list) -> Iterator[bytes]:
        # Only once the feeds are asked for (after the pages, when the build writes in order):
        # the page workers then fork from a process that does not yet hold every VEVENT.
        _serialise_missing(site, events, memo, workers)
        for feed, made in todo:
            yield _serialise(feed, made, urls)

    return reuse_or_make(keyed, previous, make)


def _serialise_missing(site: Site, events: dict[str, _Events], memo: dict, workers: int | None) -> None:
    """Every VEVENT not in the memo, made on every core: folding lines is the feeds' largest cost.
    Asking the memo for the others keeps them for the next build."""
    missing = [(lang, item) for lang, made in events.items() for item in site.items
               if in_calendars(item, site.config.feeds) and made.key(item) not in memo]
    texts = render_all(lambda task: events[task[0]].serialise(task[1]), missing, workers)
    for (lang, item), text in zip(missing, texts):
        memo[events[lang].key(item)] = text


class _Events:
    """Each item's calendar entry and VEVENT text, made once per language and shared by
    every feed it appears in (an event is in four or five feeds; folding lines is costly)."""

    def __init__(self, site: Site, lang: str, fmt: Formatter, urls: Urls, memo: dict):
        self.site, self.lang, self.fmt, self.urls, self.memo = site, lang, fmt, urls, memo
        # Everything an entry depends on besides the item: settings, catalog, generator.
        messages = sorted(getattr(fmt.translations, "_catalog", {}).items(), key=repr)
        self.settings = make_key(__version__, lang, fmt.locale, repr(site.config), repr(messages))
        self.keys: dict[str, str] = {}

    def key(self, item: Item) -> str:
        found = self.keys.get(item.id)
        if found is None:
            found = self.keys[item.id] = make_key(self.settings, item.id, item.digest)
        return found

    def text(self, item: Item) -> bytes:
        key = self.key(item)
        if key not in self.memo:
            self.memo[key] = self.serialise(item)
        return self.memo[key]

    def serialise(self, item: Item) -> bytes:
        url = self.urls.absolute(self.urls.item(self.lang, item))
        return _vevent(calendar_entry(item, self.lang, self.fmt, url, self.site.config)).to_ical()


def plan_feeds(site: Site, lang: str, fmt: Formatter, urls: Urls) -> list[Feed]:
    """Which feeds exist and what each holds; the pages link to the same paths."""
    _ = fmt._
    config = site.config

    def dated(items) -> tuple[Item, ...]:
        """The items calendars carry, in date order: the views keep the site's (date) order."""
        return tuple(i for i in items if in_calendars(i, config.feeds))

    def named(name: str) -> str:
        return _("%(site)s: %(name)s") % {"site": config.site.short_name, "name": name}

    feeds = [Feed(urls.feed(lang), _(config.site.title),
                  _("Every activity of %(organisation)s, with dates and places.")
                  % {"organisation": _(config.site.organisation)}, dated(site.items))]
    for reg in config.regions:
        feeds.append(Feed(urls.region_feed(lang, reg.key), named(_(reg.name)),
                          _("WeGO activities in %(name)s.") % {"name": _(reg.name)},
                          dated(views.in_region(site, reg.key))))
    for cat in config.categories:
        feeds.append(Feed(urls.category_feed(lang, cat.key), named(_(cat.name)),
                          _("WeGO activities in %(name)s.") % {"name": _(cat.name)},
                          dated(views.in_category(site, cat.key))))
    for item in site.items:
        text = item.text(lang)
        if item.kind in ("program", "network"):
            feeds.append(Feed(urls.program_feed(lang, item), named(text.title), text.summary,
                              dated(sorted((item, *views.in_program(site, item.id)), key=Item.sort_key))))
        elif urls.event_file(lang, item):
            feeds.append(Feed(urls.event_file(lang, item), text.title, text.summary, (item,)))
    return feeds


def _serialise(feed: Feed, events: _Events, urls: Urls) -> bytes:
    address = urls.absolute(feed.path)
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", vText(PRODID))
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    # RFC 7986 names first, then the X-WR- forms that Apple, Google and Outlook read.
    for key in ("NAME", "X-WR-CALNAME"):
        calendar.add(key, vText(feed.name))
    for key in ("DESCRIPTION", "X-WR-CALDESC"):
        calendar.add(key, vText(feed.description))
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add("SOURCE", vUri(address), parameters={"VALUE": "URI"})
    calendar.add("URL", vUri(address))
    zones = [(item, entry_zone(item)) for item in feed.items]
    for zone in sorted({z for _, z in zones if z}):
        years = [item.when.start.year for item, z in zones if z == zone]
        calendar.add_component(_vtimezone(zone, min(years), max(years)))
    # The events' text, made by icalendar once per item, goes where icalendar itself
    # puts subcomponents added after the time zones: just before END:VCALENDAR.
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical()
    return head[:-len(end)] + b"".join(events.text(item) for item in feed.items) + end


def _vevent(entry: Entry) -> Event:
    event = Event()
    event.add("UID", vText(entry.uid))
    # From the content's history, never the clock: unchanged items stay byte-identical,
    # and every committed edit raises SEQUENCE so that clients take it as an update.
    event.add("DTSTAMP", entry.modified)
    event.add("LAST-MODIFIED", entry.modified)
    event.add("SEQUENCE", entry.sequence)
    event.add("DTSTART", entry.start)
    if entry.end is not None:
        event.add("DTEND", entry.end)
    event.add("SUMMARY", vText(entry.title))
    event.add("DESCRIPTION", vText(entry.description))
    if entry.location:
        event.add("LOCATION", vText(entry.location))
    event.add("CATEGORIES", vCategory([entry.category]))
    event.add("URL", vUri(entry.url))
    event.add("STATUS", entry.status)
    event.add("CLASS", "PUBLIC")
    event.add("TRANSP", "TRANSPARENT" if entry.transparent else "OPAQUE")
    return event


@lru_cache(maxsize=64)
def _vtimezone(zone: str, first_year: int, last_year: int) -> Timezone:
    """The zone's rules over the feed's years, from zoneinfo: the same input gives the same text.

    Cached because icalendar searches the transitions second by second; the
    component is only ever serialised, never changed.
    """
    return Timezone.from_tzid(zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1))
