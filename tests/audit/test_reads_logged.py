"""Every allowed read of health data writes exactly one access record per person read, and a refused one
writes none. `test_page_access` (tests/core/test_page_access.py) checks this for every page of the access
table and every persona, against the persons each page reads (tests/audit/reads.py). Here: the lists, with
people on them, and the declarations kept in step with the table.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegviser.assessments import services as assessment_services
from vegviser.assessments.models import SentQuestionnaire
from vegviser.audit.models import AccessRecord, ReadPurpose
from vegviser.intake.models import NeedReport
from vegviser.plans import services as plan_services
from vegviser.plans.models import IndividualPlan

from ..conftest import World, client_as, client_for
from ..core.test_page_access import PROTECTED, TABLE
from ..factories import (
    CoordinatorAssignmentFactory,
    MembershipFactory,
    NeedReportFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    habilitation_unit,
)
from ..plans.helpers import plan_for
from .reads import LISTS, NO_HEALTH_DATA

GET_PAGES = sorted(name for name in PROTECTED if TABLE[name][0] == "get")  # type: ignore[index]


def new_records(before: int) -> list[AccessRecord]:
    return list(AccessRecord.objects.order_by("id")[before:])


def test_the_declarations_name_pages_of_the_table() -> None:
    assert (NO_HEALTH_DATA | LISTS) - set(GET_PAGES) == set(), (
        "declared pages that are no longer in the table"
    )


# Lists, with people on them: one record per person named, never two for the same person on one page.


def _records_of(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> Counter[Any]:
    before = AccessRecord.objects.count()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return Counter(record.person_id for record in new_records(before))


def _report(world: World, person: Any, reporter: Any = None) -> NeedReport:
    return NeedReportFactory(
        person=person,
        municipality=world.bodo,
        description="Trenger plan",
        reported_by=reporter or world.coordinator,
    )


def test_my_plans_logs_each_person_once(world: World) -> None:
    plan_for(world, active=True)
    other = PersonFactory()
    CoordinatorAssignmentFactory(person=other, coordinator=world.coordinator, organisation=world.physio)
    reads = _records_of(client_for(world, "coordinator"), "get", reverse("plans:mine"))
    assert reads == {world.patient.pk: 1, other.pk: 1}
    reads = _records_of(client_for(world, "team_member"), "get", reverse("plans:mine"))
    assert reads == {world.patient.pk: 1}


def test_my_plans_logs_once_a_person_whose_plan_is_closed(world: World) -> None:
    """A closed plan is listed, and its person is also one the coordinator may start a new plan for."""
    plan = plan_for(world, active=True)
    plan_services.close_plan(actor=None, plan=plan, reason="Målene er nådd")
    assert IndividualPlan.objects.get(pk=plan.pk).status == "closed"
    reads = _records_of(client_for(world, "coordinator"), "get", reverse("plans:mine"))
    assert reads == {world.patient.pk: 1}


def test_the_overview_logs_each_person_once(world: World) -> None:
    plan_for(world)
    waiting = PersonFactory()
    # Listed as waiting once undecided for more than 30 days; the patient's own report too, in their row.
    for person in [waiting, world.patient]:
        report = _report(world, person)
        NeedReport.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=40))
    for name in ["plans:overview", "plans:overview_csv"]:
        reads = _records_of(client_for(world, "ke_officer"), "get", reverse(name))
        assert reads == {world.patient.pk: 1, waiting.pk: 1}, name
        assert _records_of(client_for(world, "ke_officer_tromso"), "get", reverse(name)) == {}


def test_the_queue_and_my_reports_log_each_person_once(world: World) -> None:
    other = PersonFactory()
    for person in [world.patient, world.patient, other]:
        _report(world, person)
    reads = _records_of(client_for(world, "ke_officer"), "get", reverse("intake:queue"))
    assert reads == {world.patient.pk: 1, other.pk: 1}
    reads = _records_of(client_for(world, "coordinator"), "get", reverse("intake:my_reports"))
    assert reads == {world.patient.pk: 1, other.pk: 1}
    assert _records_of(client_for(world, "team_member"), "get", reverse("intake:my_reports")) == {}


def test_the_referral_work_list_logs_each_person_of_the_unit_once(world: World) -> None:
    clerk = MembershipFactory(organisation=habilitation_unit(), role="referral_clerk").user
    other = PersonFactory()
    for person in [world.patient, world.patient, other]:
        ReferralFactory(person=person)
    elsewhere = PersonFactory()
    ReferralFactory(person=elsewhere, receiving_unit=OrganisationFactory(kind="rehabilitation_unit"))
    client = client_as(clerk)
    reads = _records_of(client, "get", reverse("referrals:work_list"))
    assert reads == {world.patient.pk: 1, other.pk: 1}
    reads = _records_of(client, "get", reverse("referrals:work_list"), {"show": "overdue"})
    assert reads == {}


def test_the_emergency_review_logs_each_person_once(world: World) -> None:
    from vegviser.access.services import open_emergency_access

    plan = plan_for(world)
    for _ in range(2):
        open_emergency_access(
            actor=world.org_admin, plan=plan, reason="Akutt innlagt, trenger planen", hours=1
        )
    reads = _records_of(client_for(world, "ke_officer"), "get", reverse("access:emergency_review"))
    assert reads == {world.patient.pk: 1}


def test_the_person_search_logs_each_person_found(world: World) -> None:
    namesakes = [PersonFactory(family_name="Andersen") for _ in range(2)]
    client = client_for(world, "ke_officer")
    reads = _records_of(client, "post", reverse("registry:person_search"), {"query": "Andersen"})
    assert reads == {person.pk: 1 for person in [world.patient, *namesakes]}
    reads = _records_of(client, "post", reverse("registry:person_search"), {"query": "Ingensomheter"})
    assert reads == {}


def test_the_log_search_logs_each_person_named_once(world: World) -> None:
    from vegviser.audit.services import record_access

    other = PersonFactory()
    record_access(actor=world.coordinator, person_ids=[world.patient.pk, other.pk], purpose="plan")
    record_access(actor=world.coordinator, person_ids=[world.patient.pk], purpose="plan")
    today = timezone.localdate()
    data = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}
    reads = _records_of(client_for(world, "ke_officer"), "post", reverse("audit:search"), data)
    # Both are named twice: as lines found, and as reads without a role to review.
    assert reads == {world.patient.pk: 1, other.pk: 1}


# The plan's instrument results and the recording form: health data, one record for the person read, with
# the purpose of the page; none for a user the policy refuses.


def test_the_instrument_pages_log_the_person_once_and_refusals_not_at_all(world: World) -> None:
    plan = plan_for(world)
    pages = {
        reverse("assessments:plan_results", kwargs={"pk": plan.pk}): ReadPurpose.ASSESSMENT_RESULTS,
        reverse("assessments:record_choose", kwargs={"pk": plan.pk}): ReadPurpose.ASSESSMENT_RECORD,
        reverse("assessments:record", kwargs={"pk": plan.pk, "code": "psfs"}): ReadPurpose.ASSESSMENT_RECORD,
    }
    for url, purpose in pages.items():
        before = AccessRecord.objects.count()
        assert client_as(world.coordinator).get(url).status_code == 200
        [record] = new_records(before)
        assert (record.person_id, record.purpose, record.actor_role) == (
            plan.person_id,
            purpose,
            "plan:coordinator",
        )
        # The coordinating unit keeps the registry but reads no plan content: refused, and nothing logged.
        before = AccessRecord.objects.count()
        assert client_as(world.ke_officer).get(url).status_code == 404
        assert new_records(before) == []


def test_the_follow_up_list_logs_each_person_listed_once(world: World) -> None:
    plan = plan_for(world, active=True)
    for _ in range(2):  # two waiting questionnaires for one person: still one read
        sent = assessment_services.send_questionnaire(
            actor=None, plan=plan, instrument="psfs", due_on=timezone.localdate()
        )
        SentQuestionnaire.objects.filter(pk=sent.pk).update(
            due_on=timezone.localdate() - timedelta(days=3), closed_at=None
        )
    other = PersonFactory()
    reads = _records_of(client_for(world, "coordinator"), "get", reverse("assessments:follow_up"))
    assert reads == {world.patient.pk: 1}
    assert other.pk not in reads
    records = AccessRecord.objects.filter(purpose=ReadPurpose.FOLLOW_UP, actor=world.coordinator)
    assert records.count() == 1
    # The coordinating unit follows up no plan's content: nobody listed, nothing logged.
    assert _records_of(client_for(world, "ke_officer"), "get", reverse("assessments:follow_up")) == {}
