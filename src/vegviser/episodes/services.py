"""Episodes of care: started by the unit's episode staff, changed, and ended with a discharge that writes the
discharge summary, tells the person's coordinator, and may hand the person over to the municipality with a
report of need. That the summary was sent to the GP is recorded afterwards, by whoever sent it.

Every write: keyword-only, checks the policy, one transaction, audit record included.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign
from vegviser.intake import services as intake
from vegviser.intake.models import NeedReport, ReportChannel
from vegviser.plans import notices
from vegviser.referrals.models import Referral, RightStatus
from vegviser.registry.models import Organisation, Person

from .models import Episode, LevelOfCare

if TYPE_CHECKING:
    from vegviser.accounts.models import User

EPISODE_FIELDS = [
    "level_of_care",
    "contact_type",
    "place",
    "place_detail",
    "specialty",
    "professions",
    "admitted_at",
    "main_diagnosis",
    "secondary_diagnoses",
    "procedure_codes",
    "plan_status",
]
DISCHARGE_FIELDS = [
    "discharged_at",
    "plan_status",
    "course",
    "recommendations",
]
SUMMARY_SENT_FIELDS = ["summary_sent_to", "summary_sent_on"]


def _has_right(referral: Referral) -> bool:
    """An episode follows from a referral assessed with a right to necessary specialist health care."""
    assessment = getattr(referral, "assessment", None)
    return assessment is not None and assessment.right == RightStatus.RIGHT


@transaction.atomic
def start_episode(
    *,
    actor: User | None,
    person: Person,
    unit: Organisation,
    data: dict[str, Any],
    referral: Referral | None = None,
) -> Episode:
    """The unit's episode staff start an episode of care: from a referral the unit assessed with a right, or
    for a person found by identity number."""
    authorise(actor, Action.EPISODE_WRITE, unit)
    if referral is not None and not _has_right(referral):
        raise ValidationError(_("An episode follows from a referral assessed with a right to care."))
    episode = Episode(person=person, unit=unit, referral=referral, started_by=actor)
    episode.starter_name, _role, _organisation = describe_actor(actor)
    assign(episode, EPISODE_FIELDS, data)
    return save_new(
        episode,
        actor=actor,
        action=AuditAction.EPISODE_START,
        fields=["unit", "referral", *EPISODE_FIELDS],
        person_id=person.pk,
    )


@transaction.atomic
def update_episode(
    *, actor: User | None, episode: Episode, data: dict[str, Any], expected_version: int
) -> Episode:
    """Change what the episode was and how it is coded; a stale form is a conflict, never an overwrite."""
    authorise(actor, Action.EPISODE_WRITE, episode)
    return save_change(
        episode,
        actor=actor,
        action=AuditAction.EPISODE_UPDATE,
        fields=EPISODE_FIELDS,
        data=data,
        expected_version=expected_version,
        person_id=episode.person_id,
    )


HANDOVER_NEEDS = ("needs_plan", "needs_coordinator", "needs_child_coordinator")


@transaction.atomic
def discharge(
    *,
    actor: User | None,
    episode: Episode,
    data: dict[str, Any],
    expected_version: int,
    handover: dict[str, Any] | None = None,
) -> Episode:
    """Discharge the person: the discharge summary is written (the PDF is ready to send; that it was sent is
    recorded when it has been, `record_summary_sent`), the person's coordinator is told it is there to read,
    and, for an inpatient who will need long-term, coordinated services, a report of need goes to the
    coordinating unit of the person's municipality, in the same step.

    `handover` holds the report's content (the needs, the description, the consent to report): the report is
    made by the intake's own service, with the episode's staff member as reporter and the unit as their
    organisation."""
    authorise(actor, Action.EPISODE_WRITE, episode)
    episode = Episode.objects.select_for_update().select_related("person", "unit").get(pk=episode.pk)
    if not episode.is_open:
        raise ValidationError(_("This episode has already been discharged."))
    if handover is not None and episode.level_of_care != LevelOfCare.INPATIENT:
        raise ValidationError(_("A report of need is sent at discharge for an inpatient."))

    def discharged(episode: Episode) -> None:
        episode.discharged_by = actor
        episode.discharger_name, _role, _organisation = describe_actor(actor)

    episode = save_change(
        episode,
        actor=actor,
        action=AuditAction.EPISODE_DISCHARGE,
        fields=DISCHARGE_FIELDS,
        data=data,
        apply=discharged,
        expected_version=expected_version,
        person_id=episode.person_id,
        locked=True,
    )
    if handover is not None:
        episode = _hand_over(actor, episode, handover)
    _tell_coordinators(episode)
    return episode


@transaction.atomic
def record_summary_sent(*, actor: User | None, episode: Episode, sent_to: str, sent_on: date) -> Episode:
    """The discharge summary was sent to the GP (or the referrer): to whom and on which day, as the one who
    sent it says. There is no messaging network here, so nothing is recorded as sent before someone has sent
    it; recorded again, it corrects the record (both in the audit log)."""
    authorise(actor, Action.EPISODE_WRITE, episode)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.discharged_at is None:
        raise ValidationError(_("The discharge summary is sent after the discharge."))
    if not sent_to.strip():
        raise ValidationError({"summary_sent_to": _("Say to whom the discharge summary was sent.")})
    if sent_on > timezone.localdate():
        raise ValidationError(
            {"summary_sent_on": _("The date the discharge summary was sent cannot be in the future.")}
        )
    discharged_on = timezone.localdate(episode.discharged_at)
    if sent_on < discharged_on:
        raise ValidationError(
            {
                "summary_sent_on": _(
                    "The discharge summary is sent on or after the discharge (%(discharged)s)."
                )
                % {"discharged": f"{discharged_on:%d.%m.%Y}"}
            }
        )
    return save_change(
        episode,
        actor=actor,
        action=AuditAction.EPISODE_UPDATE,
        fields=SUMMARY_SENT_FIELDS,
        data={"summary_sent_to": sent_to.strip(), "summary_sent_on": sent_on},
        person_id=episode.person_id,
        locked=True,
    )


def _hand_over(actor: User | None, episode: Episode, handover: dict[str, Any]) -> Episode:
    """The report of need made by the intake's service, and linked to the episode: in the caller's
    transaction, so the discharge and the report stand or fall together."""
    if not any(handover.get(need) for need in HANDOVER_NEEDS):
        raise ValidationError(_("Say what the person needs: a plan, a coordinator or a child coordinator."))
    report: NeedReport = intake.report_need(
        actor=actor,
        person=episode.person,
        organisation=episode.unit,
        data={
            **{need: bool(handover.get(need)) for need in HANDOVER_NEEDS},
            "description": handover["description"],
            "consent_to_report": handover["consent_to_report"],
            "channel": ReportChannel.WRITTEN,
            "is_inpatient": True,
            "named_as": episode.person.full_name,
        },
    )
    return save_change(
        episode,
        actor=actor,
        action=AuditAction.EPISODE_HANDOVER,
        fields=["handover"],
        data={"handover": report},
        person_id=episode.person_id,
        locked=True,
        validate=False,
    )


def _tell_coordinators(episode: Episode) -> None:
    """The person's coordinators in office are told the discharge summary is there: the only part of the
    episode they read."""
    coordinators = policy.coordinators_in_office([episode.person_id]).get(episode.person_id, [])
    notices.tell(
        users=coordinators,
        key=f"discharge-summary-{episode.pk}",
        message=_("%(person)s has been discharged from %(unit)s: the discharge summary is ready to read."),
        params={"person": episode.person.full_name, "unit": episode.unit.name},
        url=reverse("episodes:discharge_summary", args=[episode.pk]),
        email=True,
        announce="notice",
    )
