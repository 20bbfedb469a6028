"""Organisations and memberships: the system administrator and organisation administrators."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from vegviser.audit.models import AuditRecord
from vegviser.registry.identity import is_valid_organisation_number
from vegviser.registry.models import Membership, Organisation

from ..conftest import World, client_for
from ..factories import UserFactory

# Brønnøysundregistrene's own organisation number.
VALID_NUMBER = "974760673"


def organisation_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Bodø læringssenter",
        "kind": "learning_coping_centre",
        "organisation_number": "",
        "resh_id": "",
        "municipality": "1804",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_valid_number_is_valid() -> None:
    assert is_valid_organisation_number(VALID_NUMBER)


def test_system_admin_creates_an_organisation(world: World) -> None:
    client = client_for(world, "system_admin")
    response = client.post(
        reverse("registry:organisation_create"), organisation_form(organisation_number="974 760 673")
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Bodø læringssenter")
    assert organisation.organisation_number == VALID_NUMBER
    assert AuditRecord.objects.filter(action="organisation.create", object_id=str(organisation.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organisation_number": "974760674"}, "organisation_number", "The check digit does not match"),
        ({"organisation_number": "1234"}, "organisation_number", "An organisation number has 9 digits."),
        ({"resh_id": "abc"}, "resh_id", "A RESH id has only digits."),
        ({"name": ""}, "name", "This field is required."),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"website": "not a url"}, "website", "Enter a valid URL."),
    ],
)
def test_bad_organisation_input(world: World, overrides: dict[str, str], field: str, message: str) -> None:
    client = client_for(world, "system_admin")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("registry:organisation_create"), organisation_form(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Organisation.objects.filter(kind="learning_coping_centre").exists()


def test_duplicate_organisation_number_is_reported_at_the_field(world: World) -> None:
    Organisation.objects.filter(pk=world.physio.pk).update(organisation_number=VALID_NUMBER)
    client = client_for(world, "system_admin")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("registry:organisation_create"), organisation_form(organisation_number=VALID_NUMBER)
    )
    assert (
        "Another organisation already has this organisation number."
        in response.context["form"].errors["organisation_number"]
    )


def test_edit_organisation_is_versioned(world: World) -> None:
    client = client_for(world, "system_admin")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("registry:organisation_edit", kwargs={"pk": world.physio.pk})
    data = organisation_form(name="Fysio Bodø", kind="physiotherapy", version=1)
    assert client.post(url, data).status_code == 302
    response = client.post(url, dict(data, name="Stale"))
    assert "Someone else changed this" in response.content.decode()
    world.physio.refresh_from_db()
    assert world.physio.name == "Fysio Bodø"


def test_org_admin_sees_only_their_organisations(world: World) -> None:
    response = client_for(world, "org_admin").get(reverse("registry:organisation_list"))
    assert list(response.context["organisations"]) == [world.physio]
    response = client_for(world, "system_admin").get(reverse("registry:organisation_list"))
    assert world.school in response.context["organisations"]
    assert response.context["organisations"].count() == Organisation.objects.count()


def test_org_admin_adds_and_ends_a_membership(world: World) -> None:
    newcomer = UserFactory(username="ny")
    client = client_for(world, "org_admin")
    url = reverse("registry:organisation_members", kwargs={"pk": world.physio.pk})
    response = client.post(url, {"username": "ny", "role": "team_member"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organisation=world.physio)
    assert membership.active
    # The same role twice is refused with a message.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(url, {"username": "ny", "role": "team_member"})
    assert "already has this role" in response.content.decode()
    response = client.post(reverse("registry:membership_end", kwargs={"pk": membership.pk}))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.active
    assert AuditRecord.objects.filter(action="membership.end", object_id=str(membership.pk)).exists()


def test_unknown_user_name_is_refused(world: World) -> None:
    client = client_for(world, "org_admin")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("registry:organisation_members", kwargs={"pk": world.physio.pk})
    response = client.post(url, {"username": "nobody", "role": "team_member"})
    assert "There is no active user with this user name." in response.context["form"].errors["username"]


def test_org_admin_cannot_manage_another_organisation(world: World) -> None:
    client = client_for(world, "org_admin")
    url = reverse("registry:organisation_members", kwargs={"pk": world.school.pk})
    assert client.post(url, {"username": "orgadmin", "role": "org_admin"}).status_code == 404
    assert not Membership.objects.filter(organisation=world.school, user=world.org_admin).exists()


def test_system_admin_sees_no_health_data(world: World) -> None:
    client = client_for(world, "system_admin")
    assert client.get(reverse("registry:person_search")).status_code == 404
    assert client.get(reverse("registry:person_detail", kwargs={"pk": world.patient.pk})).status_code == 404
