"""Two-factor sign-in for professionals: after the password, the code from an authenticator app."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from vegviser.core.middleware import logged_in_with

from .oidc import (
    ACTING_ORGANISATION,
    HELSEID,
    IDPORTEN,
    LOGIN_LEVEL,
    LOGIN_METHOD,
    PASSWORD,
    TWO_FACTOR_METHODS,
)

# Pages reachable between the password and the code.
EXEMPT_URL_NAMES = (
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "accounts:idporten_login",
    "accounts:idporten_callback",
    "accounts:helseid_login",
    "accounts:helseid_callback",
    "set_language",
    "core:healthz",
)


def client_ip(request: HttpRequest) -> str:
    """The client's address for login throttling.

    Behind N trusted proxies (`TRUSTED_PROXY_COUNT`), the address is the N-th entry from the right in
    X-Forwarded-For: entries further left are written by the client and cannot be trusted."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # OTPMiddleware has added is_verified() to the user. A login through ID-porten or HelseID counts as
        # two factors: their levels are multi-factor eIDs. A password is one.
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and request.session.get(LOGIN_METHOD) not in TWO_FACTOR_METHODS
            and not self._exempt(request)
        ):
            if user_has_device(user, confirmed=True):
                verify = reverse("accounts:two_factor_verify")
                if request.method == "GET":
                    # Back to the page that was asked for, once the code is given.
                    verify += "?" + urlencode({"next": request.get_full_path()})
                return redirect(verify)
            if settings.VEGVISER_REQUIRE_2FA and user.is_professional:
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        return any(request.path == reverse(name) for name in EXEMPT_URL_NAMES)


def login_method(request: HttpRequest) -> str:
    """How the request's user logged in, as the access records name it: the way in and its level. A session
    from before the way was kept, or from the admin's login page, was opened with a password."""
    if not request.user.is_authenticated:
        return ""
    method = request.session.get(LOGIN_METHOD) or PASSWORD
    level = str(request.session.get(LOGIN_LEVEL, ""))
    if method == IDPORTEN:
        return level
    if method == HELSEID:
        return f"{HELSEID}-{level}"
    return PASSWORD


class LoginMethodMiddleware:
    """Makes how the user logged in known to the access records written while the request is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        method = login_method(request)
        organisation = str(request.session.get(ACTING_ORGANISATION, "")) if method else ""
        with logged_in_with(method, organisation):
            return self.get_response(request)
