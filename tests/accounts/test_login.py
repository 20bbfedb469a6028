"""Logging in and out with user name and password."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from ..conftest import World
from ..factories import PASSWORD, UserFactory
from .helpers import is_signed_in, password_login

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"


def test_citizen_logs_in_with_password_and_lands_on_home(world: World) -> None:
    client = Client()
    response = password_login(client, "pasient", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(client)
    # A citizen's home is their own pages in the portal.
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("portal:home", kwargs={"pk": world.patient.pk})
    assert home.status_code == 200
    assert home.context["user"] == world.patient_user


def test_anonymous_visitor_gets_the_public_front_page_and_pages_behind_login_ask_for_it(world: World) -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("public:index")
    response = Client().get(reverse("portal:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("client_kwargs", "cookies", "expected", "not_expected"),
    [
        pytest.param(
            {}, {}, "Vennligst oppgi korrekt brukernavn og passord", "Please enter", id="default-nb"
        ),
        pytest.param(
            {"HTTP_ACCEPT_LANGUAGE": "nb"}, {}, "Vennligst oppgi korrekt", "Please enter", id="header-nb"
        ),
        pytest.param({}, {"nb": True}, "Vennligst oppgi korrekt", "Please enter", id="cookie-nb"),
        pytest.param(
            {"HTTP_ACCEPT_LANGUAGE": "en"},
            {},
            "Please enter a correct username and password",
            "Vennligst",
            id="header-en",
        ),
    ],
)
def test_wrong_password_shows_form_error_in_the_users_language(
    world: World, client_kwargs: dict[str, Any], cookies: dict[str, bool], expected: str, not_expected: str
) -> None:
    client = Client(**client_kwargs)
    if cookies:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    response = password_login(client, "pasient", WRONG)
    assert response.status_code == 200
    assert not is_signed_in(client)
    html = response.content.decode()
    assert expected in html
    assert not_expected not in html
    assert response.context["form"].non_field_errors()


def test_language_cookie_overrides_the_browser_language(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    html = password_login(client, "pasient", WRONG).content.decode()
    assert "Vennligst oppgi korrekt" in html
    assert "Please enter" not in html


def test_username_is_kept_after_a_failed_attempt_but_the_password_is_not(world: World) -> None:
    response = password_login(Client(), "pasient", WRONG)
    html = response.content.decode()
    assert 'value="pasient"' in html
    assert WRONG not in html


def test_unknown_user_and_wrong_password_get_the_same_answer(world: World) -> None:
    known = password_login(Client(), "pasient", WRONG)
    unknown = password_login(Client(), "nobody-by-this-name", WRONG)
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_deactivated_user_cannot_log_in(world: World) -> None:
    UserFactory(username="gone", is_active=False)
    client = Client()
    response = password_login(client, "gone", PASSWORD)
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_login_ignores_a_next_address_on_another_site(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "pasient", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_follows_a_next_address_on_this_site(world: World) -> None:
    client = Client()
    target = reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:login"), {"username": "pasient", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.url == target


def test_logout_by_get_is_refused_and_keeps_the_session(world: World) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert is_signed_in(client)
    assert client.get(reverse("accounts:notifications")).status_code == 200


def test_logout_by_post_ends_the_session(world: World) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    old_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not is_signed_in(client)
    assert not Session.objects.filter(session_key=old_key).exists()
    page = client.get(reverse("accounts:notifications"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("accounts:login"))


def test_professional_can_log_out_before_giving_the_second_factor(world: World) -> None:
    client = Client()
    password_login(client, "koordinator", PASSWORD)
    assert is_signed_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not is_signed_in(client)
