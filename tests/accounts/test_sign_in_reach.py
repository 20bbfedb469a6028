"""No administrator can take over another's account: how a citizen, or a professional outside their reach,
signs in is theirs alone; a change by someone else is told to the old address; the lists do not tell who has a
citizen's account."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts import services
from vegviser.accounts.models import User
from vegviser.audit.models import AuditRecord
from vegviser.registry.models import Membership

from ..conftest import World
from ..factories import PersonFactory, PersonRelationFactory
from .helpers import password_login, user_form_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "fjellbekk solskinn 42"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs what a commit would run when the block ends: the emails go out only after a commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _also_a_parent(user: User) -> User:
    """The professional also signs in to their child's pages with the same account."""
    PersonRelationFactory(relative=PersonFactory(user=user))
    return user


# A citizen's account: not listed, not opened, not changed, not given a role


@pytest.mark.parametrize("admin", ["system_admin", "org_admin"])
def test_no_administrator_opens_or_changes_a_citizens_account(
    world: World, login: Any, admin: str, committed: Any
) -> None:
    client = login(admin)
    url = reverse("accounts:user_edit", args=[world.patient_user.pk])
    assert client.get(url).status_code == 404
    with committed():
        response = client.post(url, user_form_data(world.patient_user, email="admin@evil.example"))
    assert response.status_code == 404
    world.patient_user.refresh_from_db()
    assert world.patient_user.email == "pasient@example.no"
    assert not AuditRecord.objects.filter(action="user.update", object_id=str(world.patient_user.pk)).exists()
    assert mail.outbox == []


def test_a_citizens_account_is_not_in_the_system_administrators_list(world: World, login: Any) -> None:
    response = login("system_admin").get(reverse("accounts:user_list"))
    assert world.patient_user not in response.context["users"]
    assert "Andersen" not in response.content.decode()


@pytest.mark.parametrize("admin", ["system_admin", "org_admin"])
def test_a_citizens_user_name_is_answered_like_an_unknown_one_when_giving_a_role(
    world: World, login: Any, admin: str
) -> None:
    client = login(admin)
    url = reverse("registry:organisation_members", kwargs={"pk": world.physio.pk})
    citizen = client.post(url, {"username": "pasient", "role": "team_member"})
    unknown = client.post(url, {"username": "nobody", "role": "team_member"})
    assert citizen.status_code == unknown.status_code == 200
    assert citizen.context["form"].errors == unknown.context["form"].errors
    assert not Membership.objects.filter(user=world.patient_user).exists()


def test_the_policy_lets_no_one_grant_a_role_to_a_citizens_account(world: World) -> None:
    for admin in (world.system_admin, world.org_admin):
        assert not policy.may_grant(admin, world.patient_user, world.physio, "team_member")


def test_the_service_refuses_a_change_to_a_citizens_account(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.update_user(
            actor=world.system_admin, user=world.patient_user, data={"email": "admin@evil.example"}
        )
    world.patient_user.refresh_from_db()
    assert world.patient_user.email == "pasient@example.no"


# A professional who is also a citizen: their work details are managed, how they sign in is not


@pytest.mark.parametrize("admin", ["system_admin", "org_admin"])
def test_sign_in_of_a_professional_who_is_also_a_citizen_is_shown_locked(
    world: World, login: Any, admin: str, committed: Any
) -> None:
    user = _also_a_parent(world.coordinator)
    client = login(admin)
    url = reverse("accounts:user_edit", args=[user.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("username", "email"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*readonly', html), name
    assert re.search(r'<input[^>]*name="is_active"[^>]*disabled', html)
    assert "Bare brukeren selv kan endre hvordan hen logger inn" in html
    with committed():
        refused = client.post(url, user_form_data(user, email="admin@evil.example", phone="75 00 00 00"))
    assert refused.status_code == 200
    assert refused.context["form"].has_error("email")
    user.refresh_from_db()
    assert (user.email, user.phone) == ("koordinator@example.no", "")
    with committed():
        response = client.post(url, user_form_data(user, phone="75 00 00 00"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "koordinator@example.no"
    assert user.phone == "75 00 00 00"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "change", [{"email": "admin@evil.example"}, {"username": "ny"}, {"is_active": False}]
)
def test_the_service_refuses_to_change_how_a_citizen_professional_signs_in(
    world: World, change: dict[str, Any]
) -> None:
    user = _also_a_parent(world.coordinator)
    for admin in (world.system_admin, world.org_admin):
        with pytest.raises(ValidationError) as refused:
            services.update_user(actor=admin, user=user, data=change)
        assert set(refused.value.message_dict) == set(change)
    user.refresh_from_db()
    assert (user.email, user.username, user.is_active) == ("koordinator@example.no", "koordinator", True)


def test_a_professional_who_is_also_a_citizen_changes_their_own_sign_in(world: World, committed: Any) -> None:
    user = _also_a_parent(world.coordinator)
    assert policy.can(user, Action.USER_SIGN_IN_EDIT, user) is False  # not an administrator: no user page
    admin = _also_a_parent(world.org_admin)
    assert policy.can(admin, Action.USER_SIGN_IN_EDIT, admin)
    with committed():
        services.update_user(actor=admin, user=admin, data={"email": "ny@example.no"})
    admin.refresh_from_db()
    assert admin.email == "ny@example.no"
    assert mail.outbox == []


def test_a_reactivation_of_a_citizen_professional_is_refused(world: World) -> None:
    user = _also_a_parent(world.coordinator)
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        services.update_user(actor=world.org_admin, user=user, data={"is_active": True})
    user.refresh_from_db()
    assert user.is_active is False


# A professional in reach: the change is made and the old address is told


@pytest.mark.parametrize(("admin", "target"), [("system_admin", "team_member"), ("org_admin", "coordinator")])
def test_an_email_changed_by_an_administrator_is_told_to_the_old_address(
    world: World, login: Any, admin: str, target: str, committed: Any
) -> None:
    user = getattr(world, target)
    old = user.email
    url = reverse("accounts:user_edit", args=[user.pk])
    with committed():
        response = login(admin).post(url, user_form_data(user, email="ny@example.no"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ny@example.no"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [old]
    assert "endret e-postadressen eller brukernavnet" in message.body
    # Nothing about the person or what they work with, and not the new address.
    for word in (user.first_name, user.last_name, "ny@example.no", "plan"):
        assert word not in message.body
        assert word not in message.subject


def test_a_changed_user_name_is_told_too(world: World, committed: Any) -> None:
    with committed():
        services.update_user(actor=world.system_admin, user=world.team_member, data={"username": "ny"})
    assert [message.to for message in mail.outbox] == [["laerer@example.no"]]


def test_a_change_of_other_details_is_not_told(world: World, committed: Any) -> None:
    with committed():
        services.update_user(actor=world.system_admin, user=world.team_member, data={"phone": "75 00 00 00"})
    assert mail.outbox == []


def test_the_notice_is_in_the_users_language(world: World, committed: Any) -> None:
    User.objects.filter(pk=world.team_member.pk).update(language="en")
    with committed():
        services.update_user(
            actor=world.system_admin, user=world.team_member, data={"email": "ny@example.no"}
        )
    assert mail.outbox[0].subject == "Your Vegviser account was changed"


def test_a_taken_over_address_still_meets_the_professionals_second_factor(
    world: World, login: Any, committed: Any
) -> None:
    """An administrator who gives a professional their own address and resets the password still cannot
    sign in: the authenticator stays the professional's, and a new one needs the old one first."""
    TOTPDevice.objects.create(user=world.team_member, confirmed=True, name="app")
    with committed():
        login("system_admin").post(
            reverse("accounts:user_edit", args=[world.team_member.pk]),
            user_form_data(world.team_member, email="admin@evil.example"),
        )
    assert mail.outbox[0].to == ["laerer@example.no"]
    Client().post(reverse("accounts:password_reset"), {"email": "admin@evil.example"})
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[-1].body)
    assert link
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    attacker = Client()
    password_login(attacker, "laerer", NEW_PASSWORD)
    assert attacker.get(reverse("home")).url.startswith(reverse("accounts:two_factor_verify"))
    assert attacker.get(reverse("accounts:two_factor_setup")).url == reverse("accounts:two_factor_verify")
    assert TOTPDevice.objects.filter(user=world.team_member, confirmed=True).count() == 1


def test_an_administrator_may_not_set_up_anothers_authenticator(world: World) -> None:
    for admin in (world.system_admin, world.org_admin):
        with pytest.raises(PermissionDenied):
            services.add_totp_device(actor=admin, user=world.coordinator)
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()


def test_the_policy_answers_404_for_a_citizen_whatever_the_action(world: World) -> None:
    with pytest.raises(Http404):
        policy.require(world.system_admin, Action.USER_EDIT, world.patient_user)
