"""Choosing, changing and resetting passwords; how they are stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse

import vegviser.settings as production
from vegviser.accounts.models import User

from ..conftest import World, sign_in
from ..factories import PASSWORD, UserFactory
from .helpers import is_signed_in, password_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "fjellbekk solskinn 42"


def _link_in(body: str) -> str:
    match = re.search(r"https?://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def _choose_password(client: Client, link: str, password: str) -> Any:
    """Follow the emailed link and choose a password, as the user does in the browser."""
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    return client.post(set_password_url, {"new_password1": password, "new_password2": password})


def test_production_hashes_passwords_with_argon2() -> None:
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.usefixtures("production_hashers")
def test_passwords_are_hashed_with_argon2(db: None) -> None:
    user = UserFactory(username="ny")
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD.upper())


@pytest.mark.usefixtures("production_hashers")
def test_older_password_hash_is_upgraded_to_argon2_at_login(db: None) -> None:
    user = UserFactory(username="gammel")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    client = Client()
    assert password_login(client, "gammel", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_password_reset_sends_one_email_with_a_link_for_a_known_address(world: World) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "pasient@example.no"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pasient@example.no"]
    link = _link_in(message.body)
    assert resolve(link).view_name == "accounts:password_reset_confirm"


@pytest.mark.usefixtures("production_hashers")
def test_reset_link_lets_the_user_choose_a_new_password_and_log_in(world: World) -> None:
    Client().post(reverse("accounts:password_reset"), {"email": "pasient@example.no"})
    link = _link_in(mail.outbox[0].body)
    client = Client()
    response = _choose_password(client, link, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    user = User.objects.get(username="pasient")
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2")
    old = Client()
    password_login(old, "pasient", PASSWORD)
    assert not is_signed_in(old)
    new = Client()
    assert password_login(new, "pasient", NEW_PASSWORD).status_code == 302
    assert is_signed_in(new)


def test_reset_link_works_only_once(world: World) -> None:
    Client().post(reverse("accounts:password_reset"), {"email": "pasient@example.no"})
    link = _link_in(mail.outbox[0].body)
    _choose_password(Client(), link, NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert "new_password1" not in again.content.decode()


def test_tampered_reset_link_is_refused(world: World) -> None:
    Client().post(reverse("accounts:password_reset"), {"email": "pasient@example.no"})
    link = _link_in(mail.outbox[0].body)
    tampered = link[:-3] + ("aaa/" if not link.endswith("aaa/") else "bbb/")
    response = Client().get(tampered, follow=True)
    assert response.context["validlink"] is False
    assert User.objects.get(username="pasient").check_password(PASSWORD)


def test_unknown_address_sends_nothing_but_shows_the_same_page(world: World) -> None:
    known = Client().post(reverse("accounts:password_reset"), {"email": "pasient@example.no"}, follow=True)
    mail.outbox.clear()
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.no"}, follow=True)
    assert len(mail.outbox) == 0
    assert unknown.redirect_chain == known.redirect_chain
    assert _without_csrf(unknown.content) == _without_csrf(known.content)
    assert "Sjekk e-posten din" in unknown.content.decode()


def test_deactivated_user_gets_no_reset_email(world: World) -> None:
    UserFactory(username="gone", email="gone@example.no", is_active=False)
    response = Client().post(reverse("accounts:password_reset"), {"email": "gone@example.no"})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 0


def test_password_change_requires_the_old_password(world: World) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not the old one", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("old_password", "password_incorrect")
    assert User.objects.get(username="pasient").check_password(PASSWORD)


def test_password_change_refuses_a_too_short_password(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_login(client, "pasient", PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kort1x", "new_password2": "kort1x"},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "password_too_short")
    assert "This password is too short" in response.content.decode()
    assert User.objects.get(username="pasient").check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["1234567890123", "password123"])
def test_password_change_refuses_numeric_and_common_passwords(world: World, weak: str) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2")
    assert User.objects.get(username="pasient").check_password(PASSWORD)


@pytest.mark.usefixtures("production_hashers")
def test_password_change_with_the_old_password_works_and_keeps_the_session(world: World) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    user = User.objects.get(username="pasient")
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2")
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


def test_password_change_ends_other_sessions_of_the_user(world: World) -> None:
    other_device = Client()
    password_login(other_device, "pasient", PASSWORD)
    client = Client()
    password_login(client, "pasient", PASSWORD)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = other_device.get(reverse("accounts:notifications"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_professional_changes_password_after_the_second_factor_only(world: World) -> None:
    unverified = Client()
    password_login(unverified, "koordinator", PASSWORD)
    response = unverified.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")
    assert User.objects.get(username="koordinator").check_password(PASSWORD)
    verified = Client()
    sign_in(verified, world.coordinator)
    response = verified.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="koordinator").check_password(NEW_PASSWORD)


def test_anonymous_visitor_cannot_change_a_password(world: World) -> None:
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_user_who_never_chose_a_password_can_still_ask_for_a_link(db: None) -> None:
    from django.core import mail
    from django.test import Client
    from django.urls import reverse

    from vegviser.accounts.models import User

    user = User.objects.create(username="ny", email="ny@example.no")
    user.set_unusable_password()
    user.save()
    Client().post(reverse("accounts:password_reset"), {"email": "NY@example.no"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.no"]
