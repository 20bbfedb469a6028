"""Working days (pasient- og brukerrettighetsloven § 2-2: a referral is assessed within 10 working days):
deadlines around the movable and fixed Norwegian holidays across years, and the properties every deadline
keeps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vegviser.core.working_days import add_working_days, is_working_day, working_days_between

TEN = 10


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        # Easter: Maundy Thursday, Good Friday and Easter Monday do not count.
        (date(2025, 4, 14), date(2025, 5, 2)),  # and 1 May, a Thursday
        (date(2026, 4, 1), date(2026, 4, 20)),
        (date(2027, 3, 22), date(2027, 4, 8)),
        # Ascension Day and Whit Monday.
        (date(2025, 5, 26), date(2025, 6, 11)),
        (date(2026, 5, 11), date(2026, 5, 27)),
        # 2027: Ascension, and Whit Monday falling on 17 May.
        (date(2027, 5, 3), date(2027, 5, 19)),
        # 2028: 17 May on a Wednesday, then Ascension Day.
        (date(2028, 5, 10), date(2028, 5, 26)),
        # 1 May on a Monday.
        (date(2028, 4, 28), date(2028, 5, 15)),
        # Christmas and New Year: Christmas Eve is a working day; the 25th, 26th and 1 January are not.
        (date(2025, 12, 22), date(2026, 1, 8)),
        # Christmas 2027 and New Year's Day 2028 fall on weekends: only the weekends are lost.
        (date(2027, 12, 24), date(2028, 1, 7)),
        # An ordinary fortnight.
        (date(2026, 11, 2), date(2026, 11, 16)),
    ],
)
def test_the_assessment_deadline_skips_weekends_and_public_holidays(received: date, deadline: date) -> None:
    assert add_working_days(received, TEN, saturdays=False) == deadline
    assert working_days_between(received, deadline, saturdays=False) == TEN


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 11, 2), date(2026, 11, 13)),
        # A Saturday that is a public holiday (1 May 2027) does not count, nor does Ascension Day.
        (date(2027, 4, 28), date(2027, 5, 12)),
        # Christmas Day and New Year's Day on Saturdays.
        (date(2027, 12, 24), date(2028, 1, 7)),
    ],
)
def test_an_operator_may_count_saturdays(received: date, deadline: date) -> None:
    assert add_working_days(received, TEN, saturdays=True) == deadline


def test_the_setting_decides_when_the_caller_does_not(settings: Any) -> None:
    settings.VEGVISER_SATURDAY_IS_WORKING_DAY = False
    assert add_working_days(date(2026, 11, 2), TEN) == date(2026, 11, 16)
    assert not is_working_day(date(2026, 11, 7))
    settings.VEGVISER_SATURDAY_IS_WORKING_DAY = True
    assert add_working_days(date(2026, 11, 2), TEN) == date(2026, 11, 13)
    assert is_working_day(date(2026, 11, 7))
    # Sundays never count.
    assert not is_working_day(date(2026, 11, 8))


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 4, 2),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2028, 5, 17),
        date(2026, 12, 25),
        date(2027, 12, 25),
    ],
)
def test_public_holidays_are_no_working_days_even_when_saturdays_count(day: date) -> None:
    assert not is_working_day(day, saturdays=True)
    assert not is_working_day(day, saturdays=False)


def test_christmas_eve_and_new_years_eve_are_working_days() -> None:
    assert is_working_day(date(2025, 12, 24), saturdays=False)
    assert is_working_day(date(2025, 12, 31), saturdays=False)


def test_the_days_left_count_down_to_zero_and_below() -> None:
    deadline = date(2026, 4, 20)
    assert working_days_between(date(2026, 4, 17), deadline, saturdays=False) == 1
    assert working_days_between(deadline, deadline, saturdays=False) == 0
    assert working_days_between(date(2026, 4, 21), deadline, saturdays=False) == -1
    # From the Thursday before Easter to the Tuesday after: only the Tuesday counts.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7), saturdays=False) == 1


def test_days_are_only_counted_forward() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 4, 1), -1)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2031, 12, 31))
counts = st.integers(min_value=1, max_value=60)


def _holidays(year: int) -> set[date]:
    return set(holidays.country_holidays("NO", years=year, include_sundays=False))


@given(start=days, count=counts, saturdays=st.booleans())
def test_a_deadline_is_never_a_holiday_or_a_day_off(start: date, count: int, saturdays: bool) -> None:
    deadline = add_working_days(start, count, saturdays=saturdays)
    assert deadline > start
    assert deadline not in _holidays(deadline.year)
    assert deadline.weekday() != 6
    if not saturdays:
        assert deadline.weekday() != 5


@given(start=days, first=counts, second=counts, saturdays=st.booleans())
def test_more_days_never_give_an_earlier_deadline(
    start: date, first: int, second: int, saturdays: bool
) -> None:
    low, high = sorted((first, second))
    assert add_working_days(start, low, saturdays=saturdays) <= add_working_days(
        start, high, saturdays=saturdays
    )
    if low < high:
        assert add_working_days(start, low, saturdays=saturdays) < add_working_days(
            start, high, saturdays=saturdays
        )


@given(first=days, second=days, count=counts, saturdays=st.booleans())
def test_a_later_receipt_never_gives_an_earlier_deadline(
    first: date, second: date, count: int, saturdays: bool
) -> None:
    early, late = sorted((first, second))
    assert add_working_days(early, count, saturdays=saturdays) <= add_working_days(
        late, count, saturdays=saturdays
    )


@given(start=days, count=st.integers(min_value=0, max_value=60), saturdays=st.booleans())
def test_counting_the_days_between_undoes_adding_them(start: date, count: int, saturdays: bool) -> None:
    deadline = add_working_days(start, count, saturdays=saturdays)
    assert working_days_between(start, deadline, saturdays=saturdays) == count
    assert working_days_between(deadline, start, saturdays=saturdays) == -count
    # The day before a deadline is one working day short of it.
    if count:
        assert working_days_between(start, deadline - timedelta(days=1), saturdays=saturdays) == count - 1
