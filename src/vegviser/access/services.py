"""Writes of consents. Keyword-only, checks the policy, one transaction, audit record included."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.audit.services import describe_actor, record_change, save_new, snapshot
from vegviser.registry.models import Organisation, Person

from .models import EMERGENCY_MAX_HOURS, Consent, EmergencyAccess
from .policy import Action, authorise

if TYPE_CHECKING:
    from vegviser.accounts.models import User
    from vegviser.plans.models import IndividualPlan

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
    return _save_new_consent(actor, consent, shared_with, action="consent.record")


def _save_new_consent(
    actor: User | None, consent: Consent, shared_with: list[Organisation], *, action: str
) -> Consent:
    """Validate and insert a consent with the organisations it shares with, and record it; in the caller's
    transaction."""
    consent.full_clean()
    consent.save()
    consent.shared_with.set(shared_with)
    after = snapshot(consent, CONSENT_FIELDS) | {"shared_with": sorted(str(o.pk) for o in shared_with)}
    record_change(actor=actor, action=action, obj=consent, after=after, person_id=consent.person_id)
    return consent


@transaction.atomic
def withdraw_consent(*, actor: User | None, consent: Consent, note: str = "") -> Consent:
    """Takes effect at once: access that rested on this consent ends with this transaction."""
    authorise(actor, Action.CONSENT_MANAGE, consent.person)
    return _withdraw(actor, consent, note)


def _withdraw(actor: User | None, consent: Consent, note: str) -> Consent:
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


def _consent_giver(actor: User | None, person: Person) -> dict[str, Any]:
    """Who gives a consent made in the portal: the person, or the parent or guardian acting for them (an
    attorney acts in the person's own name)."""
    from vegviser.registry.models import RelationKind

    from .models import ConsentGiver

    own = getattr(actor, "person", None)
    if own is None or own.pk == person.pk:
        return {"given_by": ConsentGiver.PERSON, "given_by_person": None}
    today = timezone.localdate()
    for relation in person.relations.filter(
        relative=own, kind__in=[RelationKind.PARENT, RelationKind.GUARDIAN]
    ):
        if relation.in_force_on(today):
            kind = ConsentGiver.PARENT if relation.kind == RelationKind.PARENT else ConsentGiver.GUARDIAN
            return {"given_by": kind, "given_by_person": own}
    return {"given_by": ConsentGiver.PERSON, "given_by_person": None}


def _consent_anew(
    actor: User | None, old: Consent, shared_with: list[Organisation], *, action: str, renew: bool
) -> Consent:
    """A new consent in the portal with the old one's scope, from today: renewed, for as long as the old one
    ran; else (the old one narrowed) until the old one would have ended, so narrowing never extends it."""
    from .models import ConsentEvidence

    today = timezone.localdate()
    if renew:
        valid_to = today + (old.valid_to - old.valid_from) if old.valid_to else None
    else:
        valid_to = old.valid_to
        if valid_to is not None and valid_to < today:
            raise ValidationError(_("This consent has run out, so there is nothing to withdraw."))
    consent = Consent(
        person=old.person,
        recorded_by=actor,
        covers_plan=old.covers_plan,
        covers_coordinator=old.covers_coordinator,
        valid_from=today if renew else max(today, old.valid_from),
        valid_to=valid_to,
        evidence=ConsentEvidence.PORTAL,
        **_consent_giver(actor, old.person),
    )
    return _save_new_consent(actor, consent, shared_with, action=action)


@transaction.atomic
def withdraw_own_consent(
    *, actor: User | None, consent: Consent, organisation: Organisation | None = None
) -> Consent | None:
    """The person (or whoever consents for them) withdraws in the portal: all of it, or the sharing with one
    organisation, which ends that consent and gives a new one without the organisation. Returns the new
    one."""
    authorise(actor, Action.PORTAL_CONSENT, consent.person)
    if organisation is None:
        _withdraw(actor, consent, str(_("Withdrawn in the portal.")))
        return None
    shared = list(consent.shared_with.order_by("name"))
    if organisation not in shared:
        raise ValidationError(_("This consent does not share information with that organisation."))
    _withdraw(
        actor,
        consent,
        _("Sharing with %(organisation)s withdrawn in the portal.") % {"organisation": organisation.name},
    )
    return _consent_anew(
        actor,
        consent,
        [o for o in shared if o != organisation],
        action="consent.withdraw_organisation",
        renew=False,
    )


@transaction.atomic
def renew_own_consent(*, actor: User | None, consent: Consent) -> Consent:
    """The same consent given again, from today: for one that has run out, is running out, or was
    withdrawn."""
    authorise(actor, Action.PORTAL_CONSENT, consent.person)
    return _consent_anew(actor, consent, list(consent.shared_with.all()), action="consent.renew", renew=True)


@transaction.atomic
def open_emergency_access(*, actor: User, plan: IndividualPlan, reason: str, hours: int) -> EmergencyAccess:
    """Granted at once: in an emergency nobody waits for approval. The unit reviews it afterwards."""
    authorise(actor, Action.EMERGENCY_OPEN)
    if not 1 <= hours <= EMERGENCY_MAX_HOURS:
        raise ValidationError({"hours": _("Emergency access lasts at most four hours.")})
    name, _role, organisation = describe_actor(actor)
    now = timezone.now()
    access = EmergencyAccess(
        plan=plan,
        user=actor,
        user_name=name,
        organisation_name=organisation,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    save_new(
        access,
        actor=actor,
        action="emergency.open",
        fields=["plan", "reason", "granted_at", "expires_at"],
        person_id=plan.person_id,
    )
    return access


@transaction.atomic
def review_emergency_access(*, actor: User | None, access: EmergencyAccess, note: str) -> EmergencyAccess:
    authorise(actor, Action.EMERGENCY_REVIEW, access)
    current = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if current.reviewed_at is not None:
        raise ValidationError(_("This emergency access has already been reviewed."))
    current.reviewed_at = timezone.now()
    current.reviewed_by = actor
    current.review_note = note.strip()
    current.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "updated_at"])
    record_change(
        actor=actor,
        action="emergency.review",
        obj=current,
        after={"reviewed_at": current.reviewed_at.isoformat(), "review_note": current.review_note},
        person_id=current.plan.person_id,
    )
    return current
