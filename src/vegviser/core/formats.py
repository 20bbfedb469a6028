"""Dates and times as Vegviser prints them, in Python: for the pages that print many (a large plan prints a
hundred) and for the texts of notices and reminders, which are made outside a template."""

from __future__ import annotations

from datetime import date, datetime


def day(value: date | datetime | None) -> str:
    """What `value|date:"d.m.Y"` prints (a time given in local time)."""
    if not value:
        return ""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def clock(value: datetime | None) -> str:
    """What `value|time:"H:i"` prints (a time given in local time; nothing for a date without a time)."""
    if not isinstance(value, datetime):
        return ""
    return f"{value.hour:02d}:{value.minute:02d}"


def stamp(value: datetime | None) -> str:
    """What `value|date:"d.m.Y H:i"` prints (a time given in local time)."""
    if not value:
        return ""
    return f"{day(value)} {clock(value)}"


def signed_level(level: int) -> str:
    """A level on a goal attainment scale as printed everywhere: −2, −1, 0, +1, +2, with a true minus sign
    (a hyphen reads as a dash and a screen reader does not say "minus")."""
    if level > 0:
        return f"+{level}"
    return f"\u2212{-level}" if level < 0 else "0"
