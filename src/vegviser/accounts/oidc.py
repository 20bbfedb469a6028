"""Logging in through OpenID Connect providers: ID-porten for citizens.

Authlib does the protocol: the authorisation request with state, nonce and PKCE (S256), the code exchange,
and the ID token's signature (against the provider's published keys), issuer, audience, expiry and nonce.
This module chooses the provider from the settings, asks for the level, checks the level in the answer, and
finds the registry's person and login from the identity number. The identity number is used only here, and
goes into no URL, log line or session: the session keeps the ID token for the logout only, and sealed.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from joserfc.errors import ClaimError, JoseError

from vegviser.registry.models import Person

from .models import User

logger = logging.getLogger(__name__)

# What the session keeps about how its user logged in: the way ("idporten", "password") and the level.
LOGIN_METHOD = "vegviser_login_method"
LOGIN_LEVEL = "vegviser_login_level"
SEALED_ID_TOKEN = "vegviser_sealed_id_token"  # noqa: S105 (a session key, not a secret)

IDPORTEN = "idporten"
# Only RS256, whatever else the provider announces: ID-porten signs its ID tokens with RS256.
SIGNING_ALGORITHMS = ["RS256"]
# The error codes of OAuth 2.0 and OpenID Connect (RFC 6749 § 4.1.2.1 and § 5.2, OpenID Connect Core
# § 3.1.2.6), and Authlib's for a state that does not match: logged as they are; any other value the browser
# brings is not.
PROTOCOL_ERRORS = frozenset(
    {
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "invalid_client",
        "invalid_grant",
        "unsupported_grant_type",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "mismatching_state",
    }
)


class LoginRefused(Exception):
    """The provider's answer does not let anyone in. `reason` names why, for the page; `check` the check that
    failed, for the log. Neither carries anything from the token."""

    def __init__(self, reason: str, check: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.check = check or reason


@dataclass(frozen=True)
class Provider:
    name: str
    issuer: str
    client_id: str
    client_secret_file: Path
    scope: str
    # The provider's levels (`acr` values), lowest first, and the one asked for.
    levels: tuple[str, ...]
    level: str

    @property
    def accepted_levels(self) -> list[str]:
        """The level asked for and those above it."""
        return list(self.levels[self.levels.index(self.level) :])


def provider(name: str) -> Provider | None:
    """The provider of that name, if the settings turn it on."""
    config = settings.OIDC_PROVIDERS.get(name)
    if not config:
        return None
    return Provider(
        name=name,
        issuer=config["issuer"],
        client_id=config["client_id"],
        client_secret_file=Path(config["client_secret_file"]),
        scope=config["scope"],
        levels=tuple(config["levels"]),
        level=config["level"],
    )


_clients: dict[Provider, DjangoOAuth2App] = {}


def client(chosen: Provider) -> DjangoOAuth2App:
    """Authlib's client for the provider, made once per configuration: it keeps the provider's metadata and
    keys, and fetches the keys again when a token names a key it does not know (a key rotation)."""
    if chosen not in _clients:
        try:
            secret = chosen.client_secret_file.read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"The client secret file for {chosen.name} cannot be read: {error.strerror}."
            ) from None
        registry = OAuth()
        _clients[chosen] = registry.register(
            name=chosen.name,
            client_id=chosen.client_id,
            client_secret=secret,
            # OpenID Connect Discovery § 4: the issuer without a trailing slash, then the well-known path.
            server_metadata_url=chosen.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": chosen.scope, "code_challenge_method": "S256", "timeout": 10},
        )
    app = _clients[chosen]
    metadata = app.load_server_metadata()
    metadata["id_token_signing_alg_values_supported"] = SIGNING_ALGORITHMS
    return app


def start(request: HttpRequest, chosen: Provider, redirect_uri: str, language: str) -> Any:
    """The redirect to the provider's login, asking for the level the settings require."""
    return client(chosen).authorize_redirect(
        request, redirect_uri, acr_values=chosen.level, ui_locales=language
    )


def finish(request: HttpRequest, chosen: Provider) -> tuple[dict[str, Any], str]:
    """The verified claims of the ID token the provider's answer leads to, and the token itself.

    Raises LoginRefused when the answer is an error, its state is not the one this browser was given, the code
    is refused, or the ID token fails a check: signature, issuer, audience, expiry, nonce or level."""
    claims_options = {
        "iss": {"essential": True, "values": [chosen.issuer]},
        # Authlib checks the audience only through `azp` (a token for another service that names Vegviser as
        # its authorised party would pass): OpenID Connect Core § 3.1.3.7 asks for Vegviser in `aud` itself.
        "aud": {"essential": True, "values": [chosen.client_id]},
        "acr": {"essential": True, "values": chosen.accepted_levels},
    }
    try:
        token = client(chosen).authorize_access_token(
            request, claims_options=claims_options, leeway=settings.OIDC_CLOCK_LEEWAY
        )
    except OAuthError as error:
        # The provider said no (the person cancelled, say), or the state does not match this browser's. The
        # error code is the protocol's own (RFC 6749 § 4.1.2.1, § 5.2), never a value from the request.
        reason = "cancelled" if error.error == "access_denied" else "protocol"
        code = error.error if error.error in PROTOCOL_ERRORS else "other"
        raise LoginRefused(reason, f"{type(error).__name__} {code}") from None
    except ClaimError as error:
        check = f"{type(error).__name__} {error.claim}"
        raise LoginRefused("level" if error.claim == "acr" else "token", check) from None
    except (JoseError, ValueError) as error:
        raise LoginRefused("token", type(error).__name__) from None
    except requests.RequestException as error:
        raise LoginRefused("unavailable", type(error).__name__) from None
    claims = token.get("userinfo")
    if not claims:
        raise LoginRefused("token")
    return dict(claims), token["id_token"]


def citizen(identity_number: str) -> User | None:
    """The login of the registry's person with this identity number, if the person has an active one."""
    if not identity_number.isdigit() or len(identity_number) != 11:
        return None
    person = Person.objects.filter(national_id=identity_number).select_related("user").first()
    if person is None or person.user is None or not person.user.is_active:
        return None
    return person.user


def _sealer() -> Fernet:
    key = salted_hmac("vegviser.accounts.oidc.id_token", "sealed for the logout", algorithm="sha256")
    return Fernet(base64.urlsafe_b64encode(key.digest()))


def seal(id_token: str) -> str:
    """The ID token encrypted: it names the person by identity number, so it is kept only so."""
    return _sealer().encrypt(id_token.encode()).decode()


def unseal(sealed: str) -> str | None:
    try:
        return _sealer().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def logout_redirect(request: HttpRequest, chosen: Provider, id_token: str, after: str, language: str) -> Any:
    """The redirect to the provider's logout (RP-initiated), which sends the browser back to `after`."""
    return client(chosen).logout_redirect(
        request, post_logout_redirect_uri=after, id_token_hint=id_token, ui_locales=language
    )
