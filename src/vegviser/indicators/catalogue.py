"""The indicator catalogue: each indicator's code, title and definition, what it counts and for which period.

Only indicators whose data exist in Vegviser are here; one whose data do not exist yet is absent, not shown
empty. Rates are crude: per 1 000 inhabitants of all ages, not age-standardised (the shipped municipality
data has the population of each municipality, not by age).

To add an indicator: write what it counts in `measures` (one query for the whole country, grouped by
municipality and age group), and describe it here with the kind of figure it gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import measures
from .dimensions import Period
from .measures import Facts


class Kind(models.TextChoices):
    RATE = "rate", _("Per 1 000 inhabitants (crude rate, not age-standardised)")
    SHARE = "share", _("Per cent")
    DURATION = "duration", _("Days: median and 90th percentile")
    DISTRIBUTION = "distribution", _("Number in each group")


@dataclass(frozen=True)
class Indicator:
    code: str
    title: Promise
    definition: Promise
    numerator: Promise
    denominator: Promise
    kind: Kind
    # The models the figures come from, as app_label.ModelName.
    sources: tuple[str, ...]
    period: Promise
    measure: Callable[[Period, date], Facts]

    @property
    def unit(self) -> Promise:
        return Kind(self.kind).label

    def __str__(self) -> str:
        return str(self.title)


IN_FORCE_AT_END = _(
    "Counted on the last day of the month, quarter or year (or today, in a period not yet ended); age on "
    "that day."
)
EVENTS_IN_PERIOD = _(
    "Counted in the month, quarter or year in which it happened; age on the period's last day."
)

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        code="IP-PER-1000",
        title=_("Persons with an individual plan, per 1 000 inhabitants"),
        definition=_(
            "Persons with an individual plan in force (made active and not closed; a paused plan counts) per "
            "1 000 inhabitants, by where the person lives, or else the municipality leading the plan. Crude "
            "rate: not age-standardised."
        ),
        numerator=_("Persons with an individual plan in force"),
        denominator=_("Inhabitants on 1 January 2024 (Statistics Norway, table 07459)"),
        kind=Kind.RATE,
        sources=("plans.IndividualPlan", "registry.Person", "registry.Municipality"),
        period=IN_FORCE_AT_END,
        measure=measures.persons_with_plan,
    ),
    Indicator(
        code="COORDINATOR-PER-1000",
        title=_("Persons with a coordinator, per 1 000 inhabitants"),
        definition=_(
            "Persons with a coordinator or a child coordinator (counted once) per 1 000 inhabitants, by "
            "where the person lives, or else the municipality of the coordinator's organisation. A "
            "coordinator is a right also without a plan. Crude rate: not age-standardised."
        ),
        numerator=_("Persons with a coordinator or a child coordinator"),
        denominator=_("Inhabitants on 1 January 2024 (Statistics Norway, table 07459)"),
        kind=Kind.RATE,
        sources=("intake.CoordinatorAssignment", "registry.Person", "registry.Municipality"),
        period=IN_FORCE_AT_END,
        measure=measures.persons_with_coordinator,
    ),
    Indicator(
        code="DAYS-TO-DECISION",
        title=_("Days from report of need to decision"),
        definition=_(
            "Calendar days from the day the coordinating unit received a report of need to the day it "
            "decided, for reports decided in the period: the median and the 90th percentile (interpolated "
            "between the two nearest cases, as PostgreSQL's percentile_cont)."
        ),
        numerator=_("Days from receipt to decision"),
        denominator=_("Reports of need decided in the period"),
        kind=Kind.DURATION,
        sources=("intake.NeedReport",),
        period=EVENTS_IN_PERIOD,
        measure=measures.days_to_decision,
    ),
    Indicator(
        code="DAYS-TO-COORDINATOR",
        title=_("Days from report of need to coordinator appointed"),
        definition=_(
            "Calendar days from the day the coordinating unit received a report of need to the day the first "
            "coordinator appointed on it started, for appointments in the period: the median and the 90th "
            "percentile (interpolated, as PostgreSQL's percentile_cont)."
        ),
        numerator=_("Days from receipt to the coordinator's start"),
        denominator=_("Coordinators appointed on a report of need in the period"),
        kind=Kind.DURATION,
        sources=("intake.NeedReport", "intake.CoordinatorAssignment"),
        period=EVENTS_IN_PERIOD,
        measure=measures.days_to_coordinator,
    ),
    Indicator(
        code="DECIDED-WITHIN-30-DAYS",
        title=_("Reports of need decided within 30 days"),
        definition=_(
            "Share of the reports of need received in the period that were decided within 30 calendar days "
            "of receipt. A report still undecided and inside its 30 days has no outcome yet and is left out."
        ),
        numerator=_("Reports decided within 30 days of receipt"),
        denominator=_("Reports received in the period, decided or older than 30 days"),
        kind=Kind.SHARE,
        sources=("intake.NeedReport",),
        period=_(
            "Counted in the month, quarter or year the report was received; age on the period's last day."
        ),
        measure=measures.decided_within_30_days,
    ),
    Indicator(
        code="REVISED-ON-TIME",
        title=_("Individual plans revised by their revision date"),
        definition=_(
            "Share of the revision dates falling due in the period (up to today) that were met: the plan was "
            "evaluated again on or before the date. A revision date is the next revision set at an "
            "evaluation, or for a plan never evaluated, the one it has. Plans closed before the date are "
            "left out."
        ),
        numerator=_("Revision dates met"),
        denominator=_("Revision dates falling due in the period"),
        kind=Kind.SHARE,
        sources=("plans.IndividualPlan", "plans.Evaluation"),
        period=_(
            "Counted in the month, quarter or year the revision fell due; age on the period's last day."
        ),
        measure=measures.revisions_on_time,
    ),
    Indicator(
        code="GOAL-BY-PERSON",
        title=_("Individual plans with a goal written by the person"),
        definition=_(
            "Share of the individual plans in force with at least one goal (not cancelled) that the person "
            "wrote themselves, signed in as themselves. Goals written for the person by a relative or a "
            "professional do not count. By the municipality leading the plan."
        ),
        numerator=_("Plans with a goal written by the person"),
        denominator=_("Individual plans in force"),
        kind=Kind.SHARE,
        sources=("plans.IndividualPlan", "plans.Goal", "registry.Person"),
        period=IN_FORCE_AT_END,
        measure=measures.goals_by_person,
    ),
    Indicator(
        code="IDLE-90-DAYS",
        title=_("Individual plans without activity for 90 days"),
        definition=_(
            "Share of the open individual plans (draft, active or paused) without any change or note for "
            "more than 90 days. By the municipality leading the plan. Only today can be counted: the last "
            "activity is kept, not its history."
        ),
        numerator=_("Open plans without activity for more than 90 days"),
        denominator=_("Open individual plans"),
        kind=Kind.SHARE,
        sources=("plans.IndividualPlan",),
        period=_("Counted today, in the period that contains today; age today."),
        measure=measures.idle_plans,
    ),
    Indicator(
        code="GAS-T-SCORE",
        title=_("Goal attainment T-scores at evaluation"),
        definition=_(
            "Evaluations of individual plans in the period with a goal attainment T-score (Kiresuk and "
            "Sherman), by T-score in groups of ten points: 50 means every goal met as expected. By the "
            "municipality leading the plan."
        ),
        numerator=_("Evaluations with a T-score in the group"),
        denominator=_("Evaluations with a T-score"),
        kind=Kind.DISTRIBUTION,
        sources=("plans.Evaluation", "plans.GoalRating", "plans.Goal"),
        period=_("Counted in the month, quarter or year of the evaluation; age on the period's last day."),
        measure=measures.t_score_distribution,
    ),
    Indicator(
        code="GAS-T-SCORE-50",
        title=_("Evaluations with goals met as expected or better"),
        definition=_(
            "Share of the evaluations of individual plans in the period with a goal attainment T-score of 50 "
            "or more: the goals, taken together, met as expected or better. By the municipality leading the "
            "plan."
        ),
        numerator=_("Evaluations with a T-score of 50 or more"),
        denominator=_("Evaluations with a T-score"),
        kind=Kind.SHARE,
        sources=("plans.Evaluation", "plans.GoalRating", "plans.Goal"),
        period=_("Counted in the month, quarter or year of the evaluation; age on the period's last day."),
        measure=measures.t_score_at_least_50,
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in CATALOGUE}


def indicator(code: str) -> Indicator:
    """The indicator with this code; KeyError for an unknown one."""
    return BY_CODE[code]
