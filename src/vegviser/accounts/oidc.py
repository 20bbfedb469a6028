"""Logging in through OpenID Connect providers: ID-porten for citizens, HelseID for professionals.

Authlib does the protocol: the authorisation request with state, nonce and PKCE (S256), the code exchange,
client authentication with `private_key_jwt`, and the ID token's signature (against the provider's published
keys), issuer, audience, expiry and nonce. Two mechanisms HelseID requires are not in Authlib's client, and
are added here on its session: pushed authorisation requests (RFC 9126: the request's parameters are posted
to the provider, with the client's authentication, and the browser is sent with the reference only) and DPoP
proofs (RFC 9449) at the token endpoint, signed with joserfc.

This module chooses the provider from the settings, asks for the level, checks the level in the answer, and
finds the login from the identity number (ID-porten) or the HPR number and the organisation (HelseID). The
identity number is used only here, and goes into no URL, log line or session: the session keeps the ID token
for the logout only, and sealed.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from authlib.common.urls import url_decode
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.client import DEFAULT_HEADERS
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.crypto import salted_hmac
from joserfc import jwt
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import ECKey, JWKRegistry, RSAKey

from vegviser.registry.models import Membership, Person

from .models import User

logger = logging.getLogger(__name__)

# What the session keeps about how its user logged in: the way ("idporten", "helseid", "password"), the
# level, and for HelseID the organisation the professional logged in for.
LOGIN_METHOD = "vegviser_login_method"
LOGIN_LEVEL = "vegviser_login_level"
ACTING_ORGANISATION = "vegviser_acting_organisation"
SEALED_ID_TOKEN = "vegviser_sealed_id_token"  # noqa: S105 (a session key, not a secret)

IDPORTEN = "idporten"
HELSEID = "helseid"
PASSWORD = "password"  # noqa: S105 (the name of a way in, not a password)
# The ways in that are two factors in themselves: ID-porten's levels substantial and high, and HelseID's
# levels 3 and 4, are multi-factor eIDs.
TWO_FACTOR_METHODS = frozenset({IDPORTEN, HELSEID})

# HelseID's claims (https://utviklerportal.nhn.no, HelseID, technical reference, claims): the professional's
# HPR number, the security level of the login, and the organisation the client logged in on behalf of (the
# main unit, and the sub-unit where one is given).
HPR_NUMBER = "helseid://claims/hpr/hpr_number"
SECURITY_LEVEL = "helseid://claims/identity/security_level"
ORGANISATION_PARENT = "helseid://claims/client/claims/orgnr_parent"
ORGANISATION_CHILD = "helseid://claims/client/claims/orgnr_child"

# Only RS256, whatever else the provider announces: ID-porten and HelseID sign their ID tokens with RS256.
SIGNING_ALGORITHMS = ["RS256"]
# How long a client assertion (private_key_jwt) is valid: it is used at once, and HelseID accepts no more
# than a minute or two.
ASSERTION_LIFETIME = 60
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
    scope: str
    # The provider's levels, lowest first, and the one asked for.
    levels: tuple[str, ...]
    level: str
    # The client's credentials: a shared secret (ID-porten's client_secret_basic) or a private key
    # (private_key_jwt), each read from a file.
    client_secret_file: Path | None = None
    private_key_file: Path | None = None
    pushed_authorisation: bool = False
    dpop: bool = False

    @property
    def accepted_levels(self) -> list[str]:
        """The level asked for and those above it."""
        return list(self.levels[self.levels.index(self.level) :])

    @property
    def level_claim(self) -> str:
        """The claim that says the login's level: ID-porten's `acr`, HelseID's own security level."""
        return SECURITY_LEVEL if self.name == HELSEID else "acr"

    @property
    def credentials_file(self) -> Path:
        return self.private_key_file or self.client_secret_file or Path("/nonexistent")


def provider(name: str) -> Provider | None:
    """The provider of that name, if the settings turn it on."""
    config = settings.OIDC_PROVIDERS.get(name)
    if not config:
        return None
    secret_file = config.get("client_secret_file")
    key_file = config.get("private_key_file")
    return Provider(
        name=name,
        issuer=config["issuer"],
        client_id=config["client_id"],
        scope=config["scope"],
        levels=tuple(config["levels"]),
        level=config["level"],
        client_secret_file=Path(secret_file) if secret_file else None,
        private_key_file=Path(key_file) if key_file else None,
        pushed_authorisation=bool(config.get("pushed_authorisation")),
        dpop=bool(config.get("dpop")),
    )


def _error_code(response: requests.Response) -> str:
    try:
        answer = response.json()
    except ValueError:
        return ""
    return str(answer.get("error", "")) if isinstance(answer, dict) else ""


class ProviderSession(OAuth2Session):
    """Authlib's session to the provider, with DPoP proofs (RFC 9449) on the code exchange where the provider
    binds its tokens to a key, and pushed authorisation requests (RFC 9126).

    The DPoP key is made for the exchange and forgotten after it: Vegviser calls no API with the access token,
    so the binding only has to be proved once, to get the ID token."""

    def __init__(self, *args: Any, dpop: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dpop_key = ECKey.generate_key("P-256") if dpop else None

    def _proof(self, url: str, nonce: str) -> str:
        assert self.dpop_key is not None
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.dpop_key.as_dict(private=False)}
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(24),
            "htm": "POST",
            "htu": url.split("?", 1)[0],
            "iat": int(time.time()),
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(header, claims, self.dpop_key, algorithms=["ES256"])

    def _post(self, url: str, data: dict[str, str], auth: Any, *, proof: bool) -> requests.Response:
        """A POST with the client's authentication (a new assertion each time), and a DPoP proof if asked
        for: when the provider answers that the proof must carry its nonce, once more with it."""
        nonce = ""
        for _attempt in range(2):
            headers = dict(DEFAULT_HEADERS)
            if proof and self.dpop_key is not None:
                headers["DPoP"] = self._proof(url, nonce)
            response = self.post(url, data=data, headers=headers, auth=auth, withhold_token=True)
            nonce = response.headers.get("DPoP-Nonce", "")
            if not (proof and nonce and response.status_code in {400, 401}):
                break
            if _error_code(response) != "use_dpop_nonce":
                break
        return response

    def _fetch_token(
        self,
        url: str,
        body: str = "",
        headers: Any = None,
        auth: Any = None,
        method: str = "POST",
        **kwargs: Any,
    ) -> Any:
        response = self._post(url, dict(url_decode(body)), auth, proof=True)
        for hook in self.compliance_hook["access_token_response"]:
            response = hook(response)
        return self.parse_response_token(response)

    def push_authorisation_request(self, url: str, params: dict[str, str]) -> str:
        """The authorisation request's parameters posted to the provider (RFC 9126); gives the reference the
        browser carries instead. Without a DPoP proof: the key that proves the tokens' binding is made at the
        code exchange."""
        auth = self.client_auth(self.token_endpoint_auth_method)
        response = self._post(url, params, auth, proof=False)
        if response.status_code != 201:
            raise OAuthError(error=_error_code(response) or "server_error")
        request_uri = response.json().get("request_uri")
        if not isinstance(request_uri, str) or not request_uri:
            raise OAuthError(error="server_error")
        return request_uri


class ProviderApp(DjangoOAuth2App):
    client_cls = ProviderSession


class Providers(OAuth):
    oauth2_client_cls = ProviderApp


def private_key(text: str) -> RSAKey | ECKey:
    """The client's private key from its file: a JWK (as HelseID's self-service gives it) or PEM."""
    key = JWKRegistry.import_key(json.loads(text)) if text.startswith("{") else RSAKey.import_key(text)
    if not isinstance(key, RSAKey | ECKey) or not key.is_private:
        raise ValueError("not a private RSA or EC key")
    return key


def _credentials(chosen: Provider) -> tuple[Any, dict[str, Any]]:
    """The client's secret or private key, and how it authenticates at the provider's endpoints."""
    try:
        text = chosen.credentials_file.read_text().strip()
    except OSError as error:
        kind = "private key" if chosen.private_key_file else "client secret"
        raise ImproperlyConfigured(
            f"The {kind} file for {chosen.name} cannot be read: {error.strerror}."
        ) from None
    if chosen.private_key_file is None:
        return text, {}
    try:
        key = private_key(text)
    except (ValueError, JoseError, TypeError):
        # Nothing of the file's content in the message.
        raise ImproperlyConfigured(
            f"The private key file for {chosen.name} holds no private RSA or EC key (JWK or PEM)."
        ) from None
    alg = key.alg or ("ES256" if isinstance(key, ECKey) else "RS256")
    headers = {"kid": key.kid} if key.kid else None
    return key, {"token_endpoint_auth_method": ClientAssertion(chosen.issuer, headers=headers, alg=alg)}


class ClientAssertion(PrivateKeyJWT):
    """Authlib's `private_key_jwt`, with the assertion valid for a minute rather than Authlib's hour: it is
    used at once, and HelseID accepts no longer. Its audience is the issuer, as HelseID requires; a provider
    accepts that at every endpoint."""

    def sign(self, auth: Any, token_endpoint: str) -> Any:
        return private_key_jwt_sign(
            auth.client_secret,
            client_id=auth.client_id,
            token_endpoint=token_endpoint,
            header=dict(self.headers or {}),
            alg=self.alg,
            expires_in=ASSERTION_LIFETIME,
        )


_clients: dict[Provider, DjangoOAuth2App] = {}


def client(chosen: Provider) -> DjangoOAuth2App:
    """Authlib's client for the provider, made once per configuration: it keeps the provider's metadata and
    keys, and fetches the keys again when a token names a key it does not know (a key rotation)."""
    if chosen not in _clients:
        secret, authentication = _credentials(chosen)
        registry = Providers()
        _clients[chosen] = registry.register(
            name=chosen.name,
            client_id=chosen.client_id,
            client_secret=secret,
            # OpenID Connect Discovery § 4: the issuer without a trailing slash, then the well-known path.
            server_metadata_url=chosen.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": chosen.scope,
                "code_challenge_method": "S256",
                "timeout": 10,
                "dpop": chosen.dpop,
                **authentication,
            },
        )
    app = _clients[chosen]
    metadata = app.load_server_metadata()
    metadata["id_token_signing_alg_values_supported"] = SIGNING_ALGORITHMS
    return app


def start(request: HttpRequest, chosen: Provider, redirect_uri: str, language: str) -> Any:
    """The redirect to the provider's login, asking for the level the settings require (ID-porten), with the
    request pushed to the provider first where the provider requires it (HelseID).

    Raises LoginRefused when the provider cannot be reached or refuses the pushed request."""
    app = client(chosen)
    extra = {"ui_locales": language}
    if chosen.level_claim == "acr":
        extra["acr_values"] = chosen.level
    try:
        if not chosen.pushed_authorisation:
            return app.authorize_redirect(request, redirect_uri, **extra)
        metadata = app.load_server_metadata()
        asked = app.create_authorization_url(redirect_uri, **extra)
        params = dict(parse_qsl(urlsplit(asked["url"]).query))
        with app._get_oauth_client(**metadata) as session:
            request_uri = session.push_authorisation_request(
                metadata["pushed_authorization_request_endpoint"], params
            )
    except OAuthError as error:
        code = error.error if error.error in PROTOCOL_ERRORS else "other"
        raise LoginRefused("protocol", f"{type(error).__name__} {code}") from None
    except (requests.RequestException, KeyError) as error:
        raise LoginRefused("unavailable", type(error).__name__) from None
    # State, nonce and PKCE verifier kept for the way back, as Authlib's own redirect does.
    app.save_authorize_data(request, redirect_uri=redirect_uri, **asked)
    query = urlencode({"client_id": chosen.client_id, "request_uri": request_uri})
    return HttpResponseRedirect(f"{metadata['authorization_endpoint']}?{query}")


def finish(request: HttpRequest, chosen: Provider) -> tuple[dict[str, Any], str]:
    """The verified claims of the ID token the provider's answer leads to, and the token itself.

    Raises LoginRefused when the answer is an error, its state is not the one this browser was given, the code
    is refused, or the ID token fails a check: signature, issuer, audience, expiry, nonce or level."""
    claims_options = {
        "iss": {"essential": True, "values": [chosen.issuer]},
        # Authlib checks the audience only through `azp` (a token for another service that names Vegviser as
        # its authorised party would pass): OpenID Connect Core § 3.1.3.7 asks for Vegviser in `aud` itself.
        "aud": {"essential": True, "values": [chosen.client_id]},
        chosen.level_claim: {"essential": True, "values": chosen.accepted_levels},
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
        raise LoginRefused("level" if error.claim == chosen.level_claim else "token", check) from None
    except (JoseError, ValueError) as error:
        raise LoginRefused("token", type(error).__name__) from None
    except requests.RequestException as error:
        raise LoginRefused("unavailable", type(error).__name__) from None
    claims = token.get("userinfo")
    if not claims:
        raise LoginRefused("token")
    if chosen.dpop and str(token.get("token_type", "")).lower() != "dpop":
        # The provider was to bind its tokens to Vegviser's key, and did not: not the provider configured.
        raise LoginRefused("token", "token not bound with DPoP")
    return dict(claims), token["id_token"]


def citizen(identity_number: str) -> User | None:
    """The login of the registry's person with this identity number, if the person has an active one."""
    if not identity_number.isdigit() or len(identity_number) != 11:
        return None
    person = Person.objects.filter(national_id=identity_number).select_related("user").first()
    if person is None or person.user is None or not person.user.is_active:
        return None
    return person.user


def professional(hpr_number: str) -> User | None:
    """The active login with this HPR number, if there is one: logging in creates none."""
    if not hpr_number.isdigit() or not 4 <= len(hpr_number) <= 9:
        return None
    return User.objects.filter(hpr_number=hpr_number, is_active=True).first()


def acting_membership(user: User, claims: dict[str, Any]) -> Membership | None:
    """The user's role in the organisation the login was made for: the sub-unit the token names, or else its
    main unit. None when the token names no organisation, or one the user has no active role in; a role in a
    sub-unit registered under another main unit than the token's does not count either."""
    parent = str(claims.get(ORGANISATION_PARENT, "") or "")
    child = str(claims.get(ORGANISATION_CHILD, "") or "")
    number = child or parent
    if not number.isdigit() or len(number) != 9:
        return None
    memberships = Membership.objects.filter(
        user=user, active=True, organisation__organisation_number=number
    ).select_related("organisation__parent")
    for membership in memberships:
        above = membership.organisation.parent
        if child and parent and above is not None and above.organisation_number not in {"", parent}:
            continue
        return membership
    return None


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
