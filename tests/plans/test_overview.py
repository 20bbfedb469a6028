"""The coordinating unit's overview: who has a plan or a coordinator, status and dates, never the content."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import AccessRecord, Channel
from vegviser.core.documents import spreadsheet_cell
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.plans.models import IndividualPlan, PlanStatus
from vegviser.plans.overview import OVERVIEW_PURPOSE, municipality_overview

from ..conftest import World, client_for
from ..factories import CoordinatorAssignmentFactory, IndividualPlanFactory, NeedReportFactory, PersonFactory
from ..factories import days_ago as days_ago_at_noon
from .helpers import appoint, plan_for

GOAL = "Gå 1 km uten hjelp"
WHAT_MATTERS = "Å gå tur med hunden"
OVERVIEW = reverse("plans:overview")
CSV = reverse("plans:overview_csv")


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _report(world: World, *, days_ago: int, status: str = ReportStatus.RECEIVED, person=None) -> NeedReport:
    return NeedReportFactory(
        person=person or world.patient,
        municipality=world.bodo,
        needs_plan=False,
        needs_coordinator=True,
        description="Trenger koordinator",
        received_at=days_ago_at_noon(days_ago),
        status=status,
    )


def _another_plan(world: World, *, given_name: str = "Kari") -> IndividualPlan:
    """A plan and a coordinator for a new resident of Bodø, written directly: the overview only reads them."""
    person = PersonFactory(given_name=given_name, family_name="Nilsen")
    CoordinatorAssignmentFactory(person=person, coordinator=world.coordinator, organisation=world.physio)
    return IndividualPlanFactory(person=person, status=PlanStatus.ACTIVE, what_matters=WHAT_MATTERS)


def test_the_unit_sees_its_municipalitys_plans(world: World) -> None:
    plan = plan_for(world, active=True)
    response = client_for(world, "ke_officer").get(OVERVIEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Per Andersen" in page
    assert str(world.patient.birth_date.year) in page
    assert world.coordinator.display_name in page
    assert "Fysioterapitjenesten Bodø" in page
    assert world.patient.national_id not in page
    [row] = response.context["overview"].rows
    assert row.plan_status == PlanStatus.ACTIVE
    assert row.plan_started == timezone.localdate(plan.created_at)
    assert response.context["overview"].counts == {PlanStatus.ACTIVE: 1}
    read = AccessRecord.objects.get(purpose=OVERVIEW_PURPOSE)
    assert read.person_id == world.patient.pk
    assert read.actor == world.ke_officer
    assert read.channel == Channel.WEB


def test_another_municipalitys_unit_does_not_see_them(world: World) -> None:
    plan_for(world, active=True)
    response = client_for(world, "ke_officer_tromso").get(OVERVIEW)
    assert response.status_code == 200
    assert "Andersen" not in response.content.decode()
    assert response.context["overview"].rows == []
    assert "Andersen" not in client_for(world, "ke_officer_tromso").get(CSV).content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "persona", ["coordinator", "team_member", "org_admin", "system_admin", "patient_user"]
)
@pytest.mark.parametrize("url", [OVERVIEW, CSV])
def test_only_the_unit_may_open_it(world: World, persona: str, url: str) -> None:
    plan_for(world, active=True)
    assert client_for(world, persona).get(url).status_code == 404


def test_no_plan_content_on_the_page_or_in_the_export(world: World) -> None:
    plan_for(world, active=True)
    client = client_for(world, "ke_officer")
    page = client.get(OVERVIEW).content.decode()
    export = client.get(CSV).content.decode("utf-8-sig")
    # The activation's reason is looked for whole: its first letters are also in the footer ("Statistikk").
    content = (GOAL, WHAT_MATTERS, "Gangtrening", "Tilrettelegging", "Startes mens resten skrives", "Trening")
    for text in content:
        assert text not in page
        assert text not in export


def test_overdue_revision_and_idle_plan_are_flagged(world: World) -> None:
    plan = plan_for(world, active=True)
    today = timezone.localdate()
    IndividualPlan.objects.filter(pk=plan.pk).update(
        next_revision=today - timedelta(days=1), last_activity_at=days_ago_at_noon(91)
    )
    [row] = municipality_overview(user=world.ke_officer, today=today).rows
    assert row.revision_overdue
    assert row.idle
    assert row.last_activity == today - timedelta(days=91)
    page = client_for(world, "ke_officer").get(OVERVIEW).content.decode()
    assert 'data-color="danger"' in page

    IndividualPlan.objects.filter(pk=plan.pk).update(
        next_revision=today + timedelta(days=10), last_activity_at=days_ago_at_noon(30)
    )
    [row] = municipality_overview(user=world.ke_officer, today=today).rows
    assert not row.revision_overdue
    assert not row.idle


def test_a_coordinator_without_a_plan_is_listed(world: World) -> None:
    appoint(world)
    [row] = municipality_overview(user=world.ke_officer).rows
    assert row.name == "Per Andersen"
    assert row.plan_status == ""
    assert [line.name for line in row.coordinators] == [world.coordinator.display_name]


def test_reports_waiting_more_than_30_days_are_listed(world: World) -> None:
    old = _report(world, days_ago=40)
    _report(world, days_ago=10, person=PersonFactory())
    _report(world, days_ago=60, status=ReportStatus.DECIDED, person=PersonFactory())
    result = municipality_overview(user=world.ke_officer)
    [waiting] = result.waiting
    assert waiting.report_id == old.pk
    assert waiting.age_in_days == 40
    page = client_for(world, "ke_officer").get(OVERVIEW).content.decode()
    assert reverse("intake:report_detail", kwargs={"pk": old.pk}) in page
    assert municipality_overview(user=world.ke_officer_tromso).waiting == []


def test_filter_by_status(world: World) -> None:
    plan_for(world, active=True)
    client = client_for(world, "ke_officer")
    assert len(client.get(OVERVIEW, {"status": "active"}).context["overview"].rows) == 1
    assert client.get(OVERVIEW, {"status": "draft"}).context["overview"].rows == []
    # An unknown status shows everything open rather than failing.
    assert len(client.get(OVERVIEW, {"status": "nonsense"}).context["overview"].rows) == 1
    assert len(_csv_rows(client.get(CSV, {"status": "active"}).content)) == 2
    assert len(_csv_rows(client.get(CSV, {"status": "paused"}).content)) == 1


def test_csv_is_excel_ready_and_logged_as_an_export(world: World) -> None:
    plan_for(world, active=True)
    response = client_for(world, "ke_officer").get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="vegviser-oversikt-')
    header, row = _csv_rows(response.content)
    assert header[0] == "Person"
    assert row[0] == "Per Andersen"
    assert row[1] == str(world.patient.birth_date.year)
    assert row[2] == world.coordinator.display_name
    assert row[3] == "Fysioterapitjenesten Bodø"
    assert world.patient.national_id not in response.content.decode("utf-8-sig")
    assert AccessRecord.objects.get(purpose=OVERVIEW_PURPOSE).channel == Channel.EXPORT


def test_csv_header_is_in_the_users_language(world: World) -> None:
    plan_for(world, active=True)
    client = client_for(world, "ke_officer")
    client.cookies["django_language"] = "en"
    header, _row = _csv_rows(client.get(CSV).content)
    assert header[:3] == ["Person", "Born", "Coordinator"]


def test_csv_neutralises_formulas(world: World) -> None:
    _another_plan(world, given_name='=HYPERLINK("https://evil.example")')
    _header, row = _csv_rows(client_for(world, "ke_officer").get(CSV).content)
    assert row[0].startswith("'=HYPERLINK")
    assert [spreadsheet_cell(value) for value in ("+1", "-1", "@a", "ok")] == ["'+1", "'-1", "'@a", "ok"]


def test_query_count_does_not_grow_with_the_plans(world: World, django_assert_num_queries) -> None:
    plan_for(world, active=True)
    _report(world, days_ago=40)
    client = client_for(world, "ke_officer")
    client.get(OVERVIEW)
    with CaptureQueriesContext(connection) as one_plan:
        assert client.get(OVERVIEW).status_code == 200
    # The content is not even loaded, so no later change to the page can show it by mistake.
    loaded = " ".join(query["sql"] for query in one_plan.captured_queries)
    assert "what_matters" not in loaded
    assert "person_wishes" not in loaded
    assert "description" not in loaded
    for number in range(4):
        _another_plan(world, given_name=f"Kari {number}")
    with django_assert_num_queries(len(one_plan)):
        response = client.get(OVERVIEW)
    assert len(response.context["overview"].rows) == 5
