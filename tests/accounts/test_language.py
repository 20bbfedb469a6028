"""The language a user chooses is kept with the account: it comes back at the next sign-in on any device, and
notices and emails are written in it."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from vegviser.plans.reminders import language_of

from ..conftest import PASSWORD, World, client_for


def test_the_choice_is_kept_and_comes_back_at_the_next_sign_in(world: World) -> None:
    client = client_for(world, "patient_user")
    response = client.post(reverse("set_language"), {"language": "nn", "next": reverse("home")})
    assert response.status_code == 302
    world.patient_user.refresh_from_db()
    assert world.patient_user.language == "nn"
    assert language_of(world.patient_user) == "nn"

    other_device = Client()
    response = other_device.post(reverse("accounts:login"), {"username": "pasient", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    page = other_device.get(reverse("accounts:password_change"))
    assert page.headers["Content-Language"] == "nn"


def test_an_unknown_language_changes_nothing_and_anonymous_choices_are_not_kept(world: World) -> None:
    client = client_for(world, "coordinator")
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == ""
    assert language_of(world.coordinator) == "nb"
    anonymous = Client()
    assert anonymous.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    response = anonymous.post(reverse("accounts:login"), {"username": "pasient", "password": PASSWORD})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switching_by_get_is_refused(world: World) -> None:
    assert client_for(world, "patient_user").get(reverse("set_language")).status_code == 405
