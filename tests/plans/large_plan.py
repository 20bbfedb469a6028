"""The large plan of the issue's performance clause, grown through the services: 10 goals (4 of them
sub-goals), 30 measures serving 1–3 goals each, 8 participants, 20 meetings, 10 versions (evaluations and
revisions) and a dozen notes. Used by the pinned query test and by bench/plan_page.py, which runs without
pytest: nothing here needs it.

`first_plan` is the small plan every test plan starts from (tests/plans/helpers.py `plan_for`), and the
benchmark's small plan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, MeasureStatus, ParticipantKind

if TYPE_CHECKING:
    from vegviser.accounts.models import User
    from vegviser.registry.models import Organisation, Person

GOALS, SUB_GOALS, MEASURES, PARTICIPANTS, MEETINGS, VERSIONS, NOTES = 10, 4, 30, 8, 20, 10, 12


def first_plan(
    person: Person,
    *,
    actor: User | None,
    teacher: User,
    organisation: Organisation,
    access_level: str = AccessLevel.FULL,
) -> IndividualPlan:
    """A new plan for the person (who needs consent and a coordinator first): the teacher of `organisation`
    takes part with the given access level and is responsible for one measure serving the one goal. The plan
    is a draft, and the object is not refreshed."""
    plan = services.create_plan(
        actor=actor,
        person=person,
        data={"what_matters": "Å gå tur med hunden", "resources": "Sta", "needs": "Trening"},
    )
    participant = services.add_participant(
        actor=actor,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": teacher,
            "organisation": organisation,
            "name": teacher.display_name,
            "role": "Kontaktlærer",
            "contribution": "Tilrettelegging",
            "access_level": access_level,
        },
    )
    goal = services.add_goal(
        actor=actor,
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
        actor=actor,
        plan=plan,
        data={
            "title": "Gangtrening",
            "scope": "To ganger i uka",
            "how": "Ute",
            "responsible_participant": participant,
            "goals": [goal],
        },
    )
    return plan


def grow(
    plan: IndividualPlan, *, actor: User | None, professionals: list[tuple[User, Organisation]]
) -> IndividualPlan:
    """Grow a plan with one goal and one measure (as `first_plan` makes it) to the large plan. The first of
    `professionals` takes part with limited access, the others with full; relatives fill up to 8."""
    goals = list(plan.goals.all())
    while len(goals) < GOALS:
        index = len(goals)
        sub_goal = index >= GOALS - SUB_GOALS
        goals.append(
            services.add_goal(
                actor=actor,
                plan=plan,
                data={
                    "text": f"Mål {index}: et mål i personens egne ord, noen setninger langt",
                    "parent": goals[index % (GOALS - SUB_GOALS)] if sub_goal else None,
                    "life_area": "activities",
                    "target_date": date(2026, 6, 1) + timedelta(days=30 * index),
                    "level_minus_2": "Mye mindre enn forventet",
                    "level_minus_1": "Noe mindre enn forventet",
                    "level_0": "Som forventet",
                    "level_plus_1": "Noe mer enn forventet",
                    "level_plus_2": "Mye mer enn forventet",
                    "baseline": -1,
                    "importance": 1 + index % 3,
                    "difficulty": 1 + index % 2,
                },
            )
        )
    participants = list(plan.participants.all())
    for index, (user, organisation) in enumerate(professionals):
        participants.append(
            services.add_participant(
                actor=actor,
                plan=plan,
                data={
                    "kind": ParticipantKind.PROFESSIONAL,
                    "user": user,
                    "organisation": organisation,
                    "name": user.display_name,
                    "role": "Terapeut",
                    "contribution": "Trening to ganger i uka",
                    "access_level": AccessLevel.LIMITED if index == 0 else AccessLevel.FULL,
                },
            )
        )
    while len(participants) < PARTICIPANTS:
        participants.append(
            services.add_participant(
                actor=actor,
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
            actor=actor,
            plan=plan,
            data={
                "title": f"Tiltak {index}",
                "scope": "Ukentlig",
                "how": "Hjemme og på skolen, med øvelser personen velger selv",
                "responsible_participant": responsible[index % len(responsible)],
                "starts_on": date(2026, 2, 1) + timedelta(days=index),
                "ends_on": date(2026, 8, 1) + timedelta(days=index),
                "goals": [goals[(index + k) % len(goals)] for k in range(1 + index % 3)],
            },
        )
    start = timezone.now() - timedelta(days=200)
    for index in range(MEETINGS):
        services.schedule_meeting(
            actor=actor,
            plan=plan,
            data={
                "starts_at": start + timedelta(days=14 * index),
                "ends_at": start + timedelta(days=14 * index, hours=1),
                "place": "Rådhuset",
                "agenda": "Gjennomgang av tiltakene",
                "invited": participants[:4],
            },
        )
    for index in range(NOTES):
        services.add_note(
            actor=actor, plan=plan, text=f"Notat {index}: hva som skjedde, og hva som er avtalt."
        )
    today = timezone.localdate()
    for number in range(plan.versions.count() + 1, VERSIONS + 1):
        if number % 2:
            services.revise_plan(actor=actor, plan=plan, note=f"Revisjon {number}")
        else:
            first = plan.measures.order_by("created_at")[0]
            services.evaluate_plan(
                actor=actor,
                plan=plan,
                evaluated_on=today,
                next_revision=today + timedelta(days=180),
                ratings={goal: ((i + number) % 5 - 2, "") for i, goal in enumerate(goals)},
                measure_statuses={first: MeasureStatus.ONGOING if number % 4 else MeasureStatus.PLANNED},
                summary="Evaluering i ansvarsgruppemøte",
            )
    plan.refresh_from_db()
    return plan
