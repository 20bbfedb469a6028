from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def portal(request: HttpRequest) -> dict[str, Any]:
    """Whose pages the user may open in the portal: looked up only if a page asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"portal_subjects": SimpleLazyObject(lambda: selectors.subjects(user))}
