"""The stories' calendar and the small steps every story is told in.

A story counts its days from today and writes through the services as the user whose work each step is. The
services stamp every row with the moment it is written, so the moments the pages show as history are noted on
the way (`Story.stamp`) and moved back to the day they happened in the story once every service has run
(`Story.backdate`).

A plan's goals and measures are written by its coordinator: each part of a story binds the story and the
coordinator (and whose words the goals are) once, with functools.partial. Activation replaces the plan object,
so the parts of a story after it are given the active plan, never the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from vegviser.access import services as access
from vegviser.access.models import ConsentEvidence
from vegviser.accounts.models import User
from vegviser.core.working_days import is_working_day
from vegviser.demo.world import World
from vegviser.intake import services as intake
from vegviser.intake.models import NeedReport
from vegviser.plans import services as plans
from vegviser.plans.models import (
    AccessLevel,
    Evaluation,
    Goal,
    GoalRating,
    GoalStatus,
    IndividualPlan,
    Measure,
    MeasureStatus,
    Meeting,
    ParticipantKind,
    PlanParticipant,
    PlanVersion,
)
from vegviser.registry.models import OrganisationKind, Person

# The Christmas week, when no responsibility group meets, though some of its days are working days.
_CHRISTMAS_WEEK = {(12, day) for day in range(24, 32)}


@dataclass
class Story:
    """Days counted from today, and the moments things happened that the pages show as history."""

    today: date
    stamps: list[tuple[models.Model | models.QuerySet[Any], dict[str, datetime]]] = field(
        default_factory=list
    )

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def workday(self, offset: int, *, forward: bool | None = None) -> date:
        """A working day: a past day off moves back to the one before, a coming one on to the one after."""
        day = self.day(offset)
        step = timedelta(days=1 if (offset > 0 if forward is None else forward) else -1)
        while not is_working_day(day, saturdays=False) or (day.month, day.day) in _CHRISTMAS_WEEK:
            day += step
        return day

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def stamp(self, target: models.Model | models.QuerySet[Any], **moments: datetime) -> None:
        self.stamps.append((target, moments))

    def backdate(self) -> None:
        """Move the rows the pages show as history back to the day they happened in the story.

        A plan built in one go would otherwise have its meetings spread over half a year but its log,
        versions and activation all dated today. Only timestamps change here; the audit trail keeps the true
        time the demo was loaded."""
        for target, moments in self.stamps:
            rows = (
                target
                if isinstance(target, models.QuerySet)
                else type(target)._default_manager.filter(pk=target.pk)
            )
            rows.update(**moments)


# The coordinating unit's part.


def age_report(report: NeedReport, *, received_days: int, decided_days: int | None = None) -> None:
    """Date a report, and its decision if it has one, back to the days they happened in the story."""
    now = timezone.now()
    moments = {"received_at": now - timedelta(days=received_days)}
    if decided_days is not None:
        moments["decided_at"] = now - timedelta(days=decided_days)
    NeedReport.objects.filter(pk=report.pk).update(**moments)
    report.refresh_from_db()


def consent_and_coordinator(
    world: World,
    person: Person,
    report: NeedReport,
    *,
    consent: dict[str, Any],
    shared_with: list[str],
    kind: str,
    started_on: date,
    person_wishes: str,
) -> None:
    """The coordinating unit records the oral consent to a plan and a coordinator, shared with the named
    organisations, and appoints the coordinator from the home services."""
    officer = world.users["ke"]
    access.record_consent(
        actor=officer,
        person=person,
        data={"covers_plan": True, "covers_coordinator": True, "evidence": ConsentEvidence.ORAL, **consent},
        shared_with=[world.organisations[organisation] for organisation in shared_with],
    )
    intake.appoint_coordinator(
        actor=officer,
        person=person,
        coordinator=world.users["koordinator"],
        organisation=world.organisations[OrganisationKind.HOME_SERVICES],
        kind=kind,
        started_on=started_on,
        person_wishes=person_wishes,
        need_report=report,
    )


# The plan's people.


def contribution(actor: User, participant: PlanParticipant, contribution: str) -> PlanParticipant:
    return plans.update_participant(
        actor=actor,
        participant=participant,
        data={"contribution": contribution},
        expected_version=participant.version,
    )


def professional(
    plan: IndividualPlan,
    actor: User,
    user: User,
    *,
    role: str,
    contribution: str,
    joined_on: date,
    access_level: str = AccessLevel.FULL,
) -> PlanParticipant:
    membership = user.memberships.select_related("organisation").get(active=True)
    return plans.add_participant(
        actor=actor,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": user,
            "organisation": membership.organisation,
            "name": user.display_name,
            "role": role,
            "contribution": contribution,
            "access_level": access_level,
            "email": user.email,
            "phone": membership.organisation.phone,
            "joined_on": joined_on,
        },
    )


# Goals and measures.


def scale(minus_2: str, minus_1: str, expected: str, plus_1: str, plus_2: str) -> dict[str, str]:
    return {
        "level_minus_2": minus_2,
        "level_minus_1": minus_1,
        "level_0": expected,
        "level_plus_1": plus_1,
        "level_plus_2": plus_2,
    }


def goal(
    story: Story,
    coordinator: User,
    written_by_name: str,
    plan: IndividualPlan,
    text: str,
    area: str,
    target: int,
    parent: Goal | None = None,
    *,
    scale: dict[str, str] | None = None,
    **ratings: int,
) -> Goal:
    """A goal the coordinator writes down in the words of `written_by_name`, due `target` days from today."""
    return plans.add_goal(
        actor=coordinator,
        plan=plan,
        data={
            "text": text,
            "written_by_name": written_by_name,
            "life_area": area,
            "target_date": story.day(target),
            "parent": parent,
            **(scale or {}),
            **ratings,
        },
    )


def measure(
    story: Story,
    coordinator: User,
    plan: IndividualPlan,
    title: str,
    scope: str,
    how: str,
    goals: list[Goal],
    start: int,
    **data: Any,
) -> Measure:
    """A measure starting `start` days from today: ongoing if it has started, planned if not."""
    return plans.add_measure(
        actor=coordinator,
        plan=plan,
        data={
            "title": title,
            "scope": scope,
            "how": how,
            "goals": goals,
            "starts_on": story.day(start),
            "status": MeasureStatus.ONGOING if start <= 0 else MeasureStatus.PLANNED,
            **data,
        },
    )


def complete_goal(coordinator: User, sub_goal: Goal) -> None:
    plans.update_goal(
        actor=coordinator,
        goal=sub_goal,
        data={"status": GoalStatus.COMPLETED},
        expected_version=sub_goal.version,
    )


# The plan's life: notes, meetings, activation, evaluations.


def note(story: Story, plan: IndividualPlan, author: User, offset: int, hour: int, text: str) -> None:
    written_note = plans.add_note(actor=author, plan=plan, text=text)
    # Forward, so that no note lands before the plan it belongs to was made.
    written = story.at(story.workday(offset, forward=True), hour)
    story.stamp(written_note, created_at=min(written, timezone.now()))


Decision = tuple[str, list[Goal], list[Measure]]


def meeting(
    story: Story,
    plan: IndividualPlan,
    actor: User,
    *,
    offset: int,
    agenda: str,
    invited: list[PlanParticipant],
    place: str = "",
    video_link: str = "",
    minutes: str = "",
    decisions: list[Decision] | None = None,
    hour: int = 13,
) -> Meeting:
    """A meeting of the responsibility group; a past one with its decisions and approved minutes."""
    starts = story.at(story.workday(offset), hour)
    scheduled = plans.schedule_meeting(
        actor=actor,
        plan=plan,
        data={
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=90),
            "place": place,
            "video_link": video_link,
            "agenda": agenda,
            "invited": invited,
        },
    )
    story.stamp(scheduled, created_at=min(starts - timedelta(days=21), timezone.now()))
    if not minutes:
        return scheduled
    for text, goals, measures in decisions or []:
        decision = plans.record_decision(
            actor=actor, meeting=scheduled, text=text, goals=goals, measures=measures
        )
        story.stamp(decision, created_at=starts + timedelta(minutes=80))
    held = plans.update_meeting(
        actor=actor, meeting=scheduled, data={"minutes": minutes}, expected_version=scheduled.version
    )
    held = plans.approve_minutes(actor=actor, meeting=held)
    story.stamp(held, minutes_approved_at=min(starts + timedelta(hours=20), timezone.now()))
    return held


def activate(
    story: Story, plan: IndividualPlan, coordinator: User, *, created: datetime, start_meeting: Meeting
) -> IndividualPlan:
    """Activate the plan after its first meeting, and date the plan and its first version to then."""
    plan = plans.activate_plan(actor=coordinator, plan=plan)
    activated = start_meeting.ends_at + timedelta(hours=1)
    story.stamp(IndividualPlan.objects.filter(pk=plan.pk), created_at=created, activated_at=activated)
    story.stamp(
        PlanVersion.objects.filter(plan=plan, reason=PlanVersion.Reason.ACTIVATION), created_at=activated
    )
    return plan


def evaluate(
    story: Story,
    plan: IndividualPlan,
    actor: User,
    meeting: Meeting,
    *,
    next_revision: date,
    ratings: dict[Goal, tuple[int, str]],
    summary: str,
    measures_review: str,
    measure_statuses: dict[Measure, str] | None = None,
) -> Evaluation:
    evaluation = plans.evaluate_plan(
        actor=actor,
        plan=plan,
        evaluated_on=timezone.localdate(meeting.starts_at),
        next_revision=next_revision,
        ratings=ratings,
        summary=summary,
        measures_review=measures_review,
        measure_statuses=measure_statuses,
        meeting=meeting,
    )
    moment = meeting.ends_at + timedelta(hours=1)
    story.stamp(evaluation, created_at=moment)
    story.stamp(PlanVersion.objects.filter(pk=evaluation.plan_version_id), created_at=moment)
    story.stamp(GoalRating.objects.filter(evaluation=evaluation), created_at=moment)
    return evaluation


def last_activity(story: Story, plan: IndividualPlan, moment: datetime) -> None:
    """The plan's last activity, as the lists of plans show it: the last thing that happened in the story."""
    story.stamp(IndividualPlan.objects.filter(pk=plan.pk), last_activity_at=moment)
