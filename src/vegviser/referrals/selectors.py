"""Reads for the specialist units, always through the access policy; every read of a person is logged."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.registry.models import Organisation

from .models import Referral, ReferralAttachment, ReferralStatus

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
    referral = Referral.objects.select_related("receiving_unit", "person").filter(pk=pk).first()
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
