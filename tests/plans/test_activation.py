"""Making a plan active: what it still lacks of the elements a–i is shown in the regulation's words, and the
coordinator decides, with a reason, to go ahead without it; the service refuses the change otherwise."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vegviser.audit.models import AuditRecord
from vegviser.plans import services
from vegviser.plans.models import IndividualPlan, PlanStatus, PlanVersion

from ..conftest import World, client_as, english
from .helpers import complete, english_messages, plan_for

pytestmark = pytest.mark.usefixtures(english_messages.__name__)

# `plan_for`'s draft lacks d, g and i.
LACKING = ["d", "g", "i"]
REASON = "Personen vil starte nå; bidraget skrives på første møte."


def activate_page(plan: IndividualPlan) -> str:
    return reverse("plans:plan_activate", kwargs={"pk": plan.pk})


def status_of(plan: IndividualPlan) -> str:
    return IndividualPlan.objects.get(pk=plan.pk).status


def test_the_service_refuses_an_incomplete_plan_without_a_reason(world: World) -> None:
    plan = plan_for(world)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.activate_plan(actor=world.coordinator, plan=plan, reason=reason)
        message = " ".join(refused.value.messages)
        assert "The plan still lacks what the regulation requires" in message
        assert "g) The plan period and when the plan is to be adjusted and revised" in message
        assert "give the reason" in message
    assert status_of(plan) == PlanStatus.DRAFT
    assert not PlanVersion.objects.filter(plan=plan).exists()


def test_a_post_straight_to_the_status_change_is_refused_with_the_missing_elements(world: World) -> None:
    plan = plan_for(world)
    response = english(world, "coordinator").post(
        reverse("plans:plan_status", kwargs={"pk": plan.pk}), {"to": "activate"}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "The plan still lacks what the regulation requires" in page
    assert "i) Collaboration with other service providers, institutions and agencies" in page
    assert status_of(plan) == PlanStatus.DRAFT


def test_with_a_reason_the_plan_is_made_active_and_the_decision_is_kept(world: World) -> None:
    plan = plan_for(world)
    plan = services.activate_plan(actor=world.coordinator, plan=plan, reason=f"  {REASON} ")
    assert plan.status == PlanStatus.ACTIVE
    assert (plan.activated_without, plan.activation_reason) == (LACKING, REASON)
    # In the audit log with the change of status, and with the first version of the plan.
    record = AuditRecord.objects.get(action="plan.active", object_id=str(plan.pk))
    assert record.after["activated_without"] == LACKING
    assert record.after["activation_reason"] == REASON
    assert record.actor == world.coordinator
    assert PlanVersion.objects.get(plan=plan).note == REASON


def test_a_complete_plan_is_made_active_without_a_reason(world: World) -> None:
    plan = complete(plan_for(world))
    plan = services.activate_plan(actor=world.coordinator, plan=plan)
    assert plan.status == PlanStatus.ACTIVE
    assert (plan.activated_without, plan.activation_reason) == ([], "")


def test_resuming_a_paused_plan_asks_again(world: World) -> None:
    plan = plan_for(world, active=True)
    plan = services.pause_plan(actor=world.coordinator, plan=plan)
    with pytest.raises(ValidationError, match="still lacks"):
        services.activate_plan(actor=world.coordinator, plan=plan)
    complete(plan)
    plan = services.activate_plan(actor=world.coordinator, plan=IndividualPlan.objects.get(pk=plan.pk))
    # Complete now: the earlier decision no longer stands as the plan's.
    assert (plan.status, plan.activated_without, plan.activation_reason) == (PlanStatus.ACTIVE, [], "")


@pytest.mark.parametrize(
    "persona", ["team_member", "ke_officer", "org_admin", "system_admin", "patient_user"]
)
def test_only_the_coordinator_makes_the_plan_active(world: World, persona: str) -> None:
    plan = plan_for(world)
    with pytest.raises(PermissionDenied):
        services.activate_plan(actor=getattr(world, persona), plan=plan, reason=REASON)
    assert english(world, persona).get(activate_page(plan)).status_code == 404
    assert english(world, persona).post(activate_page(plan), {"reason": REASON}).status_code == 404
    assert status_of(plan) == PlanStatus.DRAFT


def test_the_page_lists_what_is_missing_and_asks_for_a_decision(world: World) -> None:
    plan = plan_for(world)
    client = english(world, "coordinator")
    detail = client.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).content.decode()
    # "Make the plan active" leads to the page that asks, not straight to the change.
    assert f'href="{activate_page(plan)}"' in detail
    page = html.unescape(client.get(activate_page(plan)).content.decode())
    assert "The plan lacks 3 of the nine elements the regulation requires" in page
    assert "What the person, the service providers and relatives will contribute" in page
    assert "The plan period and when the plan is to be adjusted and revised" in page
    assert "Collaboration with other service providers, institutions and agencies" in page
    assert "Who the coordinator is" not in page
    assert "Go back and complete the plan" in page and "Make active without them" in page

    refused = html.unescape(client.post(activate_page(plan), {"reason": ""}).content.decode())
    assert "Give the reason for making the plan active without them." in refused
    assert status_of(plan) == PlanStatus.DRAFT

    response = client.post(activate_page(plan), {"reason": REASON}, follow=True)
    shown = html.unescape(response.content.decode())
    assert "The plan is now active." in shown
    assert "The plan was made active without these elements:" in shown and REASON in shown
    assert status_of(plan) == PlanStatus.ACTIVE


def test_with_nothing_missing_the_page_simply_confirms(world: World) -> None:
    plan = complete(plan_for(world))
    client = english(world, "coordinator")
    page = html.unescape(client.get(activate_page(plan)).content.decode())
    assert "Every element a–i is in the plan." in page and "Make the plan active now?" in page
    assert "Make active without them" not in page and 'name="reason"' not in page
    assert "The plan is now active." in client.post(activate_page(plan), follow=True).content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", "Planperioden og når planen skal justeres og revideres"),
        ("nn", "Planperioden og når planen skal justerast og reviderast"),
        ("en", "The plan period and when the plan is to be adjusted and revised"),
    ],
)
def test_the_missing_elements_are_named_in_each_language(world: World, language: str, words: str) -> None:
    plan = plan_for(world)
    page = client_as(world.coordinator, language=language).get(activate_page(plan)).content.decode()
    assert words in html.unescape(page)


def test_an_element_lost_after_the_page_was_opened_is_shown_and_asked_for(world: World) -> None:
    plan = complete(plan_for(world))
    client = english(world, "coordinator")
    assert "Make the plan active now?" in html.unescape(client.get(activate_page(plan)).content.decode())
    data = {name: getattr(plan, name) for name in services.HEADER_FIELDS} | {"collaboration": ""}
    services.update_plan(actor=world.coordinator, plan=plan, data=data, expected_version=plan.version)
    page = html.unescape(client.post(activate_page(plan)).content.decode())
    assert "Give the reason for making the plan active without them." in page
    assert "Collaboration with other service providers, institutions and agencies" in page
    assert "Make active without them" in page
    assert status_of(plan) == PlanStatus.DRAFT
