"""Reads of consents, through the policy, logged."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.http import Http404

from vegviser.audit.services import record_access

from . import policy
from .models import Consent
from .policy import Action

if TYPE_CHECKING:
    from vegviser.accounts.models import User
    from vegviser.registry.models import Person


def consents_of(*, user: User, person: Person, page_logged: bool = False) -> list[Consent]:
    """The person's consents. `page_logged`: shown on a page whose own access record covers this read."""
    policy.require(user, Action.CONSENT_VIEW, person)
    consents = list(person.consents.prefetch_related("shared_with").select_related("given_by_person"))
    if not page_logged:
        record_access(actor=user, person_ids=[person.pk], object_type="access.consent", purpose="consent")
    return consents


def get_consent(
    *, user: User, pk: uuid.UUID, action: str = Action.CONSENT_VIEW, purpose: str = "consent"
) -> Consent:
    consent = Consent.objects.select_related("person", "given_by_person").filter(pk=pk).first()
    if consent is None:
        raise Http404
    policy.require(user, action, consent.person)
    record_access(actor=user, person_ids=[consent.person_id], obj=consent, purpose=purpose)
    return consent
