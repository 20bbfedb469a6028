"""What every service shares."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else changed the object after the form was opened: never overwrite silently."""

    message = _(
        "Someone else changed this while you were editing. Your changes are kept below; check the current "
        "values and save again."
    )
