"""Derived view: one month as a calendar grid of weeks by days, for the month pages.

Pure. Only items whose days are known sit on days (a multi-day item on each of
its days); items known to the month, a span of months or a quarter go to the
month's "date to be confirmed" band, never to an invented day; year-round items
to neither (the year page lists them).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from generator.content.model import Item
from generator.content.when import Precision

BAND = (Precision.MONTH, Precision.MONTHS, Precision.QUARTER)
"""Precisions that name a month but not a day."""
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Day:
    date: date | None
    """None for the cells before the 1st and after the last day."""
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class MonthGrid:
    year: int
    month: int
    weekdays: tuple[int, ...]
    """The columns, as weekday numbers (0 = Monday), from the language's first day of the week."""
    weeks: tuple[tuple[Day, ...], ...]
    band: tuple[Item, ...]
    """Items of the month whose day is not known."""


def month_grid(items: tuple[Item, ...], year: int, month: int, first_weekday: int) -> MonthGrid:
    weeks = calendar.Calendar(first_weekday).monthdatescalendar(year, month)
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    # Each item with days in this month goes to each of those days: one pass over the items,
    # not one per day (a large calendar has hundreds of items a month).
    days: dict[date, list[Item]] = {}
    for item in items:
        if item.when and item.when.precision.exact and item.when.start <= last and item.when.end >= first:
            day = max(item.when.start, first)
            while day <= min(item.when.end, last):
                days.setdefault(day, []).append(item)
                day += ONE_DAY
    return MonthGrid(
        year, month,
        weekdays=tuple((first_weekday + i) % 7 for i in range(7)),
        weeks=tuple(tuple(Day(d, tuple(days.get(d, ()))) if d.month == month else Day(None) for d in week)
                    for week in weeks),
        band=tuple(i for i in items if i.when and i.when.precision in BAND and (year, month) in i.when.months()),
    )


def neighbours(year: int, month: int, years: tuple[int, ...]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The months before and after, when the calendar has their year."""
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return (before if before[0] in years else None, after if after[0] in years else None)
