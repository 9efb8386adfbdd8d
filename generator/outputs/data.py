"""Site model -> /LANG/events.json (every published item as data) and /events.schema.json.

Pure apart from reading the schema that ships with the generator
(docs/events.schema.json). For other programs (maps, filters, partners'
sites): keys sorted and no clock, so the same content gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Mapping, MutableMapping

from generator.i18n.formatting import Formatter
from generator.content.model import Item, Site
from generator.outputs.urls import Urls, output_file
from generator.content.when import When
from generator.outputs import Artifact
from generator.outputs.jsonld import iso_bounds
from generator.outputs.calendar.entries import event_hours
from generator.outputs.calendar.feeds import program_items, published

SCHEMA_VERSION = 1
"""Raise with any change that could break a reader (a field renamed, removed or
retyped), together with `version` in docs/events.schema.json."""
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "events.schema.json"


def render_data(site: Site, formatters: dict[str, Formatter], urls: Urls,
                entries: MutableMapping[tuple, str] | None = None) -> list[Artifact]:
    """The schema, and one events.json per language; `entries` (a preview's, valid for one
    set of settings and catalogs) keeps each item's entry by its digest."""
    files = [Artifact(output_file(urls.schema(), urls.prefix), SCHEMA_FILE.read_bytes())]
    entries = {} if entries is None else entries
    for lang in site.config.language_codes:
        # The items are encoded one by one (and a preview keeps each), then the document around them.
        members = {key: _dumps(value).encode() for key, value in events_document(site, lang, formatters[lang], urls).items()}
        members["items"] = _array(_remembered(entries, site, item, lang, formatters[lang], urls) for item in site.items)
        files.append(Artifact(output_file(urls.data(lang), urls.prefix), _object(members) + b"\n"))
    return files


def _dumps(value) -> str:
    # Compact: with 10,000 events the file is a fifth smaller, and only compact JSON is
    # written by the json module's C encoder (indenting takes ten times as long).
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# The json module cannot take part of a document already encoded, so these two put encoded
# parts together as _dumps would write the whole: the same separators, keys sorted.

def _object(members: Mapping[str, bytes]) -> bytes:
    """A JSON object from its keys and their values' JSON texts, in UTF-8."""
    return b"{" + b",".join(_dumps(key).encode() + b":" + members[key] for key in sorted(members)) + b"}"


def _array(values: Iterable[bytes]) -> bytes:
    """A JSON array from its values' JSON texts, in UTF-8."""
    return b"[" + b",".join(values) + b"]"


def events_document(site: Site, lang: str, fmt: Formatter, urls: Urls) -> dict:
    """The document of a language, its list of items left empty (render_data encodes them one by one)."""
    config = site.config
    changes = [i.modified for i in site.items if i.modified]
    return {
        "$schema": urls.absolute(urls.schema()),
        "version": SCHEMA_VERSION,
        "language": lang,
        # The content's last change, not the build time: rebuilding changes nothing.
        "generated_from": max(changes).isoformat() if changes else None,
        "categories": [{"key": c.key, "name": fmt._(c.name), "colour": c.colour} for c in config.categories],
        "regions": [{"key": r.key, "name": fmt._(r.name)} for r in config.regions],
        "items": [],
    }


def _remembered(entries: MutableMapping[tuple, bytes], site: Site, item: Item, lang: str, fmt: Formatter,
                urls: Urls) -> bytes:
    """The item's entry as JSON text in UTF-8 (the memos keep it so: marshal reads bytes back
    without decoding them), made once per digest, language and feed (a program's feed comes
    and goes with its dated activities, which are other items)."""
    feed = item_feed(site, item, lang, urls)
    key = (lang, item.id, item.digest, feed)
    found = entries.get(key)
    if found is None:
        found = entries[key] = _dumps(item_data(item, lang, fmt, urls, feed)).encode()
    return found


def item_feed(site: Site, item: Item, lang: str, urls: Urls) -> str | None:
    """The calendar file of an item: an event's own, a program's or network's feed when it
    holds an event; None when there is none."""
    if item.kind == "event":
        return urls.event_file(lang, item)
    return published(urls.program_feed(lang, item), program_items(site, item))


def item_data(item: Item, lang: str, fmt: Formatter, urls: Urls, feed: str | None) -> dict:
    text = item.text(lang)
    return {
        "id": item.id,
        "kind": item.kind,
        "title": text.title,
        "summary": text.summary,
        "when": when_data(item.when, fmt) if item.when else None,
        "time": _time(item),
        "location": text.location,
        "city": item.city,
        "country": item.country,
        "regions": list(item.regions),
        "category": item.category,
        "format": item.format,
        "status": item.status,
        "program": item.program,
        "translated": text.lang == lang,
        "text_language": text.lang,
        "modified": item.modified.isoformat() if item.modified else None,
        "url": urls.absolute(urls.item(lang, item)),
        "ics": urls.absolute(feed) if feed else None,
    }


def when_data(when: When, fmt: Formatter) -> dict:
    start, end = iso_bounds(when)
    return {"text": str(when), "precision": when.precision.value, "start": start, "end": end,
            "display": fmt.when(when)}


def _time(item: Item) -> dict | None:
    if item.start_time is None:
        return None
    hours = event_hours(item)
    return {"start": item.start_time.strftime("%H:%M"),
            "end": item.end_time.strftime("%H:%M") if item.end_time else None,
            "timezone": item.timezone,
            "daily": bool(hours and hours.days > 1),
            "starts_at": hours.start.isoformat() if hours else None,
            "ends_at": hours.last_end.isoformat() if hours and hours.last_end else None}
