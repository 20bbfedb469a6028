"""The plan's goals, written by the coordinator with the person (element c)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign

from .. import versions
from ..models import Goal, IndividualPlan
from ._write import _plan_write

if TYPE_CHECKING:
    from vegviser.accounts.models import User

GOAL_FIELDS = [*versions.GOAL_FIELDS, "private_to_parents"]


def _next_goal_position(plan: IndividualPlan) -> int:
    return (plan.goals.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_goal(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Goal:
    with _plan_write(actor, plan):
        name, _role, _organisation = describe_actor(actor)
        position = _next_goal_position(plan)
        goal = Goal(
            plan=plan,
            written_by=actor,
            written_by_name=data.get("written_by_name") or name,
            position=position,
        )
        assign(goal, [f for f in GOAL_FIELDS if f != "written_by_name"], data)
        return save_new(
            goal, actor=actor, action=AuditAction.PLAN_GOAL_ADD, fields=GOAL_FIELDS, person_id=plan.person_id
        )


@transaction.atomic
def update_goal(*, actor: User | None, goal: Goal, data: dict[str, Any], expected_version: int) -> Goal:
    with _plan_write(actor, goal.plan):
        return save_change(
            goal,
            actor=actor,
            action=AuditAction.PLAN_GOAL_UPDATE,
            fields=[f for f in GOAL_FIELDS if f != "written_by_name"],
            data=data,
            expected_version=expected_version,
            person_id=goal.plan.person_id,
        )
