"""Calendar entries: an item as calendar apps show it, in one language.

Pure: no file access, no clock. Decides which items belong in calendars, on
which dates, and what their title and description say. outputs/ics.py writes
entries as iCalendar and the "Add to calendar" links of event pages prefill
Google Calendar and Outlook.com from the same entry, so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from generator.config import Feeds, SiteConfig
from generator.i18n.formatting import Formatter
from generator.content.markdown import markdown_to_text
from generator.content.model import Item
from generator.content.when import Precision

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_COM = "https://outlook.live.com/calendar/0/deeplink/compose"
UNKNOWN_CHANGE = datetime(2000, 1, 1, tzinfo=timezone.utc)
"""DTSTAMP of an item without history (a model built in memory): fixed, never the clock."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One VEVENT's worth of facts, already in the feed's language."""

    uid: str
    """'excom-2024@we-gov.org': the same in every feed and language, for ever."""
    title: str
    notes: tuple[str, ...]
    """What a reader must know before the description: status, unknown days."""
    body: str
    """The Markdown of the description: made plain text only where needed (`description`)."""
    short_description: str
    """The notes, the summary and the address: short enough for a link's query."""
    brief: str
    """The notes, the summary, the place and the address: the DESCRIPTION of subscription
    feeds, which calendar apps poll (the body stays on the page, one tap away)."""
    url: str
    location: str | None
    category: str
    status: str
    """iCalendar STATUS: CONFIRMED, TENTATIVE or CANCELLED."""
    start: date | datetime
    """A day (all-day entry) or a time in the event's own zone."""
    end: date | datetime | None
    """Exclusive: the day after the last day, or the end time; None for a start time alone.
    For daily hours, the first day's end time."""
    days: int
    """How many days a timed entry repeats its hours (RRULE:FREQ=DAILY;COUNT=days); 1 otherwise."""
    transparent: bool
    """True when the entry must not block busy time (dates not yet known)."""
    modified: datetime
    """The item's last committed change (DTSTAMP, LAST-MODIFIED)."""
    sequence: int
    """The item's revision count: grows with every edit."""

    @property
    def description(self) -> str:
        """Plain text: status and date notes, the body, and the page's address last.
        Made on demand: the "Add to calendar" links need only the short one."""
        return self.describe()

    def describe(self, body_text: str | None = None) -> str:
        """The `description`, with the body's plain text when it was made already (from the
        parse of the item's page); None: parsed here."""
        return _paragraphs(*self.notes, markdown_to_text(self.body) if body_text is None else body_text, self.url)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def zone(self) -> str | None:
        """The IANA zone of a timed entry ('Asia/Seoul')."""
        return self.start.tzinfo.key if isinstance(self.start, datetime) else None


@dataclass(frozen=True, slots=True)
class AppLinks:
    """Links that open a calendar website with the entry filled in."""

    google: str
    outlook: str


def in_calendars(item: Item, feeds: Feeds) -> bool:
    """Whether feeds carry the item: it has dates a calendar can place.

    Year-round items are programs, not appointments; items known to the month
    or quarter follow site.toml's `[feeds] undated`.
    """
    if item.when is None or item.when.precision is Precision.YEAR:
        return False
    return item.when.precision.exact or feeds.undated == "span"


def calendar_entry(item: Item, lang: str, fmt: Formatter, page_url: str, config: SiteConfig) -> Entry:
    """The entry of an item that `in_calendars` accepts, its words in `lang`."""
    text = item.text(lang)
    _ = fmt._
    undated = not item.when.precision.exact
    # The same words as the site's "dates to be confirmed" label, so all languages have them.
    title = "%s (%s)" % (text.title, _("dates to be confirmed")) if undated else text.title
    if item.status == "cancelled":
        # In the title too: several calendar apps show no STATUS, so a cancelled meeting
        # would look like any other.
        title = _("Cancelled: %(title)s") % {"title": title}
    notes = _notes(item, fmt)
    start, end = _bounds(item)
    location = _location(item, lang, fmt)
    return Entry(
        uid=f"{item.id}@{config.site.uid_domain}",
        title=title,
        notes=tuple(notes),
        body=text.body,
        short_description=_paragraphs(*notes, text.summary, page_url),
        brief=_paragraphs(*notes, text.summary, location, page_url),
        url=page_url,
        location=location,
        category=_(config.category(item.category).name),
        status=_status(item),
        start=start,
        end=end,
        days=(item.when.end - item.when.start).days + 1 if entry_zone(item) else 1,
        transparent=undated,
        modified=item.modified or UNKNOWN_CHANGE,
        sequence=item.revisions,
    )


def _status(item: Item) -> str:
    if item.status == "cancelled":
        return "CANCELLED"
    # Postponed: the dates shown are no longer sure, and the description says why.
    if item.status in ("tentative", "postponed") or not item.when.precision.exact:
        return "TENTATIVE"
    return "CONFIRMED"


def _notes(item: Item, fmt: Formatter) -> list[str]:
    """What a reader must know before the description: status, unknown days."""
    _ = fmt._
    notes = []
    if item.status == "cancelled":
        notes.append(_("This activity has been cancelled."))
    elif item.status == "postponed":
        notes.append(_("This activity has been postponed. New dates will be announced."))
    if not item.when.precision.exact:
        notes.append(_("Planned for %(period)s; the exact dates are to be confirmed.")
                     % {"period": fmt.when(item.when)})
    return notes


def entry_zone(item: Item) -> str | None:
    """The IANA zone of the item's entry when it is timed, else None (all-day). A time over
    several days is daily hours: the first day's, repeated (`Entry.days`)."""
    timed = item.start_time is not None and item.timezone and item.when.precision.exact
    return item.timezone if timed else None


@dataclass(frozen=True, slots=True)
class Hours:
    """When a timed event happens, in its own zone: the page, JSON-LD and events.json show this."""

    start: datetime
    """The first day's start, aware of the event's zone."""
    end: datetime | None
    """The first day's end (None: a start time alone)."""
    last_end: datetime | None
    """The last day's end: the end of the whole event (None: a start time alone)."""
    days: int
    """1, or the number of days the hours repeat (daily hours)."""

    @property
    def zone(self) -> str:
        return self.start.tzinfo.key


def event_hours(item: Item) -> Hours | None:
    """The hours of an event with a time and known days, else None."""
    if item.when is None or not entry_zone(item):
        return None
    zone, when = ZoneInfo(item.timezone), item.when
    start = datetime.combine(when.start, item.start_time, zone)
    end = datetime.combine(when.start, item.end_time, zone) if item.end_time else None
    last_end = datetime.combine(when.end, item.end_time, zone) if item.end_time else None
    return Hours(start, end, last_end, (when.end - when.start).days + 1)


def _bounds(item: Item) -> tuple[date | datetime, date | datetime | None]:
    """Start and exclusive end: days for all-day entries, local times of the first day for
    timed ones."""
    hours = event_hours(item)
    if hours:
        return hours.start, hours.end
    return item.when.start, item.when.end + timedelta(days=1)


def _location(item: Item, lang: str, fmt: Formatter) -> str | None:
    """The place as the site shows it: a bare city name gets its country."""
    place = item.text(lang).location or item.city
    if place and item.country and place == item.city:
        return f"{place}, {fmt.country(item.country)}"
    return place


def _paragraphs(*blocks: str | None) -> str:
    return "\n\n".join(block for block in blocks if block)


def app_links(entry: Entry) -> AppLinks:
    """Google Calendar and Outlook.com "add event" links for an entry."""
    return AppLinks(google=_google(entry), outlook=_outlook(entry))


def _google(entry: Entry) -> str:
    if entry.all_day:
        dates = f"{entry.start:%Y%m%d}/{entry.end:%Y%m%d}"  # Google's all-day end is exclusive too
    else:  # local times plus ctz, so Google shows the event's own zone
        dates = f"{entry.start:%Y%m%dT%H%M%S}/{(entry.end or entry.start):%Y%m%dT%H%M%S}"
    params = {"action": "TEMPLATE", "text": entry.title, "dates": dates,
              "details": entry.short_description, "location": entry.location,
              "ctz": entry.zone, "recur": f"RRULE:{daily_rule(entry.days)}" if entry.days > 1 else None}
    return _link(GOOGLE_CALENDAR, params)


def _outlook(entry: Entry) -> str:
    if entry.days > 1:  # Outlook.com's link cannot repeat: the days, whose hours the page gives
        last = entry.start.date() + timedelta(days=entry.days)
        start, end, all_day = entry.start.date().isoformat(), last.isoformat(), True
    elif entry.all_day:
        start, end, all_day = entry.start.isoformat(), entry.end.isoformat(), True
    else:  # Outlook.com reads times without a zone as the viewer's: send UTC
        start, end = (_utc(t) for t in (entry.start, entry.end or entry.start))
        all_day = False
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": entry.title,
              "startdt": start, "enddt": end, "allday": "true" if all_day else "false",
              "body": entry.short_description, "location": entry.location}
    return _link(OUTLOOK_COM, params)


def daily_rule(days: int) -> str:
    """The recurrence of daily hours, as RFC 5545 writes it: every client shows `days` days."""
    return f"FREQ=DAILY;COUNT={days}"


def _link(base: str, params: dict[str, str | None]) -> str:
    """Percent-encoded query (spaces as %20, which both sites read); empty values left out."""
    return f"{base}?{urlencode({k: v for k, v in params.items() if v}, quote_via=quote)}"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
