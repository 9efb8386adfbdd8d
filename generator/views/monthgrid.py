"""Derived view: one month as a calendar grid of weeks by days, for the month pages.

Pure. Only items whose days are known sit on days; items known to the month, a
span of months or a quarter go to the month's "date to be confirmed" band,
never to an invented day; year-round items to neither (the year page lists
them). An item over several days is one bar per week row it touches, spanning
its days of that week: one link per row, not one per day (keyboard users tab
through a month, and COP29 alone would be twelve stops).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from generator.content.model import Item
from generator.content.when import Precision, When

BAND = (Precision.MONTH, Precision.MONTHS, Precision.QUARTER)
"""Precisions that name a month but not a day."""
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Day:
    date: date | None
    """None for the cells before the 1st and after the last day."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One cell of a week's lane: an item over some of the week's days, or one empty day."""

    day: Day
    """The first day the cell covers."""
    span: int = 1
    """How many days (columns) it covers."""
    item: Item | None = None
    """None for an empty day of the lane."""
    starts_before: bool = False
    """The item began before this row (an earlier week or month): the bar continues one."""
    ends_after: bool = False
    """The item goes on after this row."""

    @property
    def when(self) -> When:
        """The days the bar covers, which a screen reader says after its title."""
        first = self.day.date
        last = first + (self.span - 1) * ONE_DAY
        return When(Precision.DAY if first == last else Precision.DAYS, first, last)


@dataclass(frozen=True, slots=True)
class Week:
    days: tuple[Day, ...]
    lanes: tuple[tuple[Bar, ...], ...]
    """Rows under the days: each item of the week in the first lane where its days are free."""


@dataclass(frozen=True, slots=True)
class MonthGrid:
    year: int
    month: int
    weekdays: tuple[int, ...]
    """The columns, as weekday numbers (0 = Monday), from the language's first day of the week."""
    weeks: tuple[Week, ...]
    band: tuple[Item, ...]
    """Items of the month whose day is not known."""


def month_grid(items: tuple[Item, ...], year: int, month: int, first_weekday: int) -> MonthGrid:
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    dated = [i for i in items if i.when and i.when.precision.exact and i.when.start <= last and i.when.end >= first]
    weeks = calendar.Calendar(first_weekday).monthdatescalendar(year, month)
    return MonthGrid(
        year, month,
        weekdays=tuple((first_weekday + i) % 7 for i in range(7)),
        weeks=tuple(_week(dates, dated, first, last) for dates in weeks),
        band=tuple(i for i in items if i.when and i.when.precision in BAND and (year, month) in i.when.months()),
    )


def _week(dates: list[date], items: list[Item], first: date, last: date) -> Week:
    """A week's days and its items laid out in lanes; days outside the month hold nothing."""
    days = tuple(Day(d if first <= d <= last else None) for d in dates)
    start, end = max(dates[0], first), min(dates[-1], last)
    spans = []  # (first column, last column, item), in the order of `items` (the site's)
    for item in items:
        if item.when.start <= end and item.when.end >= start:
            spans.append((dates.index(max(item.when.start, start)), dates.index(min(item.when.end, end)), item))
    # Earlier first, then longer: long bars stay in the top lanes, as calendars draw them.
    spans.sort(key=lambda s: (s[0], s[0] - s[1]))
    lanes: list[list[tuple[int, int, Item]]] = []
    for span in spans:
        lane = next((lane for lane in lanes if lane[-1][1] < span[0]), None)
        if lane is None:
            lanes.append([span])
        else:
            lane.append(span)
    return Week(days, tuple(_lane(lane, days, dates) for lane in lanes))


def _lane(spans: list[tuple[int, int, Item]], days: tuple[Day, ...], dates: list[date]) -> tuple[Bar, ...]:
    """One row of cells: a bar for each item, one empty cell for each other day."""
    bars, column = [], 0
    for begin, end, item in spans:
        bars += [Bar(days[c]) for c in range(column, begin)]
        bars.append(Bar(days[begin], end - begin + 1, item, starts_before=item.when.start < dates[begin],
                        ends_after=item.when.end > dates[end]))
        column = end + 1
    return tuple(bars + [Bar(days[c]) for c in range(column, 7)])


def neighbours(year: int, month: int, years: tuple[int, ...]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The months before and after, when the calendar has their year."""
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return (before if before[0] in years else None, after if after[0] in years else None)
