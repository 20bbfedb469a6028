"""Every write to an individual plan. Keyword-only, checks the policy, one transaction, audit record included.

Each write also marks the plan as active today, which the unit's overview uses to find plans left idle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.models import Consent
from vegviser.access.policy import PROFESSIONAL_ROLES, Action, PlanRole, authorise
from vegviser.assessments.gas import t_score, weights_for
from vegviser.audit.services import describe_actor, record_change, save_new, snapshot, update_versioned
from vegviser.core.services import assign
from vegviser.intake.models import NeedReport
from vegviser.registry.models import Person

from . import notices, versions
from .models import (
    OPEN_STATUSES,
    AccessLevel,
    Evaluation,
    Goal,
    GoalRating,
    GoalStatus,
    IndividualPlan,
    Measure,
    Meeting,
    MeetingDecision,
    ParticipantKind,
    PlanMessage,
    PlanNote,
    PlanParticipant,
    PlanStatus,
    PlanVersion,
    SubPlan,
)

if TYPE_CHECKING:
    from vegviser.accounts.models import User

HEADER_FIELDS = [
    "what_matters",
    "resources",
    "needs",
    "collaboration",
    "period_start",
    "period_end",
    "next_revision",
]
PARTICIPANT_FIELDS = [
    "kind",
    "user",
    "organisation",
    "name",
    "role",
    "contribution",
    "access_level",
    "phone",
    "email",
    "joined_on",
]
GOAL_FIELDS = [*versions.GOAL_FIELDS, "private_to_parents"]
MEASURE_FIELDS = versions.MEASURE_FIELDS
SUB_PLAN_FIELDS = ["kind", "title", "held_by", "reference"]
MEETING_FIELDS = ["starts_at", "ends_at", "place", "video_link", "agenda"]


def _touch(plan: IndividualPlan) -> None:
    IndividualPlan.objects.filter(pk=plan.pk).update(last_activity_at=timezone.now())


def _require_open(plan: IndividualPlan) -> None:
    if plan.status not in OPEN_STATUSES:
        raise ValidationError(_("This plan is closed and can no longer be changed."))


def _locked(plan: IndividualPlan) -> IndividualPlan:
    return IndividualPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)


# The plan


@transaction.atomic
def create_plan(
    *,
    actor: User | None,
    person: Person,
    need_report: NeedReport | None = None,
    data: dict[str, Any] | None = None,
) -> IndividualPlan:
    """A draft plan, with the person and the coordinator as its first participants. Needs consent in force."""
    authorise(actor, Action.PLAN_CREATE, person)
    if Consent.objects.in_force_for(person, covering="plan") is None:
        raise ValidationError(
            _("A plan can only be made when consent to it is in force. Record the consent first.")
        )
    if person.municipality_id is None:
        raise ValidationError(_("The person's municipality is not known: it leads the plan."))
    if IndividualPlan.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("The person already has an individual plan. Close it before starting another.")
        )
    plan = IndividualPlan(
        person=person, municipality_id=person.municipality_id, need_report=need_report, created_by=actor
    )
    assign(plan, HEADER_FIELDS, data or {})
    try:
        with transaction.atomic():
            save_new(
                plan,
                actor=actor,
                action="plan.create",
                fields=["status", *HEADER_FIELDS],
                person_id=person.pk,
            )
    except IntegrityError as error:
        # Two coordinators starting a plan at the same moment: the database's constraint decides.
        raise ValidationError(
            _("The person already has an individual plan. Close it before starting another.")
        ) from error
    _add_participant_row(
        actor=actor,
        plan=plan,
        data={
            "kind": ParticipantKind.PERSON,
            "user": person.user,
            "name": person.full_name,
        },
    )
    for assignment in person.coordinator_assignments.filter(active=True).select_related(
        "coordinator", "organisation"
    ):
        _add_participant_row(
            actor=actor,
            plan=plan,
            data={
                "kind": ParticipantKind.PROFESSIONAL,
                "user": assignment.coordinator,
                "organisation": assignment.organisation,
                "name": assignment.coordinator.display_name,
                "role": assignment.get_kind_display(),
                "email": assignment.coordinator.email,
                "access_level": AccessLevel.FULL,
            },
        )
    return plan


@transaction.atomic
def update_plan(
    *, actor: User | None, plan: IndividualPlan, data: dict[str, Any], expected_version: int
) -> IndividualPlan:
    """Elements a, g and i: what matters, resources, needs, the plan period, revision, collaboration."""
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    plan = update_versioned(
        actor=actor,
        instance=plan,
        fields=HEADER_FIELDS,
        data=data,
        expected_version=expected_version,
        action="plan.update",
        person_id=plan.person_id,
    )
    _touch(plan)
    return plan


def activation_problems(*, consent: Consent | None, has_coordinator: bool) -> list[str]:
    """What keeps a plan from being made active, from what the caller has loaded: the plan page has the
    consent in force and the active coordinators already."""
    problems = []
    if consent is None:
        problems.append(str(_("There is no consent in force to the plan.")))
    if not has_coordinator:
        problems.append(str(_("The person has no coordinator.")))
    return problems


def _set_status(
    *, actor: User | None, plan: IndividualPlan, status: str, allowed_from: Iterable[str], reason: str = ""
) -> IndividualPlan:
    authorise(actor, Action.PLAN_EDIT, plan)
    plan = _locked(plan)
    if plan.status not in allowed_from:
        raise ValidationError(
            _("A plan that is %(status)s cannot be changed this way.")
            % {"status": plan.get_status_display().lower()}
        )
    before = snapshot(plan, ["status", "closed_reason"])
    plan.status = status
    now = timezone.now()
    if status == PlanStatus.ACTIVE and plan.activated_at is None:
        plan.activated_at = now
    if status == PlanStatus.CLOSED:
        plan.closed_at = now
        plan.closed_reason = reason
    plan.last_activity_at = now
    plan.version += 1
    plan.full_clean()
    plan.save()
    record_change(
        actor=actor,
        action=f"plan.{status}",
        obj=plan,
        before=before,
        after=snapshot(plan, ["status", "closed_reason"]),
        person_id=plan.person_id,
    )
    return plan


@transaction.atomic
def activate_plan(*, actor: User | None, plan: IndividualPlan) -> IndividualPlan:
    """Draft or paused → active, only with consent and a coordinator. Freezes version 1 the first time."""
    problems = activation_problems(
        consent=Consent.objects.in_force_for(plan.person, covering="plan"),
        has_coordinator=plan.person.coordinator_assignments.filter(active=True).exists(),
    )
    if problems:
        raise ValidationError(problems)
    first = plan.activated_at is None
    plan = _set_status(
        actor=actor, plan=plan, status=PlanStatus.ACTIVE, allowed_from=[PlanStatus.DRAFT, PlanStatus.PAUSED]
    )
    if first:
        freeze_version(actor=actor, plan=plan, reason=PlanVersion.Reason.ACTIVATION)
    return plan


@transaction.atomic
def pause_plan(*, actor: User | None, plan: IndividualPlan) -> IndividualPlan:
    return _set_status(actor=actor, plan=plan, status=PlanStatus.PAUSED, allowed_from=[PlanStatus.ACTIVE])


@transaction.atomic
def close_plan(*, actor: User | None, plan: IndividualPlan, reason: str) -> IndividualPlan:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the plan.")})
    return _set_status(
        actor=actor, plan=plan, status=PlanStatus.CLOSED, allowed_from=OPEN_STATUSES, reason=reason.strip()
    )


def freeze_version(*, actor: User | None, plan: IndividualPlan, reason: str, note: str = "") -> PlanVersion:
    """An immutable copy of the whole plan. Called inside the caller's transaction, with the plan locked."""
    IndividualPlan.objects.select_for_update().filter(pk=plan.pk).first()
    number = (PlanVersion.objects.filter(plan=plan).aggregate(last=Max("number"))["last"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, reason=reason, note=note, snapshot=versions.freeze(plan), created_by=actor
    )
    record_change(
        actor=actor,
        action="plan.version",
        obj=version,
        after={"number": number, "reason": reason},
        person_id=plan.person_id,
    )
    return version


@transaction.atomic
def revise_plan(*, actor: User | None, plan: IndividualPlan, note: str) -> PlanVersion:
    """A revision outside an evaluation: freeze the plan as it now stands, with what was revised."""
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    if not note.strip():
        raise ValidationError({"note": _("Say briefly what was revised.")})
    version = freeze_version(actor=actor, plan=plan, reason=PlanVersion.Reason.REVISION, note=note.strip())
    _touch(plan)
    return version


# Participants (elements b and d)


def _add_participant_row(
    *, actor: User | None, plan: IndividualPlan, data: dict[str, Any]
) -> PlanParticipant:
    participant = PlanParticipant(plan=plan)
    assign(participant, PARTICIPANT_FIELDS, data)
    if (
        participant.kind == ParticipantKind.PROFESSIONAL
        and participant.user is not None
        and not participant.user.memberships.filter(
            organisation=participant.organisation, active=True
        ).exists()
    ):
        raise ValidationError({"user": _("The professional must be a member of the organisation chosen.")})
    if participant.user is not None and plan.participants.filter(user=participant.user, active=True).exists():
        raise ValidationError({"user": _("This user already takes part in the plan.")})
    save_new(
        participant,
        actor=actor,
        action="plan.participant.add",
        fields=PARTICIPANT_FIELDS,
        person_id=plan.person_id,
    )
    return participant


@transaction.atomic
def add_participant(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> PlanParticipant:
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    participant = _add_participant_row(actor=actor, plan=plan, data=data)
    _touch(plan)
    return participant


@transaction.atomic
def update_participant(
    *, actor: User | None, participant: PlanParticipant, data: dict[str, Any], expected_version: int
) -> PlanParticipant:
    authorise(actor, Action.PLAN_EDIT, participant.plan)
    _require_open(participant.plan)
    fields = ["role", "contribution", "access_level", "phone", "email"]
    participant = update_versioned(
        actor=actor,
        instance=participant,
        fields=fields,
        data=data,
        expected_version=expected_version,
        action="plan.participant.update",
        person_id=participant.plan.person_id,
    )
    _touch(participant.plan)
    return participant


@transaction.atomic
def end_participation(*, actor: User | None, participant: PlanParticipant, left_on: date) -> PlanParticipant:
    """Access that rested on the participation ends with this transaction; the measures keep their history."""
    authorise(actor, Action.PLAN_EDIT, participant.plan)
    _require_open(participant.plan)
    if participant.kind == ParticipantKind.PERSON:
        raise ValidationError(_("The person the plan is for always takes part."))
    before = snapshot(participant, ["active", "left_on"])
    participant.active = False
    participant.left_on = left_on
    participant.full_clean()
    participant.save()
    record_change(
        actor=actor,
        action="plan.participant.end",
        obj=participant,
        before=before,
        after=snapshot(participant, ["active", "left_on"]),
        person_id=participant.plan.person_id,
    )
    _touch(participant.plan)
    return participant


# Goals


def _next_goal_position(plan: IndividualPlan) -> int:
    return (plan.goals.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_goal(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Goal:
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    name, _role, _organisation = describe_actor(actor)
    position = _next_goal_position(plan)
    goal = Goal(
        plan=plan, written_by=actor, written_by_name=data.get("written_by_name") or name, position=position
    )
    assign(goal, [f for f in GOAL_FIELDS if f != "written_by_name"], data)
    save_new(goal, actor=actor, action="plan.goal.add", fields=GOAL_FIELDS, person_id=plan.person_id)
    _touch(plan)
    return goal


@transaction.atomic
def update_goal(*, actor: User | None, goal: Goal, data: dict[str, Any], expected_version: int) -> Goal:
    authorise(actor, Action.PLAN_EDIT, goal.plan)
    _require_open(goal.plan)
    fields = [f for f in GOAL_FIELDS if f != "written_by_name"]
    goal = update_versioned(
        actor=actor,
        instance=goal,
        fields=fields,
        data=data,
        expected_version=expected_version,
        action="plan.goal.update",
        person_id=goal.plan.person_id,
    )
    _touch(goal.plan)
    return goal


# Measures (elements e and f)


def _check_measure(plan: IndividualPlan, data: dict[str, Any]) -> None:
    participant = data.get("responsible_participant")
    if participant is not None and (participant.plan_id != plan.pk or not participant.active):
        raise ValidationError({"responsible_participant": _("Choose a participant in this plan.")})
    for goal in data.get("goals") or []:
        if goal.plan_id != plan.pk:
            raise ValidationError({"goals": _("Choose goals of this plan.")})


@transaction.atomic
def add_measure(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Measure:
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    _check_measure(plan, data)
    measure = Measure(plan=plan)
    assign(measure, MEASURE_FIELDS, data)
    save_new(measure, actor=actor, action="plan.measure.add", fields=MEASURE_FIELDS, person_id=plan.person_id)
    goals = list(data.get("goals") or [])
    measure.goals.set(goals)
    if goals:
        record_change(
            actor=actor,
            action="plan.measure.goals",
            obj=measure,
            after={"goals": sorted(str(goal.pk) for goal in goals)},
            person_id=plan.person_id,
        )
    _touch(plan)
    return measure


@transaction.atomic
def update_measure(
    *, actor: User | None, measure: Measure, data: dict[str, Any], expected_version: int
) -> Measure:
    authorise(actor, Action.MEASURE_EDIT, measure)
    _require_open(measure.plan)
    _check_measure(measure.plan, data)
    before_goals = sorted(str(pk) for pk in measure.goals.values_list("pk", flat=True))
    updated = update_versioned(
        actor=actor,
        instance=measure,
        fields=MEASURE_FIELDS,
        data=data,
        expected_version=expected_version,
        action="plan.measure.update",
        person_id=measure.plan.person_id,
    )
    if "goals" in data:
        after_goals = sorted(str(goal.pk) for goal in data["goals"])
        if after_goals != before_goals:
            updated.goals.set(data["goals"])
            record_change(
                actor=actor,
                action="plan.measure.goals",
                obj=updated,
                before={"goals": before_goals},
                after={"goals": after_goals},
                person_id=measure.plan.person_id,
            )
    _touch(measure.plan)
    return updated


# Linked sub-plans and the plan log


@transaction.atomic
def link_sub_plan(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> SubPlan:
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    sub_plan = SubPlan(plan=plan)
    assign(sub_plan, SUB_PLAN_FIELDS, data)
    save_new(
        sub_plan, actor=actor, action="plan.subplan.link", fields=SUB_PLAN_FIELDS, person_id=plan.person_id
    )
    _touch(plan)
    return sub_plan


@transaction.atomic
def unlink_sub_plan(*, actor: User | None, sub_plan: SubPlan) -> None:
    authorise(actor, Action.PLAN_EDIT, sub_plan.plan)
    _require_open(sub_plan.plan)
    record_change(
        actor=actor,
        action="plan.subplan.unlink",
        obj=sub_plan,
        before=snapshot(sub_plan, SUB_PLAN_FIELDS),
        person_id=sub_plan.plan.person_id,
    )
    sub_plan.delete()
    _touch(sub_plan.plan)


@transaction.atomic
def add_note(*, actor: User | None, plan: IndividualPlan, text: str) -> PlanNote:
    authorise(actor, Action.PLAN_NOTE, plan)
    _require_open(plan)
    name, _role, _organisation = describe_actor(actor)
    note = PlanNote(plan=plan, author=actor, author_name=name, text=text.strip())
    save_new(note, actor=actor, action="plan.note.add", fields=["text"], person_id=plan.person_id)
    _touch(plan)
    return note


# Meetings of the responsibility group


def _check_invited(plan: IndividualPlan, invited: Iterable[PlanParticipant]) -> list[PlanParticipant]:
    invited = list(invited)
    if any(participant.plan_id != plan.pk for participant in invited):
        raise ValidationError({"invited": _("Invite participants of this plan.")})
    return invited


@transaction.atomic
def schedule_meeting(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Meeting:
    authorise(actor, Action.PLAN_EDIT, plan)
    _require_open(plan)
    invited = _check_invited(plan, data.get("invited") or [])
    meeting = Meeting(plan=plan, created_by=actor)
    assign(meeting, MEETING_FIELDS, data)
    save_new(
        meeting, actor=actor, action="plan.meeting.schedule", fields=MEETING_FIELDS, person_id=plan.person_id
    )
    meeting.invited.set(invited)
    _touch(plan)
    return meeting


@transaction.atomic
def update_meeting(
    *, actor: User | None, meeting: Meeting, data: dict[str, Any], expected_version: int
) -> Meeting:
    """Time, place, agenda, invitations and minutes. Approved minutes are final."""
    authorise(actor, Action.PLAN_EDIT, meeting.plan)
    _require_open(meeting.plan)
    fields = [*MEETING_FIELDS, "minutes"]
    # Compared with the row as saved: a bound model form has already put the new text on `meeting`.
    saved = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if saved.minutes_approved_at is not None and data.get("minutes", saved.minutes) != saved.minutes:
        raise ValidationError({"minutes": _("The minutes are approved and can no longer be changed.")})
    invited = _check_invited(meeting.plan, data["invited"]) if "invited" in data else None
    updated = update_versioned(
        actor=actor,
        instance=meeting,
        fields=fields,
        data=data,
        expected_version=expected_version,
        action="plan.meeting.update",
        person_id=meeting.plan.person_id,
        locked=saved,
    )
    if invited is not None:
        updated.invited.set(invited)
    _touch(meeting.plan)
    return updated


@transaction.atomic
def approve_minutes(*, actor: User | None, meeting: Meeting) -> Meeting:
    authorise(actor, Action.PLAN_EDIT, meeting.plan)
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if current.minutes_approved_at is not None:
        raise ValidationError(_("The minutes are already approved."))
    if not current.minutes.strip():
        raise ValidationError(_("Write the minutes before approving them."))
    if current.starts_at > timezone.now():
        raise ValidationError(_("Minutes can be approved only after the meeting has started."))
    current.minutes_approved_at = timezone.now()
    current.minutes_approved_by = actor
    current.version += 1
    current.save()
    record_change(
        actor=actor,
        action="plan.meeting.approve_minutes",
        obj=current,
        after={"minutes_approved_at": current.minutes_approved_at.isoformat()},
        person_id=meeting.plan.person_id,
    )
    _touch(meeting.plan)
    return current


@transaction.atomic
def cancel_meeting(*, actor: User | None, meeting: Meeting) -> Meeting:
    authorise(actor, Action.PLAN_EDIT, meeting.plan)
    meeting = Meeting.objects.select_for_update().select_related("plan").get(pk=meeting.pk)
    if meeting.cancelled or meeting.minutes_approved_at is not None:
        raise ValidationError(_("This meeting can no longer be cancelled."))
    meeting.cancelled = True
    meeting.version += 1
    meeting.save(update_fields=["cancelled", "version", "updated_at"])
    record_change(
        actor=actor,
        action="plan.meeting.cancel",
        obj=meeting,
        before={"cancelled": False},
        after={"cancelled": True},
        person_id=meeting.plan.person_id,
    )
    return meeting


@transaction.atomic
def record_decision(
    *,
    actor: User | None,
    meeting: Meeting,
    text: str,
    goals: Iterable[Goal] = (),
    measures: Iterable[Measure] = (),
) -> MeetingDecision:
    authorise(actor, Action.PLAN_EDIT, meeting.plan)
    _require_open(meeting.plan)
    saved = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if saved.cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    # Decisions are part of the minutes: once those are approved, nothing is added afterwards.
    if saved.minutes_approved_at is not None:
        raise ValidationError(_("The minutes are approved: no decisions can be added."))
    goals, measures = list(goals), list(measures)
    if any(goal.plan_id != meeting.plan_id for goal in goals) or any(
        measure.plan_id != meeting.plan_id for measure in measures
    ):
        raise ValidationError(_("Link the decision to goals and measures of this plan."))
    decision = MeetingDecision(meeting=meeting, text=text.strip())
    save_new(
        decision,
        actor=actor,
        action="plan.meeting.decision",
        fields=["text"],
        person_id=meeting.plan.person_id,
    )
    decision.goals.set(goals)
    decision.measures.set(measures)
    _touch(meeting.plan)
    return decision


# Evaluations


def plan_t_score(ratings: Iterable[tuple[Goal, int]]) -> float | None:
    """The plan's goal attainment T-score (Kiresuk–Sherman, ρ = 0.3) for the rated goals; `None` if none."""
    rated = list(ratings)
    if not rated:
        return None
    weights = weights_for([(goal.importance, goal.difficulty) for goal, _level in rated])
    return t_score([level for _goal, level in rated], weights)


@transaction.atomic
def evaluate_plan(
    *,
    actor: User | None,
    plan: IndividualPlan,
    evaluated_on: date,
    next_revision: date,
    ratings: dict[Goal, tuple[int, str]],
    summary: str = "",
    measures_review: str = "",
    measure_statuses: dict[Measure, str] | None = None,
    meeting: Meeting | None = None,
) -> Evaluation:
    """Rate goals on their scales, review the measures, set the next revision; freeze a version."""
    authorise(actor, Action.PLAN_EDIT, plan)
    plan = _locked(plan)
    _require_open(plan)
    if evaluated_on > timezone.localdate():
        raise ValidationError({"evaluated_on": _("An evaluation cannot be dated in the future.")})
    if next_revision <= evaluated_on:
        raise ValidationError({"next_revision": _("The next revision must come after the evaluation.")})
    if not ratings:
        raise ValidationError(_("Rate at least one goal."))
    for goal, (level, _comment) in ratings.items():
        if goal.plan_id != plan.pk:
            raise ValidationError(_("Rate the goals of this plan."))
        if level not in (-2, -1, 0, 1, 2):
            raise ValidationError(_("Choose a level from −2 to +2."))
    for measure, status in (measure_statuses or {}).items():
        if measure.plan_id != plan.pk:
            raise ValidationError(_("Review the measures of this plan."))
        if measure.status != status:
            update_measure(
                actor=actor, measure=measure, data={"status": status}, expected_version=measure.version
            )
    plan.next_revision = next_revision
    plan.version += 1
    plan.save(update_fields=["next_revision", "version", "updated_at"])
    score = plan_t_score((goal, level) for goal, (level, _comment) in ratings.items())
    version = freeze_version(actor=actor, plan=plan, reason=PlanVersion.Reason.EVALUATION, note=summary[:500])
    evaluation = Evaluation(
        plan=plan,
        evaluated_on=evaluated_on,
        next_revision=next_revision,
        summary=summary,
        measures_review=measures_review,
        t_score=score,
        meeting=meeting,
        plan_version=version,
        evaluated_by=actor,
    )
    save_new(
        evaluation,
        actor=actor,
        action="plan.evaluate",
        fields=["evaluated_on", "next_revision", "t_score", "plan_version"],
        person_id=plan.person_id,
    )
    name, _role, _organisation = describe_actor(actor)
    GoalRating.objects.bulk_create(
        GoalRating(
            goal=goal,
            evaluation=evaluation,
            attainment=level,
            comment=comment,
            rated_by=actor,
            rated_by_name=name,
        )
        for goal, (level, comment) in ratings.items()
    )
    _touch(plan)
    return evaluation


def active_goals(plan: IndividualPlan) -> list[Goal]:
    return [goal for goal in plan.goals.all() if goal.status in (GoalStatus.ACTIVE, GoalStatus.COMPLETED)]


# The person's own side (the portal): what matters, proposed goals, progress between evaluations, messages.
# Each change is told to the coordinator, who answers for the plan and sees it at the next evaluation.

PERSON_GOAL_FIELDS = ["text", "life_area", "target_date"]


def _coordinator_users(plan: IndividualPlan) -> list[User]:
    """The person's coordinators who can open the plan: one who no longer works in the organisation they were
    appointed for is not told of it either (as with reminders)."""
    return policy.coordinators_in_office([plan.person_id]).get(plan.person_id, [])


def _professional_readers(plan: IndividualPlan) -> list[User]:
    """The coordinator and the professionals who read the whole plan: who answers a message."""
    users = _coordinator_users(plan)
    participants = plan.participants.filter(
        kind=ParticipantKind.PROFESSIONAL, active=True, access_level=AccessLevel.FULL, user__isnull=False
    ).select_related("user")
    users += [p.user for p in participants if p.user and policy.plan_role(p.user, plan) == PlanRole.FULL]
    return users


def _person_side_users(plan: IndividualPlan) -> list[User]:
    """The person (from 16) and whoever acts for them today, as far as they have a user."""
    person = plan.person
    candidates = [person.user] if person.user is not None else []
    relations = person.relations.filter(relative__user__isnull=False).select_related("relative__user")
    candidates += [relation.relative.user for relation in relations if relation.relative.user is not None]
    return [
        user
        for user in candidates
        if policy.plan_role(user, plan) in policy.MESSAGE_ROLES - PROFESSIONAL_ROLES
    ]


def _tell_coordinators(plan: IndividualPlan, actor: User | None, *, key: str, message: Any) -> None:
    name, _role, _organisation = describe_actor(actor)
    notices.tell(
        users=[user for user in _coordinator_users(plan) if user != actor],
        key=key,
        message=message,
        params={"name": name, "person": plan.person.full_name},
        url=reverse("plans:plan_detail", kwargs={"pk": plan.pk}),
        email=False,
    )


@transaction.atomic
def update_what_matters(
    *, actor: User | None, plan: IndividualPlan, text: str, expected_version: int
) -> IndividualPlan:
    """Element a in the person's own words."""
    authorise(actor, Action.PORTAL_CONTRIBUTE, plan)
    plan = update_versioned(
        actor=actor,
        instance=plan,
        fields=["what_matters"],
        data={"what_matters": text.strip()},
        expected_version=expected_version,
        action="plan.what_matters.update",
        person_id=plan.person_id,
    )
    _touch(plan)
    _tell_coordinators(
        plan,
        actor,
        key=f"what-matters:{plan.pk}:{plan.version}",
        message=_("%(name)s changed “what matters to me” in the plan for %(person)s."),
    )
    return plan


@transaction.atomic
def propose_goal(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Goal:
    """A goal in the person's words, proposed: the coordinator agrees its scale with them and makes it
    active."""
    authorise(actor, Action.PORTAL_CONTRIBUTE, plan)
    name, _role, _organisation = describe_actor(actor)
    position = _next_goal_position(plan)
    goal = Goal(
        plan=plan, written_by=actor, written_by_name=name, status=GoalStatus.PROPOSED, position=position
    )
    assign(goal, PERSON_GOAL_FIELDS, data)
    save_new(
        goal, actor=actor, action="plan.goal.propose", fields=PERSON_GOAL_FIELDS, person_id=plan.person_id
    )
    _touch(plan)
    _tell_coordinators(
        plan,
        actor,
        key=f"goal-proposed:{goal.pk}",
        message=_("%(name)s proposed a new goal in the plan for %(person)s."),
    )
    return goal


@transaction.atomic
def update_own_goal(*, actor: User | None, goal: Goal, data: dict[str, Any], expected_version: int) -> Goal:
    authorise(actor, Action.PORTAL_GOAL_EDIT, goal)
    goal = update_versioned(
        actor=actor,
        instance=goal,
        fields=PERSON_GOAL_FIELDS,
        data=data,
        expected_version=expected_version,
        action="plan.goal.update_own",
        person_id=goal.plan.person_id,
    )
    _touch(goal.plan)
    _tell_coordinators(
        goal.plan,
        actor,
        key=f"goal-changed:{goal.pk}:{goal.version}",
        message=_("%(name)s changed a goal in the plan for %(person)s."),
    )
    return goal


RATING_FIELDS = ["attainment", "comment"]


@transaction.atomic
def rate_progress(*, actor: User | None, goal: Goal, attainment: int, comment: str = "") -> GoalRating:
    """The person's own rating between evaluations, on the goal's scale (−2 … +2)."""
    authorise(actor, Action.PORTAL_CONTRIBUTE, goal.plan)
    if goal.status != GoalStatus.ACTIVE:
        raise ValidationError(_("Progress can be rated on active goals only."))
    if attainment not in range(-2, 3):
        raise ValidationError({"attainment": _("Choose a level from −2 to +2.")})
    name, _role, _organisation = describe_actor(actor)
    rating = GoalRating(
        goal=goal, attainment=attainment, comment=comment.strip(), rated_by=actor, rated_by_name=name
    )
    save_new(
        rating, actor=actor, action="plan.goal.rate", fields=RATING_FIELDS, person_id=goal.plan.person_id
    )
    _touch(goal.plan)
    _tell_coordinators(
        goal.plan,
        actor,
        key=f"goal-rated:{rating.pk}",
        message=_("%(name)s rated the progress on a goal in the plan for %(person)s."),
    )
    return rating


@transaction.atomic
def send_message(*, actor: User | None, plan: IndividualPlan, text: str) -> PlanMessage:
    authorise(actor, Action.PLAN_MESSAGES, plan)
    if not plan.is_open:
        raise ValidationError(_("This plan is closed: messages can no longer be sent in it."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a message before sending it.")})
    name, _role, _organisation = describe_actor(actor)
    from_person_side = policy.plan_role(actor, plan) not in PROFESSIONAL_ROLES
    message = PlanMessage(
        plan=plan, author=actor, author_name=name, from_person_side=from_person_side, text=text
    )
    save_new(message, actor=actor, action="plan.message.send", fields=["text"], person_id=plan.person_id)
    _touch(plan)
    if from_person_side:
        recipients, url = _professional_readers(plan), reverse("plans:messages", kwargs={"pk": plan.pk})
    else:
        recipients, url = _person_side_users(plan), reverse("portal:messages", kwargs={"pk": plan.person_id})
    notices.tell(
        users=[user for user in recipients if user != actor],
        key=f"message:{message.pk}",
        message=_("New message from %(name)s about the plan for %(person)s."),
        params={"name": name, "person": plan.person.full_name},
        url=url,
        email=True,
    )
    return message
