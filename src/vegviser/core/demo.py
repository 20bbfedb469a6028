"""Demo data for trying Vegviser: Bodø municipality and Nordlandssykehuset, with synthetic people only.

Everything is written through the same services as the UI (actor `None`: a system process), so the demo
also leaves the audit trail a real installation would have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from vegviser.access.models import ConsentEvidence, ConsentGiver
from vegviser.access.services import record_consent
from vegviser.accounts.models import Profession, User
from vegviser.accounts.services import create_user
from vegviser.intake.models import CoordinatorKind, NeedReport, ReportChannel, ReportConsent
from vegviser.intake.services import appoint_coordinator, decide_report, report_need
from vegviser.registry import services as registry
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import (
    Language,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    RelationKind,
)

DEMO_PASSWORD = "demo"  # noqa: S105 - published in the README; demo only
BODO = "1804"
HOSPITAL = "Nordlandssykehuset HF"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    profession: str = ""
    organisation: str = ""
    role: str = ""


def _years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)


def _organisations(bodo: Municipality) -> dict[str, Organisation]:
    hospital = Organisation.objects.get(name=HOSPITAL, kind=OrganisationKind.HEALTH_TRUST)
    hospital_data = {"address": "Parkveien 95, 8005 Bodø", "phone": "75 53 40 00"}
    hospital = registry.update_organisation(
        actor=None, organisation=hospital, data=hospital_data, expected_version=hospital.version
    )
    specs = [
        ("Koordinerende enhet, Bodø kommune", OrganisationKind.COORDINATING_UNIT, "75 55 50 00"),
        ("Hjemmetjenesten, Bodø kommune", OrganisationKind.HOME_SERVICES, "75 55 60 00"),
        ("Fysioterapitjenesten, Bodø kommune", OrganisationKind.PHYSIOTHERAPY, "75 55 61 00"),
        ("Ergoterapitjenesten, Bodø kommune", OrganisationKind.OCCUPATIONAL_THERAPY, "75 55 62 00"),
        ("Bodø kommunale skole", OrganisationKind.SCHOOL, "75 55 70 00"),
        ("Bodø kommunale barnehage", OrganisationKind.KINDERGARTEN, "75 55 71 00"),
        ("PPT Bodø", OrganisationKind.PPT, "75 55 72 00"),
        ("NAV Bodø", OrganisationKind.NAV_OFFICE, "55 55 33 33"),
        ("Sentrum legekontor, Bodø", OrganisationKind.GP_OFFICE, "75 55 80 00"),
    ]
    organisations = {"hospital": hospital}
    for name, kind, phone in specs:
        organisations[kind] = registry.create_organisation(
            actor=None,
            data={"name": name, "kind": kind, "municipality": bodo, "phone": phone, "address": "8001 Bodø"},
        )
    for name, kind in [
        ("Habiliteringstjenesten, Nordlandssykehuset", OrganisationKind.HABILITATION_UNIT),
        ("Rehabiliteringsavdelingen, Nordlandssykehuset", OrganisationKind.REHABILITATION_UNIT),
    ]:
        organisations[kind] = registry.create_organisation(
            actor=None,
            data={
                "name": name,
                "kind": kind,
                "parent": hospital,
                "health_region": hospital.health_region,
                "municipality": bodo,
                "phone": "75 53 40 00",
            },
        )
    return organisations


PROFESSIONALS = [
    DemoUser("ke", "Kari", "Enge", Profession.SOCIAL_WORKER, OrganisationKind.COORDINATING_UNIT,
             MembershipRole.COORDINATING_UNIT_OFFICER),
    DemoUser("koordinator", "Kristian", "Olsen", Profession.NURSE, OrganisationKind.HOME_SERVICES,
             MembershipRole.COORDINATOR),
    DemoUser("fysio", "Frida", "Ystad", Profession.PHYSIOTHERAPIST, OrganisationKind.PHYSIOTHERAPY,
             MembershipRole.TEAM_MEMBER),
    DemoUser("lege", "Lars", "Eide", Profession.PHYSICIAN, OrganisationKind.REHABILITATION_UNIT,
             MembershipRole.TEAM_MEMBER),
]  # fmt: skip


def _person(bodo: Municipality, given: str, family: str, born: date, seq: int, address: str) -> Person:
    return registry.create_person(
        actor=None,
        data={
            "given_name": given,
            "family_name": family,
            "national_id": synthetic_national_id(born, seq),
            "address": address,
            "postal_code": "8006",
            "postal_town": "Bodø",
            "municipality": bodo,
            "preferred_language": Language.BOKMAL,
        },
    )


def _citizen(username: str, person: Person) -> User:
    user = create_user(
        actor=None,
        data={"username": username, "first_name": person.given_name, "last_name": person.family_name},
        password=DEMO_PASSWORD,
    )
    Person.objects.filter(pk=person.pk).update(user=user)
    return user


@transaction.atomic
def load_demo() -> None:
    today = timezone.localdate()
    bodo = Municipality.objects.get(number=BODO)
    organisations = _organisations(bodo)
    for spec in PROFESSIONALS:
        create_user(
            actor=None,
            data={
                "username": spec.username,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.vegviser.invalid",
                "profession": spec.profession,
            },
            organisation=organisations[spec.organisation],
            role=spec.role,
            password=DEMO_PASSWORD,
        )
    # The coordinating unit's officer also administers the unit's users.
    registry.add_membership(
        actor=None,
        organisation=organisations[OrganisationKind.COORDINATING_UNIT],
        user=User.objects.get(username="ke"),
        role=MembershipRole.ORGANISATION_ADMIN,
    )
    admin = create_user(
        actor=None,
        data={"username": "admin", "first_name": "Ada", "last_name": "Admin", "is_system_admin": True},
        password=DEMO_PASSWORD,
    )
    assert admin.is_system_admin

    patient = _person(bodo, "Per", "Andersen", _years_ago(today, 45, 100), 0, "Storgata 12")
    _citizen("pasient", patient)
    parent = _person(bodo, "Fatima", "Haugen", _years_ago(today, 38, 40), 1, "Sjøgata 3")
    _citizen("forelder", parent)
    child = _person(bodo, "Emil", "Haugen", _years_ago(today, 7, 60), 2, "Sjøgata 3")
    registry.add_relation(
        actor=None,
        person=child,
        data={"relative": parent, "kind": RelationKind.PARENT, "valid_from": child.birth_date},
    )
    young = _person(bodo, "Ulrik", "Nilsen", _years_ago(today, 16, 45), 3, "Rønvikveien 7")
    _citizen("ungdom", young)
    _intake(today, organisations, patient, child, young)


def _intake(
    today: date, organisations: dict[str, Organisation], patient: Person, child: Person, young: Person
) -> None:
    """Reports of need in every state, the adult's consent and coordinator."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["ke", "koordinator", "fysio", "lege"])
    }
    stroke = report_need(
        actor=users["lege"],
        person=patient,
        organisation=organisations[OrganisationKind.REHABILITATION_UNIT],
        data={
            "needs_plan": True,
            "needs_coordinator": True,
            "description": "Hjerneslag i vår. Trenger hjelp i hverdagen, trening og vei tilbake til arbeid. "
            "Mange tjenester involvert: hjemmetjenesten, fysioterapi, ergoterapi, fastlege og NAV.",
            "channel": ReportChannel.WRITTEN,
            "is_inpatient": True,
            "consent_to_report": ReportConsent.YES,
        },
    )
    NeedReport.objects.filter(pk=stroke.pk).update(received_at=timezone.now() - timedelta(days=190))
    stroke.refresh_from_db()
    decide_report(
        actor=users["ke"],
        report=stroke,
        data={"plan_granted": True, "coordinator_granted": True},
    )
    NeedReport.objects.filter(pk=stroke.pk).update(decided_at=timezone.now() - timedelta(days=186))
    record_consent(
        actor=users["ke"],
        person=patient,
        data={
            "given_by": ConsentGiver.PERSON,
            "covers_plan": True,
            "covers_coordinator": True,
            "valid_from": today - timedelta(days=185),
            "evidence": ConsentEvidence.ORAL,
            "journal_reference": "Journalnotat, samtale med koordinerende enhet",
        },
        shared_with=[
            organisations[OrganisationKind.HOME_SERVICES],
            organisations[OrganisationKind.PHYSIOTHERAPY],
            organisations[OrganisationKind.OCCUPATIONAL_THERAPY],
            organisations[OrganisationKind.GP_OFFICE],
            organisations[OrganisationKind.NAV_OFFICE],
            organisations[OrganisationKind.REHABILITATION_UNIT],
        ],
    )
    appoint_coordinator(
        actor=users["ke"],
        person=patient,
        coordinator=users["koordinator"],
        organisation=organisations[OrganisationKind.HOME_SERVICES],
        kind=CoordinatorKind.COORDINATOR,
        started_on=today - timedelta(days=180),
        person_wishes="Ønsker en fast kontaktperson i hjemmetjenesten.",
        need_report=stroke,
    )
    cp = report_need(
        actor=users["fysio"],
        person=child,
        organisation=organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "needs_plan": True,
            "needs_child_coordinator": True,
            "description": "Cerebral parese. Starter på skolen til høsten; barnehage, skole, PPT, "
            "fysioterapi og habiliteringstjenesten må samordnes. Foreldrene koordinerer alt selv i dag.",
            "channel": ReportChannel.WRITTEN,
            "consent_to_report": ReportConsent.YES,
        },
    )
    NeedReport.objects.filter(pk=cp.pk).update(received_at=timezone.now() - timedelta(days=12))
    waiting = report_need(
        actor=users["fysio"],
        person=young,
        organisation=organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "needs_coordinator": True,
            "description": "Langvarige smerter og mye fravær fra skolen. Trenger én å forholde seg til.",
            "channel": ReportChannel.ORAL,
            "consent_to_report": ReportConsent.YES,
        },
    )
    NeedReport.objects.filter(pk=waiting.pk).update(received_at=timezone.now() - timedelta(days=35))


def database_is_empty() -> bool:
    return not User.objects.exists()
