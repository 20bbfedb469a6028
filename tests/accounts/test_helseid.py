"""Logging in with HelseID, against a real OpenID Connect provider on this machine configured like HelseID
(tests/oidc_provider with OIDC_PROVIDER_PROFILE=helseid): pushed authorisation requests required, the
client authenticated with private_key_jwt, access tokens bound with DPoP and the provider's nonce, and the
HPR number, security level and organisation numbers in HelseID's claims. Vegviser's side runs through
Django's test client; the browser's side at the provider is real HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from authlib.integrations.django_client import DjangoOAuth2App
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc import jwt
from joserfc._rfc7519 import claims as claims_checks
from joserfc.jwk import RSAKey

from vegviser.accounts import oidc
from vegviser.accounts.models import User
from vegviser.registry.models import Organisation

from ..conftest import World
from ..idporten_provider import (
    AFTER_LOGOUT,
    HELSEID_CALLBACK,
    Browser,
    RunningProvider,
    helseid_settings_for,
    signed_in_user,
    swap_id_token,
    token_parts,
)

LOGIN = reverse("accounts:helseid_login")
HPR = "1234567"
# The physiotherapy service (a sub-unit) under the municipality (its main unit), as the Central Coordinating
# Register for Legal Entities would number them.
PHYSIO = "974795930"
MUNICIPALITY = "972418013"
SCHOOL = "974554062"


@pytest.fixture
def helseid(settings: Any, helseid_provider: RunningProvider) -> RunningProvider:
    settings.OIDC_PROVIDERS = helseid_settings_for(helseid_provider)
    return helseid_provider


@pytest.fixture
def professional(world: World) -> User:
    """The coordinator, with her HPR number, at the physiotherapy service with its organisation number."""
    User.objects.filter(pk=world.coordinator.pk).update(hpr_number=HPR)
    Organisation.objects.filter(pk=world.physio.pk).update(organisation_number=PHYSIO)
    Organisation.objects.filter(pk=world.school.pk).update(organisation_number=SCHOOL)
    return world.coordinator


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    oidc._clients.clear()
    yield
    oidc._clients.clear()


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def start(client: Client) -> str:
    response = client.get(LOGIN)
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def log_in(
    client: Client,
    *,
    hpr: str = HPR,
    level: str = "4",
    parent: str = "",
    child: str = PHYSIO,
    browser: Browser | None = None,
) -> Any:
    callback = (browser or Browser()).log_in_at_helseid(
        start(client), hpr=hpr, level=level, parent=parent, child=child
    )
    return client.get(callback)


def test_the_login_page_offers_helseid_only_when_it_is_configured(
    db: None, settings: Any, helseid_provider: RunningProvider
) -> None:
    settings.OIDC_PROVIDERS = {}
    assert "HelseID" not in english().get(reverse("accounts:login")).content.decode()
    assert english().get(LOGIN).status_code == 404
    settings.OIDC_PROVIDERS = helseid_settings_for(helseid_provider)
    wording = {"en": "Log in with HelseID", "nb": "Logg inn med HelseID", "nn": "Logg inn med HelseID"}
    for language, button in wording.items():
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("accounts:login")).content.decode()
        assert button in page
        assert LOGIN in page
        assert "ID-porten" not in page


def test_the_professional_logs_in_for_her_organisation(
    world: World, professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    authorize = start(client)
    # Pushed: the browser carries only the client and the reference to the request the provider holds.
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(helseid.issuer + "/auth?")
    assert set(asked) == {"client_id", "request_uri"}
    assert asked["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")

    callback = Browser().log_in_at_helseid(authorize, hpr=HPR, parent=MUNICIPALITY, child=PHYSIO)
    response = client.get(callback)

    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == professional
    assert client.session[oidc.LOGIN_METHOD] == "helseid"
    assert client.session[oidc.LOGIN_LEVEL] == "4"
    assert client.session[oidc.ACTING_ORGANISATION] == str(world.physio.pk)
    assert HPR not in caplog.text
    assert HPR not in repr(dict(client.session.items()))
    assert client.get(reverse("home")).status_code == 200


def test_the_token_is_bound_with_dpop_and_the_client_signs_its_assertions(
    world: World, professional: User, helseid: RunningProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What went to the token endpoint: a DPoP proof with the provider's nonce after it asked for one, and a
    client assertion signed with the client's key, for the issuer, valid for a minute."""
    sent: list[tuple[int, dict[str, str], dict[str, str]]] = []
    post = oidc.ProviderSession.post

    def watched(self: oidc.ProviderSession, url: str, **kwargs: Any) -> Any:
        response = post(self, url, **kwargs)
        if url.endswith("/token"):
            # As sent: the client's authentication is added to the body as the request is prepared.
            body = dict(parse_qsl(str(response.request.body)))
            sent.append((response.status_code, dict(kwargs["headers"]), body))
        return response

    monkeypatch.setattr(oidc.ProviderSession, "post", watched)
    tokens: list[dict[str, Any]] = []
    fetch = DjangoOAuth2App.fetch_access_token

    def kept(self: DjangoOAuth2App, *args: Any, **kwargs: Any) -> Any:
        token = fetch(self, *args, **kwargs)
        tokens.append(dict(token))
        return token

    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", kept)
    client = english()
    assert log_in(client).status_code == 302
    assert [status for status, _, _ in sent] == [400, 200]
    assert tokens[0]["token_type"] == "DPoP"
    first, second = (token_parts(headers["DPoP"]) for _, headers, _ in sent)
    assert first[0]["typ"] == "dpop+jwt" and first[0]["jwk"]["kty"] == "EC"
    assert "nonce" not in first[1] and second[1]["nonce"]
    assert second[1]["htm"] == "POST" and second[1]["htu"] == helseid.issuer + "/token"
    assertion_header, assertion = token_parts(sent[1][2]["client_assertion"])
    assert assertion_header["kid"] == "vegviser-test"
    assert assertion["iss"] == assertion["sub"] == "vegviser"
    assert assertion["aud"] == helseid.issuer
    assert assertion["exp"] - assertion["iat"] <= 60
    # A new assertion for every request: the provider refuses one used twice.
    assert sent[0][2]["client_assertion"] != sent[1][2]["client_assertion"]


def test_a_helseid_login_counts_as_the_second_factor(professional: User, helseid: RunningProvider) -> None:
    TOTPDevice.objects.create(user=professional, name="phone", confirmed=True)
    client = english()
    log_in(client)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert all(
        not url.startswith(reverse("accounts:two_factor_verify")) for url, _ in response.redirect_chain
    )


def test_a_changed_state_is_refused(
    professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    callback = Browser().log_in_at_helseid(start(client), hpr=HPR, child=PHYSIO)
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = query["state"][::-1]
    response = client.get(parts.path + "?" + urlencode(query))
    assert response.status_code == 403
    assert "The login could not be completed" in response.content.decode()
    assert signed_in_user(client) is None
    assert "HelseID login refused: MismatchingStateError mismatching_state" in caplog.text


def test_an_answer_used_twice_is_refused(
    professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    callback = Browser().log_in_at_helseid(start(client), hpr=HPR, child=PHYSIO)
    assert client.get(callback).status_code == 302
    client.post(reverse("accounts:logout"))
    replayed = client.get(callback)
    assert replayed.status_code == 403
    assert signed_in_user(client) is None


def test_a_code_used_twice_is_refused_by_the_provider(
    professional: User,
    helseid: RunningProvider,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The attacker replays the state Vegviser kept (a copied session) with the code already exchanged: the
    provider gives no second set of tokens for it."""
    client = english()
    callback = Browser().log_in_at_helseid(start(client), hpr=HPR, child=PHYSIO)
    kept = {key: value for key, value in client.session.items() if key.startswith("_state_helseid_")}
    assert client.get(callback).status_code == 302
    client.post(reverse("accounts:logout"))
    session = client.session
    session.update(kept)
    session.save()
    response = client.get(callback)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "HelseID login refused: OAuthError invalid_grant" in caplog.text


def test_an_expired_id_token_is_refused(
    professional: User,
    helseid: RunningProvider,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = english()
    callback = Browser().log_in_at_helseid(start(client), hpr=HPR, child=PHYSIO)
    later = time.time() + 3600 + 2 * 60

    class Later:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(claims_checks, "time", Later)
    response = client.get(callback)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "HelseID login refused: ExpiredTokenError exp" in caplog.text


def _id_token_for_another_service(helseid: RunningProvider, scratch: Path, nonce: str) -> str:
    """A real ID token from the provider for the same professional and nonce, issued to another service:
    that service's own login, with its own key, pushed request and DPoP."""
    assert helseid.other_key is not None
    key_file = scratch / "other.json"
    key_file.write_text(json.dumps(helseid.other_key.as_dict(private=True)))
    other = oidc.Provider(
        name="helseid",
        issuer=helseid.issuer,
        client_id=helseid.other_client_id,
        scope="openid helseid://scopes/identity/security_level helseid://scopes/hpr/hpr_number",
        levels=("3", "4"),
        level="4",
        private_key_file=key_file,
        pushed_authorisation=True,
        dpop=True,
    )
    app = oidc.client(other)
    metadata = app.load_server_metadata()
    asked = app.create_authorization_url(HELSEID_CALLBACK, nonce=nonce)
    params = dict(parse_qs(urlsplit(asked["url"]).query, keep_blank_values=True))
    with app._get_oauth_client(**metadata) as session:
        request_uri = session.push_authorisation_request(
            metadata["pushed_authorization_request_endpoint"],
            {key: values[0] for key, values in params.items()},
        )
    authorize = f"{helseid.issuer}/auth?" + urlencode(
        {"client_id": other.client_id, "request_uri": request_uri}
    )
    callback = Browser().log_in_at_helseid(authorize, hpr=HPR, child=PHYSIO)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    token = app.fetch_access_token(
        code=code, redirect_uri=HELSEID_CALLBACK, code_verifier=asked["code_verifier"]
    )
    return str(token["id_token"])


def test_an_id_token_for_another_service_is_refused(
    professional: User,
    helseid: RunningProvider,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    client = english()
    authorize = start(client)
    state = next(key for key in list(client.session.keys()) if key.startswith("_state_helseid_"))
    nonce = client.session[state]["data"]["nonce"]
    foreign = _id_token_for_another_service(helseid, tmp_path, nonce)
    assert token_parts(foreign)[1]["aud"] == helseid.other_client_id
    swap_id_token(monkeypatch, lambda genuine: foreign)
    callback = Browser().log_in_at_helseid(authorize, hpr=HPR, child=PHYSIO)
    response = client.get(callback)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "HelseID login refused: InvalidClaimError aud" in caplog.text


def test_an_id_token_signed_with_another_key_is_refused(
    professional: User,
    helseid: RunningProvider,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    attackers_key = RSAKey.generate_key(2048)

    def forged(genuine: str) -> str:
        header, claims = token_parts(genuine)
        return jwt.encode({"alg": "RS256", "kid": header["kid"]}, claims, attackers_key)

    swap_id_token(monkeypatch, forged)
    client = english()
    response = log_in(client)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "HelseID login refused: BadSignatureError" in caplog.text


def test_a_client_key_the_provider_does_not_know_is_refused(
    settings: Any,
    professional: User,
    helseid: RunningProvider,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Vegviser's assertions signed with a key HelseID has not registered: the pushed request is refused."""
    stranger = tmp_path / "unregistered.json"
    stranger.write_text(
        json.dumps(RSAKey.generate_key(2048, parameters={"kid": "vegviser-test"}).as_dict(private=True))
    )
    settings.OIDC_PROVIDERS["helseid"]["private_key_file"] = stranger
    response = english().get(LOGIN)
    assert response.status_code == 403
    assert "The login could not be completed" in response.content.decode()
    assert "OAuthError invalid_client" in caplog.text


def test_a_token_request_without_dpop_is_refused_where_the_provider_requires_it(
    settings: Any, professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    settings.OIDC_PROVIDERS = helseid_settings_for(helseid, dpop=False)
    client = english()
    response = log_in(client)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "HelseID login refused: OAuthError" in caplog.text


def test_a_level_below_4_is_refused(
    professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    response = log_in(client, level="3")
    assert response.status_code == 403
    assert "needs a login on security level 4" in response.content.decode()
    assert signed_in_user(client) is None
    assert f"HelseID login refused: InvalidClaimError {oidc.SECURITY_LEVEL}" in caplog.text


def test_an_unknown_hpr_number_is_told_whom_to_ask(
    professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    users = User.objects.count()
    for language, words in [
        ("en", "no user in Vegviser has your HPR number"),
        ("nb", "ingen bruker i Vegviser har HPR-nummeret ditt"),
        ("nn", "ingen brukar i Vegviser har HPR-nummeret ditt"),
    ]:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        response = log_in(client, hpr="7654321")
        page = response.content.decode()
        assert response.status_code == 403
        assert words in page
        assert signed_in_user(client) is None
    assert User.objects.count() == users
    assert "7654321" not in caplog.text


def test_a_deactivated_login_is_not_let_in(professional: User, helseid: RunningProvider) -> None:
    User.objects.filter(pk=professional.pk).update(is_active=False)
    client = english()
    response = log_in(client)
    assert response.status_code == 403
    assert "no user in Vegviser has your HPR number" in response.content.decode()
    assert signed_in_user(client) is None


def test_an_organisation_the_professional_has_no_role_in_is_refused(
    professional: User, helseid: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    for child in (SCHOOL, "", "911111111"):
        client = english()
        response = log_in(client, child=child)
        assert response.status_code == 403
        assert "on behalf of an organisation where you have no role" in response.content.decode()
        assert signed_in_user(client) is None
    assert "HelseID login refused: organisation without a role for the user" in caplog.text


def test_the_main_unit_alone_is_enough_where_the_role_is_held_there(
    world: World, professional: User, helseid: RunningProvider
) -> None:
    Organisation.objects.filter(pk=world.physio.pk).update(organisation_number=MUNICIPALITY)
    client = english()
    assert log_in(client, parent=MUNICIPALITY, child="").status_code == 302
    assert signed_in_user(client) == professional


def test_a_sub_unit_under_another_main_unit_is_refused(
    world: World, professional: User, helseid: RunningProvider
) -> None:
    """The token's sub-unit is the user's, but HelseID vouched for it under another main unit than the one the
    registry has it under."""
    main = Organisation.objects.create(
        name="Bodø kommune", organisation_number=MUNICIPALITY, kind=world.physio.kind
    )
    Organisation.objects.filter(pk=world.physio.pk).update(parent=main)
    client = english()
    assert log_in(client, parent="911111111", child=PHYSIO).status_code == 403
    assert signed_in_user(client) is None
    assert log_in(client, parent=MUNICIPALITY, child=PHYSIO).status_code == 302


def test_logout_ends_both_sessions(professional: User, helseid: RunningProvider) -> None:
    browser = Browser()
    client = english()
    log_in(client, browser=browser)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    end_session = response["Location"]
    asked = parse_qs(urlsplit(end_session).query)
    assert end_session.startswith(helseid.issuer + "/session/end")
    assert asked["post_logout_redirect_uri"] == [AFTER_LOGOUT]
    assert signed_in_user(client) is None
    assert browser.confirm_logout(end_session).startswith(AFTER_LOGOUT)
    page = browser.http.get(start(english()), timeout=10)
    assert "/interaction/" in page.url
    assert 'name="hpr"' in page.text


def test_an_unreadable_private_key_stops_the_checks_and_says_nothing_of_the_key(
    settings: Any, helseid_provider: RunningProvider, tmp_path: Path
) -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.OIDC_PROVIDERS = helseid_settings_for(helseid_provider)
    call_command("check")
    settings.OIDC_PROVIDERS["helseid"]["private_key_file"] = tmp_path / "missing"
    with pytest.raises(SystemCheckError, match="private key file for helseid"):
        call_command("check")


def test_helseid_is_turned_on_by_the_environment_and_refuses_half_a_configuration(tmp_path: Path) -> None:
    from ..core.test_deploy import PRODUCTION, run

    key = tmp_path / "key.json"
    key.write_text(json.dumps(RSAKey.generate_key(2048).as_dict(private=True)))
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OIDC_PROVIDERS.get('helseid')); "
        "print(settings.LOCAL_LOGIN_FOR_CITIZENS, settings.LOCAL_LOGIN_FOR_PROFESSIONALS)"
    )
    off = run(show, **PRODUCTION)
    assert off.returncode == 0, off.stderr
    assert off.stdout.splitlines() == ["None", "True True"]
    configured = dict(
        PRODUCTION,
        HELSEID_ISSUER="https://helseid-sts.test.nhn.no",
        HELSEID_CLIENT_ID="vegviser-kommune",
        HELSEID_PRIVATE_KEY_FILE=str(key),
        VEGVISER_LOCAL_LOGIN_PROFESSIONALS="false",
    )
    on = run(show, **configured)
    assert on.returncode == 0, on.stderr
    assert "'issuer': 'https://helseid-sts.test.nhn.no'" in on.stdout
    assert "'pushed_authorisation': True" in on.stdout and "'dpop': True" in on.stdout
    assert "'level': '4'" in on.stdout
    assert on.stdout.splitlines()[1] == "True False"
    # The key stays in its file.
    assert '"d"' not in on.stdout and json.loads(key.read_text())["d"] not in on.stdout
    half = run(show, **dict(configured, HELSEID_PRIVATE_KEY_FILE=""))
    assert half.returncode != 0
    assert "HELSEID_PRIVATE_KEY_FILE" in half.stderr
    low = run(show, **dict(configured, HELSEID_LEVEL="2"))
    assert "HELSEID_LEVEL" in low.stderr
