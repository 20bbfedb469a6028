"""Two-factor sign-in: professionals give a code from an authenticator app after the password."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

import vegviser.settings as production
from vegviser.audit.models import AuditRecord

from ..conftest import World
from ..factories import PASSWORD, UserFactory
from .helpers import is_signed_in, password_login, token_at, wrong_token

pytestmark = pytest.mark.django_db

SETUP = "accounts:two_factor_setup"
VERIFY = "accounts:two_factor_verify"


def verify_then(path: str) -> str:
    return f"{reverse(VERIFY)}?{urlencode({'next': path})}"


GUARDED_PAGES = [
    "home",
    "accounts:password_change",
    "accounts:user_list",
    "registry:organisation_list",
    "registry:person_search",
]


@pytest.fixture(autouse=True)
def _require_2fa(settings: Any) -> None:
    settings.VEGVISER_REQUIRE_2FA = True


def _password_only(username: str) -> Client:
    client = Client()
    response = password_login(client, username, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)
    return client


def _setup_device(client: Client, user: Any) -> TOTPDevice:
    assert client.get(reverse(SETUP)).status_code == 200
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_2fa_is_required_by_default_without_debug() -> None:
    assert production.DEBUG is False
    assert production.VEGVISER_REQUIRE_2FA is True


@pytest.mark.parametrize("page", GUARDED_PAGES)
def test_professional_with_password_only_is_sent_to_setup_from_every_page(world: World, page: str) -> None:
    client = _password_only("koordinator")
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url == reverse(SETUP)


@pytest.mark.parametrize("username", ["ke", "laerer", "orgadmin", "sysadmin"])
def test_every_kind_of_professional_must_set_up_2fa(world: World, username: str) -> None:
    response = _password_only(username).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(SETUP)


def test_user_with_a_profession_but_no_membership_must_set_up_2fa(world: World) -> None:
    UserFactory(username="fysio", profession="physiotherapist")
    response = _password_only("fysio").get(reverse("home"))
    assert response.url == reverse(SETUP)


@pytest.mark.parametrize("page", ["portal:index", "accounts:password_change"])
def test_citizen_is_never_forced_to_set_up_2fa(world: World, page: str) -> None:
    client = _password_only("pasient")
    response = client.get(reverse(page), follow=True)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.patient_user).exists()


def test_without_the_requirement_a_professional_reaches_home(world: World, settings: Any) -> None:
    settings.VEGVISER_REQUIRE_2FA = False
    client = _password_only("koordinator")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"] == world.coordinator


def test_without_the_requirement_a_confirmed_device_is_still_asked_for(world: World, settings: Any) -> None:
    settings.VEGVISER_REQUIRE_2FA = False
    TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    response = _password_only("koordinator").get(reverse("home"))
    assert response.status_code == 302
    assert response.url == verify_then("/")


def test_setup_page_shows_the_qr_code_as_a_data_uri_image_and_the_secret(world: World) -> None:
    client = _password_only("koordinator")
    response = client.get(reverse(SETUP))
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    html = response.content.decode()
    match = re.search(r'<img class="qr" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert match, "the QR code must be an <img> with a data: URI"
    svg = base64.b64decode(match.group(1)).decode()
    assert "<svg" in svg
    assert base64.b32encode(device.bin_key).decode() in html
    # Nothing inline that the Content-Security-Policy would block.
    assert "<svg" not in html
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in csp
    assert "'unsafe-inline'" not in csp
    assert "no-cache" in response.headers["Cache-Control"]


def test_setup_page_keeps_the_same_secret_until_confirmed(world: World) -> None:
    client = _password_only("koordinator")
    first = _setup_device(client, world.coordinator)
    second = _setup_device(client, world.coordinator)
    assert first.pk == second.pk
    assert TOTPDevice.objects.filter(user=world.coordinator).count() == 1


def test_valid_token_confirms_the_device_and_gives_access(world: World) -> None:
    client = _password_only("koordinator")
    device = _setup_device(client, world.coordinator)
    response = client.post(reverse(SETUP), {"token": token_at(device)})
    assert response.status_code == 302
    assert response.url == reverse("home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert AuditRecord.objects.filter(
        action="user.two_factor_enable", actor=world.coordinator, object_id=str(world.coordinator.pk)
    ).exists()


def test_confirming_a_new_device_replaces_the_old_one(world: World) -> None:
    old = TOTPDevice.objects.create(user=world.coordinator, name="old phone", confirmed=True)
    client = Client()
    password_login(client, "koordinator", PASSWORD)
    client.post(reverse(VERIFY), {"token": token_at(old)})
    new = _setup_device(client, world.coordinator)
    response = client.post(reverse(SETUP), {"token": token_at(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.coordinator)) == [new]


def test_wrong_token_is_refused_and_the_device_stays_unconfirmed(world: World) -> None:
    client = _password_only("koordinator")
    device = _setup_device(client, world.coordinator)
    response = client.post(reverse(SETUP), {"token": wrong_token(device)})
    assert response.status_code == 200
    assert response.context["form"].has_error("token")
    assert "Koden ble ikke godkjent" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).url == reverse(SETUP)
    assert not AuditRecord.objects.filter(action="user.two_factor_enable").exists()


def test_token_that_is_not_six_digits_is_refused(world: World) -> None:
    client = _password_only("koordinator")
    device = _setup_device(client, world.coordinator)
    response = client.post(reverse(SETUP), {"token": "12ab56"})
    assert response.context["form"].has_error("token", "invalid")
    device.refresh_from_db()
    assert not device.confirmed


def test_anonymous_visitor_cannot_open_the_2fa_pages(world: World) -> None:
    for name in (SETUP, VERIFY):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert not TOTPDevice.objects.exists()


def test_user_with_a_confirmed_device_must_give_the_code_after_the_password(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    client = _password_only("koordinator")
    for page in GUARDED_PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 302
        # Back to the page asked for, once the code is given.
        assert response.url == verify_then(reverse(page))
    response = client.post(reverse(VERIFY), {"token": token_at(device)})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_code_at_verification_is_refused(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    client = _password_only("koordinator")
    response = client.post(reverse(VERIFY), {"token": wrong_token(device)})
    assert response.status_code == 200
    assert response.context["form"].has_error("token")
    assert client.get(reverse("home")).url == verify_then("/")


def test_code_of_another_users_device_is_refused(world: World) -> None:
    TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    other = TOTPDevice.objects.create(user=world.org_admin, name="app", confirmed=True)
    client = _password_only("koordinator")
    response = client.post(reverse(VERIFY), {"token": token_at(other)})
    assert response.status_code == 200
    assert client.get(reverse("home")).url == verify_then("/")


def test_citizen_who_turned_on_2fa_must_give_the_code(world: World) -> None:
    TOTPDevice.objects.create(user=world.patient_user, name="app", confirmed=True)
    response = _password_only("pasient").get(reverse("home"))
    assert response.url == verify_then("/")


def test_setup_cannot_replace_a_confirmed_device_before_the_code_is_given(world: World) -> None:
    """Otherwise the password alone would be enough: enrol a new app, then use its codes."""
    original = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    client = _password_only("koordinator")
    response = client.get(reverse(SETUP))
    assert response.status_code == 302
    assert response.url == reverse(VERIFY)
    attacker = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=False)
    response = client.post(reverse(SETUP), {"token": token_at(attacker)})
    assert response.status_code == 302
    assert response.url == reverse(VERIFY)
    assert TOTPDevice.objects.filter(pk=original.pk, confirmed=True).exists()
    attacker.refresh_from_db()
    assert not attacker.confirmed
    assert client.get(reverse("home")).url == verify_then("/")


def test_verification_goes_on_to_a_next_page_on_this_site(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    client = _password_only("koordinator")
    target = reverse("accounts:password_change")
    response = client.post(f"{reverse(VERIFY)}?next={target}", {"token": token_at(device)})
    assert response.status_code == 302
    assert response.url == target


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/login"])
def test_verification_does_not_go_on_to_another_site(world: World, next_url: str) -> None:
    device = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    client = _password_only("koordinator")
    response = client.post(reverse(VERIFY), {"token": token_at(device)}, QUERY_STRING=f"next={next_url}")
    assert response.status_code == 302
    assert response.url == reverse("home")
