"""Calendar arithmetic used across the apps: months and local days."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it is shorter (31 August → 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day`, local time: the bound of a day when moments are counted by date."""
    return timezone.make_aware(datetime.combine(day, time.min))
