"""One checker per front matter field: raw YAML value -> typed value.

Pure. Each checker raises `Invalid` with what is wrong and what is allowed;
validate.py attaches the file and line. The table FIELDS is the schema that
docs/content.md documents: which kinds take a field, which need it, and which
fields are text that a translation may override.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlsplit

from babel import Locale

from generator.config import SiteConfig
from generator.content.model import FORMATS, LINK_KINDS, STATUSES, Detail, Link
from generator.content.when import GRAMMAR, WhenError, parse_when
from generator.suggest import closest, did_you_mean

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_IDS = frozenset({"con", "prn", "aux", "nul", *(f"{d}{n}" for d in ("com", "lpt") for n in range(10))})
"""Device names Windows will not create as a file or folder: such an id could not be
checked out (con.md), nor its published folder copied, on an editor's PC."""
MAX_TEXT = 20_000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters, and the line breaks (NEL, U+2028, U+2029) that some
readers of feeds split lines on: in a title, they could start a new property."""


class Invalid(ValueError):
    def __init__(self, message: str, allowed: str | None = None, at: str = ""):
        super().__init__(message)
        self.allowed = allowed
        self.at = at
        """Sub-path inside the field ('[1].url'), for the line of the error."""


def check_text(value: Any, _config: SiteConfig) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"expected text, got {_describe(value)}", "a line of text")
    if len(value) > MAX_TEXT:
        raise Invalid(f"is {len(value)} characters long", f"at most {MAX_TEXT}")
    if CONTROL.search(value):
        raise Invalid("contains control characters", "plain text")
    return value.strip()


def check_id(value: Any, _config: SiteConfig) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise Invalid(f"{value!r} cannot be used in an address", "lower case letters, digits and hyphens, e.g. excom-2024")
    if len(value) > 80:
        raise Invalid("is longer than 80 characters", "a short id")
    if value in RESERVED_IDS:
        raise Invalid(f"{value!r} is a device name Windows reserves", "a longer id, e.g. con-2024")
    return value


def check_category(value: Any, config: SiteConfig) -> str:
    keys = [c.key for c in config.categories]
    if value not in keys:
        raise Invalid(f"{value!r} is not a category{did_you_mean(value, keys)}", ", ".join(keys))
    return value


def check_regions(value: Any, config: SiteConfig) -> tuple[str, ...]:
    keys = [r.key for r in config.regions]
    values = value if isinstance(value, list) else [value]
    if not values:
        raise Invalid("needs at least one region", ", ".join(keys))
    for i, region in enumerate(values):
        if region not in keys:
            raise Invalid(f"{region!r} is not a region{did_you_mean(region, keys)}", ", ".join(keys),
                          at=f"[{i}]" if isinstance(value, list) else "")
    if len(set(values)) != len(values):
        raise Invalid("names a region twice", ", ".join(keys))
    return tuple(values)


def check_when(value: Any, _config: SiteConfig):
    try:
        return parse_when(value)
    except WhenError as exc:
        raise Invalid(str(exc), GRAMMAR) from None


def check_time(value: Any, _config: SiteConfig) -> tuple[time, time | None]:
    # YAML 1.1 reads an unquoted 09:30 as the sexagesimal number 570.
    text = f"{value // 60:02d}:{value % 60:02d}" if isinstance(value, int) and not isinstance(value, bool) else value
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?:\s*-\s*(\d{1,2}):(\d{2}))?", str(text).strip())
    allowed = "a start time '09:30' or a start and end '09:30-17:00'"
    if not match:
        raise Invalid(f"{text!r} is not a time", allowed)
    try:
        start = time(int(match[1]), int(match[2]))
        end = time(int(match[3]), int(match[4])) if match[3] else None
    except ValueError:
        raise Invalid(f"{text!r} is not a time of day", allowed) from None
    if end is not None and end <= start:
        raise Invalid(f"{text!r} ends before it starts", allowed)
    return start, end


def check_timezone(value: Any, _config: SiteConfig) -> str:
    if not isinstance(value, str) or value not in _timezones():
        raise Invalid(f"{value!r} is not a time zone{_zone_hint(value)}",
                      "an IANA name such as Asia/Seoul or Europe/Madrid")
    return value


def check_country(value: Any, _config: SiteConfig) -> str:
    if not isinstance(value, str) or value not in _countries():
        raise Invalid(f"{value!r} is not a country code{_country_hint(value)}",
                      "an ISO 3166-1 alpha-2 code such as KR, KZ, ES")
    return value


def check_choice(choices: tuple[str, ...]) -> Callable[[Any, SiteConfig], str]:
    def check(value: Any, _config: SiteConfig) -> str:
        if value not in choices:
            raise Invalid(f"{value!r} is not allowed{did_you_mean(value, choices)}", ", ".join(choices))
        return value
    return check


def check_bool(value: Any, _config: SiteConfig) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {_describe(value)}", "true, false")
    return value


def check_day(value: Any, _config: SiteConfig) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"{value!r} is not a day", "a day such as 2024-03-01") from None


def check_links(value: Any, _config: SiteConfig) -> tuple[Link, ...]:
    if not isinstance(value, dict):
        raise Invalid(f"expected a mapping, got {_describe(value)}", f"{', '.join(LINK_KINDS)}: address")
    links = []
    for kind, url in value.items():
        if kind not in LINK_KINDS:
            raise Invalid(f"{kind!r} is not a kind of link{did_you_mean(kind, LINK_KINDS)}", ", ".join(LINK_KINDS),
                          at=f".{kind}")
        links.append(Link(kind, check_url(url, at=f".{kind}")))
    return tuple(sorted(links, key=lambda link: LINK_KINDS.index(link.kind)))


def check_url(value: Any, at: str = "") -> str:
    """http(s) or mailto only, judged after the normalisation a browser applies."""
    allowed = "an https://, http:// or mailto: address"
    if not isinstance(value, str):
        raise Invalid(f"expected an address, got {_describe(value)}", allowed, at)
    # Browsers drop or rewrite such characters before reading the scheme ('java\tscript:');
    # invisible ones (U+202E) would make the address shown differ from the one followed.
    if "\\" in value or any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in value.strip()):
        raise Invalid("contains spaces, backslashes, control or invisible characters", allowed, at)
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.netloc:
        return value.strip()
    if scheme == "mailto" and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", parts.path):
        return value.strip()
    raise Invalid(f"{value!r} is not allowed", allowed, at)


def check_details(value: Any, config: SiteConfig) -> tuple[Detail, ...]:
    allowed = "a list of entries with 'label' and one of 'text', 'items', 'when'"
    if not isinstance(value, list):
        raise Invalid(f"expected a list, got {_describe(value)}", allowed)
    return tuple(_check_detail(entry, f"[{i}]", config) for i, entry in enumerate(value))


def _check_detail(entry: Any, at: str, config: SiteConfig) -> Detail:
    allowed = "label plus one of text, items, when"
    if not isinstance(entry, dict) or "label" not in entry:
        raise Invalid("each entry needs a label", allowed, at)
    unknown = set(entry) - {"label", "text", "items", "when"}
    if unknown:
        first = sorted(unknown, key=str)[0]  # YAML keys may be numbers or dates as well as text
        raise Invalid(f"unknown key {first!r}{did_you_mean(first, ('label', 'text', 'items', 'when'))}", allowed,
                      f"{at}.{first}")
    if sum(k in entry for k in ("text", "items", "when")) != 1:
        raise Invalid("needs exactly one of text, items, when", allowed, at)
    label = _nested(check_text, entry["label"], config, f"{at}.label")
    if "text" in entry:
        return Detail(label, text=_nested(check_text, entry["text"], config, f"{at}.text"))
    if "when" in entry:
        return Detail(label, when=_nested(check_when, entry["when"], config, f"{at}.when"))
    items = entry["items"]
    if not isinstance(items, list) or not items:
        raise Invalid("items must be a list of texts", allowed, f"{at}.items")
    return Detail(label, items=tuple(_nested(check_text, v, config, f"{at}.items[{i}]") for i, v in enumerate(items)))


def _nested(check, value, config, at):
    try:
        return check(value, config)
    except Invalid as exc:
        raise Invalid(str(exc), exc.allowed, at + exc.at) from None


@dataclass(frozen=True, slots=True)
class Field:
    check: Callable[[Any, SiteConfig], Any]
    kinds: frozenset[str]
    """Kinds of file that take this field."""
    required: frozenset[str] = frozenset()
    """Kinds of file that must have it."""
    text: bool = False
    """A text field: a translation gives its own value."""


ITEMS = frozenset({"event", "program", "network"})
ALL = ITEMS | {"page"}

FIELDS: dict[str, Field] = {
    "id": Field(check_id, ALL),
    "title": Field(check_text, ALL, ALL, text=True),
    "summary": Field(check_text, ALL, ALL, text=True),
    "category": Field(check_category, ITEMS, ITEMS),
    "regions": Field(check_regions, ITEMS, ITEMS),
    "when": Field(check_when, ITEMS, frozenset({"event"})),
    "time": Field(check_time, frozenset({"event"})),
    "timezone": Field(check_timezone, frozenset({"event"})),
    "location": Field(check_text, ITEMS, text=True),
    "city": Field(check_text, ITEMS),  # placed on the map with `country` by validate.py (gazetteer.py)
    "country": Field(check_country, ITEMS),
    "format": Field(check_choice(FORMATS), ITEMS),
    "status": Field(check_choice(STATUSES), ITEMS),
    "program": Field(check_id, frozenset({"event"})),
    "conference": Field(check_bool, frozenset({"event"})),
    "links": Field(check_links, ITEMS),
    "details": Field(check_details, ITEMS, text=True),
    "updated": Field(check_day, ITEMS),
    "draft": Field(check_bool, ALL),
}
TRANSLATION_ONLY = {"translated_from": Field(check_text, ALL)}
"""Fingerprint of the original a translation was made from (`sitegen translations --stamp`)."""


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone_hint(value: Any) -> str:
    """'Seoul' -> Asia/Seoul: editors write the city, IANA names are region/city."""
    zones = sorted(_timezones())
    by_city = {z.rsplit("/", 1)[-1].replace("_", " "): z for z in zones if "/" in z}
    found = closest(value, by_city)
    return f"; did you mean `{by_city[found[0]]}`?" if found else did_you_mean(value, zones)


def _country_hint(value: Any) -> str:
    """'Korea' or 'kr' -> `KR` (South Korea): the code of the country named."""
    names = {name: code for code, name in sorted(Locale("en").territories.items()) if code in _countries()}
    by_code = closest(value, sorted(_countries()))
    if by_code and by_code[0].casefold() == str(value).strip().casefold():
        return f"; did you mean `{by_code[0]}`?"
    found = closest(value, names)
    return f"; did you mean `{names[found[0]]}` ({found[0]})?" if found else ""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping",
            type(None): "nothing"}.get(type(value), type(value).__name__)
