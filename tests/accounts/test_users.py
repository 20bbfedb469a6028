"""Managing users: the system administrator manages everybody, an organisation administrator their own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse

from vegviser.accounts.models import User
from vegviser.audit.models import AuditRecord
from vegviser.registry.models import Membership, Organisation

from ..conftest import World, client_for
from ..factories import PASSWORD, MembershipFactory, UserFactory
from .helpers import is_signed_in, password_login, user_form_data

pytestmark = pytest.mark.django_db

NOT_ADMINS = ["ke_officer", "ke_officer_tromso", "coordinator", "team_member", "patient_user"]


def _new_user(organisation: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "username": "nyansatt",
        "first_name": "Nora",
        "last_name": "Nilsen",
        "email": "nora@example.no",
        "phone": "",
        "profession": "physiotherapist",
        "hpr_number": "",
        "organisation": str(organisation.pk),
        "role": "team_member",
    }
    data.update(changes)
    return data


def _usernames(response: Any) -> set[str]:
    return {user.username for user in response.context["users"]}


# The list


def test_system_admin_sees_every_user_but_the_citizens(world: World, login: Any) -> None:
    response = login("system_admin").get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert _usernames(response) == set(
        User.objects.exclude(username="pasient").values_list("username", flat=True)
    )
    html = response.content.decode()
    assert "laerer" in html
    assert "pasient" not in html
    assert "Andersen" not in html


def test_org_admin_sees_only_users_in_organisations_they_administer(world: World, login: Any) -> None:
    response = login("org_admin").get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert _usernames(response) == {"koordinator", "orgadmin"}
    html = response.content.decode()
    for hidden in ("laerer", "sysadmin", "pasient", "ke_tromso"):
        assert f"<td>{hidden}</td>" not in html


@pytest.mark.parametrize("persona", NOT_ADMINS)
@pytest.mark.parametrize("page", ["accounts:user_list", "accounts:user_create"])
def test_other_users_may_not_open_the_users_pages(world: World, login: Any, persona: str, page: str) -> None:
    assert login(persona).get(reverse(page)).status_code == 404


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_other_users_may_not_edit_users(world: World, login: Any, persona: str) -> None:
    target = world.coordinator if persona != "coordinator" else world.team_member
    client = login(persona)
    url = reverse("accounts:user_edit", args=[target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, user_form_data(target, first_name="Endret")).status_code == 404
    target.refresh_from_db()
    assert target.first_name != "Endret"


@pytest.mark.parametrize("page", ["accounts:user_list", "accounts:user_create"])
def test_anonymous_visitor_is_sent_to_login(world: World, page: str) -> None:
    response = Client().get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_org_admin_whose_membership_ended_may_not_open_the_users_pages(world: World, login: Any) -> None:
    Membership.objects.filter(user=world.org_admin, role="org_admin").update(active=False)
    assert login("org_admin").get(reverse("accounts:user_list")).status_code == 404


# Creating


def test_org_admin_is_offered_only_their_own_organisations(world: World, login: Any) -> None:
    response = login("org_admin").get(reverse("accounts:user_create"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["organisation"].queryset) == [world.physio]
    html = response.content.decode()
    assert f'value="{world.physio.pk}"' in html
    for other in (world.school, world.ke_unit, world.ke_unit_tromso):
        assert f'value="{other.pk}"' not in html


def test_system_admin_is_offered_every_organisation(world: World, login: Any) -> None:
    response = login("system_admin").get(reverse("accounts:user_create"))
    offered = set(response.context["form"].fields["organisation"].queryset)
    assert offered == set(Organisation.objects.all())
    assert {world.physio, world.school, world.ke_unit, world.ke_unit_tromso} <= offered


def test_org_admin_may_not_create_a_user_in_another_organisation(world: World, login: Any) -> None:
    records = AuditRecord.objects.count()
    response = login("org_admin").post(reverse("accounts:user_create"), _new_user(world.school))
    assert response.status_code == 200
    assert response.context["form"].has_error("organisation", "invalid_choice")
    assert not User.objects.filter(username="nyansatt").exists()
    assert not Membership.objects.filter(organisation=world.school, user__username="nyansatt").exists()
    assert AuditRecord.objects.count() == records
    assert mail.outbox == []


def test_org_admin_creates_a_user_in_their_organisation(world: World, login: Any) -> None:
    response = login("org_admin").post(reverse("accounts:user_create"), _new_user(world.physio))
    assert response.status_code == 302
    assert response.url == reverse("registry:organisation_members", kwargs={"pk": world.physio.pk})
    user = User.objects.get(username="nyansatt")
    assert user.email == "nora@example.no"
    assert not user.has_usable_password()
    assert not user.is_system_admin
    assert Membership.objects.filter(
        user=user, organisation=world.physio, role="team_member", active=True
    ).exists()
    record = AuditRecord.objects.get(action="user.create", object_id=str(user.pk))
    assert record.actor == world.org_admin
    assert record.after["username"] == "nyansatt"
    assert AuditRecord.objects.filter(action="membership.create", actor=world.org_admin).exists()


@pytest.mark.usefixtures("production_hashers")
def test_new_user_gets_a_welcome_email_with_a_link_for_choosing_a_password(world: World, login: Any) -> None:
    login("org_admin").post(reverse("accounts:user_create"), _new_user(world.physio))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora@example.no"]
    assert "nyansatt" in message.body
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match
    link = match.group(1)
    assert resolve(link).view_name == "accounts:password_reset_confirm"
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    chosen = "fjellbekk solskinn 42"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen}
    )
    assert response.status_code == 302
    user = User.objects.get(username="nyansatt")
    assert user.check_password(chosen)
    assert user.password.startswith("argon2")
    assert password_login(Client(), "nyansatt", chosen).status_code == 302


def test_org_admin_cannot_make_a_system_admin(world: World, login: Any) -> None:
    login("org_admin").post(reverse("accounts:user_create"), _new_user(world.physio, is_system_admin="on"))
    assert User.objects.get(username="nyansatt").is_system_admin is False


def test_system_admin_creates_a_user_in_any_organisation(world: World, login: Any) -> None:
    response = login("system_admin").post(
        reverse("accounts:user_create"), _new_user(world.school, role="coordinator")
    )
    assert response.status_code == 302
    user = User.objects.get(username="nyansatt")
    assert Membership.objects.filter(user=user, organisation=world.school, role="coordinator").exists()
    assert AuditRecord.objects.get(action="user.create", object_id=str(user.pk)).actor == world.system_admin


def test_creating_a_user_with_a_taken_user_name_is_refused(world: World, login: Any) -> None:
    response = login("org_admin").post(
        reverse("accounts:user_create"), _new_user(world.physio, username="laerer")
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("username", "unique")
    assert User.objects.filter(username="laerer").count() == 1
    assert mail.outbox == []


def test_creating_a_user_needs_an_email_address(world: World, login: Any) -> None:
    response = login("org_admin").post(reverse("accounts:user_create"), _new_user(world.physio, email=""))
    assert response.context["form"].has_error("email", "required")
    assert not User.objects.filter(username="nyansatt").exists()


# Editing


def test_org_admin_edits_a_user_in_their_organisation(world: World, login: Any) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    client = login("org_admin")
    assert client.get(url).status_code == 200
    response = client.post(url, user_form_data(world.coordinator, phone="75 00 00 00"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_list")
    world.coordinator.refresh_from_db()
    assert world.coordinator.phone == "75 00 00 00"
    record = AuditRecord.objects.get(action="user.update", object_id=str(world.coordinator.pk))
    assert record.actor == world.org_admin
    assert record.before == {"phone": ""}
    assert record.after == {"phone": "75 00 00 00"}


@pytest.mark.parametrize("target", ["system_admin", "team_member", "ke_officer", "patient_user"])
def test_org_admin_may_not_edit_a_system_admin_or_a_user_outside_their_organisations(
    world: World, login: Any, target: str
) -> None:
    user = getattr(world, target)
    client = login("org_admin")
    url = reverse("accounts:user_edit", args=[user.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, user_form_data(user, email="taken@evil.example")).status_code == 404
    user.refresh_from_db()
    assert user.email != "taken@evil.example"
    assert not AuditRecord.objects.filter(action="user.update", object_id=str(user.pk)).exists()


def test_org_admin_may_not_edit_a_system_admin_who_is_also_a_member(world: World, login: Any) -> None:
    MembershipFactory(user=world.system_admin, organisation=world.physio, role="team_member")
    url = reverse("accounts:user_edit", args=[world.system_admin.pk])
    assert login("org_admin").get(url).status_code == 404


def test_system_admin_edits_any_professional(world: World, login: Any) -> None:
    client = login("system_admin")
    for user in (world.team_member, world.ke_officer_tromso, world.org_admin):
        url = reverse("accounts:user_edit", args=[user.pk])
        response = client.post(url, user_form_data(user, last_name="Endret"))
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.last_name == "Endret"


def test_unknown_user_is_not_found(world: World, login: Any) -> None:
    url = reverse("accounts:user_edit", args=["00000000-0000-0000-0000-000000000000"])
    assert login("system_admin").get(url).status_code == 404


def test_deactivating_a_user_stops_their_login(world: World, login: Any) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    response = login("org_admin").post(url, user_form_data(world.coordinator, is_active=""))
    assert response.status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active is False
    client = Client()
    password_login(client, "koordinator", PASSWORD)
    assert not is_signed_in(client)


@pytest.mark.parametrize("hpr", ["12ab567", "123", "1234567890", "12 34 56"])
def test_hpr_number_that_is_not_four_to_nine_digits_is_shown_next_to_the_field(
    world: World, login: Any, hpr: str
) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    response = login("system_admin").post(url, user_form_data(world.coordinator, hpr_number=hpr))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("hpr_number")
    assert not form.non_field_errors()
    html = response.content.decode()
    assert re.search(r'id="id_hpr_number_error1">[^<]*(4 til 9 siffer|9 eller færre tegn)', html)
    world.coordinator.refresh_from_db()
    assert world.coordinator.hpr_number == ""


def test_valid_hpr_number_is_saved(world: World, login: Any) -> None:
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    response = login("system_admin").post(url, user_form_data(world.coordinator, hpr_number="1234567"))
    assert response.status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.hpr_number == "1234567"


def test_two_users_with_the_same_hpr_number_are_refused(world: World, login: Any) -> None:
    User.objects.filter(pk=world.ke_officer.pk).update(hpr_number="1234567")
    url = reverse("accounts:user_edit", args=[world.coordinator.pk])
    response = login("system_admin").post(url, user_form_data(world.coordinator, hpr_number="1234567"))
    assert response.status_code == 200
    assert response.context["form"].has_error("hpr_number", "duplicate_hpr_number")
    assert "En annen bruker har allerede dette HPR-nummeret." in response.content.decode()
    world.coordinator.refresh_from_db()
    assert world.coordinator.hpr_number == ""


def test_new_user_with_a_taken_hpr_number_is_refused(world: World, login: Any) -> None:
    User.objects.filter(pk=world.ke_officer.pk).update(hpr_number="1234567")
    response = login("org_admin").post(
        reverse("accounts:user_create"), _new_user(world.physio, hpr_number="1234567")
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("hpr_number", "duplicate_hpr_number")
    assert not User.objects.filter(username="nyansatt").exists()


def test_many_users_may_have_no_hpr_number(world: World, login: Any) -> None:
    UserFactory(hpr_number="")
    UserFactory(hpr_number="")
    response = login("org_admin").post(reverse("accounts:user_create"), _new_user(world.physio))
    assert response.status_code == 302
    assert User.objects.filter(hpr_number="").count() >= 3


def test_org_admin_loses_a_user_who_has_left_the_organisation(world: World) -> None:
    from vegviser.registry.models import Membership

    Membership.objects.filter(user=world.coordinator, organisation=world.physio).update(active=False)
    client = client_for(world, "org_admin")
    assert client.get(reverse("accounts:user_edit", kwargs={"pk": world.coordinator.pk})).status_code == 404
    assert world.coordinator not in client.get(reverse("accounts:user_list")).context["users"]
