"""Two-factor sign-in for professionals: after the password, the code from an authenticator app."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from .oidc import LOGIN_METHOD

# Pages reachable between the password and the code.
EXEMPT_URL_NAMES = (
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "accounts:idporten_login",
    "accounts:idporten_callback",
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
        # OTPMiddleware has added is_verified() to the user. A login through an OpenID Connect provider
        # counts as two factors: ID-porten's levels substantial and high are multi-factor eIDs.
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.session.get(LOGIN_METHOD)
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
