"""User accounts are versioned like plan items: a stale form is a conflict shown to the user, never a silent
overwrite, and a form opened before a deactivation does not reactivate the account."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from vegviser.accounts import services
from vegviser.accounts.models import User
from vegviser.core.services import ConflictError

from ..conftest import World
from .helpers import user_form_data

pytestmark = pytest.mark.django_db


def test_the_user_form_carries_the_version(world: World, login: Any) -> None:
    User.objects.filter(pk=world.coordinator.pk).update(version=7)
    response = login("system_admin").get(reverse("accounts:user_edit", args=[world.coordinator.pk]))
    assert 'name="version" value="7"' in response.content.decode()


def test_each_save_takes_the_next_version(world: World, login: Any) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    assert login("org_admin").post(url, user_form_data(world.coordinator, phone="1")).status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.version == 2


def test_two_administrators_saving_the_same_user_do_not_overwrite_each_other(
    world: World, login: Any
) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    opened = user_form_data(world.coordinator)  # both open the form at version 1
    first, second = login("system_admin"), login("org_admin")
    assert first.post(url, {**opened, "phone": "75 00 00 01"}).status_code == 302
    response = second.post(url, {**opened, "phone": "75 00 00 02", "hpr_number": "1234567"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Noen andre endret dette mens du redigerte" in html
    assert response.context["current"].phone == "75 00 00 01"
    assert ("Telefon", "75 00 00 01", "75 00 00 02") in [
        (str(label).capitalize(), saved, mine) for label, saved, mine in response.context["conflict"]
    ]
    world.coordinator.refresh_from_db()
    assert (world.coordinator.phone, world.coordinator.hpr_number) == ("75 00 00 01", "")
    # Saving again is a deliberate choice, from the version now shown.
    again = second.post(url, {**opened, "phone": "75 00 00 02", "version": "2"})
    assert again.status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.phone == "75 00 00 02"


def test_a_form_opened_before_a_deactivation_does_not_reactivate_the_account(
    world: World, login: Any
) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    opened = user_form_data(world.coordinator)
    assert login("system_admin").post(url, {**opened, "is_active": ""}).status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active is False
    response = login("org_admin").post(url, {**opened, "phone": "75 00 00 00"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active is False
    assert world.coordinator.phone == ""


def test_the_service_refuses_a_stale_version(world: World) -> None:
    services.update_user(actor=world.system_admin, user=world.coordinator, data={"phone": "1"})
    with pytest.raises(ConflictError):
        services.update_user(
            actor=world.org_admin, user=world.coordinator, data={"is_active": False}, expected_version=1
        )
    world.coordinator.refresh_from_db()
    assert (world.coordinator.is_active, world.coordinator.version) == (True, 2)
