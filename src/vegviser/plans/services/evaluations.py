"""Evaluations: goals rated on their attainment scales, measures reviewed, the next revision set."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.assessments.gas import t_score, weights_for
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new

from ..models import Evaluation, Goal, GoalRating, GoalStatus, IndividualPlan, Measure, Meeting, PlanVersion
from ._write import _plan_write
from .measures import update_measure
from .plan import _freeze_version

if TYPE_CHECKING:
    from vegviser.accounts.models import User


def plan_t_score(ratings: Iterable[tuple[Goal, int]]) -> float | None:
    """The plan's goal attainment T-score (Kiresuk–Sherman, ρ = 0.3) for the rated goals; `None` if none."""
    rated = list(ratings)
    if not rated:
        return None
    weights = weights_for([(goal.importance, goal.difficulty) for goal, _level in rated])
    return t_score([level for _goal, level in rated], weights)


@transaction.atomic
def evaluate_plan(
    *,
    actor: User | None,
    plan: IndividualPlan,
    evaluated_on: date,
    next_revision: date,
    ratings: dict[Goal, tuple[int, str]],
    summary: str = "",
    measures_review: str = "",
    measure_statuses: dict[Measure, str] | None = None,
    meeting: Meeting | None = None,
) -> Evaluation:
    """Rate goals on their scales, review the measures, set the next revision; freeze a version."""
    with _plan_write(actor, plan, lock=True) as plan:
        if evaluated_on > timezone.localdate():
            raise ValidationError({"evaluated_on": _("An evaluation cannot be dated in the future.")})
        if next_revision <= evaluated_on:
            raise ValidationError({"next_revision": _("The next revision must come after the evaluation.")})
        if not ratings:
            raise ValidationError(_("Rate at least one goal."))
        for goal, (level, _comment) in ratings.items():
            if goal.plan_id != plan.pk:
                raise ValidationError(_("Rate the goals of this plan."))
            if level not in (-2, -1, 0, 1, 2):
                raise ValidationError(_("Choose a level from −2 to +2."))
        for measure, status in (measure_statuses or {}).items():
            if measure.plan_id != plan.pk:
                raise ValidationError(_("Review the measures of this plan."))
            if measure.status != status:
                update_measure(
                    actor=actor, measure=measure, data={"status": status}, expected_version=measure.version
                )
        plan = save_change(
            plan,
            actor=actor,
            action=AuditAction.PLAN_UPDATE,
            fields=["next_revision"],
            data={"next_revision": next_revision},
            person_id=plan.person_id,
            locked=True,
            validate=False,
        )
        score = plan_t_score((goal, level) for goal, (level, _comment) in ratings.items())
        version = _freeze_version(
            actor=actor, plan=plan, reason=PlanVersion.Reason.EVALUATION, note=summary[:500]
        )
        evaluation = Evaluation(
            plan=plan,
            evaluated_on=evaluated_on,
            next_revision=next_revision,
            summary=summary,
            measures_review=measures_review,
            t_score=score,
            meeting=meeting,
            plan_version=version,
            evaluated_by=actor,
        )
        save_new(
            evaluation,
            actor=actor,
            action=AuditAction.PLAN_EVALUATE,
            fields=["evaluated_on", "next_revision", "t_score", "plan_version"],
            person_id=plan.person_id,
        )
        name, _role, _organisation = describe_actor(actor)
        GoalRating.objects.bulk_create(
            GoalRating(
                goal=goal,
                evaluation=evaluation,
                attainment=level,
                comment=comment,
                rated_by=actor,
                rated_by_name=name,
            )
            for goal, (level, comment) in ratings.items()
        )
        return evaluation


def active_goals(plan: IndividualPlan) -> list[Goal]:
    return [goal for goal in plan.goals.all() if goal.status in (GoalStatus.ACTIVE, GoalStatus.COMPLETED)]
