"""Local passwords can be turned off for citizens, for professionals, or both, where they log in through
ID-porten and HelseID instead; the system administrator keeps the password."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from ..conftest import World
from ..factories import PASSWORD

LOGIN = reverse("accounts:login")


def password_login(username: str, language: str = "en") -> tuple[Client, Any]:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    return client, client.post(LOGIN, {"username": username, "password": PASSWORD})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_passwords_off_for_citizens(world: World, settings: Any) -> None:
    settings.LOCAL_LOGIN_FOR_CITIZENS = False
    client, response = password_login("pasient")
    assert response.status_code == 200
    assert "Log in with ID-porten here, not with a password." in response.content.decode()
    assert 'value="pasient"' in response.content.decode()
    assert not signed_in(client)
    _, nynorsk = password_login("pasient", "nn")
    assert "Her loggar du inn med ID-porten, ikkje med passord." in nynorsk.content.decode()
    # Professionals keep theirs.
    client, response = password_login("koordinator")
    assert response.status_code == 302
    assert signed_in(client)


def test_passwords_off_for_professionals(world: World, settings: Any) -> None:
    settings.LOCAL_LOGIN_FOR_PROFESSIONALS = False
    client, response = password_login("koordinator")
    assert response.status_code == 200
    assert (
        "Health and care personnel log in with HelseID here, not with a password."
        in response.content.decode()
    )
    assert not signed_in(client)
    _, bokmaal = password_login("koordinator", "nb")
    assert "Helsepersonell logger inn med HelseID her, ikke med passord." in bokmaal.content.decode()
    for username in ("pasient", "sysadmin"):
        client, response = password_login(username)
        assert response.status_code == 302, username
        assert signed_in(client)


def test_a_wrong_password_says_what_it_always_says(world: World, settings: Any) -> None:
    """Whether an account exists, and what kind, is not told before the password is right."""
    settings.LOCAL_LOGIN_FOR_PROFESSIONALS = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.post(LOGIN, {"username": "koordinator", "password": "wrong"}).content.decode()
    assert "HelseID" not in page
    assert not signed_in(client)


def test_with_passwords_off_for_everyone_the_page_offers_only_the_providers(db: None, settings: Any) -> None:
    settings.LOCAL_LOGIN_FOR_CITIZENS = False
    settings.LOCAL_LOGIN_FOR_PROFESSIONALS = False
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(LOGIN).content.decode()
    assert 'name="password"' not in page
    assert "Forgotten your password?" not in page
    settings.LOCAL_LOGIN_FOR_CITIZENS = True
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(LOGIN).content.decode()
    assert 'name="password"' in page
