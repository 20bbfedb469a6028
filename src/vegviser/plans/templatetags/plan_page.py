"""For the plan page: its meetings sorted in Python, and dates as it prints them without the date filter's
format lookups (a large plan prints a hundred): `day` gives what `date:"d.m.Y"` gives (plans/page.py)."""

from __future__ import annotations

from django import template

from vegviser.plans import page
from vegviser.plans.selectors import PlanContent

register = template.Library()


@register.simple_tag
def split_meetings(content: PlanContent) -> page.Meetings:
    """The plan's meetings, upcoming and earlier (see `page.meetings`)."""
    return page.meetings(content)


register.filter("day", page.day, expects_localtime=True)
