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

from icalendar import Calendar, Event, Timezone, vCategory, vDuration, vText, vUri

from .. import views
from ..calendar_entries import Entry, calendar_entry, in_calendars
from ..i18n import Formatter
from ..model import Item, Site
from ..urls import Urls, output_file
from . import Artifact

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


def render_feeds(site: Site, formatters: dict[str, Formatter]) -> list[Artifact]:
    """Every feed in every language of site.toml."""
    return [artifact for lang in site.config.language_codes
            for artifact in render_ics(site, lang, formatters[lang])]


def render_ics(site: Site, lang: str, fmt: Formatter) -> list[Artifact]:
    """The feeds of one language, their words in it (or in the original where untranslated)."""
    urls = Urls(site.config)
    return [Artifact(output_file(feed.path, urls.prefix), _calendar(site, feed, lang, fmt, urls).to_ical())
            for feed in plan_feeds(site, lang, fmt, urls)]


def plan_feeds(site: Site, lang: str, fmt: Formatter, urls: Urls) -> list[Feed]:
    """Which feeds exist and what each holds; the pages link to the same paths."""
    _ = fmt._
    config = site.config

    def dated(items) -> tuple[Item, ...]:
        return tuple(sorted((i for i in items if in_calendars(i, config.feeds)), key=Item.sort_key))

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
                              dated((item, *views.in_program(site, item.id)))))
        elif urls.event_file(lang, item):
            feeds.append(Feed(urls.event_file(lang, item), text.title, text.summary, (item,)))
    return feeds


def _calendar(site: Site, feed: Feed, lang: str, fmt: Formatter, urls: Urls) -> Calendar:
    entries = [calendar_entry(item, lang, fmt, urls.absolute(urls.item(lang, item)), site.config)
               for item in feed.items]
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
    for zone in sorted({e.zone for e in entries if e.zone}):
        years = [e.start.year for e in entries if e.zone == zone]
        calendar.add_component(_vtimezone(zone, min(years), max(years)))
    for entry in entries:
        calendar.add_component(_vevent(entry))
    return calendar


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
