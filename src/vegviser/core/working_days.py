"""Working days: Monday to Friday without Norwegian public holidays, the one calendar every deadline uses.

The assessment of a referral is due 10 working days after it was received (pasient- og brukerrettighetsloven
§ 2-2). An operator whose units work Saturdays counts them too (VEGVISER_SATURDAY_IS_WORKING_DAY); Sundays and
public holidays never count.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings

SATURDAY = 5


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # The Norwegian calendar without its optional "every Sunday is a holiday": Sundays are handled below.
    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))


def saturday_is_working_day() -> bool:
    return bool(getattr(settings, "VEGVISER_SATURDAY_IS_WORKING_DAY", False))


def is_working_day(day: date, *, saturdays: bool | None = None) -> bool:
    """Whether `day` counts: a weekday (or a Saturday, where the operator counts them) that is no holiday."""
    saturdays = saturday_is_working_day() if saturdays is None else saturdays
    last_working_weekday = SATURDAY if saturdays else SATURDAY - 1
    return day.weekday() <= last_working_weekday and day not in _public_holidays(day.year)


def add_working_days(start: date, days: int, *, saturdays: bool | None = None) -> date:
    """The day `days` working days after `start`: the first counted day is the next working day after it,
    whatever `start` itself is. Zero days is `start` itself."""
    if days < 0:
        raise ValueError("Only working days forward are counted.")
    saturdays = saturday_is_working_day() if saturdays is None else saturdays
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, saturdays=saturdays):
            days -= 1
    return day


def working_days_between(start: date, end: date, *, saturdays: bool | None = None) -> int:
    """The working days after `start` up to and including `end`; negative when `end` is before `start`.

    So `working_days_between(start, add_working_days(start, n)) == n`, and the days left to a deadline are
    `working_days_between(today, deadline)`: 0 on the day itself, and after it minus the working days since,
    which is still 0 on a weekend or holiday just after a deadline: whether it has passed is a comparison of
    the dates."""
    if end < start:
        return -working_days_between(end, start, saturdays=saturdays)
    saturdays = saturday_is_working_day() if saturdays is None else saturdays
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), saturdays=saturdays)
    )
