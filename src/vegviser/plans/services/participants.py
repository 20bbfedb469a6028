"""Who takes part in the plan (elements b and d): the person, professionals, family and others."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vegviser.audit.models import AuditAction
from vegviser.audit.services import save_change, save_new
from vegviser.core.services import assign

from ..models import IndividualPlan, ParticipantKind, PlanParticipant
from ._write import _plan_write

if TYPE_CHECKING:
    from vegviser.accounts.models import User

PARTICIPANT_FIELDS = [
    "kind",
    "user",
    "organisation",
    "name",
    "role",
    "contribution",
    "access_level",
    "phone",
    "email",
    "joined_on",
]


def _add_participant_row(
    *, actor: User | None, plan: IndividualPlan, data: dict[str, Any]
) -> PlanParticipant:
    participant = PlanParticipant(plan=plan)
    assign(participant, PARTICIPANT_FIELDS, data)
    if (
        participant.kind == ParticipantKind.PROFESSIONAL
        and participant.user is not None
        and not participant.user.memberships.filter(
            organisation=participant.organisation, active=True
        ).exists()
    ):
        raise ValidationError({"user": _("The professional must be a member of the organisation chosen.")})
    if participant.user is not None and plan.participants.filter(user=participant.user, active=True).exists():
        raise ValidationError({"user": _("This user already takes part in the plan.")})
    save_new(
        participant,
        actor=actor,
        action=AuditAction.PLAN_PARTICIPANT_ADD,
        fields=PARTICIPANT_FIELDS,
        person_id=plan.person_id,
    )
    return participant


@transaction.atomic
def add_participant(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> PlanParticipant:
    with _plan_write(actor, plan):
        return _add_participant_row(actor=actor, plan=plan, data=data)


@transaction.atomic
def update_participant(
    *, actor: User | None, participant: PlanParticipant, data: dict[str, Any], expected_version: int
) -> PlanParticipant:
    with _plan_write(actor, participant.plan):
        return save_change(
            participant,
            actor=actor,
            action=AuditAction.PLAN_PARTICIPANT_UPDATE,
            fields=["role", "contribution", "access_level", "phone", "email"],
            data=data,
            expected_version=expected_version,
            person_id=participant.plan.person_id,
        )


@transaction.atomic
def end_participation(*, actor: User | None, participant: PlanParticipant, left_on: date) -> PlanParticipant:
    """Access that rested on the participation ends with this transaction; the measures keep their history."""
    with _plan_write(actor, participant.plan):
        if participant.kind == ParticipantKind.PERSON:
            raise ValidationError(_("The person the plan is for always takes part."))
        return save_change(
            participant,
            actor=actor,
            action=AuditAction.PLAN_PARTICIPANT_END,
            fields=["active", "left_on"],
            data={"active": False, "left_on": left_on},
            person_id=participant.plan.person_id,
        )
