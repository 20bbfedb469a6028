"""Logging in with ID-porten, against a real OpenID Connect provider on this machine configured like ID-porten
(tests/oidc_provider). Vegviser's side runs through Django's test client; the browser's side at the provider
is real HTTP. Tokens are the provider's own, except where a test plays an attacker who swaps the ID token in
the provider's answer for another one."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc import jwt
from joserfc._rfc7519 import claims as claims_checks
from joserfc.jwk import RSAKey

from vegviser.accounts import oidc
from vegviser.accounts.models import User
from vegviser.registry.identity import synthetic_national_id

from ..conftest import World
from ..core.test_deploy import PRODUCTION, run
from ..factories import PersonFactory, PersonRelationFactory, UserFactory, born_years_ago
from ..idporten_provider import (
    AFTER_LOGOUT,
    CALLBACK,
    HIGH,
    SUBSTANTIAL,
    Browser,
    RunningProvider,
    settings_for,
    signed_in_user,
    swap_id_token,
    token_parts,
)

LOGIN = reverse("accounts:idporten_login")


@pytest.fixture
def idporten(settings: Any, oidc_provider: RunningProvider) -> RunningProvider:
    settings.OIDC_PROVIDERS = settings_for(oidc_provider)
    return oidc_provider


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def start(client: Client, next_url: str = "") -> str:
    """Vegviser's redirect to the provider: the authorisation request."""
    response = client.get(LOGIN + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return str(response["Location"])


def log_in(client: Client, pid: str, *, level: str = HIGH, browser: Browser | None = None) -> Any:
    """The whole login; gives Vegviser's answer to the provider's redirect back."""
    browser = browser or Browser()
    callback = browser.log_in_at_provider(start(client), pid=pid, level=level)
    return client.get(callback)


def test_the_login_page_offers_id_porten_only_when_it_is_configured(
    db: None, settings: Any, oidc_provider: RunningProvider
) -> None:
    settings.OIDC_PROVIDERS = {}
    assert "ID-porten" not in english().get(reverse("accounts:login")).content.decode()
    assert english().get(LOGIN).status_code == 404
    settings.OIDC_PROVIDERS = settings_for(oidc_provider)
    wording = {"en": "Log in with ID-porten", "nb": "Logg inn med ID-porten", "nn": "Logg inn med ID-porten"}
    for language, button in wording.items():
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("accounts:login")).content.decode()
        assert button in page
        assert LOGIN in page


def test_the_patient_logs_in_at_the_level_asked_for(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    pid = world.patient.national_id
    client = english()
    authorize = start(client)
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(idporten.issuer + "/")
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["acr_values"] == [HIGH]
    assert asked["redirect_uri"] == [CALLBACK]
    assert asked["client_id"] == ["vegviser"]
    assert asked["state"] and asked["nonce"] and asked["code_challenge"]

    callback = Browser().log_in_at_provider(authorize, pid=pid)
    assert pid not in callback
    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == world.patient_user
    assert client.session[oidc.LOGIN_METHOD] == "idporten"
    assert client.session[oidc.LOGIN_LEVEL] == HIGH
    # The identity number is in no URL, log line, cookie or stored session value.
    assert pid not in caplog.text
    assert all(pid not in morsel.value for morsel in client.cookies.values())
    assert pid not in repr(dict(client.session.items()))
    portal = client.get(reverse("portal:index"), follow=True)
    assert portal.status_code == 200
    assert "Per" in portal.content.decode()


def test_the_way_back_goes_to_the_page_asked_for(world: World, idporten: RunningProvider) -> None:
    client = english()
    wanted = reverse("portal:index")
    callback = Browser().log_in_at_provider(start(client, wanted), pid=world.patient.national_id)
    assert client.get(callback)["Location"] == wanted
    # Never to another site.
    other = english()
    callback = Browser().log_in_at_provider(
        start(other, "https://evil.example/"), pid=world.patient.national_id
    )
    assert other.get(callback)["Location"] == reverse("home")


def test_an_id_porten_login_counts_as_the_second_factor(world: World, idporten: RunningProvider) -> None:
    TOTPDevice.objects.create(user=world.patient_user, name="phone", confirmed=True)
    verify = reverse("accounts:two_factor_verify")
    by_password = english()
    by_password.force_login(world.patient_user, backend="django.contrib.auth.backends.ModelBackend")
    assert by_password.get(reverse("portal:index"))["Location"].startswith(verify)
    client = english()
    log_in(client, world.patient.national_id)
    response = client.get(reverse("portal:index"), follow=True)
    assert response.status_code == 200
    assert all(not url.startswith(verify) for url, _ in response.redirect_chain)


def test_a_changed_state_is_refused(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    callback = Browser().log_in_at_provider(start(client), pid=world.patient.national_id)
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = query["state"][::-1]
    response = client.get(parts.path + "?" + urlencode(query))
    assert response.status_code == 403
    assert "The login could not be completed" in response.content.decode()
    assert signed_in_user(client) is None
    assert "ID-porten login refused: MismatchingStateError mismatching_state" in caplog.text


def test_the_answer_from_another_browser_is_refused(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """A login started in one browser and finished in another (login CSRF): that browser was given no
    state."""
    callback = Browser().log_in_at_provider(start(english()), pid=world.patient.national_id)
    other = english()
    assert other.get(callback).status_code == 403
    assert signed_in_user(other) is None
    assert "ID-porten login refused: MismatchingStateError mismatching_state" in caplog.text


def test_an_answer_used_twice_is_refused(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    callback = Browser().log_in_at_provider(start(client), pid=world.patient.national_id)
    assert client.get(callback).status_code == 302
    client.post(reverse("accounts:logout"))
    replayed = client.get(callback)
    assert replayed.status_code == 403
    assert signed_in_user(client) is None
    assert "ID-porten login refused: MismatchingStateError mismatching_state" in caplog.text


def test_a_code_meant_for_another_service_is_refused(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """The attacker gets the provider to issue a code to another service, with Vegviser's state and PKCE
    challenge, and hands it to Vegviser: the provider refuses to give Vegviser tokens for it."""
    client = english()
    authorize = start(client)
    parts = urlsplit(authorize)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["client_id"] = idporten.other_client_id
    foreign = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"
    callback = Browser().log_in_at_provider(foreign, pid=world.patient.national_id)
    response = client.get(callback)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "ID-porten login refused: OAuthError invalid_grant" in caplog.text


def _id_token_for_another_service(idporten: RunningProvider, pid: str, nonce: str) -> str:
    """A real ID token from the provider for the same person and nonce, issued to another service."""
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "client_id": idporten.other_client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": CALLBACK,
        "state": "other",
        "nonce": nonce,
        "acr_values": HIGH,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    callback = Browser().log_in_at_provider(f"{idporten.issuer}/auth?{urlencode(query)}", pid=pid)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = requests.post(
        f"{idporten.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(idporten.other_client_id, idporten.other_secret),
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["id_token"])


def test_an_id_token_for_another_service_is_refused(
    world: World, idporten: RunningProvider, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    authorize = start(client)
    nonce = parse_qs(urlsplit(authorize).query)["nonce"][0]
    foreign = _id_token_for_another_service(idporten, world.patient.national_id, nonce)
    assert token_parts(foreign)[1]["aud"] == idporten.other_client_id
    swap_id_token(monkeypatch, lambda genuine: foreign)
    callback = Browser().log_in_at_provider(authorize, pid=world.patient.national_id)
    response = client.get(callback)
    assert response.status_code == 403
    assert "The login could not be completed" in response.content.decode()
    assert signed_in_user(client) is None
    assert "ID-porten login refused: InvalidClaimError aud" in caplog.text


def test_an_id_token_signed_with_another_key_is_refused(
    world: World, idporten: RunningProvider, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The attacker's token says everything the provider's says, under the provider's key id, but is signed
    with the attacker's own key."""
    attackers_key = RSAKey.generate_key(2048)

    def forged(genuine: str) -> str:
        header, claims = token_parts(genuine)
        return jwt.encode({"alg": "RS256", "kid": header["kid"]}, claims, attackers_key)

    swap_id_token(monkeypatch, forged)
    client = english()
    response = log_in(client, world.patient.national_id)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "ID-porten login refused: BadSignatureError" in caplog.text


def test_an_expired_id_token_is_refused(
    world: World, idporten: RunningProvider, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider's answer reaches Vegviser after the ID token has expired: its hour and the leeway."""
    client = english()
    callback = Browser().log_in_at_provider(start(client), pid=world.patient.national_id)
    later = time.time() + 3600 + 2 * 60

    class Later:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(claims_checks, "time", Later)
    response = client.get(callback)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "ID-porten login refused: ExpiredTokenError exp" in caplog.text


def test_a_level_below_the_one_required_is_refused(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = english()
    response = log_in(client, world.patient.national_id, level=SUBSTANTIAL)
    assert response.status_code == 403
    assert "needs a login on a higher security level" in response.content.decode()
    assert signed_in_user(client) is None
    assert "ID-porten login refused: InvalidClaimError acr" in caplog.text


def test_substantial_is_enough_where_the_operator_accepts_it(
    world: World, settings: Any, oidc_provider: RunningProvider
) -> None:
    settings.OIDC_PROVIDERS = settings_for(oidc_provider, level=SUBSTANTIAL)
    client = english()
    authorize = start(client)
    assert parse_qs(urlsplit(authorize).query)["acr_values"] == [SUBSTANTIAL]
    callback = Browser().log_in_at_provider(authorize, pid=world.patient.national_id, level=SUBSTANTIAL)
    assert client.get(callback).status_code == 302
    assert signed_in_user(client) == world.patient_user
    assert client.session[oidc.LOGIN_LEVEL] == SUBSTANTIAL


def test_a_person_vegviser_does_not_know_is_told_what_they_can_do(
    world: World, idporten: RunningProvider, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = synthetic_national_id(born_years_ago(30), 7)
    client = english()
    response = log_in(client, stranger)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Vegviser has no login for you" in page
    assert reverse("public:index") in page
    assert reverse("public:directory") in page
    assert signed_in_user(client) is None
    assert stranger not in caplog.text


def test_a_registered_person_without_a_login_is_not_let_in(world: World, idporten: RunningProvider) -> None:
    client = english()
    response = log_in(client, world.person_tromso.national_id)
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_a_deactivated_login_is_not_let_in(world: World, idporten: RunningProvider) -> None:
    User.objects.filter(pk=world.patient_user.pk).update(is_active=False)
    client = english()
    assert log_in(client, world.patient.national_id).status_code == 403
    assert signed_in_user(client) is None


def test_a_parent_reaches_their_child_under_the_portal_rules(world: World, idporten: RunningProvider) -> None:
    """The parent acts for the 8-year-old; the 17-year-old's pages are their own (no parent from 16)."""
    parent = PersonFactory(given_name="Fatima", family_name="Haugen", user=UserFactory(username="forelder"))
    child = PersonFactory(given_name="Emil", family_name="Haugen", birth_date=born_years_ago(8))
    PersonRelationFactory(person=child, relative=parent)
    grown = PersonFactory(given_name="Oskar", family_name="Haugen", birth_date=born_years_ago(17))
    PersonRelationFactory(person=grown, relative=parent)
    client = english()
    log_in(client, parent.national_id)
    assert signed_in_user(client) == parent.user
    page = client.get(reverse("portal:index"), follow=True).content.decode()
    assert "Emil" in page
    assert "Oskar" not in page
    assert client.get(reverse("portal:home", args=[child.pk])).status_code == 200
    assert client.get(reverse("portal:home", args=[grown.pk])).status_code in {403, 404}


def test_logout_ends_both_sessions(world: World, idporten: RunningProvider) -> None:
    browser = Browser()
    client = english()
    log_in(client, world.patient.national_id, browser=browser)
    # While the provider's session lasts, a new login there needs no eID.
    again = english()
    sso = browser.follow_to_site(start(again))
    assert again.get(sso).status_code == 302

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    end_session = response["Location"]
    asked = parse_qs(urlsplit(end_session).query)
    assert end_session.startswith(idporten.issuer + "/session/end")
    assert asked["post_logout_redirect_uri"] == [AFTER_LOGOUT]
    assert asked["id_token_hint"]
    assert signed_in_user(client) is None
    assert browser.confirm_logout(end_session).startswith(AFTER_LOGOUT)

    # The provider's session has ended: the next login asks for the eID again.
    page = browser.http.get(start(english()), timeout=10)
    assert "/interaction/" in page.url
    assert 'name="pid"' in page.text


def test_a_password_login_logs_out_of_vegviser_only(world: World, idporten: RunningProvider) -> None:
    client = english()
    client.force_login(world.patient_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("accounts:logout"))
    assert not response["Location"].startswith(idporten.issuer)
    assert signed_in_user(client) is None


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    # Each test reads the provider's metadata and keys afresh, as a new process would.
    oidc._clients.clear()
    yield
    oidc._clients.clear()


def test_a_client_secret_that_cannot_be_read_stops_the_checks(
    settings: Any, oidc_provider: RunningProvider, tmp_path: Any
) -> None:
    settings.OIDC_PROVIDERS = settings_for(oidc_provider)
    call_command("check")
    settings.OIDC_PROVIDERS["idporten"]["client_secret_file"] = tmp_path / "missing"
    with pytest.raises(SystemCheckError, match="client secret file for idporten"):
        call_command("check")


def test_id_porten_is_turned_on_by_the_environment_and_refuses_half_a_configuration(tmp_path: Any) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-the-file\n")
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OIDC_PROVIDERS); print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    off = run(show, **PRODUCTION)
    assert off.returncode == 0, off.stderr
    assert off.stdout.splitlines()[0] == "{}"
    configured = dict(
        PRODUCTION,
        IDPORTEN_ISSUER="https://idporten.example/",
        IDPORTEN_CLIENT_ID="vegviser-kommune",
        IDPORTEN_CLIENT_SECRET_FILE=str(secret),
    )
    on = run(show, **configured)
    assert on.returncode == 0, on.stderr
    assert "'issuer': 'https://idporten.example/'" in on.stdout
    assert "'level': 'idporten-loa-high'" in on.stdout
    assert "'https://idporten.example/'" in on.stdout.splitlines()[1]
    assert "s3cret" not in on.stdout
    low = run(show, **dict(configured, IDPORTEN_LEVEL="idporten-loa-low"))
    assert "IDPORTEN_LEVEL" in low.stderr
    half = run(show, **dict(configured, IDPORTEN_CLIENT_ID=""))
    assert "IDPORTEN_CLIENT_ID" in half.stderr
    assert half.returncode != 0
