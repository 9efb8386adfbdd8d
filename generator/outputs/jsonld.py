"""schema.org Event data for event pages, at the precision the content knows.

Pure: returns a dict; html.py embeds it safely. Dates use ISO 8601 reduced
precision ('2024-10' for a month), so search engines are never told a day
that WeGO has not announced.
"""

from __future__ import annotations

from generator.content.model import Item, Text
from generator.outputs.calendar.entries import Hours, event_hours
from generator.outputs.urls import Urls
from generator.content.when import Precision, When

_MODES = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}
_STATUSES = {
    "confirmed": "https://schema.org/EventScheduled",
    "tentative": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
}


def event_json_ld(item: Item, text: Text, urls: Urls, lang: str) -> dict:
    page = urls.absolute(urls.item(lang, item))
    config = urls.config
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": text.title,
        "description": text.summary,
        "url": page,
        "inLanguage": text.lang,
        "eventAttendanceMode": _MODES[item.format],
        "eventStatus": _STATUSES[item.status],
        "organizer": {"@type": "Organization", "name": config.site.organisation, "url": config.contact.website},
    }
    if item.when is not None:
        data["startDate"], data["endDate"] = iso_bounds(item.when)
    hours = event_hours(item)
    if hours:  # full date-times with their offset: search engines show the right hour anywhere
        data["startDate"] = hours.start.isoformat()
        if hours.last_end:
            data["endDate"] = hours.last_end.isoformat()
        if hours.days > 1:
            data["eventSchedule"] = _schedule(item, hours)
    places = [_place(item, text) if item.format != "online" else None,
              {"@type": "VirtualLocation", "url": page} if item.format != "in-person" else None]
    places = [p for p in places if p]
    if places:
        data["location"] = places[0] if len(places) == 1 else places
    return data


def _schedule(item: Item, hours: Hours) -> dict:
    """Daily hours as schema.org says them: the same hours on each of the days."""
    schedule = {"@type": "Schedule", "repeatFrequency": "P1D", "repeatCount": hours.days,
                "startDate": item.when.start.isoformat(), "endDate": item.when.end.isoformat(),
                "startTime": hours.start.strftime("%H:%M:%S"), "scheduleTimezone": hours.zone}
    if hours.end:
        schedule["endTime"] = hours.end.strftime("%H:%M:%S")
    return schedule


def iso_bounds(when: When) -> tuple[str, str]:
    """Start and end in ISO 8601 at the known precision: days, months or the year."""
    s, e = when.start, when.end
    if when.precision.exact:
        return s.isoformat(), e.isoformat()
    if when.precision is Precision.YEAR:
        return str(s.year), str(e.year)
    return f"{s:%Y-%m}", f"{e:%Y-%m}"


def _place(item: Item, text: Text) -> dict | None:
    if not (text.location or item.city):
        return None
    address = {"@type": "PostalAddress"}
    if item.city:
        address["addressLocality"] = item.city
    if item.country:
        address["addressCountry"] = item.country
    return {"@type": "Place", "name": text.location or item.city, "address": address}
