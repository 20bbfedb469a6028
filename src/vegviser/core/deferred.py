"""A message kept untranslated, with its values, and translated when it is shown: a notice written today is
read later, perhaps after the reader has changed language, so it is stored as the message id and the values
that fill it, never as text in one language.

`keep` takes what `gettext_lazy`, `pgettext_lazy`, `ngettext_lazy` and `npgettext_lazy` return, and values
that JSON can hold: text, numbers, dates and times (kept as ISO values, formatted when shown) and other lazy
messages (translated when shown too).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise

from .formats import clock, day, stamp

_FUNCTIONS = {translation.gettext, translation.pgettext, translation.ngettext, translation.npgettext}


def keep(message: Any) -> dict[str, Any] | None:
    """The untranslated message: {"id", and "context", "plural" and "number" where it has them}; None for
    anything but a lazy translation (e.g. text already translated), which cannot be translated again."""
    if not isinstance(message, Promise):
        return None
    try:
        reduced: Any = message.__reduce__()
    except TypeError:
        return None
    parts: tuple[Any, ...] = reduced[1]
    func = parts[0] if parts else None
    if func not in _FUNCTIONS:
        return None
    if isinstance(parts[1], tuple):  # a plain lazy call: (func, args, kwargs, result classes…)
        if func in (translation.gettext, translation.pgettext):
            *context, msgid = parts[1]
            return {"id": msgid, **({"context": context[0]} if context else {})}
        named = dict(parts[2])  # a plural with a fixed count: all of it named
    else:  # a plural whose count is one of the values: (func, result class, number, kwargs)
        named = {**parts[3], "number": parts[2]}
    kept = {"id": named["singular"], "plural": named["plural"], "number": named["number"]}
    if "context" in named:
        kept["context"] = named["context"]
    return kept


def keep_values(params: dict[str, Any]) -> dict[str, Any]:
    """The values as JSON, each with what it is where a string would not say: a date, a time, a message."""
    return {name: _kept_value(value) for name, value in params.items()}


def _kept_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"kind": "datetime", "value": value.isoformat()}
    if isinstance(value, date):
        return {"kind": "date", "value": value.isoformat()}
    if isinstance(value, time):
        return {"kind": "time", "value": value.strftime("%H:%M")}
    kept = keep(value)
    if kept is not None:
        return {"kind": "message", "value": kept}
    return str(value)


def shown(message: dict[str, Any], params: dict[str, Any]) -> str:
    """The message in the active language, filled with the values formatted as Vegviser prints them."""
    values = {name: _shown_value(value) for name, value in params.items()}
    number = message.get("number")
    if "plural" in message:
        count = values.get(number, 0) if isinstance(number, str) else number
        count = count if isinstance(count, int) else 0
        if "context" in message:
            text = translation.npgettext(message["context"], message["id"], message["plural"], count)
        else:
            text = translation.ngettext(message["id"], message["plural"], count)
    elif "context" in message:
        text = translation.pgettext(message["context"], message["id"])
    else:
        text = translation.gettext(message["id"])
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        # A translation that names a value the message was not given: its words rather than an error page.
        return text


def _shown_value(value: Any) -> Any:
    if not isinstance(value, dict) or "kind" not in value:
        return value
    kind, kept = value["kind"], value["value"]
    if kind == "date":
        return day(date.fromisoformat(kept))
    if kind == "datetime":
        moment = datetime.fromisoformat(kept)
        return stamp(timezone.localtime(moment) if timezone.is_aware(moment) else moment)
    if kind == "time":
        return clock(datetime.combine(date.min, time.fromisoformat(kept)))
    if kind == "message":
        return shown(kept, {})
    return kept
