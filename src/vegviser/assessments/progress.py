"""Progress in words: the sentence that stands for a chart (its text alternative), and what changed since the
first score said plainly to the person ("You walked 120 metres further than on 12 March 2026").

Numbers and dates are formatted for the active language; the direction (better or worse) is the score's own,
from the instrument's ``higher_is_better``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .charts import number


class Series(Protocol):
    """A score over time as the selectors give it (selectors.Series): its rows in date order."""

    code: str
    label: str
    subject: str
    decimals: int
    rows: list[Any]


def _day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _count(magnitude: float) -> int:
    """The number ngettext chooses the plural form by. A number that is not whole (1.5 points) takes the
    plural in English, Bokmål and Nynorsk alike, which any count but one gives."""
    return int(magnitude) if abs(magnitude - round(magnitude)) < 1e-9 else 2


def summary(label: str, values: list[tuple[date, float]], decimals: int, signed: bool = False) -> str:
    """The chart's text alternative: how many values over what time, the first, the latest, the extremes."""

    def shown(value: float) -> str:
        text = number(value, decimals)
        return f"+{text}" if signed and value > 1e-9 else text

    if len(values) == 1:
        day, value = values[0]
        return _("%(label)s: one value, %(value)s on %(date)s.") % {
            "label": label,
            "value": shown(value),
            "date": _day(day),
        }
    numbers = [value for _day_, value in values]
    return _(
        "%(label)s: %(count)s values from %(start)s to %(end)s. First %(first)s, latest %(latest)s; "
        "lowest %(lowest)s, highest %(highest)s."
    ) % {
        "label": label,
        "count": len(values),
        "start": _day(values[0][0]),
        "end": _day(values[-1][0]),
        "first": shown(numbers[0]),
        "latest": shown(numbers[-1]),
        "lowest": shown(min(numbers)),
        "highest": shown(max(numbers)),
    }


@dataclass(frozen=True)
class Change:
    """What changed in one score between the first and the latest, in words."""

    what: str
    verdict: str


def _walk(difference: float, amount: str, count: int, since: str, name: str | None) -> str:
    values = {"count": amount, "date": since, "name": name}
    if abs(difference) < 1e-9:
        if name is None:
            return _("You walked as far as on %(date)s.") % values
        return _("%(name)s walked as far as on %(date)s.") % values
    if difference > 0:
        if name is None:
            return (
                ngettext(
                    "You walked %(count)s metre further than on %(date)s.",
                    "You walked %(count)s metres further than on %(date)s.",
                    count,
                )
                % values
            )
        return (
            ngettext(
                "%(name)s walked %(count)s metre further than on %(date)s.",
                "%(name)s walked %(count)s metres further than on %(date)s.",
                count,
            )
            % values
        )
    if name is None:
        return (
            ngettext(
                "You walked %(count)s metre less than on %(date)s.",
                "You walked %(count)s metres less than on %(date)s.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(name)s walked %(count)s metre less than on %(date)s.",
            "%(name)s walked %(count)s metres less than on %(date)s.",
            count,
        )
        % values
    )


def _timed(difference: float, amount: str, count: int, since: str, name: str | None) -> str:
    values = {"count": amount, "date": since, "name": name}
    if abs(difference) < 1e-9:
        if name is None:
            return _("Timed Up and Go took you as long as on %(date)s.") % values
        return _("Timed Up and Go took %(name)s as long as on %(date)s.") % values
    if difference < 0:
        if name is None:
            return (
                ngettext(
                    "Timed Up and Go took you %(count)s second less than on %(date)s.",
                    "Timed Up and Go took you %(count)s seconds less than on %(date)s.",
                    count,
                )
                % values
            )
        return (
            ngettext(
                "Timed Up and Go took %(name)s %(count)s second less than on %(date)s.",
                "Timed Up and Go took %(name)s %(count)s seconds less than on %(date)s.",
                count,
            )
            % values
        )
    if name is None:
        return (
            ngettext(
                "Timed Up and Go took you %(count)s second more than on %(date)s.",
                "Timed Up and Go took you %(count)s seconds more than on %(date)s.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Timed Up and Go took %(name)s %(count)s second more than on %(date)s.",
            "Timed Up and Go took %(name)s %(count)s seconds more than on %(date)s.",
            count,
        )
        % values
    )


def _score(difference: float, amount: str, count: int, since: str, label: str) -> str:
    values = {"count": amount, "date": since, "score": label}
    if abs(difference) < 1e-9:
        return _("%(score)s is the same as at the first, %(date)s.") % values
    if difference > 0:
        return (
            ngettext(
                "%(score)s went up %(count)s point since the first, %(date)s.",
                "%(score)s went up %(count)s points since the first, %(date)s.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(score)s went down %(count)s point since the first, %(date)s.",
            "%(score)s went down %(count)s points since the first, %(date)s.",
            count,
        )
        % values
    )


def _verdict(direction: str, important: bool | None) -> str:
    if direction == "better":
        if important:
            return _("That is better, and at least the smallest change known to matter.")
        if important is False:
            return _("That is better, but less than the smallest change known to matter.")
        return _("That is better.")
    if direction == "worse":
        if important:
            return _("That is worse, and at least the smallest change known to matter.")
        if important is False:
            return _("That is worse, but less than the smallest change known to matter.")
        return _("That is worse.")
    return ""


def change_in_words(series: Series, name: str | None = None) -> Change | None:
    """The change from the first score to the latest in plain words; None for a single score or a code.

    `name` is the person's given name on the pages of someone the user acts for; None on one's own, where
    the sentence speaks to the reader ("You walked …")."""
    numbered = [row for row in series.rows if row.value is not None]
    if len(numbered) < 2:
        return None
    first, latest = numbered[0], numbered[-1]
    assert first.value is not None and latest.value is not None
    difference = latest.value - first.value
    magnitude = abs(difference)
    amount = number(magnitude, series.decimals)
    count = _count(round(magnitude, abs(series.decimals)))
    since = _day(first.administered_on)
    if series.code == "six-minute-walk":
        what = _walk(difference, amount, count, since, name)
    elif series.code == "tug":
        what = _timed(difference, amount, count, since, name)
    else:
        label = f"{series.label}: {series.subject}" if series.subject else series.label
        what = _score(difference, amount, count, since, label)
    return Change(what=what, verdict=_verdict(latest.first_direction, latest.first_important))
