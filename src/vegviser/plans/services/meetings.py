"""Meetings of the responsibility group: scheduling, minutes and their approval, decisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.formats import day
from vegviser.core.services import assign

from .. import invitations, notices
from ..models import Goal, IndividualPlan, Measure, Meeting, MeetingDecision, MeetingMessage, PlanParticipant
from ._write import _plan_write

if TYPE_CHECKING:
    from vegviser.accounts.models import User

MEETING_FIELDS = ["starts_at", "ends_at", "place", "video_link", "agenda"]
# A change to one of these is told to the invitees, with the event for their calendars.
WHEN_AND_WHERE = ["starts_at", "ends_at", "place", "video_link"]
MEETING_LOCKED = _("The minutes are approved, so the meeting can no longer be changed.")
NO_DECISIONS_AFTER_APPROVAL = _("The minutes are approved: no decisions can be added.")


def _check_invited(plan: IndividualPlan, invited: Iterable[PlanParticipant]) -> list[PlanParticipant]:
    invited = list(invited)
    if any(participant.plan_id != plan.pk for participant in invited):
        raise ValidationError({"invited": _("Invite participants of this plan.")})
    return invited


@transaction.atomic
def schedule_meeting(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Meeting:
    with _plan_write(actor, plan):
        invited = _check_invited(plan, data.get("invited") or [])
        meeting = Meeting(plan=plan, created_by=actor)
        assign(meeting, MEETING_FIELDS, data)
        save_new(
            meeting,
            actor=actor,
            action=AuditAction.PLAN_MEETING_SCHEDULE,
            fields=MEETING_FIELDS,
            person_id=plan.person_id,
        )
        meeting.invited.set(invited)
        if _ahead(meeting):
            invitations.tell(invitations.INVITED, meeting=meeting, participants=invited, actor=actor)
        return meeting


def _ahead(meeting: Meeting) -> bool:
    """Whether the meeting is still to be held: a meeting recorded afterwards invites no one."""
    return not meeting.cancelled and meeting.ends_at > timezone.now()


@transaction.atomic
def update_meeting(
    *, actor: User | None, meeting: Meeting, data: dict[str, Any], expected_version: int
) -> Meeting:
    """Time, place, agenda, invitations and minutes. Approved minutes are final, and so is the meeting they
    record: who was invited, when and where it was held."""
    with _plan_write(actor, meeting.plan):
        # Checked on the row as saved, before the version: a bound model form has already put its values on
        # `meeting`, and a form opened before the approval must be told why, not shown a conflict to resolve.
        saved = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if saved.minutes_approved_at is not None:
            raise ValidationError(MEETING_LOCKED)
        invited = _check_invited(meeting.plan, data["invited"]) if "invited" in data else None
        before = [getattr(saved, name) for name in WHEN_AND_WHERE]
        were_invited = list(saved.invited.select_related("user"))
        updated = save_change(
            saved,
            actor=actor,
            action=AuditAction.PLAN_MEETING_UPDATE,
            fields=[*MEETING_FIELDS, "minutes"],
            data=data,
            expected_version=expected_version,
            person_id=meeting.plan.person_id,
            locked=True,
        )
        if invited is not None:
            updated.invited.set(invited)
        _tell_of_change(updated, actor, before=before, were_invited=were_invited, invited=invited)
        return updated


def _tell_of_change(
    meeting: Meeting,
    actor: User | None,
    *,
    before: list[Any],
    were_invited: list[PlanParticipant],
    invited: list[PlanParticipant] | None,
) -> None:
    """Those newly invited get the invitation, those no longer invited its cancellation, and those still
    invited the new time or place, if either changed."""
    if not _ahead(meeting):
        return
    now_invited = were_invited if invited is None else invited
    added = [participant for participant in now_invited if participant not in were_invited]
    removed = [participant for participant in were_invited if participant not in now_invited]
    stayed = [participant for participant in now_invited if participant in were_invited]
    moved = before != [getattr(meeting, name) for name in WHEN_AND_WHERE]
    for event, participants in [
        (invitations.INVITED, added),
        (invitations.UNINVITED, removed),
        (invitations.CHANGED, stayed if moved else []),
    ]:
        if participants:
            invitations.tell(event, meeting=meeting, participants=participants, actor=actor)


@transaction.atomic
def approve_minutes(*, actor: User | None, meeting: Meeting) -> Meeting:
    with _plan_write(actor, meeting.plan):
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.cancelled:
            raise ValidationError(_("The meeting was cancelled."))
        if current.minutes_approved_at is not None:
            raise ValidationError(_("The minutes are already approved."))
        if not current.minutes.strip():
            raise ValidationError(_("Write the minutes before approving them."))
        if current.starts_at > timezone.now():
            raise ValidationError(_("Minutes can be approved only after the meeting has started."))
        approved = save_change(
            current,
            actor=actor,
            action=AuditAction.PLAN_MEETING_APPROVE_MINUTES,
            fields=["minutes_approved_at", "minutes_approved_by"],
            data={"minutes_approved_at": timezone.now(), "minutes_approved_by": actor},
            person_id=meeting.plan.person_id,
            locked=True,
            validate=False,
        )
        invitations.tell(
            invitations.MINUTES_APPROVED,
            meeting=approved,
            participants=approved.invited.select_related("user"),
            actor=actor,
        )
        return approved


@transaction.atomic
def cancel_meeting(*, actor: User | None, meeting: Meeting) -> Meeting:
    with _plan_write(actor, meeting.plan):
        current = Meeting.objects.select_for_update().select_related("plan").get(pk=meeting.pk)
        if current.cancelled or current.minutes_approved_at is not None:
            raise ValidationError(_("This meeting can no longer be cancelled."))
        cancelled = save_change(
            current,
            actor=actor,
            action=AuditAction.PLAN_MEETING_CANCEL,
            fields=["cancelled"],
            data={"cancelled": True},
            person_id=meeting.plan.person_id,
            locked=True,
            validate=False,
        )
        if cancelled.ends_at > timezone.now():
            invitations.tell(
                invitations.CANCELLED,
                meeting=cancelled,
                participants=cancelled.invited.select_related("user"),
                actor=actor,
            )
        return cancelled


@transaction.atomic
def record_decision(
    *,
    actor: User | None,
    meeting: Meeting,
    text: str,
    goals: Iterable[Goal] = (),
    measures: Iterable[Measure] = (),
) -> MeetingDecision:
    with _plan_write(actor, meeting.plan):
        saved = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if saved.cancelled:
            raise ValidationError(_("The meeting was cancelled."))
        # Decisions are part of the minutes: once those are approved, nothing is added afterwards.
        if saved.minutes_approved_at is not None:
            raise ValidationError(NO_DECISIONS_AFTER_APPROVAL)
        goals, measures = list(goals), list(measures)
        if any(goal.plan_id != meeting.plan_id for goal in goals) or any(
            measure.plan_id != meeting.plan_id for measure in measures
        ):
            raise ValidationError(_("Link the decision to goals and measures of this plan."))
        decision = MeetingDecision(meeting=meeting, text=text.strip())
        save_new(
            decision,
            actor=actor,
            action=AuditAction.PLAN_MEETING_DECISION,
            fields=["text"],
            person_id=meeting.plan.person_id,
        )
        decision.goals.set(goals)
        decision.measures.set(measures)
        return decision


def _meeting_message(
    actor: User | None, meeting: Meeting, *, invitee: User | None, text: str
) -> MeetingMessage:
    """Saves a message of the exchange between `invitee` and the coordinator. Inside the plan write."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a message before sending it.")})
    name, _role, _organisation = describe_actor(actor)
    message = MeetingMessage(meeting=meeting, author=actor, author_name=name, invitee=invitee, text=text)
    save_new(
        message,
        actor=actor,
        action=AuditAction.PLAN_MESSAGE_SEND,
        fields=["text"],
        person_id=meeting.plan.person_id,
    )
    return message


def _tell_of_message(users: list[User], message: MeetingMessage, notice: Any) -> None:
    """In the app, and by an email that says only that there is a message."""
    meeting = message.meeting
    notices.tell(
        users=users,
        key=f"meeting-message:{message.pk}",
        message=notice,
        params={
            "name": message.author_name,
            "date": day(timezone.localtime(meeting.starts_at)),
            "person": meeting.plan.person.full_name,
        },
        url=reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}),
        email=True,
    )


@transaction.atomic
def write_to_coordinator(*, actor: User | None, meeting: Meeting, text: str) -> MeetingMessage:
    """An invitee who reads only their own part of the plan writes to the coordinator about the meeting."""
    closed = _("This plan is closed: messages can no longer be sent in it.")
    with _plan_write(
        actor, meeting.plan, action=Action.MEETING_WRITE_COORDINATOR, on=meeting, closed=closed
    ) as plan:
        message = _meeting_message(actor, meeting, invitee=actor, text=text)
    coordinators = policy.coordinators_in_office([plan.person_id]).get(plan.person_id, [])
    _tell_of_message(
        [user for user in coordinators if user != actor],
        message,
        _("New message from %(name)s about the meeting on %(date)s for %(person)s."),
    )
    return message


@transaction.atomic
def answer_invitee(*, actor: User | None, meeting: Meeting, invitee: User, text: str) -> MeetingMessage:
    """The coordinator answers an invitee who wrote about the meeting."""
    with _plan_write(actor, meeting.plan):
        if not MeetingMessage.objects.filter(meeting=meeting, author=invitee, invitee=invitee).exists():
            raise ValidationError(_("Answer an invitee who wrote about this meeting."))
        message = _meeting_message(actor, meeting, invitee=invitee, text=text)
    if policy.can(invitee, Action.MEETING_VIEW, meeting):
        _tell_of_message(
            [invitee], message, _("%(name)s answered you about the meeting on %(date)s for %(person)s.")
        )
    return message
