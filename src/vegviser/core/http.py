from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one; `None` for any other method, so the form is unbound."""
    return request.POST if request.method == "POST" else None


def render_page(request: HttpRequest, template: str, context: dict[str, Any], *, part: str) -> HttpResponse:
    """The page `template`, or for an htmx request only `part`: the template the page includes for what is
    swapped in place. The view has done the same work either way, so the policy and the access records are
    the same for the part as for the page. Going back in history asks for the whole page."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)  # set by django-htmx's middleware
    swapping = htmx is not None and bool(htmx) and not htmx.history_restore_request
    response = render(request, part if swapping else template, context)
    # One address answers both: a browser's cache must not hand the part back for the page.
    patch_vary_headers(response, ["HX-Request"])
    return response


class ExplainedRefusal(PermissionDenied):
    """A refusal the user is told the reason for (the 403 page shows `message`): for the few refusals where
    saying why reveals nothing the user may not know."""

    message: Any = ""


class Refusal(Exception):
    """A refusal by the access policy, carrying what was asked for: the action and the object (or None). The
    policy cannot write to the log (it sits below the audit writer), so it says what it refused and the audit
    app records it where the refusal is answered (vegviser.audit.middleware)."""

    def __init__(self, action: str, obj: Any = None) -> None:
        super().__init__()
        self.action = action
        self.obj = obj


class RefusedAsNotFound(Refusal, Http404):
    """Answered with 404, so that a refused user learns nothing about whether the object exists."""


class RefusedAsForbidden(Refusal, PermissionDenied):
    """Answered with 403: a service refusing a step the page has already let the user see."""
