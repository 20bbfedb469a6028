"""What every service shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else changed the object after the form was opened: never overwrite silently."""

    message = _(
        "Someone else changed this while you were editing. Your changes are kept below; check the current "
        "values and save again."
    )


def assign(instance: Any, fields: Iterable[str], data: dict[str, Any]) -> None:
    """Copy the named fields that the data holds onto the instance."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
