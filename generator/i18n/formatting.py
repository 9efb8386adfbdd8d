"""CLDR formatting of dates, names and numbers in one language, through Babel.

Pure. Every date, number and plural goes through Babel; nothing here formats by hand.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_interval, match_skeleton, parse_pattern, format_time, get_timezone, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal

from generator.content.when import Precision, When


@dataclass(frozen=True, slots=True)
class Formatter:
    """Formats dates and names in one language, through CLDR."""

    locale: str
    translations: gettext.NullTranslations = field(compare=False)
    cldr: Locale = field(init=False, compare=False, repr=False)
    """`locale` parsed once: Babel parses a locale given by name on every call, which cost
    a month's page more than formatting its dates (bench/render_time.py)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "cldr", Locale.parse(self.locale))

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def when(self, when: When, *, year: bool = True) -> str:
        """'Sep 19 – 21, 2024', 'Oct 2024', 'Q3 2024', 'Year-round 2024' (or without the year)."""
        p, s, e, loc = when.precision, when.start, when.end, self.cldr
        y = "y" if year else ""
        if p is Precision.DAY:
            return _skeleton(f"{y}MMMd", s, loc)
        if p is Precision.DAYS:
            return _interval(s, e, f"{y}MMMd", loc)
        if p is Precision.MONTH:
            return _skeleton(f"{y}MMM", s, loc)
        if p is Precision.MONTHS:
            return _interval(s, e, f"{y}MMM", loc)
        if p is Precision.QUARTER:  # CLDR has a year-quarter skeleton but no bare one
            return _skeleton("yQQQ", s, loc) if year else format_date(s, "QQQ", locale=loc)
        if not year:
            return self._("Year-round")
        return self._("Year-round %(year)s") % {"year": _skeleton("y", s, loc)}

    def day(self, day: date, skeleton: str = "yMMMd") -> str:
        return _skeleton(skeleton, day, self.cldr)

    def month(self, year: int, month: int, skeleton: str = "yMMMM") -> str:
        """'October 2024' as a heading: 'noviembre de 2024' begins a heading as 'Noviembre de 2024'."""
        text = _skeleton(skeleton, date(year, month, 1), self.cldr)
        return text[:1].upper() + text[1:]

    def weekday(self, day: date, width: str = "EEE") -> str:
        return _skeleton(width, day, self.cldr)

    @property
    def first_weekday(self) -> int:
        """The column a week starts with in this language's calendars (0 = Monday, 6 = Sunday)."""
        return _week_locale(self.cldr).first_week_day

    def weekday_name(self, weekday: int, width: str = "wide") -> str:
        """A weekday's standalone name (0 = Monday): 'wide' ('Monday') or 'abbreviated' ('Mon')."""
        return self.cldr.days["stand-alone"][width][weekday]

    def list(self, names) -> str:
        """'Seoul and Goyang', '서울 및 고양': a list joined as the language does."""
        return format_list(list(names), locale=self.cldr)

    def times(self, day: date, start: time, end: time | None, timezone: str, daily: bool = False) -> str:
        """'9:30 AM – 5:00 PM (South Korea Time)': local times of the event's own zone;
        `daily` for the hours of each day of an event over several ('09:00–17:00 daily (Germany Time)')."""
        zone = get_timezone(timezone)
        begin = datetime.combine(day, start, zone)
        span = (format_interval(begin, datetime.combine(day, end, zone), "Hm" if self._uses_24h() else "hm",
                                tzinfo=zone, locale=self.cldr)
                if end else format_time(begin, "short", tzinfo=zone, locale=self.cldr))
        place = get_timezone_location(zone, locale=self.cldr)
        if daily:
            return self._("%(times)s daily (%(zone)s)") % {"times": span, "zone": place}
        return f"{span} ({place})"

    def _uses_24h(self) -> bool:
        return "H" in self.cldr.time_formats["short"].pattern

    def country(self, code: str) -> str:
        return _territories(self.cldr).get(code, code)

    def number(self, value: int | float) -> str:
        return _number(value, self.cldr)

    def year(self, year: int) -> str:
        return _skeleton("y", date(year, 1, 1), self.cldr)


@lru_cache(maxsize=16)
def _week_locale(locale: Locale) -> Locale:
    """CLDR keeps week data by territory: 'en' reads as en_US, 'ar' as ar_EG (its likely subtags)."""
    parsed = Locale.parse(locale)
    return parsed if parsed.territory else Locale.parse(get_global("likely_subtags").get(str(parsed), str(parsed)))


# CLDR skeleton matching is slow and a calendar formats the same few dates
# thousands of times: remember the results (dates and locales are immutable).
@lru_cache(maxsize=8192)
def _skeleton(skeleton: str, day: date, locale: Locale) -> str:
    return format_date(day, _skeleton_pattern(skeleton, locale), locale=locale)


@lru_cache(maxsize=256)
def _skeleton_pattern(skeleton: str, locale: Locale):
    """The CLDR pattern a skeleton resolves to, as babel's format_skeleton finds it."""
    parsed = Locale.parse(locale)
    if skeleton not in parsed.datetime_skeletons:
        skeleton = match_skeleton(skeleton, parsed.datetime_skeletons)
    return parse_pattern(parsed.datetime_skeletons[skeleton])


@lru_cache(maxsize=8192, typed=True)
def _number(value: int | float, locale: Locale) -> str:
    """Counts and page numbers recur on every list page; Babel parses the pattern each time."""
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=8192)
def _interval(start: date, end: date, skeleton: str, locale: Locale) -> str:
    return format_interval(start, end, skeleton, locale=locale)


@lru_cache(maxsize=16)
def _territories(locale: Locale) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)
