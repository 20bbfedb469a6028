"""Writes of consents. Keyword-only, checks the policy, one transaction, audit record included."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, record_change, save_change, save_new, snapshot
from vegviser.registry.models import Organisation, Person

from .models import EMERGENCY_MAX_HOURS, Consent, EmergencyAccess
from .policy import Action, authorise, coordinators_in_office

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
    return _save_new_consent(actor, consent, shared_with, action=AuditAction.CONSENT_RECORD)


def _save_new_consent(
    actor: User | None,
    consent: Consent,
    shared_with: list[Organisation],
    *,
    action: AuditAction,
    withdrawn_for: list[Organisation] | None = None,
) -> Consent:
    """Validate and insert a consent with the organisations it shares with (and, for a version made in the
    portal, those the person withdrew it for), and record it; in the caller's transaction."""
    consent.full_clean()
    consent.save()
    consent.shared_with.set(shared_with)
    after = snapshot(consent, CONSENT_FIELDS) | {"shared_with": sorted(str(o.pk) for o in shared_with)}
    if withdrawn_for is not None:
        consent.withdrawn_for.set(withdrawn_for)
        after["withdrawn_for"] = sorted(str(o.pk) for o in withdrawn_for)
    record_change(actor=actor, action=action, obj=consent, after=after, person_id=consent.person_id)
    return consent


@transaction.atomic
def withdraw_consent(*, actor: User | None, consent: Consent, note: str = "") -> Consent:
    """Takes effect at once: access that rested on this consent ends with this transaction."""
    authorise(actor, Action.CONSENT_MANAGE, consent.person)
    before = _shared_in_force(consent.person)
    withdrawn = _withdraw(actor, consent, note)
    _tell_of_change(actor, consent.person, before, withdrawn=True, key=f"consent-withdrawn-{consent.pk}")
    return withdrawn


def _withdraw(actor: User | None, consent: Consent, note: str) -> Consent:
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    return save_change(
        current,
        actor=actor,
        action=AuditAction.CONSENT_WITHDRAW,
        fields=["withdrawn_at", "withdrawal_note"],
        data={"withdrawn_at": timezone.now(), "withdrawal_note": note},
        person_id=current.person_id,
        locked=True,
        validate=False,
    )


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
    actor: User | None,
    old: Consent,
    shared_with: list[Organisation],
    withdrawn_for: list[Organisation],
    *,
    action: AuditAction,
    renew: bool,
) -> Consent:
    """A new consent in the portal with the old one's scope, from today: renewed, for as long as the old one
    ran; else (one organisation withdrawn or given back) until the old one would have ended, so a change of
    organisations never extends it."""
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
    return _save_new_consent(actor, consent, shared_with, action=action, withdrawn_for=withdrawn_for)


@transaction.atomic
def withdraw_own_consent(
    *, actor: User | None, consent: Consent, organisation: Organisation | None = None
) -> Consent | None:
    """The person (or whoever consents for them) withdraws in the portal: all of it, or the sharing with one
    organisation, which ends that consent and gives a new one without the organisation, remembering it was
    withdrawn. Returns the new one."""
    authorise(actor, Action.PORTAL_CONSENT, consent.person)
    before = _shared_in_force(consent.person)
    if organisation is None:
        _withdraw(actor, consent, str(_("Withdrawn in the portal.")))
        _tell_of_change(actor, consent.person, before, withdrawn=True, key=f"consent-withdrawn-{consent.pk}")
        return None
    shared = list(consent.shared_with.order_by("name"))
    if organisation not in shared:
        raise ValidationError(_("This consent does not share information with that organisation."))
    _withdraw(
        actor,
        consent,
        _("Sharing with %(organisation)s withdrawn in the portal.") % {"organisation": organisation.name},
    )
    new = _consent_anew(
        actor,
        consent,
        [o for o in shared if o != organisation],
        [*consent.withdrawn_for.all(), organisation],
        action=AuditAction.CONSENT_WITHDRAW_ORGANISATION,
        renew=False,
    )
    _tell_of_change(actor, consent.person, before, withdrawn=True, key=f"consent-{new.pk}")
    return new


@transaction.atomic
def give_sharing_again(*, actor: User | None, consent: Consent, organisation: Organisation) -> Consent:
    """The person gives back the sharing with one organisation they withdrew it for, the others as they are:
    the consent in force ends and a new one, with the organisation, runs as long as it would have."""
    authorise(actor, Action.PORTAL_CONSENT, consent.person)
    before = _shared_in_force(consent.person)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if not current.in_force:
        raise ValidationError(_("This consent is no longer in force. Give all of it again instead."))
    withdrawn_for = list(current.withdrawn_for.order_by("name"))
    if organisation not in withdrawn_for:
        raise ValidationError(
            _("The sharing with that organisation has not been withdrawn from this consent.")
        )
    _withdraw(
        actor,
        current,
        _("Sharing with %(organisation)s given again in the portal.") % {"organisation": organisation.name},
    )
    new = _consent_anew(
        actor,
        current,
        [*current.shared_with.all(), organisation],
        [o for o in withdrawn_for if o != organisation],
        action=AuditAction.CONSENT_RENEW,
        renew=False,
    )
    _tell_of_change(actor, consent.person, before, withdrawn=False, key=f"consent-{new.pk}")
    return new


@transaction.atomic
def renew_own_consent(*, actor: User | None, consent: Consent) -> Consent:
    """The same consent given again, from today: for one that has run out, is running out, or was
    withdrawn. A consent still in force is extended as it stands: the sharing withdrawn for an organisation
    stays withdrawn (it is given back one organisation at a time). One that has ended is given again whole,
    as the person first chose it, the organisations it was withdrawn for too."""
    authorise(actor, Action.PORTAL_CONSENT, consent.person)
    before = _shared_in_force(consent.person)
    shared, withdrawn = list(consent.shared_with.all()), list(consent.withdrawn_for.all())
    if not consent.in_force:
        shared, withdrawn = [*shared, *withdrawn], []
    new = _consent_anew(actor, consent, shared, withdrawn, action=AuditAction.CONSENT_RENEW, renew=True)
    _tell_of_change(actor, consent.person, before, withdrawn=False, key=f"consent-{new.pk}")
    return new


# What the coordinators are told, by (withdrawn, some participant's organisation lost or regained access).
COORDINATOR_NOTICES = {
    (True, True): _("Consent for %(person)s was withdrawn: %(organisations)s can no longer open the plan."),
    (True, False): _("Consent for %(person)s was withdrawn."),
    (False, True): _("Consent for %(person)s was given again: %(organisations)s can open the plan again."),
    (False, False): _("Consent for %(person)s was given again."),
}
# What a participant is told, by whether their organisation lost access (else it regained it).
PARTICIPANT_NOTICES = {
    True: _("Consent for %(person)s no longer covers %(organisation)s. You can no longer open the plan."),
    False: _("Consent for %(person)s covers %(organisation)s again. You can open the plan again."),
}


def _shared_in_force(person: Person) -> set[Any]:
    """The organisations whose participants may open the person's plans today: those of the consent in
    force (see the policy's plan role)."""
    return Consent.objects.shared_in_force([person.pk]).get(person.pk, set())


def _tell_of_change(
    actor: User | None, person: Person, before: set[Any], *, withdrawn: bool, key: str
) -> None:
    """After consent is withdrawn or given again: each open plan's coordinators are told, and so are the
    participants whose organisation lost or regained access by it. The email says only that there is a
    notice."""
    from vegviser.plans import notices
    from vegviser.plans.models import OPEN_STATUSES, IndividualPlan, ParticipantKind

    after = _shared_in_force(person)
    changed = before ^ after
    coordinators = [user for user in coordinators_in_office([person.pk]).get(person.pk, []) if user != actor]
    for plan in IndividualPlan.objects.filter(person=person, status__in=OPEN_STATUSES):
        participants = list(
            plan.participants.filter(
                kind=ParticipantKind.PROFESSIONAL,
                active=True,
                organisation_id__in=changed,
                user__isnull=False,
            ).select_related("user", "organisation")
        )
        names = ", ".join(sorted({p.organisation.name for p in participants if p.organisation}))
        plan_url = reverse("plans:plan_detail", kwargs={"pk": plan.pk})
        notices.tell(
            users=coordinators,
            key=f"{key}-{plan.pk}",
            message=COORDINATOR_NOTICES[withdrawn, bool(names)],
            params={"person": person.full_name, "organisations": names},
            url=plan_url,
            email=True,
            announce="notice",
        )
        for participant in participants:
            if participant.user in coordinators or participant.organisation is None:
                continue
            lost = participant.organisation_id in before
            notices.tell(
                users=[participant.user] if participant.user else [],
                key=f"{key}-{plan.pk}",
                message=PARTICIPANT_NOTICES[lost],
                params={"person": person.full_name, "organisation": participant.organisation.name},
                # One who lost access cannot open the plan: to their list of plans instead.
                url=reverse("plans:mine") if lost else plan_url,
                email=True,
                announce="notice",
            )


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
        action=AuditAction.EMERGENCY_OPEN,
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
    return save_change(
        current,
        actor=actor,
        action=AuditAction.EMERGENCY_REVIEW,
        fields=["reviewed_at", "reviewed_by", "review_note"],
        data={"reviewed_at": timezone.now(), "reviewed_by": actor, "review_note": note.strip()},
        person_id=current.plan.person_id,
        locked=True,
        validate=False,
    )
