"""Site model -> iCalendar feeds: the whole calendar, each region, category,
program, network and year, and each event's own file, in every language.

Pure: returns Artifacts. Every file is made by the icalendar library, which
escapes text and folds lines; components are built here rather than with
`Calendar.new()`/`Event.new()`, which add a random UID, the clock and the
library's version. Nothing varies between two builds of the same commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Iterator, MutableMapping

from icalendar import Calendar, Event, Timezone, vCategory, vDuration, vRecur, vText, vUri

from generator import __version__

from generator.outputs.calendar.entries import Entry, calendar_entry, daily_rule, entry_zone, in_calendars
from generator.outputs.calendar.feeds import Feed, FeedLists, plan_feeds
from generator.i18n.catalogs import catalog_messages
from generator.i18n.formatting import Formatter
from generator.content.model import Item, Site
from generator.parallel import render_all
from generator.outputs.urls import Urls, output_file
from generator.outputs import Outputs, Previous, make_key, reuse_or_make

PRODID = "-//WeGO//sitegen calendar feeds//EN"
"""Names the generator, not its version: a new release must not change every feed."""
REFRESH = timedelta(days=1)
SIZE_LIMIT = 1_000_000
"""Bytes past which Google Calendar drops a subscription (`sitegen check` warns)."""


class Calendars:
    """Every language's calendar entries and VEVENT texts for one render, made before the
    pages: an item's page task makes the item's VEVENTs from the body it parsed for the page
    (outputs/item_pages.py), and the feeds then only assemble their bytes.

    `vevents` (kept by the caller between builds) maps an item's digest, language and
    settings to its VEVENT texts, so that an unchanged item is not serialised again; `facts`
    (a preview's) keeps the keys and own feed of each item by the same.
    """

    def __init__(self, site: Site, formatters: dict[str, Formatter], today: date,
                 vevents: MutableMapping[str, bytes] | None = None,
                 facts: MutableMapping[tuple, tuple] | None = None):
        self.site, self.formatters, self.today = site, formatters, today
        self.vevents = {} if vevents is None else vevents
        self.urls = Urls(site.config)
        self.lists = _Lists(site)
        self.feed_lists = FeedLists(site, today, self.lists.dated)
        facts = {} if facts is None else facts
        self.made: dict[str, bytes] = {}
        """This render's VEVENTs by key (in every language: a key names its language's settings)."""
        self.events = {lang: _Events(site, lang, formatters[lang], self.urls, self.vevents, facts, self.made)
                       for lang in site.config.language_codes}
        self.fresh: dict[str, bytes] = {}
        """The VEVENTs made in this render, for `vevents` (written at once with the feeds)."""
        self._claimed: set[str] = set()

    def to_make(self, item: Item, lang: str) -> tuple[tuple[str, bool], ...]:
        """(key, brief) of the item's VEVENTs in `lang` that neither `vevents` nor another task
        holds: its page's task makes them (`make`), the feeds take them (`keep`)."""
        if not self.lists.carries(item):
            return ()
        made, todo = self.events[lang], []
        for brief in _kinds(item):
            key = made.key(item, brief)
            # Only asked whether the store has it: read at the feeds, after the page workers
            # forked, so that they do not start with every VEVENT in memory.
            if key not in self._claimed and key not in self.made and key not in self.vevents:
                self._claimed.add(key)
                todo.append((key, brief))
        return tuple(todo)

    def make(self, item: Item, lang: str, todo: tuple[tuple[str, bool], ...],
             body_text: str | None = None) -> tuple[tuple[str, bytes], ...]:
        """The VEVENTs `to_make` named, with `body_text`, the body as plain text (None: parsed here)."""
        texts = self.events[lang].serialise_each(item, tuple(brief for _, brief in todo), body_text)
        return tuple((key, text) for (key, _), text in zip(todo, texts))

    def keep(self, made: tuple[tuple[str, bytes], ...]) -> None:
        """VEVENTs a page task made: the feeds use them, the store keeps them."""
        for key, text in made:
            self.fresh[key] = self.made[key] = text


def render_feeds(site: Site, formatters: dict[str, Formatter], today: date,
                 vevents: MutableMapping[str, bytes] | None = None,
                 previous: Previous | None = None, workers: int | None = None,
                 facts: MutableMapping[tuple, tuple] | None = None, calendars: Calendars | None = None) -> Outputs:
    """Every feed in every language of site.toml that holds an event; those whose key the
    `previous` build had are reused. `today` (the build date) decides how far back the
    subscription feeds reach (feeds.window_start). `vevents` and `facts`: see Calendars;
    `calendars`: the render's, holding the VEVENTs its page tasks made (then `vevents` and
    `facts` are its own).
    """
    calendars = calendars or Calendars(site, formatters, today, vevents, facts)
    urls, lists, events = calendars.urls, calendars.lists, calendars.events
    keyed = []
    for lang, made in events.items():
        for feed in plan_feeds(site, lang, formatters[lang], urls, calendars.feed_lists):
            key = make_key(made.settings, feed.path, feed.name, feed.description, lists.digest(feed.items))
            keyed.append((output_file(feed.path, urls.prefix), key, (feed, made)))
        owns = ((item, made.own(item)) for item in lists.calendar)
        # An event's own file is described only if it is made (`make`): 40,000 of them at 10,000 events.
        keyed += [(file, key, (item, made)) for item, (file, key) in owns if file is not None]

    def make(todo: list) -> Iterator[bytes]:
        todo = [(made.own_feed(feed) if type(feed) is Item else feed, made) for feed, made in todo]
        # Only once the feeds are asked for (after the pages, when the build writes in order):
        # the page workers then fork from a process that does not yet hold every VEVENT.
        _serialise_missing(calendars, workers, todo)
        for feed, made in todo:
            yield _serialise(feed, made, urls)

    return reuse_or_make(keyed, previous, make)


def _kinds(item: Item) -> tuple[bool, ...]:
    """Its VEVENTs, by `brief`: subscription feeds' (brief), and an event's own file's (whole)."""
    return (True, False) if item.kind == "event" else (True,)


def _serialise_missing(calendars: Calendars, workers: int | None, todo: list[tuple[Feed, _Events]]) -> None:
    """Every VEVENT the feeds `todo` hold that neither the page tasks nor `vevents` made, made on
    every core (items whose page the previous build supplied and the store lost); those `vevents`
    has are read from it. Only the feeds to make are looked at: after one edit, a few feeds, not
    the whole store's 80,000 VEVENTs (reading those took 12 s at 10,000 events, looking up each
    item's keys in every language a tenth of a second). The page tasks' VEVENTs and these go to
    `vevents` at once."""
    events, vevents = calendars.events, calendars.vevents
    missing: dict[str, tuple[str, Item, bool]] = {}
    for feed, made in todo:
        for item in feed.items:
            key = made.key(item, feed.subscription)
            if key in made.made or key in missing:
                continue
            found = vevents.get(key)
            if found is None:
                missing[key] = (made.lang, item, feed.subscription)
            else:
                made.made[key] = found
    tasks = _in_calendar_order(calendars, list(missing.values()))
    texts = render_all(lambda task: events[task[0]].serialise(task[1], task[2]), tasks, workers)
    new = calendars.fresh
    for (lang, item, brief), text in zip(tasks, texts):
        new[events[lang].key(item, brief)] = events[lang].made[events[lang].key(item, brief)] = text
    vevents.update(new)  # at once: the store writes them in one transaction
    new.clear()


def _in_calendar_order(calendars: Calendars, tasks: list[tuple[str, Item, bool]]) -> list[tuple[str, Item, bool]]:
    """An item's languages side by side, as the calendar orders them: those without a
    translation share its original's text (after one edit there is nothing to order, and the
    calendar's 10,000 items are not indexed for it)."""
    if len(tasks) < 2:
        return tasks
    order = {item.id: number for number, item in enumerate(calendars.lists.calendar)}
    languages = {lang: number for number, lang in enumerate(calendars.events)}
    return sorted(tasks, key=lambda task: (order.get(task[1].id, -1), languages[task[0]], not task[2]))


class _Lists:
    """The items calendars carry, per list of the views: the same in every language, so
    filtered and hashed once per list (a list is named by its items' ids)."""

    def __init__(self, site: Site):
        self.calendar = tuple(i for i in site.items if in_calendars(i, site.config.feeds))
        self._carried = frozenset(i.id for i in self.calendar)
        self._digests: dict[tuple[str, ...], str] = {}

    def carries(self, item: Item) -> bool:
        return item.id in self._carried

    def dated(self, items: tuple[Item, ...]) -> tuple[Item, ...]:
        """The items of a view that calendars carry, in its (date) order."""
        return tuple(i for i in items if i.id in self._carried)

    def digest(self, items: tuple[Item, ...]) -> str:
        ids = tuple(i.id for i in items)
        found = self._digests.get(ids)
        if found is None:
            found = self._digests[ids] = make_key(*(f"{i.id}:{i.digest}" for i in items))
        return found


class _Events:
    """Each item's calendar entry and VEVENT text (with the short description of subscription
    feeds), made once per language and shared by every feed it appears in (an event is in four
    to six feeds; folding lines is costly)."""

    def __init__(self, site: Site, lang: str, fmt: Formatter, urls: Urls, vevents: MutableMapping[str, bytes],
                 facts: MutableMapping[tuple, tuple], made: dict[str, bytes]):
        self.site, self.lang, self.fmt, self.urls, self.vevents, self.facts = site, lang, fmt, urls, vevents, facts
        self.made = made
        """This render's VEVENTs by key (Calendars.made): an item is in four or five feeds, `vevents` read once."""
        # Everything an entry depends on besides the item: settings, catalog, generator.
        self.settings = make_key(__version__, lang, fmt.locale, repr(site.config), catalog_messages(fmt.translations))

    def key(self, item: Item, brief: bool = True) -> str:
        """Its VEVENT's key in `vevents`: the brief one of subscription feeds, or the whole one."""
        return self._facts(item)[0 if brief else 1]

    def own(self, item: Item) -> tuple[str | None, str | None]:
        """File and key of the item's own .ics; both None if it has none."""
        return self._facts(item)[2:]

    def own_feed(self, item: Item) -> Feed:
        """The item's own .ics, as a Feed of one (`own` says whether it has one)."""
        text = item.text(self.lang)
        return Feed(self.urls.event_file(self.lang, item), text.title, text.summary, (item,), False)

    def _facts(self, item: Item) -> tuple[str, str, str | None, str | None]:
        """Its VEVENTs' keys (brief, whole), its own file and that file's key: plain strings, which
        a one-off build keeps for the next (incremental/memos.py)."""
        found = self.facts.get((self.settings, item.id, item.digest)) if item.digest else None
        if found is None:
            found = (make_key(self.settings, "brief", item.id, item.digest),
                     make_key(self.settings, "whole", item.id, item.digest), *self._own(item))
            if item.digest:
                self.facts[(self.settings, item.id, item.digest)] = found
        return found

    def _own(self, item: Item) -> tuple[str | None, str | None]:
        path = self.urls.event_file(self.lang, item)
        if not path:
            return None, None
        return output_file(path, self.urls.prefix), make_key(self.settings, "single", path, f"{item.id}:{item.digest}")

    def text(self, item: Item, brief: bool = True) -> bytes:
        key = self.key(item, brief)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = self.vevents[key] = self.serialise(item, brief)
        return found

    def serialise(self, item: Item, brief: bool = True, body_text: str | None = None) -> bytes:
        """The VEVENT of subscription feeds (`brief`) or of the event's own file (the whole text,
        with `body_text`: the body as plain text, made from its page's parse; None: parsed here)."""
        return self.serialise_each(item, (brief,), body_text)[0]

    def serialise_each(self, item: Item, briefs: tuple[bool, ...], body_text: str | None = None) -> list[bytes]:
        """The VEVENT for each of `briefs` (`serialise`): one entry, one component whose
        DESCRIPTION alone changes (icalendar writes properties in its own order, not ours)."""
        url = self.urls.absolute(self.urls.item(self.lang, item))
        entry = calendar_entry(item, self.lang, self.fmt, url, self.site.config)
        event, texts = _vevent(entry), []
        for brief in briefs:
            # Subscription feeds: the summary, place, status and address; the page has the rest.
            event["DESCRIPTION"] = vText(entry.brief if brief else entry.describe(body_text))
            texts.append(event.to_ical())
        return texts


def _serialise(feed: Feed, events: _Events, urls: Urls) -> bytes:
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", vText(PRODID))
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    if feed.subscription:
        _describe_calendar(calendar, feed, urls.absolute(feed.path))
    zones = [(item, entry_zone(item)) for item in feed.items]
    for zone in sorted({z for _, z in zones if z}):
        years = [y for item, z in zones if z == zone for y in (item.when.start.year, item.when.end.year)]
        calendar.add_component(_vtimezone(zone, min(years), max(years)))
    # The events' text, made by icalendar once per item, goes where icalendar itself
    # puts subcomponents added after the time zones: just before END:VCALENDAR.
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical()
    return head[:-len(end)] + b"".join(events.text(item, feed.subscription) for item in feed.items) + end


def _describe_calendar(calendar: Calendar, feed: Feed, address: str) -> None:
    """What a subscribed calendar is called and how often to fetch it. Never in an event's own
    file: with X-WR-CALNAME, Outlook opens a new calendar instead of adding the appointment
    (MS-OXCICAL), and the others describe a calendar, not an appointment."""
    # RFC 7986 names first, then the X-WR- forms that Apple, Google and Outlook read.
    for key in ("NAME", "X-WR-CALNAME"):
        calendar.add(key, vText(feed.name))
    for key in ("DESCRIPTION", "X-WR-CALDESC"):
        calendar.add(key, vText(feed.description))
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add("SOURCE", vUri(address), parameters={"VALUE": "URI"})
    calendar.add("URL", vUri(address))


def _vevent(entry: Entry) -> Event:
    """Every property but DESCRIPTION, which differs between feeds (`serialise_each`)."""
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
    if entry.days > 1:  # daily hours: the first day's, on each of the days
        event.add("RRULE", vRecur.from_ical(daily_rule(entry.days)))
    event.add("SUMMARY", vText(entry.title))
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
