"""Referrals registered by the receiving unit, and what the unit asks the referrer for.

Every write: keyword-only, checks the policy, one transaction, audit record included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import Action, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign
from vegviser.registry.models import Organisation, Person

from .models import Referral, ReferralAttachment, ReferralStatus, ReferrerRequest

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
