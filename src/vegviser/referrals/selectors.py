"""Reads for the specialist units, always through the access policy; every read of a person is logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.registry.models import Organisation

from .guide_selectors import matching
from .models import (
    RECEIVING_KINDS,
    Assessment,
    PriorityGuide,
    PriorityGuideCondition,
    Referral,
    ReferralAttachment,
    ReferralStatus,
    RightStatus,
)
from .waiting import WaitState, days_left, deadline_in_force, state_of, wait_of

if TYPE_CHECKING:
    from vegviser.accounts.models import User

WORK_LIST_LIMIT = 500
# The work list's filters: the open referrals (the default), those past their deadline, each status, or all.
OPEN = "open"
OVERDUE = "overdue"
ALL = "all"
# The orders the work list offers, each with the order that breaks its ties.
SORTS = {
    "deadline": ("assessment_due_on", "seniority_date"),
    "-deadline": ("-assessment_due_on", "seniority_date"),
    "received": ("received_on", "assessment_due_on"),
    "-received": ("-received_on", "assessment_due_on"),
    "seniority": ("seniority_date", "assessment_due_on"),
    "-seniority": ("-seniority_date", "assessment_due_on"),
}


def clerk_units(*, user: User) -> QuerySet[Organisation]:
    """The units whose referrals the user registers and keeps."""
    return Organisation.objects.filter(pk__in=policy.referral_units(user)).order_by("name")


def work_list(*, user: User, show: str = OPEN, sort: str = "deadline") -> list[Referral]:
    """The referrals of the user's units. The names shown are a read of each person: logged."""
    policy.require(user, Action.REFERRAL_WORK_LIST)
    units = policy.referral_reader_units(user)
    referrals = Referral.objects.filter(receiving_unit_id__in=units).select_related("receiving_unit")
    open_statuses = [ReferralStatus.RECEIVED, ReferralStatus.AWAITING_REFERRER]
    if show == OPEN:
        referrals = referrals.filter(status__in=open_statuses)
    elif show == OVERDUE:
        referrals = referrals.filter(status__in=open_statuses, assessment_due_on__lt=timezone.localdate())
    elif show in ReferralStatus.values:
        referrals = referrals.filter(status=show)
    found = list(referrals.order_by(*SORTS.get(sort, SORTS["deadline"]))[:WORK_LIST_LIMIT])
    record_access(
        actor=user,
        person_ids={referral.person_id for referral in found},
        object_type="referrals.referral",
        purpose=ReadPurpose.REFERRAL_WORK_LIST,
    )
    return found


def get_referral(
    *, user: User, pk: uuid.UUID, action: Action = Action.REFERRAL_VIEW, channel: str = Channel.WEB
) -> Referral:
    referral = (
        Referral.objects.select_related("receiving_unit", "person", "forwarded_from__receiving_unit")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    policy.require(user, action, referral)
    record_access(
        actor=user,
        person_ids=[referral.person_id],
        obj=referral,
        purpose=ReadPurpose.REFERRAL,
        channel=channel,
    )
    return referral


def get_assessment(referral: Referral) -> Assessment | None:
    """The referral's assessment, for a reader the referral's own read has let through (and logged)."""
    return (
        Assessment.objects.select_related("condition", "forwarded_to").filter(referral_id=referral.pk).first()
    )


def forwarded_as(referral: Referral) -> Referral | None:
    """The referral the other unit received when this one was forwarded."""
    return Referral.objects.select_related("receiving_unit").filter(forwarded_from_id=referral.pk).first()


def guide_conditions(*, guide: str, text: str = "") -> list[tuple[str, list[PriorityGuideCondition]]]:
    """The conditions the priority guides offer now (none withdrawn), by guide: the guide that fits the
    referral first, then the others, for the case that fits another. `text` narrows them as the guides'
    search does."""
    conditions = PriorityGuideCondition.objects.filter(withdrawn=False).order_by("guide", "title")
    by_guide: dict[str, list[PriorityGuideCondition]] = {}
    for condition in matching(conditions, text):
        by_guide.setdefault(condition.guide, []).append(condition)
    order = [guide, *(other for other in PriorityGuide.values if other != guide)]
    return [(str(PriorityGuide(key).label), by_guide[key]) for key in order if key in by_guide]


def forwarding_units(referral: Referral) -> QuerySet[Organisation]:
    """The units a referral may be forwarded to: the other habilitation and rehabilitation units."""
    return (
        Organisation.objects.filter(kind__in=RECEIVING_KINDS, active=True)
        .exclude(pk=referral.receiving_unit_id)
        .order_by("name")
    )


def get_attachment(*, user: User, referral_pk: uuid.UUID, pk: uuid.UUID) -> ReferralAttachment:
    """An attachment, for whoever may see its referral; opening it is a read of the person, logged."""
    attachment = (
        ReferralAttachment.objects.select_related("referral__receiving_unit")
        .filter(pk=pk, referral_id=referral_pk)
        .first()
    )
    if attachment is None:
        raise Http404
    policy.require(user, Action.REFERRAL_VIEW, attachment.referral)
    record_access(
        actor=user,
        person_ids=[attachment.referral.person_id],
        obj=attachment,
        purpose=ReadPurpose.REFERRAL_ATTACHMENT,
    )
    return attachment


# The waiting list's filters: everyone waiting, the breaches and expected breaches not yet reported to Helfo,
# and those reported.
WAIT_ALL = "all"
WAIT_BREACH = "breach"
WAIT_EXPECTED = "expected"
WAIT_HANDLED = "handled"
WAIT_FILTERS = (WAIT_ALL, WAIT_BREACH, WAIT_EXPECTED, WAIT_HANDLED)


@dataclass(frozen=True)
class Waiting:
    """One person on the waiting list: the assessment that gave the right, and where the wait stands."""

    assessment: Assessment
    state: WaitState
    days_left: int
    deadline: date
    helfo_notified: bool

    @property
    def referral(self) -> Referral:
        return self.assessment.referral


def _waiting(assessment: Assessment, today: date) -> Waiting:
    wait = wait_of(assessment)
    assert assessment.care_deadline is not None
    return Waiting(
        assessment=assessment,
        state=state_of(assessment, today),
        days_left=days_left(assessment, today),
        deadline=deadline_in_force(assessment.care_deadline, wait.postponed_to if wait else None),
        helfo_notified=bool(wait and wait.helfo_notified_on),
    )


def waiting_list(*, user: User, show: str = WAIT_ALL, descending: bool = False) -> list[Waiting]:
    """Everyone with a right and a deadline in the user's units whose care has not started, by the deadline
    in force (a postponement moves it). The names shown are a read of each person: logged."""
    policy.require(user, Action.REFERRAL_WAITING_LIST)
    units = policy.referral_reader_units(user)
    today = timezone.localdate()
    assessments = Assessment.objects.still_waiting().filter(referral__receiving_unit_id__in=units)
    # Filtered in the database, before the list is cut at its length.
    if show == WAIT_BREACH:
        assessments = assessments.breached(today).helfo_notified(False)
    elif show == WAIT_EXPECTED:
        assessments = assessments.breach_expected(today).helfo_notified(False)
    elif show == WAIT_HANDLED:
        assessments = assessments.helfo_notified()
    ordered = assessments.select_related("referral__receiving_unit", "wait").order_by(
        "-deadline_in_force" if descending else "deadline_in_force", "referral__seniority_date"
    )
    found = [_waiting(assessment, today) for assessment in ordered[:WORK_LIST_LIMIT]]
    record_access(
        actor=user,
        person_ids={row.referral.person_id for row in found},
        object_type="referrals.referral",
        purpose=ReadPurpose.REFERRAL_WAITING_LIST,
    )
    return found


def get_waiting(
    *,
    user: User,
    pk: uuid.UUID,
    action: Action = Action.REFERRAL_VIEW,
    channel: str = Channel.WEB,
    purpose: ReadPurpose = ReadPurpose.REFERRAL,
) -> Waiting:
    """The wait of a referral with a right and a deadline; 404 for a referral without, as for one the user
    may not see. Reading it is a read of the person, logged."""
    assessment = (
        Assessment.objects.select_related("referral__receiving_unit", "referral__person", "wait")
        .filter(referral_id=pk, right=RightStatus.RIGHT, care_deadline__isnull=False)
        .first()
    )
    if assessment is None:
        raise Http404
    policy.require(user, action, assessment.referral)
    record_access(
        actor=user,
        person_ids=[assessment.referral.person_id],
        obj=assessment.referral,
        purpose=purpose,
        channel=channel,
    )
    return _waiting(assessment, timezone.localdate())


def waiting_url(referral: Referral) -> str:
    """Where the wait of a referral with a right and a deadline is handled; empty for one without."""
    if Assessment.objects.filter(
        referral=referral, right=RightStatus.RIGHT, care_deadline__isnull=False
    ).exists():
        return reverse("referrals:waiting_detail", kwargs={"pk": referral.pk})
    return ""


def waiting_to_report(*, today: date) -> list[Waiting]:
    """For the daily reminders, of every unit: the waits expected to breach their deadline that nobody has
    reported to Helfo yet. Not a read of anyone: only counted, never shown."""
    assessments = (
        Assessment.objects.still_waiting()
        .breach_expected(today)
        .helfo_notified(False)
        .select_related("referral", "wait")
    )
    return [_waiting(assessment, today) for assessment in assessments.iterator(chunk_size=500)]
