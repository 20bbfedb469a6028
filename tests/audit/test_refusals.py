"""Refusals by the access policy are recorded and listed for review: someone trying the ids of plans they may
not see leaves a trace the privacy officer finds."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import RefusalRecord
from vegviser.audit.selectors import ANOMALY_REFUSALS_PER_DAY

from ..conftest import World, client_as, client_for, english
from ..factories import IndividualPlanFactory, MembershipFactory
from ..plans.helpers import plan_for


def _today() -> dict[str, str]:
    today = timezone.localdate()
    return {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}


def test_a_participant_trying_foreign_plans_is_recorded_and_listed_for_review(world: World) -> None:
    own = plan_for(world)
    foreign = IndividualPlanFactory.create_batch(ANOMALY_REFUSALS_PER_DAY + 1)
    client = client_for(world, "team_member")

    assert client.get(reverse("plans:plan_detail", kwargs={"pk": own.pk})).status_code == 200
    assert not RefusalRecord.objects.exists()

    for plan in foreign:
        assert client.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).status_code == 404
    records = RefusalRecord.objects.filter(actor=world.team_member)
    assert {(r.action, r.object_type, r.object_id, r.person_id) for r in records} == {
        ("plan.view", "plans.individualplan", str(plan.pk), plan.person_id) for plan in foreign
    }

    # The privacy officer of the unit sees the user on the list to review, and the attempts in the log.
    privacy_officer = MembershipFactory(organisation=world.ke_unit, role="privacy_officer").user
    response = client_as(privacy_officer).post(reverse("audit:search"), _today())
    [listed] = response.context["found"].many_refusals
    assert (listed.actor_username, listed.refusals) == ("laerer", len(foreign))
    assert f"refused {len(foreign)} times" in response.content.decode()
    lines = client_as(privacy_officer).get(reverse("audit:search") + "?" + listed.log_query).context["lines"]
    assert [line.what for line in lines if line.kind == "refusal"] == ["individual plan"] * len(foreign)


def test_a_few_refusals_are_recorded_but_not_listed(world: World) -> None:
    plan = IndividualPlanFactory()
    client_for(world, "team_member").get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    assert RefusalRecord.objects.count() == 1
    assert english(world).post(reverse("audit:search"), _today()).context["found"].many_refusals == []


def test_a_refusal_in_another_municipality_is_not_shown_here(world: World) -> None:
    plans = IndividualPlanFactory.create_batch(
        ANOMALY_REFUSALS_PER_DAY + 1, person__municipality=world.tromso, municipality=world.tromso
    )
    client = client_for(world, "team_member")
    for plan in plans:
        client.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    assert english(world).post(reverse("audit:search"), _today()).context["found"].many_refusals == []
    tromso = english(world, "ke_officer_tromso").post(reverse("audit:search"), _today())
    assert [a.actor_username for a in tromso.context["found"].many_refusals] == ["laerer"]


def test_a_missing_object_is_no_refusal(world: World) -> None:
    plan = IndividualPlanFactory()
    pk = plan.pk
    plan.delete()
    client_for(world, "team_member").get(reverse("plans:plan_detail", kwargs={"pk": pk}))
    assert not RefusalRecord.objects.exists()


def test_a_citizen_opening_someone_elses_pages_is_recorded(world: World) -> None:
    response = client_for(world, "patient_user").get(
        reverse("portal:home", kwargs={"pk": world.person_tromso.pk})
    )
    assert response.status_code == 404
    [record] = RefusalRecord.objects.all()
    assert (record.actor, record.object_type, record.person_id) == (
        world.patient_user,
        "registry.person",
        world.person_tromso.pk,
    )
    assert client_for(world, "patient_user").get(reverse("portal:home", kwargs={"pk": world.patient.pk}))
    assert RefusalRecord.objects.count() == 1
