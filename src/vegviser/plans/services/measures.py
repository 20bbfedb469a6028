"""The plan's measures (elements e and f): what is done, by whom, for which goals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import Action
from vegviser.audit.models import AuditAction
from vegviser.audit.services import record_change, save_change, save_new
from vegviser.core.services import assign

from .. import versions
from ..models import IndividualPlan, Measure
from ._write import _plan_write

if TYPE_CHECKING:
    from vegviser.accounts.models import User

MEASURE_FIELDS = versions.MEASURE_FIELDS


def _check_measure(plan: IndividualPlan, data: dict[str, Any]) -> None:
    participant = data.get("responsible_participant")
    if participant is not None and (participant.plan_id != plan.pk or not participant.active):
        raise ValidationError({"responsible_participant": _("Choose a participant in this plan.")})
    for goal in data.get("goals") or []:
        if goal.plan_id != plan.pk:
            raise ValidationError({"goals": _("Choose goals of this plan.")})


@transaction.atomic
def add_measure(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Measure:
    with _plan_write(actor, plan):
        _check_measure(plan, data)
        measure = Measure(plan=plan)
        assign(measure, MEASURE_FIELDS, data)
        save_new(
            measure,
            actor=actor,
            action=AuditAction.PLAN_MEASURE_ADD,
            fields=MEASURE_FIELDS,
            person_id=plan.person_id,
        )
        goals = list(data.get("goals") or [])
        measure.goals.set(goals)
        if goals:
            record_change(
                actor=actor,
                action=AuditAction.PLAN_MEASURE_GOALS,
                obj=measure,
                after={"goals": sorted(str(goal.pk) for goal in goals)},
                person_id=plan.person_id,
            )
        return measure


@transaction.atomic
def update_measure(
    *, actor: User | None, measure: Measure, data: dict[str, Any], expected_version: int
) -> Measure:
    with _plan_write(actor, measure.plan, action=Action.MEASURE_EDIT, on=measure):
        _check_measure(measure.plan, data)
        before_goals = sorted(str(pk) for pk in measure.goals.values_list("pk", flat=True))
        updated = save_change(
            measure,
            actor=actor,
            action=AuditAction.PLAN_MEASURE_UPDATE,
            fields=MEASURE_FIELDS,
            data=data,
            expected_version=expected_version,
            person_id=measure.plan.person_id,
        )
        if "goals" in data:
            after_goals = sorted(str(goal.pk) for goal in data["goals"])
            if after_goals != before_goals:
                updated.goals.set(data["goals"])
                record_change(
                    actor=actor,
                    action=AuditAction.PLAN_MEASURE_GOALS,
                    obj=updated,
                    before={"goals": before_goals},
                    after={"goals": after_goals},
                    person_id=measure.plan.person_id,
                )
        return updated
