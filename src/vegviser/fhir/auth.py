"""Who calls: the bearer token, checked by the authorisation server's own library (django-oauth-toolkit), and
what its SMART scopes let it do. No session and no cookie: a browser signed in to the pages is not a caller of
the API."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from oauth2_provider.oauth2_backends import get_oauthlib_core

from .outcome import FhirError
from .scopes import SmartScope, parse_scopes
from .selectors import Caller

REALM = 'Bearer realm="Vegviser FHIR API"'


def _unauthorised(text: str, error: str = "") -> FhirError:
    challenge = f'{REALM}, error="{error}"' if error else REALM
    return FhirError(401, "login", text, {"WWW-Authenticate": challenge})


def authenticate(request: HttpRequest) -> tuple[Caller, list[SmartScope]]:
    """The caller and the token's SMART scopes, or a 401 to answer with."""
    header = request.headers.get("Authorization", "")
    if not header[:7].lower() == "bearer ":
        raise _unauthorised(_("The API needs an OAuth 2.0 bearer token in the Authorization header."))
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None:
        raise _unauthorised(_("The access token is not valid or has expired."), "invalid_token")
    user = token.user
    # A token without a user (a system's own, by client credentials) has no context in this version.
    if user is None or not user.is_active:
        raise _unauthorised(_("The access token is not valid or has expired."), "invalid_token")
    return Caller(user=user, client=token.application.name if token.application else ""), parse_scopes(
        token.scope
    )


def require_scope(scopes: list[SmartScope], resource_type: str, permission: str) -> None:
    """Refuse (403, RFC 6750's insufficient_scope) a token none of whose scopes allow the interaction. Said
    before any resource is looked up, so it tells nothing of whether one exists."""
    if not any(scope.allows("user", resource_type, permission) for scope in scopes):
        raise FhirError(
            403,
            "forbidden",
            _("The access token's scopes do not allow this interaction."),
            {"WWW-Authenticate": f'{REALM}, error="insufficient_scope"'},
        )
