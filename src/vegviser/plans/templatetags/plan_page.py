"""For the plan page: dates as it prints them without the date filter's format lookups (a large plan prints
a hundred): `day` gives what `date:"d.m.Y"` gives and `stamp` what `date:"d.m.Y H:i"` gives
(core/formats.py)."""

from __future__ import annotations

from django import template

from vegviser.core import formats

register = template.Library()

register.filter("day", formats.day, expects_localtime=True)
register.filter("stamp", formats.stamp, expects_localtime=True)
