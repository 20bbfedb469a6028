"""A plan as the tests need it: the patient with consent, coordinator, participants, a goal and a measure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import translation

from vegviser.access.models import Consent
from vegviser.intake.models import CoordinatorAssignment
from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, ParticipantKind

from ..conftest import World


@pytest.fixture
def english_messages() -> Iterator[None]:
    """Services' messages read in English (a module opts in with `pytestmark`); pages still take their
    language from each request."""
    with translation.override("en"):
        yield


def give_consent(world: World, *, shared_with: tuple = ()) -> Consent:
    consent = Consent.objects.create(
        person=world.patient,
        given_by="person",
        valid_from=date(2026, 1, 1),
        evidence="oral",
        journal_reference="J-1",
    )
    consent.shared_with.set(shared_with or (world.physio, world.school))
    return consent


def appoint(world: World) -> CoordinatorAssignment:
    return CoordinatorAssignment.objects.create(
        person=world.patient,
        kind="coordinator",
        coordinator=world.coordinator,
        organisation=world.physio,
        started_on=date(2026, 1, 1),
    )


def plan_for(world: World, *, active: bool = False, access_level: str = AccessLevel.FULL) -> IndividualPlan:
    """A plan for `world.patient`, coordinated by `world.coordinator`; `world.team_member` (the school) takes
    part with the given access level and is responsible for one measure serving the one goal."""
    give_consent(world)
    appoint(world)
    plan = services.create_plan(
        actor=None,
        person=world.patient,
        data={"what_matters": "Å gå tur med hunden", "resources": "Sta", "needs": "Trening"},
    )
    teacher = services.add_participant(
        actor=None,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": world.team_member,
            "organisation": world.school,
            "name": world.team_member.display_name,
            "role": "Kontaktlærer",
            "contribution": "Tilrettelegging",
            "access_level": access_level,
        },
    )
    goal = services.add_goal(
        actor=None,
        plan=plan,
        data={
            "text": "Gå 1 km uten hjelp",
            "level_0": "1 km",
            "baseline": -1,
            "importance": 2,
            "difficulty": 2,
        },
    )
    services.add_measure(
        actor=None,
        plan=plan,
        data={
            "title": "Gangtrening",
            "scope": "To ganger i uka",
            "how": "Ute",
            "responsible_participant": teacher,
            "goals": [goal],
        },
    )
    if active:
        services.activate_plan(actor=None, plan=plan)
    plan.refresh_from_db()
    return plan
