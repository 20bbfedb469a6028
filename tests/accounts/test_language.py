"""The language a user chooses is kept with the account: it comes back at the next sign-in on any device, and
notices and emails are written in it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from vegviser.accounts import services
from vegviser.audit.models import AuditRecord
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


def test_the_choice_is_recorded_as_a_change_to_the_users_own_account(world: World) -> None:
    client_for(world, "patient_user").post(reverse("set_language"), {"language": "en", "next": "/"})
    record = AuditRecord.objects.get(action="user.language", object_id=str(world.patient_user.pk))
    assert (record.actor, record.before, record.after) == (
        world.patient_user,
        {"language": ""},
        {"language": "en"},
    )


@pytest.mark.parametrize("actor", ["org_admin", "system_admin", "coordinator"])
def test_nobody_chooses_the_language_for_another_user(world: World, actor: str) -> None:
    with pytest.raises(PermissionDenied):
        services.choose_language(actor=getattr(world, actor), user=world.team_member, language="nn")
    world.team_member.refresh_from_db()
    assert world.team_member.language == ""
    assert not AuditRecord.objects.filter(action="user.language").exists()


def test_the_service_refuses_a_language_not_offered(world: World) -> None:
    with pytest.raises(ValidationError):
        services.choose_language(actor=world.coordinator, user=world.coordinator, language="xx")
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == ""
