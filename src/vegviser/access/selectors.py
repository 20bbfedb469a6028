"""Reads of consents, through the policy, logged."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.http import Http404

from vegviser.audit.models import ReadPurpose
from vegviser.audit.services import record_access

from . import policy
from .models import Consent, EmergencyAccess
from .policy import Action

if TYPE_CHECKING:
    from vegviser.accounts.models import User
    from vegviser.registry.models import Person


def consents_of(
    *, user: User, person: Person, action: Action = Action.CONSENT_VIEW, page_logged: bool = False
) -> list[Consent]:
    """The person's consents, if the user may do `action` to the person (the unit and the coordinator keep
    them; the person or whoever consents for them sees their own). `page_logged`: shown on a page whose own
    access record covers this read."""
    policy.require(user, action, person)
    consents = list(
        person.consents.prefetch_related("shared_with", "withdrawn_for").select_related("given_by_person")
    )
    if not page_logged:
        record_access(
            actor=user, person_ids=[person.pk], object_type="access.consent", purpose=ReadPurpose.CONSENT
        )
    return consents


def get_consent(
    *,
    user: User,
    pk: uuid.UUID,
    action: Action = Action.CONSENT_VIEW,
    purpose: ReadPurpose = ReadPurpose.CONSENT,
) -> Consent:
    consent = Consent.objects.select_related("person", "given_by_person").filter(pk=pk).first()
    if consent is None:
        raise Http404
    policy.require(user, action, consent.person)
    record_access(actor=user, person_ids=[consent.person_id], obj=consent, purpose=purpose)
    return consent


def emergency_accesses(*, user: User, unreviewed_only: bool = True) -> list[EmergencyAccess]:
    """For the unit's review: emergency accesses to plans led by its municipalities, unreviewed first. The
    names shown are reads of the persons: logged."""
    policy.require(user, Action.EMERGENCY_REVIEW)
    accesses = EmergencyAccess.objects.filter(
        plan__municipality_id__in=policy.audit_municipalities(user)
    ).select_related("plan__person", "reviewed_by")
    if unreviewed_only:
        accesses = accesses.filter(reviewed_at__isnull=True)
    found = list(accesses.order_by("reviewed_at", "-granted_at")[:500])
    record_access(
        actor=user,
        person_ids={access.plan.person_id for access in found},
        object_type="access.emergencyaccess",
        purpose=ReadPurpose.EMERGENCY_REVIEW,
    )
    return found


def get_emergency_access(*, user: User, pk: uuid.UUID) -> EmergencyAccess:
    access = EmergencyAccess.objects.select_related("plan__person").filter(pk=pk).first()
    if access is None:
        raise Http404
    policy.require(user, Action.EMERGENCY_REVIEW, access)
    record_access(
        actor=user, person_ids=[access.plan.person_id], obj=access, purpose=ReadPurpose.EMERGENCY_REVIEW
    )
    return access
