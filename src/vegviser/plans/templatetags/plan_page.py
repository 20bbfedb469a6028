"""For the plan page: its meetings sorted in Python, and dates as it prints them, without the date filter's
format lookups (a large plan prints a hundred). Each date filter gives what `date:"d.m.Y"`, `time:"H:i"` and
`date:"l d.m.Y"` give."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.dates import WEEKDAYS

from vegviser.plans import page
from vegviser.plans.selectors import PlanContent

register = template.Library()


@register.simple_tag
def split_meetings(content: PlanContent) -> page.Meetings:
    """The plan's meetings, upcoming and earlier (see `page.meetings`)."""
    return page.meetings(content)


@register.filter(expects_localtime=True)
def day(value: date | datetime | None) -> str:
    """`value|date:"d.m.Y"`."""
    if not value:
        return ""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


@register.filter(expects_localtime=True)
def clock(value: datetime | None) -> str:
    """`value|time:"H:i"` (nothing for a date without a time)."""
    if not isinstance(value, datetime):
        return ""
    return f"{value.hour:02d}:{value.minute:02d}"


@register.filter(expects_localtime=True)
def weekday_and_day(value: date | datetime | None) -> str:
    """`value|date:"l d.m.Y"`: the weekday's name in the active language."""
    if not value:
        return ""
    return f"{WEEKDAYS[value.weekday()]} {day(value)}"
