"""The `when` grammar: dates at the precision the content knows.

Pure: parses text into a `When` and answers questions about it (months it
touches, past or upcoming); display belongs to i18n.py. A month-only item is
never given a day: `start` and `end` bound the period, `precision` says what
is actually known.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

GRAMMAR = ("2024-09-19 (a day), 2024-09-19/2024-09-21 (days), 2024-10 (a month), "
           "2024-04/2024-11 (months), 2024-Q3 (a quarter), 2024 (year-round)")


class Precision(str, Enum):
    DAY = "day"
    DAYS = "days"
    MONTH = "month"
    MONTHS = "months"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def exact(self) -> bool:
        """True when the days are known, so calendars may place it on them."""
        return self in _EXACT


_EXACT = frozenset({Precision.DAY, Precision.DAYS})
"""Asked of every item by every calendar and list: a set, not two enum lookups each time."""
_PRECISION_ORDER = {precision: n for n, precision in enumerate(Precision)}
"""From the most precise to the least: the order of items of the same start."""


@dataclass(frozen=True, slots=True, order=False)
class When:
    precision: Precision
    start: date
    """First day of the period (the day itself when known)."""
    end: date
    """Last day of the period, inclusive."""

    def __str__(self) -> str:
        """The canonical text of the grammar, e.g. '2024-Q3'."""
        p, s, e = self.precision, self.start, self.end
        return {
            Precision.DAY: s.isoformat(),
            Precision.DAYS: f"{s.isoformat()}/{e.isoformat()}",
            Precision.MONTH: f"{s:%Y-%m}",
            Precision.MONTHS: f"{s:%Y-%m}/{e:%Y-%m}",
            Precision.QUARTER: f"{s.year}-Q{(s.month - 1) // 3 + 1}",
            Precision.YEAR: str(s.year),
        }[p]

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def sort_key(self) -> tuple:
        """Chronological, and within the same start the more precise first."""
        return (self.start, _PRECISION_ORDER[self.precision], self.end)

    def months(self) -> tuple[tuple[int, int], ...]:
        """Every (year, month) the period touches, in order."""
        months, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            months.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return tuple(months)

    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start.year, self.end.year + 1))

    def is_past(self, today: date) -> bool:
        return self.end < today

    def is_upcoming(self, today: date) -> bool:
        return self.start > today


class WhenError(ValueError):
    """The text is not in the grammar; the message says why."""


_DAY = r"(\d{4})-(\d{2})-(\d{2})"
_MONTH = r"(\d{4})-(\d{2})"
_FORMS = (
    (re.compile(rf"^{_DAY}$"), Precision.DAY),
    (re.compile(rf"^{_DAY}/{_DAY}$"), Precision.DAYS),
    (re.compile(rf"^{_MONTH}$"), Precision.MONTH),
    (re.compile(rf"^{_MONTH}/{_MONTH}$"), Precision.MONTHS),
    (re.compile(r"^(\d{4})-Q([1-4])$"), Precision.QUARTER),
    (re.compile(r"^(\d{4})$"), Precision.YEAR),
)


def parse_when(value: object) -> When:
    """Parse a front matter `when` value (text, or the year as a YAML number)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, date)):
        raise WhenError(f"expected a date, got {type(value).__name__}")
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    for pattern, precision in _FORMS:
        match = pattern.match(text)
        if match:
            return _build(precision, [int(g) for g in match.groups()], text)
    raise WhenError(f"{text!r} is not a date this site understands")


def _build(precision: Precision, n: list[int], text: str) -> When:
    if precision is Precision.DAY:
        day = _day(*n)
        return When(precision, day, day)
    if precision is Precision.DAYS:
        return _range(precision, _day(*n[:3]), _day(*n[3:]), text)
    if precision is Precision.MONTH:
        return When(precision, _day(n[0], n[1], 1), _month_end(n[0], n[1]))
    if precision is Precision.MONTHS:
        return _range(precision, _day(n[0], n[1], 1), _month_end(n[2], n[3]), text)
    if precision is Precision.QUARTER:
        first = 3 * n[1] - 2
        return When(precision, _day(n[0], first, 1), _month_end(n[0], first + 2))
    return When(precision, _day(n[0], 1, 1), _day(n[0], 12, 31))


MAX_YEARS = 3
"""Calendar years one range may touch. Every year touched gets a year page, twelve month
pages and a brochure in every language: '1900-01/2200-12' alone would make thousands."""


def _range(precision: Precision, start: date, end: date, text: str) -> When:
    if end <= start if precision is Precision.DAYS else end.replace(day=1) <= start:
        raise WhenError(f"{text!r}: a range must end after it starts")
    if end.year - start.year >= MAX_YEARS:
        raise WhenError(f"{text!r} covers {end.year - start.year + 1} calendar years; "
                        f"a range covers at most {MAX_YEARS}")
    return When(precision, start, end)


def _day(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2200:
        raise WhenError(f"{year} is not a plausible year")
    if not 1 <= month <= 12:
        raise WhenError(f"{year:04d}-{month:02d}: there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise WhenError(f"{year:04d}-{month:02d}-{day:02d} is not a day of the calendar") from None


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        return _day(year, month, 1)  # raises the "no month" error
    return _day(year, month, calendar.monthrange(year, month)[1])
