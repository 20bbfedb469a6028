"""A request id for every request: written to audit rows and log lines so the two can be matched. A redirect
answering an htmx request is followed by the whole page. Nothing sent to a signed-in user is kept in a
cache."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from vegviser.core.health import health_response

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A proxy may pass its own id on; accept only a short, harmless token so nothing else reaches the logs.
_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


# How the signed-in user of this request logged in (the access records keep it); set by the accounts app once
# the session and user are known, empty outside a request and for requests without a login.
# With it, the organisation a professional logged in for through HelseID: the records name that one.
_login_method: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "login_method", default=("", "")
)


def current_login_method() -> str:
    return _login_method.get()[0]


def current_acting_organisation() -> str:
    return _login_method.get()[1]


@contextmanager
def logged_in_with(method: str, organisation: str = "") -> Iterator[None]:
    token = _login_method.set((method, organisation))
    try:
        yield
    finally:
        _login_method.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class HtmxRedirectMiddleware:
    """An htmx request answered with a redirect (the session has ended, the second factor is asked for) sends
    the browser there as a whole page: followed in the background, the login page would be swapped into the
    part of the page that asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = request.htmx  # type: ignore[attr-defined]
        if htmx and 300 <= response.status_code < 400 and response.has_header("Location"):
            return HttpResponseClientRedirect(response["Location"])
        return response


class NoStoreMiddleware:
    """Every answer to a request that carries a session, or that starts one, is marked `no-store`: pages,
    PDFs, JSON and calendar files with health data are sent only to signed-in users, and must not be kept by
    the browser's cache or a proxy for the next user of a shared computer to find. Deciding by the session
    cookie, not by the user, needs no database: the rule holds when the database does not answer, and covers
    error pages and every download without a view having to remember it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = settings.SESSION_COOKIE_NAME
        if session in request.COOKIES or session in response.cookies:
            add_never_cache_headers(response)
        return response


class HealthCheckMiddleware:
    """/healthz is answered here, before the session, the user and the language are looked at: a monitor that
    sends a session cookie would otherwise have the session and the user loaded from a database that may not
    answer, and wait for each in turn before the check itself could say 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and request.path_info == reverse("core:healthz"):
            return health_response()
        return self.get_response(request)
