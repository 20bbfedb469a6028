from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one; `None` for any other method, so the form is unbound."""
    return request.POST if request.method == "POST" else None


class ExplainedRefusal(PermissionDenied):
    """A refusal the user is told the reason for (the 403 page shows `message`): for the few refusals where
    saying why reveals nothing the user may not know."""

    message: Any = ""
