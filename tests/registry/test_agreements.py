"""Collaboration agreements between a municipality and a health trust: registered and kept by the system
administrator (they hold no health data), read by the professionals of either party, and shown on a plan
where the plan's municipality meets a participant's health trust."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.plans import services as plan_services
from vegviser.plans.models import ParticipantKind
from vegviser.registry import services
from vegviser.registry.models import CollaborationAgreement, MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import CollaborationAgreementFactory, MembershipFactory, OrganisationFactory
from ..plans.helpers import plan_for
from ..plans.test_plan_queries import COORDINATOR_ONLY_QUERIES, PARTICIPANT_ROLE_QUERIES, PLAN_PAGE_QUERIES

PDF = b"%PDF-1.4 samarbeidsavtale"


@pytest.fixture
def trust(db: None) -> Organisation:
    return OrganisationFactory(
        name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST, municipality=None
    )


def _form(trust: Organisation, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Delavtale om habilitering og rehabilitering",
        "municipality": "1804",
        "health_trust": str(trust.pk),
        "covers_habilitation": "on",
        "covers_rehabilitation": "on",
        "valid_from": "2026-01-01",
        "valid_to": "2029-12-31",
        "document": SimpleUploadedFile("avtale.pdf", PDF, "application/pdf"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_system_administrator_registers_an_agreement_and_its_pdf(
    world: World, trust: Organisation
) -> None:
    client = client_as(world.system_admin)
    response = client.post(reverse("registry:agreement_create"), _form(trust))
    assert response.status_code == 302
    agreement = CollaborationAgreement.objects.get()
    assert (agreement.municipality, agreement.health_trust, agreement.coverage) == (
        world.bodo,
        trust,
        "habilitation, rehabilitation",
    )
    # Stored under the agreement's id, not the name it was uploaded with.
    assert agreement.document.name == f"agreements/{agreement.pk}.pdf"
    assert AuditRecord.objects.filter(action="agreement.register", object_id=str(agreement.pk)).exists()
    assert client.get(reverse("registry:agreement_document", args=[agreement.pk])).status_code == 200
    page = client.get(reverse("registry:agreement_list")).content.decode()
    assert agreement.title in page
    # Kept: the period changed, as anyone's change is, against the version the form was opened on.
    edit = reverse("registry:agreement_edit", args=[agreement.pk])
    data = {k: v for k, v in _form(trust, valid_to="2027-06-30").items() if k != "document"}
    response = client.post(edit, {**data, "version": agreement.version})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.valid_to == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"valid_to": "2025-12-31"}, "valid_to", "The agreement cannot end before it begins."),
        (
            {"covers_habilitation": None, "covers_rehabilitation": None},
            "covers_habilitation",
            "Say what the agreement covers: habilitation, rehabilitation or both.",
        ),
        (
            {"document": SimpleUploadedFile("avtale.pdf", b"<html>not a pdf</html>", "application/pdf")},
            "document",
            "The file is not a PDF file as its name says.",
        ),
        (
            {"document": SimpleUploadedFile("avtale.png", b"\x89PNG\r\n\x1a\n", "image/png")},
            "document",
            "File extension “png” is not allowed.",
        ),
        ({"document": None}, "document", "This field is required."),
        ({"municipality": "9999"}, "municipality", "Choose a municipality from the list."),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_typed_is_lost(
    world: World, trust: Organisation, changes: dict[str, Any], field: str, message: str
) -> None:
    response = client_as(world.system_admin).post(
        reverse("registry:agreement_create"), _form(trust, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    html = response.content.decode()
    assert "Delavtale om habilitering og rehabilitering" in html
    assert not CollaborationAgreement.objects.exists()


def test_a_party_that_is_not_a_health_trust_is_refused(world: World, trust: Organisation) -> None:
    unit = OrganisationFactory(kind=OrganisationKind.HABILITATION_UNIT, parent=trust)
    response = client_as(world.system_admin).post(
        reverse("registry:agreement_create"), _form(trust, health_trust=str(unit.pk))
    )
    assert response.context["form"].errors["health_trust"] == ["Choose a health trust from the list."]
    # The service refuses it too, whatever calls it.
    with pytest.raises(ValidationError) as refused:
        services.register_agreement(
            actor=world.system_admin,
            data={
                "title": "Feil",
                "municipality": world.bodo,
                "health_trust": unit,
                "covers_habilitation": True,
                "covers_rehabilitation": False,
                "valid_from": date(2026, 1, 1),
                "valid_to": None,
            },
            document=SimpleUploadedFile("avtale.pdf", PDF, "application/pdf"),
        )
    assert "Choose a health trust" in str(refused.value)


def test_a_refusal_by_the_service_is_shown_on_the_form(
    world: World, trust: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the service alone knows (such as a change made since the form was shown) reaches the form too.
    def refuse(**kwargs: Any) -> None:
        raise ValidationError({"valid_from": "Refused by the service."})

    monkeypatch.setattr(services, "register_agreement", refuse)
    response = client_as(world.system_admin).post(reverse("registry:agreement_create"), _form(trust))
    assert response.status_code == 200
    assert response.context["form"].errors["valid_from"] == ["Refused by the service."]
    assert "Delavtale om habilitering og rehabilitering" in response.content.decode()


def test_a_file_too_large_is_refused(world: World, trust: Organisation, settings: Any) -> None:
    big = SimpleUploadedFile("avtale.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = client_as(world.system_admin).post(
        reverse("registry:agreement_create"), _form(trust, document=big)
    )
    assert response.status_code == 200
    assert "The file is too large. The limit is 10 MB." in response.context["form"].errors["document"]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_messages_come_in_the_users_language(world: World, trust: Organisation, language: str) -> None:
    response = client_as(world.system_admin, language=language).post(
        reverse("registry:agreement_create"), _form(trust, valid_to="2025-12-31")
    )
    assert "The agreement cannot end before it begins." not in response.content.decode()
    assert response.context["form"].errors["valid_to"]


def test_only_the_system_administrator_registers_and_changes(world: World, trust: Organisation) -> None:
    agreement = CollaborationAgreementFactory(health_trust=trust)
    officer = MembershipFactory(organisation=trust, role=MembershipRole.TRUST_COORDINATING_OFFICER).user
    for user in [world.ke_officer, world.org_admin, world.coordinator, officer]:
        client = client_as(user)
        assert client.get(reverse("registry:agreement_create")).status_code == 404
        assert client.post(reverse("registry:agreement_create"), _form(trust)).status_code == 404
        assert client.get(reverse("registry:agreement_edit", args=[agreement.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            services.register_agreement(actor=user, data={}, document=None)
    assert CollaborationAgreement.objects.count() == 1


def test_professionals_of_either_party_read_it_and_nobody_else(world: World, trust: Organisation) -> None:
    agreement = CollaborationAgreementFactory(health_trust=trust)
    unit = OrganisationFactory(kind=OrganisationKind.REHABILITATION_UNIT, parent=trust, municipality=None)
    unit_staff = MembershipFactory(organisation=unit, role=MembershipRole.EPISODE_STAFF).user
    officer = MembershipFactory(organisation=trust, role=MembershipRole.TRUST_COORDINATING_OFFICER).user
    other_trust = OrganisationFactory(kind=OrganisationKind.HEALTH_TRUST, municipality=None)
    other_officer = MembershipFactory(
        organisation=other_trust, role=MembershipRole.TRUST_COORDINATING_OFFICER
    ).user
    for reader in [world.coordinator, world.ke_officer, unit_staff, officer, world.system_admin]:
        assert policy.can(reader, Action.AGREEMENT_VIEW, agreement)
        client = client_as(reader)
        assert client.get(reverse("registry:agreement_document", args=[agreement.pk])).status_code == 200
        assert agreement.title in client.get(reverse("registry:agreement_list")).content.decode()
    for outsider in [world.ke_officer_tromso, other_officer, world.patient_user]:
        client = client_as(outsider)
        assert client.get(reverse("registry:agreement_document", args=[agreement.pk])).status_code == 404
        listed = client.get(reverse("registry:agreement_list"))
        assert listed.status_code == 404 or agreement.title not in listed.content.decode()
    # No health data: reading it writes no access record.
    assert not AccessRecord.objects.exists()


def _specialist_in_plan(world: World, trust: Organisation) -> Any:
    plan = plan_for(world, active=True)
    unit = OrganisationFactory(
        name="Rehabiliteringsavdelingen", kind=OrganisationKind.REHABILITATION_UNIT, parent=trust
    )
    physician = MembershipFactory(organisation=unit, role=MembershipRole.EPISODE_STAFF).user
    plan_services.add_participant(
        actor=None,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": physician,
            "organisation": unit,
            "name": physician.display_name,
            "role": "Lege",
        },
    )
    return plan


def test_the_plan_shows_the_agreement_where_municipality_and_trust_meet(
    world: World, trust: Organisation, django_assert_num_queries: Any
) -> None:
    plan = _specialist_in_plan(world, trust)
    agreement = CollaborationAgreementFactory(health_trust=trust)
    # Not one that has ended, nor one with another municipality.
    CollaborationAgreementFactory(
        health_trust=trust, title="Gammel avtale", valid_to=date(2025, 12, 31), valid_from=date(2020, 1, 1)
    )
    CollaborationAgreementFactory(health_trust=trust, municipality=world.tromso, title="Tromsø-avtalen")
    client = client_as(world.coordinator)
    # One query more than any plan page, for any number of participants.
    with django_assert_num_queries(PLAN_PAGE_QUERIES + 1):
        html = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert agreement.title in html and "covers habilitation, rehabilitation" in html
    assert reverse("registry:agreement_document", args=[agreement.pk]) in html
    assert "Gammel avtale" not in html and "Tromsø-avtalen" not in html
    # A participant from the municipality reads it too.
    html = client_as(world.team_member).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert agreement.title in html


def test_no_agreement_shown_without_a_participant_from_the_trust(world: World, trust: Organisation) -> None:
    plan = plan_for(world, active=True)
    CollaborationAgreementFactory(health_trust=trust)
    html = client_as(world.coordinator).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Collaboration agreements" not in html


def test_an_agreement_that_begins_later_is_not_shown_yet(world: World, trust: Organisation) -> None:
    plan = _specialist_in_plan(world, trust)
    CollaborationAgreementFactory(health_trust=trust, valid_from=timezone.localdate() + timedelta(days=1))
    html = client_as(world.coordinator).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Collaboration agreements" not in html


__all__ = ["COORDINATOR_ONLY_QUERIES", "PARTICIPANT_ROLE_QUERIES"]
