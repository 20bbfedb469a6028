"""Referrals registered by the receiving unit, what the unit asks the referrer for, and its assessment.

Every write: keyword-only, checks the policy, one transaction, audit record included.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import Action, authorise
from vegviser.accounts.models import User as UserModel
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign
from vegviser.plans import notices
from vegviser.registry.models import MembershipRole, Organisation, Person

from .models import (
    Assessment,
    AssessmentOutcome,
    Referral,
    ReferralAttachment,
    ReferralStatus,
    ReferrerRequest,
    RightStatus,
    WaitingTime,
)
from .waiting import BREACH_STATES, deadline_in_force, state_of

if TYPE_CHECKING:
    from vegviser.accounts.models import User

REFERRAL_FIELDS = [
    "named_as",
    "referrer_name",
    "referrer_hpr_number",
    "referrer_organisation",
    "received_on",
    "seniority_date",
    "reason",
    "diagnosis_system",
    "diagnosis_codes",
    "tried_in_municipality",
    "function_description",
    "consent",
]


@transaction.atomic
def register_referral(
    *, actor: User | None, person: Person, unit: Organisation, data: dict[str, Any]
) -> Referral:
    """The unit's clerk registers a referral it received; its assessment deadline follows from the date
    received. Without a seniority date of its own (a referral forwarded by another unit has one), the
    seniority date is the date received."""
    authorise(actor, Action.REFERRAL_REGISTER, unit)
    referral = Referral(person=person, receiving_unit=unit, registered_by=actor)
    referral.registered_by_name, _role, _organisation = describe_actor(actor)
    assign(referral, REFERRAL_FIELDS, data)
    if referral.seniority_date is None:
        referral.seniority_date = referral.received_on
    return save_new(
        referral,
        actor=actor,
        action=AuditAction.REFERRAL_REGISTER,
        fields=["receiving_unit", *REFERRAL_FIELDS, "assessment_due_on"],
        person_id=person.pk,
    )


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def ask_referrer(*, actor: User | None, referral: Referral, asked_for: str) -> ReferrerRequest:
    """Ask the referrer for what the referral lacks. The referral is not returned unassessed, and its
    deadline does not move: the unit assesses within it whether the answer has come or not."""
    authorise(actor, Action.REFERRAL_ASK_REFERRER, referral)
    referral = _locked(referral)
    if not referral.is_open:
        raise ValidationError(_("This referral has already been assessed."))
    request = ReferrerRequest(referral=referral, asked_for=asked_for, asked_by=actor)
    request.asker_name, _role, _organisation = describe_actor(actor)
    save_new(
        request,
        actor=actor,
        action=AuditAction.REFERRAL_ASK_REFERRER,
        fields=["referral", "asked_for"],
        person_id=referral.person_id,
    )
    save_change(
        referral,
        actor=actor,
        action=AuditAction.REFERRAL_ASK_REFERRER,
        fields=["status"],
        data={"status": ReferralStatus.AWAITING_REFERRER},
        person_id=referral.person_id,
        locked=True,
        validate=False,
    )
    return request


@transaction.atomic
def record_referrer_answer(*, actor: User | None, referral: Referral) -> Referral:
    """The referrer has answered what was asked: the referral is back with the unit, its deadline unmoved."""
    authorise(actor, Action.REFERRAL_ASK_REFERRER, referral)
    referral = _locked(referral)
    if referral.status != ReferralStatus.AWAITING_REFERRER:
        raise ValidationError(_("Nothing has been asked of the referrer."))
    today = timezone.localdate()
    for request in referral.referrer_requests.select_for_update().filter(answered_on__isnull=True):
        save_change(
            request,
            actor=actor,
            action=AuditAction.REFERRAL_REFERRER_ANSWERED,
            fields=["answered_on"],
            data={"answered_on": today},
            person_id=referral.person_id,
        )
    return save_change(
        referral,
        actor=actor,
        action=AuditAction.REFERRAL_REFERRER_ANSWERED,
        fields=["status"],
        data={"status": ReferralStatus.RECEIVED},
        person_id=referral.person_id,
        locked=True,
        validate=False,
    )


@transaction.atomic
def attach_document(
    *, actor: User | None, referral: Referral, title: str, file: UploadedFile
) -> ReferralAttachment:
    """Attach a document to the referral. It is stored under the attachment's id, never the name it came
    with, and checked by its content: a web page named .pdf is refused."""
    authorise(actor, Action.REFERRAL_ATTACH, referral)
    attachment = ReferralAttachment(
        referral=referral,
        title=title,
        file=file,
        content_type=(file.content_type or "")[:100],
        size=file.size or 0,
        uploaded_by=actor,
    )
    attachment.uploader_name, _role, _organisation = describe_actor(actor)
    return save_new(
        attachment,
        actor=actor,
        action=AuditAction.REFERRAL_ATTACHMENT_ADD,
        fields=["referral", "title", "content_type", "size"],
        person_id=referral.person_id,
    )


ASSESSMENT_FIELDS = [
    "right",
    "benefit",
    "cost_effectiveness",
    "severity",
    "condition",
    "care_deadline",
    "care_type",
    "individual_reasons",
    "outcome",
    "forwarded_to",
    "to_referrer",
    "appointment_at",
]
# What a forwarded referral carries to the next unit: the referral as the referrer wrote it.
FORWARDED_FIELDS = [
    "named_as",
    "referrer_name",
    "referrer_hpr_number",
    "referrer_organisation",
    "reason",
    "diagnosis_codes",
    "tried_in_municipality",
    "function_description",
    "consent",
]


@transaction.atomic
def assess_referral(*, actor: User | None, referral: Referral, data: dict[str, Any]) -> Assessment:
    """The unit's clinician assesses the referral (pasient- og brukerrettighetsloven § 2-2): the right, the
    criteria it rests on, the deadline for the start of care and what happens next. The deadline the guide
    suggests is counted here from the condition, whatever the form showed. A referral is assessed once; one
    forwarded is received by the other unit as a new referral, in the same transaction, keeping its
    seniority date."""
    authorise(actor, Action.REFERRAL_ASSESS, referral)
    referral = _locked(referral)
    if not referral.is_open or Assessment.objects.filter(referral=referral).exists():
        raise ValidationError(_("This referral has already been assessed."))
    assessment = Assessment(referral=referral, assessed_by=actor, assessed_on=timezone.localdate())
    assessment.assessor_name, _role, _organisation = describe_actor(actor)
    assign(assessment, ASSESSMENT_FIELDS, data)
    if assessment.appointment_at is not None:
        _not_past(assessment.appointment_at)
    condition = assessment.condition
    assessment.suggested_deadline = condition.deadline_from(referral.received_on) if condition else None
    save_new(
        assessment,
        actor=actor,
        action=AuditAction.REFERRAL_ASSESS,
        fields=["referral", *ASSESSMENT_FIELDS, "suggested_deadline", "assessed_on"],
        person_id=referral.person_id,
    )
    forwarded = assessment.outcome == AssessmentOutcome.FORWARDED
    save_change(
        referral,
        actor=actor,
        action=AuditAction.REFERRAL_ASSESS,
        fields=["status"],
        data={"status": ReferralStatus.FORWARDED if forwarded else ReferralStatus.ASSESSED},
        person_id=referral.person_id,
        locked=True,
        validate=False,
    )
    if forwarded and assessment.forwarded_to is not None:
        _forward(actor=actor, referral=referral, unit=assessment.forwarded_to, on=assessment.assessed_on)
    return assessment


def _wait_for(referral: Referral) -> tuple[Assessment, WaitingTime]:
    """The assessment that gave the referral a right and a deadline, and its wait, made on first use; the
    assessment locked, so two handlers record one after the other."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("referral")
        .filter(referral=referral, right=RightStatus.RIGHT, care_deadline__isnull=False)
        .first()
    )
    if assessment is None:
        raise ValidationError(_("This referral has no right with a deadline for the start of care."))
    wait, _created = WaitingTime.objects.get_or_create(assessment=assessment)
    return assessment, wait


def _still_waiting(wait: WaitingTime) -> None:
    if wait.ended_on is not None:
        raise ValidationError(_("The wait has already ended."))


@transaction.atomic
def record_helfo_notified(*, actor: User | None, referral: Referral, notified_on: date) -> WaitingTime:
    """The unit told Helfo of a breach or an expected breach (pasient- og brukerrettighetsloven § 2-1 b
    fourth paragraph): Helfo finds the person a place. Who did it is kept by name."""
    authorise(actor, Action.REFERRAL_WAIT_HANDLE, referral)
    assessment, wait = _wait_for(referral)
    _still_waiting(wait)
    if wait.helfo_notified_on is None and state_of(assessment) not in BREACH_STATES:
        raise ValidationError(_("The deadline is neither breached nor expected to be: Helfo is not told."))
    name, _role, _organisation = describe_actor(actor)
    return save_change(
        wait,
        actor=actor,
        action=AuditAction.WAIT_HELFO_NOTIFIED,
        fields=["helfo_notified_on", "helfo_notifier_name"],
        data={"helfo_notified_on": notified_on, "helfo_notifier_name": name},
        apply=lambda row: setattr(row, "helfo_notified_by", actor),
        person_id=referral.person_id,
    )


@transaction.atomic
def record_breach_letter_sent(*, actor: User | None, referral: Referral, sent_on: date) -> WaitingTime:
    """The letter «Varsel om fristbrudd» went to the person."""
    authorise(actor, Action.REFERRAL_WAIT_HANDLE, referral)
    _assessment, wait = _wait_for(referral)
    if wait.helfo_notified_on is None:
        raise ValidationError(_("Record that Helfo was notified first: the letter says Helfo has been told."))
    return save_change(
        wait,
        actor=actor,
        action=AuditAction.WAIT_BREACH_LETTER_SENT,
        fields=["breach_letter_sent_on"],
        data={"breach_letter_sent_on": sent_on},
        person_id=referral.person_id,
    )


def _not_past(appointment_at: datetime) -> None:
    if appointment_at < timezone.now():
        raise ValidationError({"appointment_at": _("The appointment cannot be in the past.")})


@transaction.atomic
def set_appointment(*, actor: User | None, referral: Referral, appointment_at: datetime) -> Assessment:
    """Give or change the first appointment after the assessment: the letter to the person names it (and
    cannot be made without it while the deadline is less than four months away), and one on or before the
    deadline takes the wait off the expected breaches."""
    authorise(actor, Action.REFERRAL_APPOINTMENT, referral)
    assessment = Assessment.objects.select_for_update().get(referral_id=referral.pk)
    wait = WaitingTime.objects.filter(assessment=assessment).first()
    if wait is not None:
        _still_waiting(wait)
    _not_past(appointment_at)
    return save_change(
        assessment,
        actor=actor,
        action=AuditAction.WAIT_APPOINTMENT,
        fields=["appointment_at"],
        data={"appointment_at": appointment_at},
        person_id=referral.person_id,
        locked=True,
        # Only the appointment changes: the assessment was checked when it was made.
        validate=False,
    )


def _forward(*, actor: User | None, referral: Referral, unit: Organisation, on: date) -> Referral:
    """The referral as the other unit receives it: received the day it was forwarded, so its assessment
    deadline runs from then, with the seniority date of the first receipt. Its attachments come along as
    copies of their own, so each unit keeps its documents whatever the other does with its own."""
    forwarded = Referral(
        person=referral.person,
        receiving_unit=unit,
        received_on=on,
        seniority_date=referral.seniority_date,
        forwarded_from=referral,
        registered_by=actor,
    )
    forwarded.registered_by_name, _role, _organisation = describe_actor(actor)
    assign(forwarded, FORWARDED_FIELDS, {name: getattr(referral, name) for name in FORWARDED_FIELDS})
    save_new(
        forwarded,
        actor=actor,
        action=AuditAction.REFERRAL_ASSESS,
        fields=["receiving_unit", "forwarded_from", *REFERRAL_FIELDS, "assessment_due_on"],
        person_id=referral.person_id,
    )
    for attachment in referral.attachments.all():
        copy = ReferralAttachment(
            referral=forwarded,
            title=attachment.title,
            content_type=attachment.content_type,
            size=attachment.size,
            uploaded_by=attachment.uploaded_by,
            uploader_name=attachment.uploader_name,
            uploaded_at=attachment.uploaded_at,
        )
        with attachment.file.open("rb") as stored:
            copy.file.save(attachment.file.name.rsplit("/", 1)[-1], ContentFile(stored.read()), save=False)
        save_new(
            copy,
            actor=actor,
            action=AuditAction.REFERRAL_ASSESS,
            fields=["referral", "title", "content_type", "size"],
            person_id=referral.person_id,
        )
    clerks = UserModel.objects.filter(
        memberships__organisation=unit,
        memberships__role=MembershipRole.REFERRAL_CLERK,
        memberships__active=True,
        is_active=True,
    ).distinct()
    notices.tell(
        users=list(clerks),
        key=f"referral-forwarded-{forwarded.pk}",
        message=_("A referral for %(person)s was forwarded to %(unit)s from %(from_unit)s."),
        params={"person": forwarded.named_as, "unit": unit.name, "from_unit": referral.receiving_unit.name},
        url=reverse("referrals:referral_detail", kwargs={"pk": forwarded.pk}),
        email=True,
        announce="notice",
    )
    return forwarded


@transaction.atomic
def record_postponement(
    *, actor: User | None, referral: Referral, code: str, chosen_on: date, postponed_to: date
) -> WaitingTime:
    """The person chose to wait longer (NPR code list 8446): the date a breach is counted from moves to
    `postponed_to`, and the days are not counted in the wait. A second postponement moves it further."""
    authorise(actor, Action.REFERRAL_WAIT_HANDLE, referral)
    assessment, wait = _wait_for(referral)
    _still_waiting(wait)
    assert assessment.care_deadline is not None
    current = deadline_in_force(assessment.care_deadline, wait.postponed_to)
    if chosen_on > current:
        # A breach that has happened stays one: a later wish to wait does not undo it.
        raise ValidationError(
            {
                "postponement_chosen_on": ValidationError(
                    _(
                        "The deadline (%(date)s) had passed when the person chose to wait: that is a breach, "
                        "and a postponement cannot undo it. Notify Helfo, or record the end of the wait."
                    ),
                    params={"date": f"{current:%d.%m.%Y}"},
                )
            }
        )
    if postponed_to <= current:
        raise ValidationError(
            {
                "postponed_to": ValidationError(
                    _("The new date must be after the deadline it postpones (%(date)s)."),
                    params={"date": f"{current:%d.%m.%Y}"},
                )
            }
        )
    return save_change(
        wait,
        actor=actor,
        action=AuditAction.WAIT_POSTPONED,
        fields=["postponement_code", "postponement_chosen_on", "postponed_from", "postponed_to"],
        data={
            "postponement_code": code,
            "postponement_chosen_on": chosen_on,
            "postponed_from": assessment.care_deadline,
            "postponed_to": postponed_to,
        },
        person_id=referral.person_id,
    )


@transaction.atomic
def record_wait_end(*, actor: User | None, referral: Referral, ended_on: date, end_code: str) -> WaitingTime:
    """Care started, or the wait ended otherwise (NPR code list 8445). The days waited, less the days the
    person postponed, are kept for the statistics."""
    authorise(actor, Action.REFERRAL_WAIT_HANDLE, referral)
    _assessment, wait = _wait_for(referral)
    _still_waiting(wait)

    def end(row: WaitingTime) -> None:
        if row.ended_on is not None and row.ended_on >= row.assessment.referral.received_on:
            row.wait_days = row.days_waited(row.ended_on)

    return save_change(
        wait,
        actor=actor,
        action=AuditAction.WAIT_ENDED,
        fields=["ended_on", "end_code", "wait_days"],
        data={"ended_on": ended_on, "end_code": end_code},
        apply=end,
        person_id=referral.person_id,
    )
