"""The `when` grammar: every form the brochure uses, and the mistakes editors make."""

from datetime import date

import pytest

from generator.content.when import Precision, WhenError, parse_when

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text, precision, start, end", [
    ("2024-09-19", Precision.DAY, date(2024, 9, 19), date(2024, 9, 19)),
    ("2024-09-19/2024-09-21", Precision.DAYS, date(2024, 9, 19), date(2024, 9, 21)),
    ("2024-05-27/2024-06-02", Precision.DAYS, date(2024, 5, 27), date(2024, 6, 2)),
    ("2024-10", Precision.MONTH, date(2024, 10, 1), date(2024, 10, 31)),
    ("2024-02", Precision.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
    ("2024-04/2024-11", Precision.MONTHS, date(2024, 4, 1), date(2024, 11, 30)),
    ("2024-11/2025-02", Precision.MONTHS, date(2024, 11, 1), date(2025, 2, 28)),
    ("2024-Q3", Precision.QUARTER, date(2024, 7, 1), date(2024, 9, 30)),
    ("2024-Q1", Precision.QUARTER, date(2024, 1, 1), date(2024, 3, 31)),
    ("2024", Precision.YEAR, date(2024, 1, 1), date(2024, 12, 31)),
    (2024, Precision.YEAR, date(2024, 1, 1), date(2024, 12, 31)),  # YAML reads `when: 2024` as a number
    (date(2024, 9, 19), Precision.DAY, date(2024, 9, 19), date(2024, 9, 19)),
    (" 2024-10 ", Precision.MONTH, date(2024, 10, 1), date(2024, 10, 31)),
])
def test_forms(text, precision, start, end):
    when = parse_when(text)
    assert (when.precision, when.start, when.end) == (precision, start, end)


@pytest.mark.parametrize("text", ["2024-09-19", "2024-09-19/2024-09-21", "2024-10", "2024-04/2024-11", "2024-Q3", "2024"])
def test_canonical_text_round_trips(text):
    assert str(parse_when(text)) == text


@pytest.mark.parametrize("text, message", [
    ("Oct", "is not a date this site understands"),
    ("2024-13", "there is no month 13"),
    ("2024-02-30", "is not a day of the calendar"),
    ("2024-09-21/2024-09-19", "must end after it starts"),
    ("2024-10/2024-10", "must end after it starts"),
    ("2024-Q5", "is not a date this site understands"),
    ("24-10", "is not a date this site understands"),
    ("2024-9-19", "is not a date this site understands"),
    ("0024", "is not a plausible year"),
    ("2024-10-01/2024-11", "is not a date this site understands"),
    ("", "is not a date this site understands"),
    (True, "expected a date"),
    (None, "expected a date"),
    (["2024"], "expected a date"),
])
def test_mistakes(text, message):
    with pytest.raises(WhenError, match=message):
        parse_when(text)


def test_month_only_never_gets_a_day():
    when = parse_when("2024-10")
    assert not when.precision.exact
    assert when.months() == ((2024, 10),)


def test_quarter_touches_its_three_months():
    assert parse_when("2024-Q2").months() == ((2024, 4), (2024, 5), (2024, 6))


@pytest.mark.parametrize("text, today, past, upcoming", [
    ("2024-10", date(2024, 10, 15), False, False),   # ongoing: neither
    ("2024-10", date(2024, 11, 1), True, False),
    ("2024-10", date(2024, 9, 30), False, True),
    ("2024-09-19/2024-09-21", date(2024, 9, 21), False, False),
    ("2024-09-19/2024-09-21", date(2024, 9, 22), True, False),
])
def test_past_and_upcoming_use_the_whole_period(text, today, past, upcoming):
    when = parse_when(text)
    assert (when.is_past(today), when.is_upcoming(today)) == (past, upcoming)


def test_sorting_is_by_start_with_the_broader_period_last_on_a_tie():
    # A month-only item sorts at its month's start: it heads the month, like the
    # "date to be confirmed" band above a month grid.
    texts = ["2024-10", "2024-Q4", "2024-10-07/2024-10-09", "2024-09", "2024", "2024-10-01"]
    ordered = sorted((parse_when(t) for t in texts), key=lambda w: w.sort_key())
    assert [str(w) for w in ordered] == ["2024", "2024-09", "2024-10-01", "2024-10", "2024-Q4", "2024-10-07/2024-10-09"]
