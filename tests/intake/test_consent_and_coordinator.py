"""Consent first (element h), then a coordinator (element c): one active of each kind, history kept."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from vegviser.access.models import Consent
from vegviser.accounts.models import Notification
from vegviser.audit.models import AuditRecord
from vegviser.intake.models import CoordinatorAssignment
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Person, RelationKind

from ..conftest import World, client_for, english
from ..factories import ConsentFactory, CoordinatorAssignmentFactory, PersonRelationFactory


def consent_form(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "given_by": "person",
        "covers_plan": "on",
        "covers_coordinator": "on",
        "shared_with": [str(world.physio.pk), str(world.school.pk)],
        "valid_from": timezone.localdate().isoformat(),
        "evidence": "oral",
        "journal_reference": "Journal 2026/123",
    }
    data.update(overrides)
    return data


def record_consent(world: World, **overrides: Any) -> Consent:
    response = english(world).post(
        reverse("access:consent_create", kwargs={"pk": world.patient.pk}), consent_form(world, **overrides)
    )
    assert response.status_code == 302, response.context["form"].errors
    return Consent.objects.latest("created_at")


def appoint(world: World, **overrides: Any) -> Any:
    data = {
        "kind": "coordinator",
        "coordinator": str(world.coordinator.pk),
        "organisation": str(world.physio.pk),
        "started_on": timezone.localdate().isoformat(),
        "person_wishes": "Wants someone from the physiotherapy service.",
    }
    data.update(overrides)
    return english(world).post(reverse("intake:coordinator_appoint", kwargs={"pk": world.patient.pk}), data)


def test_record_consent_with_oral_evidence(world: World) -> None:
    consent = record_consent(world)
    assert consent.in_force
    assert set(consent.shared_with.all()) == {world.physio, world.school}
    assert Consent.objects.in_force_for(world.patient, covering="coordinator") == consent
    assert AuditRecord.objects.filter(action="consent.record", object_id=str(consent.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"journal_reference": ""}, "journal_reference", "Give the journal reference"),
        ({"evidence": "paper", "journal_reference": ""}, "evidence_file", "Upload the signed consent."),
        (
            {"covers_plan": "", "covers_coordinator": ""},
            "covers_plan",
            "must cover a plan, a coordinator or both",
        ),
        ({"valid_to": "2000-01-01"}, "valid_to", "The end date cannot be before the start date."),
        ({"given_by": "parent"}, "given_by", "From the age of 16 the person consents themselves."),
        ({"evidence": "portal"}, "evidence", "Select a valid choice."),
    ],
)
def test_bad_consent_input(world: World, overrides: dict[str, str], field: str, message: str) -> None:
    response = english(world).post(
        reverse("access:consent_create", kwargs={"pk": world.patient.pk}), consent_form(world, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Consent.objects.exists()


def test_paper_consent_upload_must_be_small_and_a_pdf_or_image(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("access:consent_create", kwargs={"pk": world.patient.pk})
    text = SimpleUploadedFile("consent.txt", b"hello", content_type="text/plain")
    response = english(world).post(url, consent_form(world, evidence="paper", evidence_file=text))
    assert "File extension" in " ".join(response.context["form"].errors["evidence_file"])
    big = SimpleUploadedFile("consent.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    response = english(world).post(url, consent_form(world, evidence="paper", evidence_file=big))
    assert "The file is too large" in " ".join(response.context["form"].errors["evidence_file"])
    pdf = SimpleUploadedFile("min samtykke Per.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = english(world).post(url, consent_form(world, evidence="paper", evidence_file=pdf))
    assert response.status_code == 302
    consent = Consent.objects.get()
    # The stored name carries no personal data.
    assert consent.evidence_file.name == f"consents/{consent.pk}.pdf"
    download = english(world).get(reverse("access:consent_evidence", kwargs={"pk": consent.pk}))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"  # type: ignore[attr-defined]
    assert (
        client_for(world, "team_member")
        .get(reverse("access:consent_evidence", kwargs={"pk": consent.pk}))
        .status_code
        == 404
    )


def test_a_child_under_16_needs_a_registered_parent(world: World) -> None:
    born = timezone.localdate() - timedelta(days=10 * 365)
    child = Person.objects.create(
        given_name="Emil",
        family_name="Haugen",
        birth_date=born,
        national_id=synthetic_national_id(born),
        municipality_id="1804",
    )
    url = reverse("access:consent_create", kwargs={"pk": child.pk})
    response = english(world).post(url, consent_form(world, given_by="person"))
    assert "Under 16" in " ".join(response.context["form"].errors["given_by"])
    response = english(world).post(url, consent_form(world, given_by="parent"))
    assert "given_by_person" in response.context["form"].errors
    PersonRelationFactory(person=child, relative=world.patient, kind=RelationKind.PARENT, valid_from=born)
    response = english(world).post(
        url,
        consent_form(
            world, given_by="parent", given_by_person=str(world.patient.pk), child_view="Vil gjerne."
        ),
    )
    assert response.status_code == 302
    assert Consent.objects.get(person=child).given_by_person == world.patient


def test_withdrawal_takes_effect_at_once_and_only_once(world: World) -> None:
    consent = record_consent(world)
    url = reverse("access:consent_withdraw", kwargs={"pk": consent.pk})
    response = english(world).post(url, {})
    assert "confirm" in response.context["form"].errors
    response = english(world).post(url, {"confirm": "on", "note": "Wants a break."})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not consent.in_force
    assert Consent.objects.in_force_for(world.patient, covering="coordinator") is None
    # Confirming twice changes nothing and says so.
    response = english(world).post(url, {"confirm": "on"}, follow=True)
    assert "already been withdrawn" in response.content.decode()
    assert AuditRecord.objects.filter(action="consent.withdraw").count() == 1


def test_no_coordinator_without_consent(world: World) -> None:
    response = appoint(world)
    assert response.status_code == 200
    assert "consent is in force" in response.content.decode()
    assert not CoordinatorAssignment.objects.exists()


def test_appoint_and_replace_keeps_the_history(world: World) -> None:
    record_consent(world)
    assert appoint(world).status_code == 302
    first = CoordinatorAssignment.objects.get()
    assert first.active and first.person_wishes.startswith("Wants")
    later = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = appoint(world, coordinator=str(world.org_admin.pk), started_on=later)
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.active
    assert first.ended_on == timezone.localdate() + timedelta(days=9)
    active = CoordinatorAssignment.objects.get(active=True)
    assert active.coordinator == world.org_admin
    assert CoordinatorAssignment.objects.count() == 2


def test_the_coordinator_must_belong_to_the_organisation(world: World) -> None:
    record_consent(world)
    response = appoint(world, organisation=str(world.school.pk))
    assert "must be a member of the organisation" in response.content.decode()


def test_one_active_coordinator_of_each_kind_is_a_database_constraint(world: World) -> None:
    record_consent(world)
    appoint(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorAssignmentFactory(
            person=world.patient, coordinator=world.org_admin, organisation=world.physio
        )


def test_the_coordinator_sees_consents_but_others_do_not(world: World) -> None:
    consent = record_consent(world)
    appoint(world)
    url = reverse("access:consent_detail", kwargs={"pk": consent.pk})
    assert client_for(world, "coordinator").get(url).status_code == 200
    for persona in ["team_member", "org_admin", "system_admin", "ke_officer_tromso", "patient_user"]:
        assert client_for(world, persona).get(url).status_code == 404


def test_end_a_coordinator(world: World) -> None:
    record_consent(world)
    appoint(world)
    assignment = CoordinatorAssignment.objects.get()
    url = reverse("intake:coordinator_end", kwargs={"pk": assignment.pk})
    assert (
        client_for(world, "coordinator").post(url, {"ended_on": "2030-01-01", "reason": "x"}).status_code
        == 404
    )
    response = english(world).post(
        url, {"ended_on": timezone.localdate().isoformat(), "reason": "Moved away"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.active
    assert assignment.end_reason == "Moved away"


def test_the_consent_in_force_is_the_newest_that_covers_and_lasts_today(
    world: World, django_assert_num_queries: Any
) -> None:
    """Newest by `valid_from`, then by when it was recorded (the model's order); one query with LIMIT 1.
    A consent not yet begun, run out, withdrawn or not covering the plan is passed over."""
    today = timezone.localdate()

    def consent(valid_from: date, **fields: Any) -> Consent:
        made: Consent = ConsentFactory(person=world.patient, valid_from=valid_from, **fields)
        return made

    older = consent(today - timedelta(days=90))
    consent(today - timedelta(days=30), valid_to=today - timedelta(days=1))
    consent(today - timedelta(days=20), withdrawn_at=timezone.now())
    coordinator_only = consent(today - timedelta(days=10), covers_plan=False)
    consent(today + timedelta(days=5))
    first_of_two = consent(today - timedelta(days=60))
    second_of_two = consent(today - timedelta(days=60))
    with django_assert_num_queries(1):
        assert Consent.objects.in_force_for(world.patient, covering="plan") == second_of_two
    assert Consent.objects.in_force_for(world.patient, covering="coordinator") == coordinator_only
    second_of_two.delete()
    assert Consent.objects.in_force_for(world.patient, covering="plan") == first_of_two
    first_of_two.delete()
    assert Consent.objects.in_force_for(world.patient, covering="plan") == older


def test_the_appointed_coordinator_is_told_without_health_content_by_email(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    world.coordinator.email = "koordinator@example.org"
    world.coordinator.save(update_fields=["email"])
    record_consent(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert appoint(world).status_code == 302
    [notice] = Notification.objects.filter(user=world.coordinator)
    assert world.patient.full_name in notice.text
    assert notice.url == reverse("plans:mine")
    # No one else hears of it: not the unit that appointed, not the person's other professionals.
    assert not Notification.objects.exclude(user=world.coordinator).exists()
    [email] = mailoutbox
    assert email.to == ["koordinator@example.org"]
    assert world.patient.full_name not in email.body + email.subject
    assert world.patient.family_name not in email.body + email.subject
