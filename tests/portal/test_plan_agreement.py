"""The person, or whoever consents for them, confirms in the portal having read the plan and agreeing to it;
the confirmation belongs to the version it was given on, and the coordinator is told and sees it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.accounts.models import Notification
from vegviser.audit.models import AuditRecord
from vegviser.plans import services
from vegviser.plans.models import IndividualPlan, PlanAgreement, PlanVersion
from vegviser.portal.export import everything_about, readable

from ..conftest import World, client_as
from ..factories import PersonFactory, UserFactory
from ..plans.helpers import english_messages
from .helpers import family, plan_of_person, url, young_person

pytestmark = pytest.mark.usefixtures(english_messages.__name__)


def _content(response: Any) -> str:
    return html.unescape(response.content.decode())


def _detail(plan: IndividualPlan) -> str:
    return reverse("plans:plan_detail", kwargs={"pk": plan.pk})


def _today() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


def test_the_person_confirms_the_plan_and_the_coordinator_is_told_and_sees_it(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    client = client_as(world.patient_user)
    page = _content(client.get(url("plan", world.patient.pk)))
    assert "The plan has not yet been confirmed as read and agreed to." in page
    assert url("plan_agree", world.patient.pk) in page
    # Once, in the page: not in its title, which the browser keeps in its history as text.
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None and "<" not in title.group(1) and "csrfmiddlewaretoken" not in title.group(1)
    assert page.count('id="agreement"') == 1

    response = client.post(url("plan_agree", world.patient.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("plan", world.patient.pk)
    page = _content(response)
    assert "Thank you. Your coordinator can see that you have read and agree to the plan." in page
    name = world.patient_user.display_name
    confirmed = f"Confirmed read and agreed to by {name} on {_today()} (version 1)."
    assert confirmed in page
    # Given once: the button is gone.
    assert url("plan_agree", world.patient.pk) not in page

    agreement = PlanAgreement.objects.get()
    assert (agreement.plan_version.number, agreement.agreed_by, agreement.on_behalf) == (
        1,
        world.patient_user,
        False,
    )
    # On the version frozen at activation: nothing changed since, so no new one.
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    record = AuditRecord.objects.get(object_type="plans.planagreement", object_id=str(agreement.pk))
    assert record.actor == world.patient_user and record.person_id == world.patient.pk
    notice = Notification.objects.get(user=world.coordinator, key=f"plan-agreed:{agreement.pk}")
    assert notice.url == _detail(plan)
    assert not Notification.objects.filter(user=world.team_member).exists()

    assert confirmed in _content(client_as(world.coordinator).get(_detail(plan)))


def test_confirming_the_same_version_twice_says_so(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    services.agree_to_plan(actor=world.patient_user, plan=plan)
    with pytest.raises(ValidationError, match="already been confirmed"):
        services.agree_to_plan(actor=world.patient_user, plan=plan)
    response = client_as(world.patient_user).post(url("plan_agree", world.patient.pk), follow=True)
    assert "This version of the plan has already been confirmed." in _content(response)
    assert PlanAgreement.objects.count() == 1


def test_a_plan_changed_since_its_last_version_is_frozen_as_it_was_agreed_to(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    data = {name: getattr(plan, name) for name in services.HEADER_FIELDS} | {"needs": "Svømming"}
    services.update_plan(actor=world.coordinator, plan=plan, data=data, expected_version=plan.version)
    agreement = services.agree_to_plan(actor=world.patient_user, plan=plan)
    version = agreement.plan_version
    assert (version.number, version.reason) == (2, PlanVersion.Reason.AGREEMENT)
    assert version.snapshot["plan"]["needs"] == "Svømming"


def test_a_later_version_is_not_agreed_to_until_confirmed_again(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    services.agree_to_plan(actor=world.patient_user, plan=plan)
    services.revise_plan(actor=world.coordinator, plan=plan, note="Nytt tiltak")
    name = world.patient_user.display_name
    changed = (
        f"Version 1 was confirmed by {name} on {_today()}. The plan has changed since: version 2 has not "
        "been agreed to."
    )
    assert changed in _content(client_as(world.coordinator).get(_detail(plan)))
    client = client_as(world.patient_user)
    page = _content(client.get(url("plan", world.patient.pk)))
    assert changed in page and url("plan_agree", world.patient.pk) in page
    client.post(url("plan_agree", world.patient.pk))
    assert [a.plan_version.number for a in PlanAgreement.objects.order_by("created_at")] == [1, 2]
    assert f"by {name} on {_today()} (version 2)." in _content(
        client_as(world.coordinator).get(_detail(plan))
    )


@pytest.mark.parametrize("age", [7, 14])
def test_a_parent_who_consents_for_the_child_confirms_on_their_behalf(world: World, age: int) -> None:
    found = family(world, age=age)
    response = client_as(found.relative_user).post(url("plan_agree", found.person.pk), follow=True)
    assert response.status_code == 200
    agreement = PlanAgreement.objects.get()
    assert (agreement.agreed_by, agreement.on_behalf) == (found.relative_user, True)
    shown = (
        f"Confirmed read and agreed to by {found.relative_user.display_name}, on behalf of Emil Haugen, "
        f"on {_today()} (version 1)."
    )
    assert shown in _content(response)
    assert shown in _content(client_as(world.coordinator).get(_detail(found.plan)))


def test_a_young_person_of_16_confirms_for_themself(world: World) -> None:
    user, person, _plan = young_person(world, age=16)
    assert client_as(user).post(url("plan_agree", person.pk)).status_code == 302
    assert PlanAgreement.objects.get().on_behalf is False


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 404),
        ("team_member", 404),
        ("ke_officer", 404),
        ("another_citizen", 404),
        ("parent_of_confidential_child", 404),
        # As on every page of the person's: a parent who no longer acts for them is told why.
        ("parent_of_17", 403),
        ("parent_ended", 403),
    ],
)
def test_who_may_not_confirm_is_refused(world: World, who: str, status: int) -> None:
    if who.startswith("parent"):
        found = family(
            world,
            age=17 if who == "parent_of_17" else 7,
            relation_ended=who == "parent_ended",
            confidential=who == "parent_of_confidential_child",
        )
        person, plan, user = found.person, found.plan, found.relative_user
    else:
        person, plan = world.patient, plan_of_person(world, world.patient)
        user = getattr(world, who, None)
        if who == "another_citizen":
            user = UserFactory()
            PersonFactory(user=user)
    assert client_as(user).post(url("plan_agree", person.pk)).status_code == status
    with pytest.raises(PermissionDenied):
        services.agree_to_plan(actor=user, plan=plan)
    assert not PlanAgreement.objects.exists()


def test_a_draft_plan_cannot_be_agreed_to(world: World) -> None:
    plan_of_person(world, world.patient, active=False)
    response = client_as(world.patient_user).post(url("plan_agree", world.patient.pk), follow=True)
    assert "A plan can be agreed to once it is active." in _content(response)
    assert not PlanAgreement.objects.exists()


def test_confirming_is_a_post(world: World) -> None:
    plan_of_person(world, world.patient)
    assert client_as(world.patient_user).get(url("plan_agree", world.patient.pk)).status_code == 405


def test_the_persons_own_copy_of_their_data_holds_the_agreement_and_the_reason(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    services.agree_to_plan(actor=world.patient_user, plan=plan)
    data = everything_about(world.patient)
    row = data["plans"][0]
    assert row["activation_reason"] == IndividualPlan.objects.get(pk=plan.pk).activation_reason != ""
    assert data["agreements"] == [
        {
            "when": PlanAgreement.objects.get().created_at,
            "agreed_by": world.patient_user.display_name,
            "on_behalf": False,
            "version": 1,
        }
    ]
    # The readable copy prints the date as the person reads it.
    [shown] = readable(data["agreements"])
    assert ("Read and agreed to by", world.patient_user.display_name) in shown
    assert any(value.startswith(timezone.localdate().strftime("%d.%m.%Y")) for _label, value in shown)
