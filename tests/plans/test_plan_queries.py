"""The plan page runs a fixed number of queries, however large the plan: no query per goal, measure,
participant, meeting or version. Timings are measured in bench/ (DESIGN §4), never here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, MeasureStatus, ParticipantKind

from ..conftest import World, client_for
from ..factories import MembershipFactory
from .helpers import plan_for

pytestmark = pytest.mark.django_db

# The coordinator's plan page, for any size of plan. When a section is added to the page, expect this to
# change once, and no more as plans grow.
#   3  middleware: the session, the user, the two-factor device
#   4  get_plan: the plan with person and municipality; plan_role (is the user the coordinator?);
#      the access record (the actor's membership, then the insert)
#  11  plan_content: goals, measures, the goals each serves, participants, linked plans, notes,
#      meetings, evaluations, versions, active coordinators, the consent in force
#   9  the layout context processor: the header's membership, and the menu (unit municipalities,
#      administered organisations, professional x3, privacy-officer municipalities x2, own person)
#   3  the session saved on every request (sessions expire when idle): savepoint, update, release
# The same on SQLite and PostgreSQL. A test runs inside a transaction, so the session save's atomic block is
# a savepoint and the access record's bulk insert needs none. A real request, on autocommit, logs BEGIN and
# COMMIT around each instead: as many for the session, two more for the access record (the bench's 32).
PLAN_PAGE_QUERIES = 30
# A participating professional is not the coordinator, so plan_role goes on to ask for their
# participation, the consent in force, and whether that consent covers their organisation.
PARTICIPANT_ROLE_QUERIES = 3

GOALS, SUB_GOALS, MEASURES, PARTICIPANTS, MEETINGS, VERSIONS = 10, 4, 30, 8, 20, 10


def make_large(world: World, plan: IndividualPlan) -> IndividualPlan:
    """Grow `plan_for`'s plan to 10 goals (4 of them sub-goals), 30 measures serving 1–3 goals each,
    8 participants, 20 meetings, 10 versions (evaluations and revisions) and a dozen notes."""
    goals = list(plan.goals.all())
    while len(goals) < GOALS:
        index = len(goals)
        sub_goal = index >= GOALS - SUB_GOALS
        goals.append(
            services.add_goal(
                actor=None,
                plan=plan,
                data={
                    "text": f"Mål {index}",
                    "parent": goals[index % (GOALS - SUB_GOALS)] if sub_goal else None,
                    "life_area": "activities",
                    "target_date": date(2026, 6, 1) + timedelta(days=30 * index),
                    "level_0": "Som forventet",
                    "baseline": -1,
                    "importance": 1 + index % 3,
                    "difficulty": 1 + index % 2,
                },
            )
        )
    participants = list(plan.participants.all())
    for index, organisation in enumerate([world.physio, world.school, world.physio]):
        membership = MembershipFactory(organisation=organisation)
        participants.append(
            services.add_participant(
                actor=None,
                plan=plan,
                data={
                    "kind": ParticipantKind.PROFESSIONAL,
                    "user": membership.user,
                    "organisation": organisation,
                    "name": membership.user.display_name,
                    "role": "Terapeut",
                    "contribution": "Trening",
                    "access_level": AccessLevel.LIMITED if index == 0 else AccessLevel.FULL,
                },
            )
        )
    while len(participants) < PARTICIPANTS:
        participants.append(
            services.add_participant(
                actor=None,
                plan=plan,
                data={
                    "kind": ParticipantKind.RELATIVE,
                    "name": f"Pårørende {len(participants)}",
                    "role": "Mor",
                    "contribution": "Støtte hjemme",
                    "phone": "99999999",
                },
            )
        )
    responsible = [p for p in participants if p.kind != ParticipantKind.PERSON]
    for index in range(1, MEASURES):
        services.add_measure(
            actor=None,
            plan=plan,
            data={
                "title": f"Tiltak {index}",
                "scope": "Ukentlig",
                "how": "Hjemme og på skolen",
                "responsible_participant": responsible[index % len(responsible)],
                "starts_on": date(2026, 2, 1) + timedelta(days=index),
                "ends_on": date(2026, 8, 1) + timedelta(days=index),
                "goals": [goals[(index + k) % len(goals)] for k in range(1 + index % 3)],
            },
        )
    start = timezone.now() - timedelta(days=200)
    for index in range(MEETINGS):
        services.schedule_meeting(
            actor=None,
            plan=plan,
            data={
                "starts_at": start + timedelta(days=14 * index),
                "ends_at": start + timedelta(days=14 * index, hours=1),
                "place": "Rådhuset",
                "invited": participants[:4],
            },
        )
    for index in range(12):
        services.add_note(actor=None, plan=plan, text=f"Notat {index}")
    today = timezone.localdate()
    for number in range(plan.versions.count() + 1, VERSIONS + 1):
        if number % 2:
            services.revise_plan(actor=None, plan=plan, note=f"Revisjon {number}")
        else:
            first = plan.measures.order_by("created_at")[0]
            services.evaluate_plan(
                actor=None,
                plan=plan,
                evaluated_on=today,
                next_revision=today + timedelta(days=180),
                ratings={goal: ((i + number) % 5 - 2, "") for i, goal in enumerate(goals)},
                measure_statuses={first: MeasureStatus.ONGOING if number % 4 else MeasureStatus.PLANNED},
            )
    plan.refresh_from_db()
    assert (plan.goals.count(), plan.goals.filter(parent__isnull=False).count()) == (GOALS, SUB_GOALS)
    assert (plan.measures.count(), plan.participants.count()) == (MEASURES, PARTICIPANTS)
    assert (plan.meetings.count(), plan.versions.count()) == (MEETINGS, VERSIONS)
    return plan


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", PLAN_PAGE_QUERIES),
        ("team_member", PLAN_PAGE_QUERIES + PARTICIPANT_ROLE_QUERIES),
    ],
)
def test_plan_page_runs_the_same_queries_for_any_size_of_plan(
    world: World, django_assert_num_queries: Any, persona: str, expected: int, size: str
) -> None:
    plan = plan_for(world, active=True)
    if size == "large":
        plan = make_large(world, plan)
    client = client_for(world, persona)
    url = reverse("plans:plan_detail", args=[plan.pk])
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert all(f"<strong>{measure.title}</strong>" in html for measure in plan.measures.all())
