"""Writes of consents. Keyword-only, checks the policy, one transaction, audit record included."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.audit.services import record_change, snapshot
from vegviser.registry.models import Organisation, Person

from .models import Consent
from .policy import Action, authorise

if TYPE_CHECKING:
    from vegviser.accounts.models import User

CONSENT_FIELDS = [
    "given_by",
    "given_by_person",
    "child_view",
    "covers_plan",
    "covers_coordinator",
    "valid_from",
    "valid_to",
    "evidence",
    "journal_reference",
]


@transaction.atomic
def record_consent(
    *, actor: User | None, person: Person, data: dict[str, Any], shared_with: list[Organisation]
) -> Consent:
    authorise(actor, Action.CONSENT_MANAGE, person)
    consent = Consent(person=person, recorded_by=actor)
    for name in [*CONSENT_FIELDS, "evidence_file"]:
        if name in data:
            setattr(consent, name, data[name])
    consent.full_clean()
    consent.save()
    consent.shared_with.set(shared_with)
    after = snapshot(consent, CONSENT_FIELDS) | {"shared_with": sorted(str(o.pk) for o in shared_with)}
    record_change(actor=actor, action="consent.record", obj=consent, after=after, person_id=person.pk)
    return consent


@transaction.atomic
def withdraw_consent(*, actor: User | None, consent: Consent, note: str = "") -> Consent:
    """Takes effect at once: access that rested on this consent ends with this transaction."""
    authorise(actor, Action.CONSENT_MANAGE, consent.person)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    current.withdrawn_at = timezone.now()
    current.withdrawal_note = note
    current.save(update_fields=["withdrawn_at", "withdrawal_note", "updated_at"])
    record_change(
        actor=actor,
        action="consent.withdraw",
        obj=current,
        before={"withdrawn_at": None},
        after={"withdrawn_at": current.withdrawn_at.isoformat()},
        person_id=current.person_id,
    )
    return current


def consent_in_force(person: Person, *, covering: str) -> Consent | None:
    """The newest consent in force that covers `plan` or `coordinator`."""
    today = timezone.localdate()
    field = {"plan": "covers_plan", "coordinator": "covers_coordinator"}[covering]
    for consent in person.consents.filter(**{field: True}, withdrawn_at__isnull=True).order_by("-valid_from"):
        if consent.in_force_on(today):
            return consent
    return None
