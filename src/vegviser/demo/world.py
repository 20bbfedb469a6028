"""The world the stories happen in: Bodø municipality and Nordlandssykehuset, their services and
professionals, the demo's users, and the people of the stories.

Everything here is written by the system (actor `None`), as an installation's registry and user accounts are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from vegviser.accounts import services as accounts
from vegviser.accounts.models import Profession, User
from vegviser.registry import services as registry
from vegviser.registry.identity import is_valid_organisation_number, synthetic_national_id
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
# The professionals' HPR numbers, in the order of PROFESSIONALS from this one (`koordinator` has 9100001), and
# the municipality's services' organisation numbers, valid but from a range no enterprise has (999…): with
# them, the demo's professionals log in through the test provider configured like HelseID (docs/deploy.md).
FIRST_HPR_NUMBER = 9100000


def demo_organisation_numbers() -> Iterator[str]:
    """Valid organisation numbers (the check digit right) of the form 999xxxxxx, in order."""
    for serial in range(1_000_000):
        number = f"999{serial:06d}"
        if is_valid_organisation_number(number):
            yield number


HOSPITAL = "Nordlandssykehuset HF"


@dataclass(frozen=True)
class World:
    """Who exists when the stories begin: organisations by kind (the hospital as "hospital"), every user but
    the system administrator by username, and people by their given name in lower case."""

    today: date
    organisations: dict[str, Organisation]
    users: dict[str, User]
    people: dict[str, Person]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    profession: str = ""
    organisation: str = ""
    role: str = ""


PROFESSIONALS = [
    DemoUser("ke", "Kari", "Enge", Profession.SOCIAL_WORKER, OrganisationKind.COORDINATING_UNIT,
             MembershipRole.COORDINATING_UNIT_OFFICER),
    DemoUser("koordinator", "Kristian", "Olsen", Profession.NURSE, OrganisationKind.HOME_SERVICES,
             MembershipRole.COORDINATOR),
    DemoUser("fysio", "Frida", "Ystad", Profession.PHYSIOTHERAPIST, OrganisationKind.PHYSIOTHERAPY,
             MembershipRole.TEAM_MEMBER),
    DemoUser("lege", "Lars", "Eide", Profession.PHYSICIAN, OrganisationKind.REHABILITATION_UNIT,
             MembershipRole.TEAM_MEMBER),
    # Per's occupational therapist takes part with limited access: she sees only her own measures.
    DemoUser("ergo", "Eva", "Rønning", Profession.OCCUPATIONAL_THERAPIST,
             OrganisationKind.OCCUPATIONAL_THERAPY, MembershipRole.TEAM_MEMBER),
    # Emil's school, PPT and habilitation service: professionals take part as users of their organisation.
    DemoUser("laerer", "Line", "Solheim", Profession.TEACHER, OrganisationKind.SCHOOL,
             MembershipRole.TEAM_MEMBER),
    DemoUser("ppt", "Hanne", "Moe", Profession.SPECIAL_EDUCATOR, OrganisationKind.PPT,
             MembershipRole.TEAM_MEMBER),
    DemoUser("habilitering", "Henrik", "Dahl", Profession.PHYSICIAN, OrganisationKind.HABILITATION_UNIT,
             MembershipRole.TEAM_MEMBER),
    # The habilitation unit's clerk registers the referrals it receives and keeps its work list.
    DemoUser("henvisning", "Hilde", "Kvam", Profession.OTHER, OrganisationKind.HABILITATION_UNIT,
             MembershipRole.REFERRAL_CLERK),
    # The habilitation unit's physician who assesses its referrals: the right and its deadline.
    DemoUser("vurdering", "Vera", "Lie", Profession.PHYSICIAN, OrganisationKind.HABILITATION_UNIT,
             MembershipRole.ASSESSING_CLINICIAN),
    # A nurse on the rehabilitation ward: admissions, stays and discharge.
    DemoUser("avdeling", "Pia", "Berg", Profession.NURSE, OrganisationKind.REHABILITATION_UNIT,
             MembershipRole.EPISODE_STAFF),
    # The trust's coordinating unit oversees the units' referrals, waiting lists and breaches.
    DemoUser("kehf", "Trude", "Nilsen", Profession.SOCIAL_WORKER, "hospital",
             MembershipRole.TRUST_COORDINATING_OFFICER),
    # A leader at the trust: the quality indicators of its catchment area, never a person.
    DemoUser("leder", "Lene", "Aas", Profession.OTHER, "hospital", MembershipRole.INDICATOR_ANALYST),
]  # fmt: skip

# The citizens who sign in to the portal: Per, Emil's mother and Ulrik.
CITIZENS = {"pasient": "per", "forelder": "fatima", "ungdom": "ulrik"}


def create_world(today: date) -> World:
    bodo = Municipality.objects.get(number=BODO)
    organisations = _organisations(bodo)
    _professionals(organisations)
    _system_admin()
    people = _people(bodo, today)
    for username, person in CITIZENS.items():
        _citizen(username, people[person])
    # One hash for every demo user: hashing is slow by design, and the demo password is public anyway.
    demo_users = [*(spec.username for spec in PROFESSIONALS), "admin", *CITIZENS]
    User.objects.filter(username__in=demo_users).update(password=make_password(DEMO_PASSWORD))
    _relations(people, today)
    users = {user.username: user for user in User.objects.filter(is_system_admin=False)}
    return World(today=today, organisations=organisations, users=users, people=people)


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
    # The unit's letters give the person its address and e-mail.
    unit_contact = {
        "address": "Postboks 319, 8001 Bodø",
        "email": "koordinerende.enhet@demo.vegviser.invalid",
    }
    numbers = demo_organisation_numbers()
    for name, kind, phone in specs:
        data = {"name": name, "kind": kind, "municipality": bodo, "phone": phone, "address": "8001 Bodø"}
        data["organisation_number"] = next(numbers)
        if kind == OrganisationKind.COORDINATING_UNIT:
            data.update(unit_contact)
        organisations[kind] = registry.create_organisation(actor=None, data=data)
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


def _professionals(organisations: dict[str, Organisation]) -> None:
    for index, spec in enumerate(PROFESSIONALS):
        accounts.create_user(
            actor=None,
            data={
                "username": spec.username,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.vegviser.invalid",
                "profession": spec.profession,
                "hpr_number": str(FIRST_HPR_NUMBER + index),
            },
            organisation=organisations[spec.organisation],
            role=spec.role,
        )
    # The coordinating unit's officer also administers the unit's users.
    registry.add_membership(
        actor=None,
        organisation=organisations[OrganisationKind.COORDINATING_UNIT],
        user=User.objects.get(username="ke"),
        role=MembershipRole.ORGANISATION_ADMIN,
    )


def _system_admin() -> None:
    admin = accounts.create_user(
        actor=None,
        data={"username": "admin", "first_name": "Ada", "last_name": "Admin", "is_system_admin": True},
    )
    assert admin.is_system_admin


def _people(bodo: Municipality, today: date) -> dict[str, Person]:
    return {
        "per": _person(bodo, "Per", "Andersen", _years_ago(today, 45, 100), 0, "Storgata 12"),
        "anne": _person(bodo, "Anne", "Andersen", _years_ago(today, 44, 210), 4, "Storgata 12"),
        "fatima": _person(bodo, "Fatima", "Haugen", _years_ago(today, 38, 40), 1, "Sjøgata 3"),
        "emil": _person(bodo, "Emil", "Haugen", _years_ago(today, 7, 60), 2, "Sjøgata 3"),
        "ulrik": _person(bodo, "Ulrik", "Nilsen", _years_ago(today, 16, 45), 3, "Rønvikveien 7"),
        "sigrid": _person(bodo, "Sigrid", "Johansen", _years_ago(today, 81, 20), 5, "Hernesveien 4"),
        "jonas": _person(bodo, "Jonas", "Berg", _years_ago(today, 34, 150), 6, "Mørkvedveien 21"),
        # Referred to the hospital's habilitation unit.
        "maja": _person(bodo, "Maja", "Lund", _years_ago(today, 23, 80), 7, "Tverlandsveien 9"),
        "tor": _person(bodo, "Tor", "Hansen", _years_ago(today, 52, 300), 8, "Saltstraumveien 30"),
    }


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


def _citizen(username: str, person: Person) -> None:
    user = accounts.create_user(
        actor=None,
        data={"username": username, "first_name": person.given_name, "last_name": person.family_name},
    )
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user


def _relations(people: dict[str, Person], today: date) -> None:
    registry.add_relation(
        actor=None,
        person=people["emil"],
        data={
            "relative": people["fatima"],
            "kind": RelationKind.PARENT,
            "valid_from": people["emil"].birth_date,
        },
    )
    registry.add_relation(
        actor=None,
        person=people["per"],
        data={
            "relative": people["anne"],
            "kind": RelationKind.NEXT_OF_KIN,
            "valid_from": _years_ago(today, 20),
            "note": "Ektefelle",
        },
    )


def _years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)
