"""Derived view: the "Where we'll be" map of some items, drawn at build time.

Pure: from items and their coordinates (site.toml's [[places]] or the gazetteer) to an immutable `WorldMap` (an
equirectangular projection of world_outline.py, one entry per city, markers)
that layouts/worldmap.html turns into inline SVG. No tiles, no network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.config import SiteConfig
from generator.content.markdown import slugify
from generator.content.model import Item
from generator.views.world_outline import LAND

NORTH, SOUTH = 84.0, -58.0
"""Latitudes shown: Antarctica and the high Arctic hold no city of ours."""
WIDTH, HEIGHT = 360.0, NORTH - SOUTH
"""The whole map, one unit per degree: x = longitude + 180, y = 84 - latitude."""
MIN_WIDTH = 100.0
"""The closest view, in degrees of longitude: a region's map still shows its continent."""
MARGIN = 1.5
"""How much wider than its places a view is."""
NEAR = 3.0
"""Cities closer than this (in degrees at the world's scale) share a marker, else one hides the other."""


@dataclass(frozen=True, slots=True)
class MapPlace:
    """A city on the map and the items held there."""

    city: str
    name: str
    """The city as the page's language writes it (from the items' `location`)."""
    anchor: str
    """Id of its entry in the list of places: 'place-seoul'."""
    country: str | None
    x: float
    y: float
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Marker:
    """One dot; several places when they lie too close to tell apart."""

    x: float
    y: float
    places: tuple[MapPlace, ...]

    @property
    def count(self) -> int:
        return len({i.id for p in self.places for i in p.items})


@dataclass(frozen=True, slots=True)
class WorldMap:
    view_box: str
    """The part of the world framing the places, in the world's proportions."""
    land: str
    """SVG path data of the continents, inland seas cut out (fill-rule evenodd)."""
    places: tuple[MapPlace, ...]
    """In the order of their names in the page's language."""
    markers: tuple[Marker, ...]


def world_map(items: tuple[Item, ...], config: SiteConfig, lang: str) -> WorldMap:
    places = _places(items, lang)
    x, y, width = _frame(places)
    return WorldMap(f"{x:g} {y:g} {width:g} {width * HEIGHT / WIDTH:g}", land_path(), places,
                    _markers(places, width / WIDTH))


def project(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular: degrees straight onto the plane."""
    return round(lon + 180, 2), round(NORTH - lat, 2)


def land_path() -> str:
    """Natural Earth's land, projected and simplified once by scripts/world_outline.py."""
    return LAND


def land_svg() -> bytes:
    """The land outline as a file of its own (assets/world.svg): the same on every map,
    so browsers fetch and cache it once instead of every page carrying it inline."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" '
            f'width="{WIDTH:g}" height="{HEIGHT:g}"><path d="{land_path()}" fill="#cfdcc9" stroke="#8fa58a" '
            f'stroke-width="0.25" fill-rule="evenodd"/></svg>\n').encode()


def place_anchor(city: str) -> str:
    return "place-" + (slugify(city, ascii=True) or "city")


def _places(items: tuple[Item, ...], lang: str) -> tuple[MapPlace, ...]:
    by_city: dict[str, list[Item]] = {}
    for item in items:
        if item.city:
            by_city.setdefault(item.city, []).append(item)
    places = []
    for city, held in by_city.items():
        x, y = project(*held[0].coordinates)  # validation placed every city
        places.append(MapPlace(city, _local_name(city, held, lang), place_anchor(city),
                               next((i.country for i in held if i.country), None), x, y, tuple(held)))
    return tuple(sorted(places, key=lambda p: (p.name.casefold(), p.city)))


def _local_name(city: str, items: list[Item], lang: str) -> str:
    """The translated `location` of an item whose original location is the city itself."""
    for item in items:
        if item.original.location == city and item.text(lang).location:
            return item.text(lang).location
    return city


def _frame(places: tuple[MapPlace, ...]) -> tuple[float, float, float]:
    """Left, top and width of the smallest view (within the world) showing every place with a margin."""
    if not places:
        return 0.0, 0.0, WIDTH
    xs, ys = [p.x for p in places], [p.y for p in places]
    width = min(WIDTH, max(MIN_WIDTH, (max(xs) - min(xs)) * MARGIN, (max(ys) - min(ys)) * MARGIN * WIDTH / HEIGHT))
    height = width * HEIGHT / WIDTH
    left = min(max((min(xs) + max(xs) - width) / 2, 0.0), WIDTH - width)
    top = min(max((min(ys) + max(ys) - height) / 2, 0.0), HEIGHT - height)
    return round(left, 2), round(top, 2), round(width, 2)


def _markers(places: tuple[MapPlace, ...], scale: float) -> tuple[Marker, ...]:
    """Busiest places first, so a cluster's dot sits on the city most of its items are in."""
    clusters: list[list[MapPlace]] = []
    for place in sorted(places, key=lambda p: (-len(p.items), p.city)):
        home = next((c for c in clusters if math.dist((c[0].x, c[0].y), (place.x, place.y)) < NEAR * scale), None)
        if home is None:
            clusters.append([place])
        else:
            home.append(place)
    return tuple(Marker(c[0].x, c[0].y, tuple(c)) for c in sorted(clusters, key=lambda c: (c[0].x, c[0].y)))
