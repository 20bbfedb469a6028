"""Report of need → the coordinating unit's queue → decision; and who may and may not."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.intake.services import decide_report
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Person

from ..conftest import World, client_for, english
from ..factories import NeedReportFactory, UserFactory, days_ago


def report_form(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "national_id": world.patient.national_id,
        "given_name": "Per",
        "family_name": "Andersen",
        "municipality": "1804",
        "organisation": str(world.physio.pk),
        "needs_plan": "on",
        "needs_coordinator": "on",
        "description": "Needs help with daily life after a stroke; many services involved.",
        "channel": "written",
        "consent_to_report": "yes",
    }
    data.update(overrides)
    return data


def test_a_professional_reports_a_need_to_the_persons_municipality(world: World) -> None:
    response = english(world, "coordinator").post(reverse("intake:report_create"), report_form(world))
    assert response.status_code == 302
    report = NeedReport.objects.get()
    assert report.person == world.patient
    assert report.municipality_id == "1804"
    assert report.reported_by == world.coordinator
    assert report.reporter_organisation == world.physio
    assert report.status == ReportStatus.RECEIVED
    assert AuditRecord.objects.filter(action="need_report.create", object_id=str(report.pk)).exists()


def test_an_unregistered_person_is_registered_with_the_report(world: World) -> None:
    number = synthetic_national_id(date(2015, 6, 1))
    data = report_form(
        world, national_id=number, given_name="Sara", family_name="Nyhet", needs_child_coordinator="on"
    )
    response = english(world, "team_member").post(
        reverse("intake:report_create"), dict(data, organisation=str(world.school.pk))
    )
    assert response.status_code == 302
    person = Person.objects.get(national_id=number)
    assert (person.given_name, person.municipality_id, person.birth_date) == (
        "Sara",
        "1804",
        date(2015, 6, 1),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"national_id": "12345678901"}, "national_id", "The check digits do not match"),
        (
            {"needs_plan": "", "needs_coordinator": ""},
            "needs_plan",
            "Say what the person needs: a plan, a coordinator or a child coordinator.",
        ),
        ({"description": ""}, "description", "This field is required."),
        ({"description": "x" * 5001}, "description", "at most 5000 characters"),
        ({"channel": "fax"}, "channel", "Select a valid choice."),
    ],
)
def test_bad_reports_are_refused_with_the_rest_kept(
    world: World, overrides: dict[str, str], field: str, message: str
) -> None:
    response = english(world, "coordinator").post(
        reverse("intake:report_create"), report_form(world, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not NeedReport.objects.exists()
    if field != "description":
        assert "Needs help with daily life" in response.content.decode()


def test_reporter_may_not_report_from_an_organisation_they_are_not_in(world: World) -> None:
    response = english(world, "coordinator").post(
        reverse("intake:report_create"), report_form(world, organisation=str(world.school.pk))
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not NeedReport.objects.exists()


@pytest.mark.parametrize("persona", ["patient_user", "system_admin"])
def test_people_without_a_membership_cannot_report(world: World, persona: str) -> None:
    assert (
        client_for(world, persona).post(reverse("intake:report_create"), report_form(world)).status_code
        == 404
    )
    assert not NeedReport.objects.exists()


def make_report(world: World, **overrides: Any) -> NeedReport:
    english(world, "coordinator").post(reverse("intake:report_create"), report_form(world, **overrides))
    return NeedReport.objects.latest("received_at")


def test_the_queue_shows_age_and_flags_reports_over_30_days(world: World) -> None:
    report = make_report(world)
    NeedReport.objects.filter(pk=report.pk).update(received_at=days_ago(31))
    response = english(world, "ke_officer").get(reverse("intake:queue"))
    rows = response.context["rows"]
    assert [(r.pk, age, overdue) for r, age, overdue in rows] == [(report.pk, 31, True)]
    assert "over 30 days" in response.content.decode()
    # The other municipality's officer does not see it.
    assert english(world, "ke_officer_tromso").get(reverse("intake:queue")).context["rows"] == []


def test_queue_is_for_coordinating_unit_officers_only(world: World) -> None:
    for persona in ["coordinator", "team_member", "org_admin", "system_admin", "patient_user"]:
        assert client_for(world, persona).get(reverse("intake:queue")).status_code == 404


def test_assign_then_decide(world: World) -> None:
    report = make_report(world)
    client = english(world, "ke_officer")
    response = client.post(
        reverse("intake:report_assign", kwargs={"pk": report.pk}), {"officer": str(world.ke_officer.pk)}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.assigned_to, report.status) == (world.ke_officer, ReportStatus.ASSESSING)
    response = client.post(
        reverse("intake:report_decide", kwargs={"pk": report.pk}),
        {"plan_granted": "on", "coordinator_granted": "on"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.decision) == (ReportStatus.DECIDED, "granted")
    assert report.decided_by == world.ke_officer
    letter = client.get(reverse("intake:decision_letter", kwargs={"pk": report.pk}))
    # The letter is in the person's preferred language (Bokmål here).
    assert "Vedtak" in letter.content.decode() or "vedtak" in letter.content.decode()
    assert '<html lang="nb">' in letter.content.decode()


def test_declining_needs_reasons(world: World) -> None:
    report = make_report(world)
    url = reverse("intake:report_decide", kwargs={"pk": report.pk})
    response = english(world, "ke_officer").post(url, {"plan_granted": "on"})
    assert "Give the reasons when anything is declined." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    response = english(world, "ke_officer").post(
        url, {"plan_granted": "on", "decision_reasons": "Not needed now."}
    )
    report.refresh_from_db()
    assert report.decision == "partly"


def test_child_coordinator_conditions_are_checked(world: World) -> None:
    report = make_report(world, needs_child_coordinator="on")
    url = reverse("intake:report_decide", kwargs={"pk": report.pk})
    # The patient is an adult: no child coordinator, and every missing condition is named.
    response = english(world, "ke_officer").post(
        url, {"child_coordinator_granted": "on", "decision_reasons": "Only a child coordinator is needed."}
    )
    html = response.content.decode()
    assert "The child must be under 18, or expected." in html
    assert "serious illness, injury or disability" in html
    report.refresh_from_db()
    assert report.is_open
    child_born = timezone.localdate() - timedelta(days=5 * 365)
    child = Person.objects.create(
        given_name="Liten",
        family_name="Barn",
        birth_date=child_born,
        national_id=synthetic_national_id(child_born),
        municipality_id="1804",
    )
    NeedReport.objects.filter(pk=report.pk).update(person=child)
    response = english(world, "ke_officer").post(
        url,
        {
            "child_coordinator_granted": "on",
            "serious_condition": "on",
            "needs_health_services": "on",
            "needs_other_welfare_services": "on",
            "decision_reasons": "Plan and coordinator are not needed in addition.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.child_coordinator_granted


def test_report_pages_write_access_records_and_refuse_others(world: World) -> None:
    report = make_report(world)
    url = reverse("intake:report_detail", kwargs={"pk": report.pk})
    assert english(world, "ke_officer").get(url).status_code == 200
    assert AccessRecord.objects.filter(person_id=world.patient.pk, purpose="need-report").count() == 1
    # The reporter sees the status of their own report.
    assert english(world, "coordinator").get(url).status_code == 200
    for persona in ["ke_officer_tromso", "team_member", "system_admin", "patient_user"]:
        assert client_for(world, persona).get(url).status_code == 404
    assert AccessRecord.objects.filter(person_id=world.patient.pk, purpose="need-report").count() == 2
    # Only the unit decides.
    decide = reverse("intake:report_decide", kwargs={"pk": report.pk})
    assert client_for(world, "coordinator").post(decide, {"plan_granted": "on"}).status_code == 404
    report.refresh_from_db()
    assert report.is_open


def test_my_reports_lists_only_my_own(world: World) -> None:
    make_report(world)
    assert len(english(world, "coordinator").get(reverse("intake:my_reports")).context["reports"]) == 1
    assert len(english(world, "team_member").get(reverse("intake:my_reports")).context["reports"]) == 0


def test_the_decision_letter_as_pdf(world: World) -> None:
    import io

    from pypdf import PdfReader

    report = make_report(world)
    client = english(world, "ke_officer")
    url = reverse("intake:decision_letter_pdf", kwargs={"pk": report.pk})
    client.post(
        reverse("intake:report_decide", kwargs={"pk": report.pk}),
        {"plan_granted": "on", "coordinator_granted": "on"},
    )
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert world.patient.national_id not in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # In the person's language (Bokmål), with the person's name and the right to complain.
    assert "Per Andersen" in text
    assert "Statsforvalteren" in text
    record = AccessRecord.objects.filter(person_id=world.patient.pk, channel="print").get()
    assert record.actor == world.ke_officer
    assert client_for(world, "coordinator").get(url).status_code == 404


def test_no_decision_letter_before_the_decision(world: World) -> None:
    report = make_report(world)
    for name in ("intake:decision_letter", "intake:decision_letter_pdf"):
        response = english(world, "ke_officer").get(reverse(name, kwargs={"pk": report.pk}))
        assert response.status_code == 302
        assert response["Location"] == reverse("intake:report_detail", kwargs={"pk": report.pk})


def test_the_report_goes_to_the_municipality_the_reporter_names(world: World) -> None:
    """The reporter learns nothing from the registry: not even where the person is registered."""
    response = english(world, "coordinator").post(
        reverse("intake:report_create"), report_form(world, municipality="5501")
    )
    assert response.status_code == 302
    report = NeedReport.objects.get()
    assert report.municipality_id == "5501"
    assert english(world, "ke_officer_tromso").get(reverse("intake:queue")).context["rows"][0][0] == report
    world.patient.refresh_from_db()
    assert world.patient.municipality_id == "1804"


def test_a_report_whose_reporter_has_left_can_still_be_decided(world: World) -> None:
    """Deleting the reporter's account empties `reported_by`; the report keeps the reporter's name and the
    unit can still decide it."""
    reporter = UserFactory()
    report = NeedReportFactory(person=world.patient, municipality=world.bodo, reported_by=reporter)
    reporter.delete()
    report.refresh_from_db()
    assert report.reported_by is None
    assert report.reporter_name
    decided = decide_report(actor=world.ke_officer, report=report, data={"plan_granted": True})
    assert decided.status == ReportStatus.DECIDED
