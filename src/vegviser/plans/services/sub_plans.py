"""Plans kept elsewhere (at school, in hospital) that the individual plan links to and never copies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from vegviser.audit.models import AuditAction
from vegviser.audit.services import record_change, save_new, snapshot
from vegviser.core.services import assign

from ..models import IndividualPlan, SubPlan
from ._write import _plan_write

if TYPE_CHECKING:
    from vegviser.accounts.models import User

SUB_PLAN_FIELDS = ["kind", "title", "held_by", "reference"]


@transaction.atomic
def link_sub_plan(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> SubPlan:
    with _plan_write(actor, plan):
        sub_plan = SubPlan(plan=plan)
        assign(sub_plan, SUB_PLAN_FIELDS, data)
        return save_new(
            sub_plan,
            actor=actor,
            action=AuditAction.PLAN_SUBPLAN_LINK,
            fields=SUB_PLAN_FIELDS,
            person_id=plan.person_id,
        )


@transaction.atomic
def unlink_sub_plan(*, actor: User | None, sub_plan: SubPlan) -> None:
    with _plan_write(actor, sub_plan.plan):
        record_change(
            actor=actor,
            action=AuditAction.PLAN_SUBPLAN_UNLINK,
            obj=sub_plan,
            before=snapshot(sub_plan, SUB_PLAN_FIELDS),
            person_id=sub_plan.plan.person_id,
        )
        sub_plan.delete()
