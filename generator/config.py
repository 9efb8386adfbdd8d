"""site.toml -> SiteConfig: read with tomllib, checked against a typed schema.

Unknown keys and wrong types are errors that name the key and the file; every
problem of the file is reported at once. Pure apart from reading the one file.
"""

from __future__ import annotations

import re
import tomllib
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import BuildFailed, SiteError
from generator.suggest import did_you_mean

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class SiteSection:
    title: str
    """The site's name, shown in the header and page titles."""
    tagline: str
    """The brochure's motto, 'Smart City, Smart Citizen'."""
    organisation: str
    """The publisher's full name, for metadata and the footer."""
    short_name: str
    """The publisher's short name, 'WeGO'."""
    base_url: str
    """Where the site is published, e.g. 'https://calendar.we-gov.org/'."""
    uid_domain: str
    """Domain for calendar UIDs ('excom-2024@we-gov.org'); never change it."""
    default_language: str
    """Language of the original content files; `/` sends visitors there."""


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    """BCP 47 code used in URLs and file names: 'en', 'ko'."""
    name: str
    """The language's own name for the switcher: 'English', '한국어'."""
    locale: str = ""
    """Babel/CLDR locale for dates and numbers; defaults to `code`."""
    direction: str = "ltr"
    """'ltr' or 'rtl'."""


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    """Used in front matter (`category: governance`) and in URLs."""
    name: str
    """English display name; translated through the catalogs."""
    colour: str
    """Accent colour, '#rrggbb', used on the site and in the brochure."""


@dataclass(frozen=True, slots=True)
class Region:
    key: str
    """Used in front matter (`regions: [africa]`) and in URLs."""
    name: str
    """English display name; translated through the catalogs."""


@dataclass(frozen=True, slots=True)
class Contact:
    address: tuple[str, ...]
    """Postal address, one line per entry."""
    phone: str
    fax: str
    email: str
    website: str


@dataclass(frozen=True, slots=True)
class Place:
    city: str
    """The city exactly as content writes it (`city: Almaty`)."""
    lat: float
    """Latitude in degrees, north positive, for the map."""
    lon: float
    """Longitude in degrees, east positive, for the map."""
    country: str = ""
    """ISO code of the city's country; when given, the entry is for the city of that country only
    (to tell apart two cities of one name). Cities the gazetteer knows need no entry at all."""


@dataclass(frozen=True, slots=True)
class Feeds:
    undated: str = "span"
    """Items known to the month or quarter: 'span' (one tentative all-day
    event over the period) or 'omit' (leave them out of feeds)."""
    window_months: int = 12
    """How far back the subscription feeds (the whole calendar, each region and
    area) reach: an item is in them if it ends at most this many months before
    the build date. 0 keeps every year. Year feeds and program feeds are complete."""


@dataclass(frozen=True, slots=True)
class Lists:
    page_size: int = 100
    """Cards on one page of a list (all events, an area, a region, a format); a longer
    list continues on more pages, so that no page grows with the archive."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    site: SiteSection
    languages: tuple[Language, ...]
    """In display order; the first need not be the default."""
    categories: tuple[Category, ...]
    """In display order (the brochure's order)."""
    regions: tuple[Region, ...]
    """In display order."""
    contact: Contact
    feeds: Feeds = Feeds()
    lists: Lists = Lists()
    places: tuple[Place, ...] = ()
    """Cities for the "Where we'll be" map that the gazetteer does not know, or places
    where it would not put them (content/gazetteer.py); an entry wins over the gazetteer."""
    language_codes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The languages' codes, in display order: asked for tens of thousands of times a build."""

    def __post_init__(self):
        object.__setattr__(self, "language_codes", tuple(lang.code for lang in self.languages))

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)

    def region(self, key: str) -> Region:
        return next(r for r in self.regions if r.key == key)

    def place(self, city: str) -> Place | None:
        return next((p for p in self.places if p.city == city), None)

    @property
    def url_prefix(self) -> str:
        """The path part of base_url ('/' or '/calendar/'), for site links."""
        return urlsplit(self.site.base_url).path or "/"


def load_config(path: Path, display: str = "site.toml") -> SiteConfig:
    """Read and check site.toml; raise BuildFailed listing every problem."""
    return parse_config(read_config_text(path, display), display)


def read_config_text(path: Path, display: str = "site.toml") -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildFailed([SiteError(display, None, None, "file not found")])
    except UnicodeDecodeError as exc:
        raise BuildFailed([SiteError(display, None, None, f"not valid TOML: {exc}")])


def parse_config(text: str, display: str = "site.toml") -> SiteConfig:
    """site.toml's text, checked; raise BuildFailed listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BuildFailed([SiteError(display, None, None, f"not valid TOML: {exc}")])
    errors: list[SiteError] = []
    config = _convert(SiteConfig, data, "", display, errors)
    if not errors:
        errors.extend(_check_semantics(config, display))
    if errors:
        raise BuildFailed(errors)
    return config


def _convert(kind, value, key: str, display: str, errors: list[SiteError]):
    """Turn TOML data into `kind` (a dataclass, tuple or scalar), or record why not."""
    if is_dataclass(kind):
        return _convert_table(kind, value, key, display, errors)
    origin = typing.get_origin(kind)
    if origin is tuple:
        item_kind = typing.get_args(kind)[0]
        if not isinstance(value, list):
            errors.append(SiteError(display, None, key, f"expected a list, got {_type_name(value)}"))
            return ()
        return tuple(_convert(item_kind, v, f"{key}[{i}]", display, errors) for i, v in enumerate(value))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # `lat = 37` is as good a latitude as `lat = 37.0`
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        errors.append(SiteError(display, None, key, f"expected {_TYPE_NAMES[kind]}, got {_type_name(value)}"))
    return value


def _convert_table(kind, value, key: str, display: str, errors: list[SiteError]):
    if not isinstance(value, dict):
        errors.append(SiteError(display, None, key or None, f"expected a table, got {_type_name(value)}"))
        return None
    known = {f.name: f for f in fields(kind) if f.init}  # not what __post_init__ derives
    hints = typing.get_type_hints(kind)
    for unknown in sorted(set(value) - set(known)):
        errors.append(SiteError(display, None, _join(key, unknown), f"unknown key{did_you_mean(unknown, known)}",
                                allowed=", ".join(known)))
    args = {}
    for name, field in known.items():
        if name in value:
            args[name] = _convert(hints[name], value[name], _join(key, name), display, errors)
        elif field.default is field.default_factory is MISSING:
            errors.append(SiteError(display, None, _join(key, name), "missing"))
    try:
        return kind(**args)
    except TypeError:
        return None


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", float: "a number",
               list: "a list", dict: "a table"}


def _type_name(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _check_semantics(config: SiteConfig, display: str) -> list[SiteError]:
    """Rules beyond types: unique keys, known default language, valid colours and URL."""
    errors = []
    for table, entries, attr in (("languages", config.languages, "code"),
                                 ("categories", config.categories, "key"),
                                 ("regions", config.regions, "key")):
        seen = set()
        for i, entry in enumerate(entries):
            value = getattr(entry, attr)
            if not KEY_PATTERN.match(value):
                errors.append(SiteError(display, None, f"{table}[{i}].{attr}", f"{value!r} is not a valid key",
                                        allowed="lower case letters, digits and hyphens"))
            if value in seen:
                errors.append(SiteError(display, None, f"{table}[{i}].{attr}", f"{value!r} appears twice"))
            seen.add(value)
    for i, lang in enumerate(config.languages):
        if lang.direction not in ("ltr", "rtl"):
            errors.append(SiteError(display, None, f"languages[{i}].direction",
                                    f"{lang.direction!r} is not allowed{did_you_mean(lang.direction, ('ltr', 'rtl'))}",
                                    allowed="ltr, rtl"))
    for i, cat in enumerate(config.categories):
        if not COLOUR_PATTERN.match(cat.colour):
            errors.append(SiteError(display, None, f"categories[{i}].colour",
                                    f"{cat.colour!r} is not a colour", allowed="#rrggbb"))
    if config.site.default_language not in config.language_codes:
        errors.append(SiteError(display, None, "site.default_language",
                                f"{config.site.default_language!r} is not in languages"
                                f"{did_you_mean(config.site.default_language, config.language_codes)}",
                                allowed=", ".join(config.language_codes)))
    url = urlsplit(config.site.base_url)
    if url.scheme not in ("http", "https") or not url.netloc or not config.site.base_url.endswith("/"):
        errors.append(SiteError(display, None, "site.base_url", f"{config.site.base_url!r} is not a site address",
                                allowed="an http(s) address ending in '/'"))
    if config.feeds.undated not in ("span", "omit"):
        errors.append(SiteError(display, None, "feeds.undated", f"{config.feeds.undated!r} is not allowed"
                                f"{did_you_mean(config.feeds.undated, ('span', 'omit'))}",
                                allowed="span, omit"))
    if config.feeds.window_months < 0:
        errors.append(SiteError(display, None, "feeds.window_months", f"{config.feeds.window_months} is negative",
                                allowed="a whole number of months (12 is usual), or 0 for every year"))
    if config.lists.page_size < 1:
        errors.append(SiteError(display, None, "lists.page_size", f"{config.lists.page_size} is too small",
                                allowed="a whole number from 1 (100 is usual)"))
    return errors + _check_places(config.places, display)


def _check_places(places: tuple[Place, ...], display: str) -> list[SiteError]:
    """Each city (of a country) once, on the globe."""
    errors, seen = [], set()
    for i, place in enumerate(places):
        if (place.city, place.country) in seen:
            errors.append(SiteError(display, None, f"places[{i}].city", f"{place.city!r} appears twice"))
        seen.add((place.city, place.country))
        if place.country and not re.fullmatch(r"[A-Z]{2}", place.country):
            errors.append(SiteError(display, None, f"places[{i}].country", f"{place.country!r} is not a country code",
                                    allowed="an ISO 3166-1 alpha-2 code such as DE"))
        for name, value, limit in (("lat", place.lat, 90), ("lon", place.lon, 180)):
            if not -limit <= value <= limit:
                errors.append(SiteError(display, None, f"places[{i}].{name}", f"{value} is off the globe",
                                        allowed=f"degrees from -{limit} to {limit}"))
    return errors


def with_base_url(config: SiteConfig, base_url: str) -> SiteConfig:
    """The same config published at another address (`sitegen build --base-url`)."""
    return replace(config, site=replace(config.site, base_url=base_url))
