"""Refusals by the access policy, recorded where they are answered.

The policy sits below the audit writer and cannot record its own refusals: it raises them with what was
asked for (vegviser.core.http.Refusal), and this middleware records each one a signed-in user met, before
Django turns it into the 404 or 403 page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import HttpRequest, HttpResponse

from vegviser.core.http import Refusal

from .services import record_refusal


class RefusalLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        user = getattr(request, "user", None)
        # A refusal without an object is a page the user's role does not offer, not an attempt at someone's
        # data; one without a signed-in user is the login page's business.
        if (
            isinstance(exception, Refusal)
            and isinstance(exception.obj, models.Model)
            and user is not None
            and user.is_authenticated
        ):
            record_refusal(actor=user, action=exception.action, obj=exception.obj)
        return None  # Django answers the refusal as it would have
