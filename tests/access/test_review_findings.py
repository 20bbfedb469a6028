"""Who may grant roles, see whose name, and keep access: the rules that close privilege and privacy gaps."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import AccessRecord
from vegviser.audit.services import record_access
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.registry.models import AddressProtection, Membership, MembershipRole, Person

from ..conftest import World, client_for
from ..factories import ConsentFactory, NeedReportFactory, PersonFactory, UserFactory
from ..plans.helpers import appoint


def members_url(world: World) -> str:
    return reverse("registry:organisation_members", kwargs={"pk": world.physio.pk})


def test_org_admin_cannot_take_in_someone_who_works_elsewhere(world: World) -> None:
    client = client_for(world, "org_admin")
    response = client.post(members_url(world), {"username": "ke_tromso", "role": "team_member"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=world.ke_officer_tromso, organisation=world.physio).exists()
    # …so they cannot edit that user either.
    url = reverse("accounts:user_edit", kwargs={"pk": world.ke_officer_tromso.pk})
    assert client.get(url).status_code == 404
    # A user with no organisation yet may be taken in.
    UserFactory(username="fersk")
    assert client.post(members_url(world), {"username": "fersk", "role": "team_member"}).status_code == 302


@pytest.mark.parametrize("role", [MembershipRole.COORDINATING_UNIT_OFFICER, MembershipRole.PRIVACY_OFFICER])
def test_only_the_system_admin_grants_roles_that_open_health_data_or_logs(world: World, role: str) -> None:
    UserFactory(username="fersk")
    response = client_for(world, "org_admin").post(members_url(world), {"username": "fersk", "role": role})
    assert response.status_code == 200
    assert not Membership.objects.filter(user__username="fersk").exists()
    response = client_for(world, "system_admin").post(members_url(world), {"username": "fersk", "role": role})
    assert response.status_code == 302


def test_nobody_grants_a_role_to_themselves_and_system_admins_hold_none(world: World) -> None:
    client = client_for(world, "system_admin")
    response = client.post(members_url(world), {"username": "sysadmin", "role": "team_member"})
    assert response.status_code == 200
    response = client_for(world, "org_admin").post(
        members_url(world), {"username": "orgadmin", "role": "coordinator"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=world.system_admin).exists()


def test_the_reporter_sees_the_name_they_gave_and_not_the_decision(world: World) -> None:
    data = {
        "national_id": world.patient.national_id,
        "given_name": "X",
        "family_name": "Y",
        "municipality": "1804",
        "organisation": str(world.school.pk),
        "needs_plan": "on",
        "description": "Trenger hjelp.",
        "channel": "written",
        "consent_to_report": "yes",
    }
    reporter = client_for(world, "team_member")
    assert reporter.post(reverse("intake:report_create"), data).status_code == 302
    report = NeedReport.objects.get()
    NeedReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.DECIDED,
        decision="declined",
        decision_reasons="Hemmelig begrunnelse",
        decided_at=timezone.now(),
    )
    for url in (reverse("intake:my_reports"), reverse("intake:report_detail", kwargs={"pk": report.pk})):
        # The reporter's own name, a random one in the test world, may share the person's family name.
        html = reporter.get(url).content.decode().replace(world.team_member.display_name, "")
        assert "X Y" in html
        assert world.patient.family_name not in html
        assert "Hemmelig begrunnelse" not in html


def test_a_relative_is_found_only_among_persons_the_officer_may_see(world: World) -> None:
    url = reverse("registry:relation_create", kwargs={"pk": world.patient.pk})
    data = {
        "relative_national_id": world.person_tromso.national_id,
        "kind": "next_of_kin",
        "valid_from": "2020-01-01",
    }
    response = client_for(world, "ke_officer").post(url, data)
    assert response.status_code == 200
    assert "relative_national_id" in response.context["form"].errors


def test_a_coordinator_who_leaves_the_organisation_loses_the_consents(world: World) -> None:
    consent = ConsentFactory(person=world.patient)
    appoint(world)
    url = reverse("access:consent_detail", kwargs={"pk": consent.pk})
    assert client_for(world, "coordinator").get(url).status_code == 200
    Membership.objects.filter(user=world.coordinator).update(active=False)
    assert client_for(world, "coordinator").get(url).status_code == 404
    # Recording or withdrawing consent is the coordinating unit's, never the coordinator's.
    withdraw = reverse("access:consent_withdraw", kwargs={"pk": consent.pk})
    assert client_for(world, "coordinator").post(withdraw, {"confirm": "on"}).status_code == 404


def test_only_a_decided_report_is_closed(world: World) -> None:
    report = NeedReportFactory(person=world.patient)
    response = client_for(world, "ke_officer").post(reverse("intake:report_close", kwargs={"pk": report.pk}))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_the_end_coordinator_page_and_my_reports_are_logged(world: World) -> None:
    assignment = appoint(world)
    client_for(world, "ke_officer").get(reverse("intake:coordinator_end", kwargs={"pk": assignment.pk}))
    assert AccessRecord.objects.filter(person_id=world.patient.pk, purpose="coordinator").count() == 1


def test_a_confidential_address_is_not_in_the_edit_form_and_is_kept(world: World) -> None:
    Person.objects.filter(pk=world.patient.pk).update(
        address_protection=AddressProtection.CONFIDENTIAL, address="Hemmeligveien 9"
    )
    client = client_for(world, "ke_officer")
    url = reverse("registry:person_edit", kwargs={"pk": world.patient.pk})
    assert "Hemmeligveien" not in client.get(url).content.decode()
    data = {
        "given_name": "Per",
        "family_name": "Andersen",
        "national_id": world.patient.national_id,
        "municipality": "1804",
        "preferred_language": "nb",
        "address_protection": "7",
        "phone": "123",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    world.patient.refresh_from_db()
    assert (world.patient.address, world.patient.phone) == ("Hemmeligveien 9", "123")


def test_csv_cells_cannot_become_formulas(world: World) -> None:
    person = PersonFactory(given_name="=HYPERLINK(1)", family_name="x")
    record_access(actor=world.coordinator, person_ids=[person.pk], purpose="plan")
    today = timezone.localdate()
    response = client_for(world, "ke_officer").post(
        reverse("audit:search"),
        {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat(), "export": "csv"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert "'=HYPERLINK(1) x" in [cell for row in rows for cell in row]
