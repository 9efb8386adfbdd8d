"""Derived views of the model: what a calendar, list or home page shows.

Pure functions from Site (and the build date) to new immutable values; the
model itself is never changed. Templates call these instead of filtering
lists themselves, so every output agrees on what "upcoming" or "in October"
means.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import wraps

from generator.content.model import Item, Site
from generator.views.monthgrid import MonthGrid, month_grid
from generator.content.when import Precision


@dataclass(frozen=True, slots=True)
class Group:
    """A heading (category key, region key, month...) and its items."""

    key: object
    items: tuple[Item, ...]


def _per_site(view):
    """Compute a view of the site once: pages and feeds ask for the same lists thousands of
    times, and a scan of every item each time would make a build quadratic in its size."""

    @wraps(view)
    def remembered(site: Site, *args):
        key = (view.__name__, *args)
        try:
            return site.views[key]
        except KeyError:
            found = site.views[key] = view(site, *args)
            return found

    return remembered


def _grouped(site: Site, keys_of) -> dict:
    """An index of the site's items by the keys `keys_of(item)` gives, items in site order."""
    groups = defaultdict(list)
    for item in site.items:
        for key in keys_of(item):
            groups[key].append(item)
    return {key: tuple(items) for key, items in groups.items()}


@_per_site
def _index(site: Site, name: str) -> dict:
    keys_of = {
        "year": lambda i: i.when.years() if i.when else (),
        "category": lambda i: (i.category,),
        "region": lambda i: i.regions,
        "program": lambda i: (i.program,) if i.program else (),
        "format": lambda i: (i.format,),
        "month": lambda i: i.when.months() if i.when and i.when.precision is not Precision.YEAR else (),
    }[name]
    return _grouped(site, keys_of)


@_per_site
def years(site: Site) -> tuple[int, ...]:
    """Every year that some dated item touches, in order."""
    return tuple(sorted({y for i in site.items if i.when for y in i.when.years()}))


@_per_site
def current_year(site: Site, today: date) -> int:
    """The year the calendar opens on: this year if it has content, else the latest."""
    known = years(site)
    if not known:
        return today.year
    return today.year if today.year in known else (known[-1] if today.year > known[-1] else known[0])


def in_year(site: Site, year: int) -> tuple[Item, ...]:
    return _index(site, "year").get(year, ())


def by_category(site: Site, items: tuple[Item, ...]) -> tuple[Group, ...]:
    """Items under each category of site.toml, in its order; empty ones left out. Once per
    list (every language's home and year pages ask for the same): by its id, the list kept
    beside, so that no other list takes its id."""
    key = ("by_category", id(items))
    found = site.views.get(key)
    if found is None:
        groups = (Group(c.key, tuple(i for i in items if i.category == c.key)) for c in site.config.categories)
        found = site.views[key] = (items, tuple(g for g in groups if g.items))
    return found[1]


@_per_site
def by_month(site: Site, year: int) -> tuple[Group, ...]:
    """Month -> the year's items touching it (a quarter or a span in each of its months);
    year-round items are left to `year_round`."""
    groups = (Group(month, month_items(site, year, month)) for month in range(1, 13))
    return tuple(g for g in groups if g.items)


def month_items(site: Site, year: int, month: int) -> tuple[Item, ...]:
    """The site's items touching the month (a quarter or a span in each of its months),
    year-round ones excepted."""
    return _index(site, "month").get((year, month), ())


@_per_site
def grid(site: Site, year: int, month: int, first_weekday: int) -> MonthGrid:
    """The month as weeks of days (monthgrid.py); languages with the same first weekday share it."""
    return month_grid(month_items(site, year, month), year, month, first_weekday)


@_per_site
def year_round(site: Site, year: int) -> tuple[Item, ...]:
    return tuple(i for i in in_year(site, year) if i.when.precision is Precision.YEAR and i.when.start.year == year)


@_per_site
def spread(site: Site, year: int) -> tuple[Item, ...]:
    """The year's items known to no single month: year-round ones first, then quarters and
    spans of months (the product never gives them a day). A large year's page lists them in
    full, since no one month page is theirs."""
    vague = tuple(i for i in in_year(site, year) if i.when.precision in (Precision.QUARTER, Precision.MONTHS))
    return year_round(site, year) + vague


@_per_site
def undated(site: Site) -> tuple[Item, ...]:
    """Programs and networks with no `when`: ongoing, listed apart from the calendar."""
    return tuple(i for i in site.items if i.when is None)


@_per_site
def upcoming(site: Site, today: date, limit: int | None = None, year: int | None = None) -> tuple[Item, ...]:
    """What is next (of `year`, if given): items not yet over, soonest first; year-round and
    cancelled ones excluded (a cancelled item is not next: its page and lists still say so)."""
    pool = in_year(site, year) if year is not None else site.items
    found = tuple(i for i in pool if i.when and i.when.precision is not Precision.YEAR
                  and not i.when.is_past(today) and i.status != "cancelled")
    return found[:limit] if limit else found


@_per_site
def year_counts(site: Site) -> tuple[tuple[int, int], ...]:
    """(year, how many items touch it) for every year of the calendar, in order."""
    return tuple((year, len(in_year(site, year))) for year in years(site))


def in_category(site: Site, key: str) -> tuple[Item, ...]:
    return _index(site, "category").get(key, ())


def in_region(site: Site, key: str) -> tuple[Item, ...]:
    return _index(site, "region").get(key, ())


def in_program(site: Site, program_id: str) -> tuple[Item, ...]:
    return _index(site, "program").get(program_id, ())


@_per_site
def with_members(site: Site, program_id: str) -> tuple[Item, ...]:
    """A program (or network) and the items that belong to it, in date order."""
    return tuple(sorted((site.by_id[program_id], *in_program(site, program_id)), key=Item.sort_key))


def in_format(site: Site, key: str) -> tuple[Item, ...]:
    """Items taking part in this way: 'in-person', 'online' or 'hybrid'."""
    return _index(site, "format").get(key, ())


def filter_values(item: Item) -> dict[str, tuple[str, ...]]:
    """The values each filter matches the item by; a program or network is its own program."""
    program = item.program or (item.id if item.kind != "event" else None)
    return {"region": item.regions, "category": (item.category,), "format": (item.format,),
            "program": (program,) if program else ()}


def values_present(items: tuple[Item, ...], name: str) -> frozenset[str]:
    """The values of one filter that some of the items have: the choices worth offering."""
    return frozenset(v for i in items for v in filter_values(i)[name])


@_per_site
def conferences(site: Site) -> tuple[Item, ...]:
    """The brochure's 'Possible conferences', in date order."""
    return tuple(i for i in site.items if i.conference)
