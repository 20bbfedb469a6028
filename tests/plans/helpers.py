"""A plan as the tests need it: the patient with consent, coordinator, participants, a goal and a measure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from vegviser.access.models import Consent
from vegviser.accounts.models import User
from vegviser.intake.models import CoordinatorAssignment
from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, ParticipantKind

from ..conftest import World
from ..factories import (
    ConsentFactory,
    CoordinatorAssignmentFactory,
    PersonFactory,
    PersonRelationFactory,
    UserFactory,
    born_years_ago,
)
from .large_plan import first_plan


@pytest.fixture
def english_messages() -> Iterator[None]:
    """Services' messages read in English (a module opts in with `pytestmark`); pages still take their
    language from each request."""
    with translation.override("en"):
        yield


def give_consent(world: World, *, shared_with: tuple = ()) -> Consent:
    return ConsentFactory(person=world.patient, shared_with=shared_with or (world.physio, world.school))


def appoint(world: World) -> CoordinatorAssignment:
    return CoordinatorAssignmentFactory(
        person=world.patient, coordinator=world.coordinator, organisation=world.physio
    )


def child_with_parent(world: World, age: int) -> User:
    """Make the world's patient a child of `age` (their birthday ten days ago) whose parent, related since the
    child's birth, has a user; returns the parent's user. `plan_for` then makes the child's plan."""
    child = PersonFactory(given_name="Emil", birth_date=born_years_ago(age))
    parent_user = UserFactory()
    parent = PersonFactory(given_name="Fatima", user=parent_user)
    PersonRelationFactory(person=child, relative=parent)
    world.patient = child
    return parent_user


def plan_for(world: World, *, active: bool = False, access_level: str = AccessLevel.FULL) -> IndividualPlan:
    """A plan for `world.patient`, coordinated by `world.coordinator`; `world.team_member` (the school) takes
    part with the given access level and is responsible for one measure serving the one goal."""
    give_consent(world)
    appoint(world)
    plan = first_plan(
        world.patient,
        actor=None,
        teacher=world.team_member,
        organisation=world.school,
        access_level=access_level,
    )
    if active:
        services.activate_plan(actor=None, plan=plan, reason="Startes mens resten skrives")
    plan.refresh_from_db()
    return plan


def complete(plan: IndividualPlan) -> IndividualPlan:
    """Give `plan_for`'s draft what it lacks of the elements a–i: what the person and the coordinator will
    contribute (d), the plan period and the next revision (g), and the collaboration with other services
    (i)."""
    for participant in plan.participants.filter(contribution=""):
        services.update_participant(
            actor=None,
            participant=participant,
            data={
                **{name: getattr(participant, name) for name in services.PARTICIPANT_FIELDS},
                "contribution": "Trener" if participant.kind == ParticipantKind.PERSON else "Koordinerer",
            },
            expected_version=participant.version,
        )
    today = timezone.localdate()
    data = {name: getattr(plan, name) for name in services.HEADER_FIELDS}
    data |= {"period_start": today, "next_revision": today + timedelta(days=180), "collaboration": "Skolen"}
    services.update_plan(actor=None, plan=plan, data=data, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.missing_elements() == []
    return plan
