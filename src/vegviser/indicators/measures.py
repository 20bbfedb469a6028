"""What each indicator counts, per municipality and age group, straight from the services' own rows.

Every function here answers for one period with the facts of each municipality and age group: counts
grouped and summed in the database, or (for medians and percentiles, which SQLite cannot aggregate) the day
counts of each case, worked out in the database and ordered in Python. The areas above a municipality are
added up from these in `tables`, so each query runs once for the whole country.

Nothing here is published as it is: `tables` suppresses small counts before anything leaves the server.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from vegviser.core.dates import start_of_day
from vegviser.intake.models import OVERDUE_AFTER_DAYS, CoordinatorAssignment, NeedReport
from vegviser.plans.models import IDLE_AFTER_DAYS, OPEN_STATUSES, Evaluation, Goal, GoalStatus, IndividualPlan

from .dimensions import Period, age_group_on

# (municipality number, age group, category); the category is "" except in a distribution.
Cell = tuple[str, str, str]

# The bins of the goal attainment T-score: ten points each, the scale's standard deviation under the
# method's assumptions (Kiresuk & Sherman 1968), centred on 50, the expected outcome.
T_SCORE_BINS: tuple[tuple[str, float | None, float | None], ...] = (
    ("<30", None, 30.0),
    ("30-39", 30.0, 40.0),
    ("40-49", 40.0, 50.0),
    ("50-59", 50.0, 60.0),
    ("60-69", 60.0, 70.0),
    (">=70", 70.0, None),
)


@dataclass
class Facts:
    """Counts per table and cell, and for a duration the day counts of each case per cell."""

    counts: dict[str, dict[Cell, int]] = field(default_factory=lambda: defaultdict(dict))
    samples: dict[Cell, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add_counts(
        self, table: str, rows: Iterable[dict[str, object]], *, category: str = "category"
    ) -> None:
        for row in rows:
            if row["area_code"] is None:
                continue
            cell = (str(row["area_code"]), str(row["age_group"]), str(row.get(category) or ""))
            self.counts[table][cell] = self.counts[table].get(cell, 0) + int(row["count"])  # type: ignore[call-overload]


def _grouped(queryset: QuerySet, *, distinct: str | None = None, category: bool = False) -> QuerySet:
    keys = ["area_code", "age_group", *(["category"] if category else [])]
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    return queryset.values(*keys).annotate(count=counted).order_by()


def _local_days(later: str, earlier: str) -> ExpressionWrapper:
    """Calendar days in Norway between two moments, in the database."""
    return ExpressionWrapper(
        TruncDate(later, tzinfo=timezone.get_current_timezone())
        - TruncDate(earlier, tzinfo=timezone.get_current_timezone()),
        output_field=DurationField(),
    )


def plans_in_force(day: date) -> QuerySet[IndividualPlan]:
    """Plans made active on or before `day` and not closed by its end. A paused plan counts: the model keeps
    no dates for pauses."""
    following = start_of_day(day + timedelta(days=1))
    return IndividualPlan.objects.filter(activated_at__lt=following).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=following)
    )


def persons_with_plan(period: Period, as_of: date) -> Facts:
    day = period.reference_day(as_of)
    plans = plans_in_force(day).annotate(
        # Where the person lives, or else the municipality leading the plan: the rate is per inhabitant.
        area_code=Coalesce("person__municipality", "municipality"),
        age_group=age_group_on("person__birth_date", day),
    )
    facts = Facts()
    facts.add_counts("numerator", _grouped(plans, distinct="person"))
    return facts


def persons_with_coordinator(period: Period, as_of: date) -> Facts:
    day = period.reference_day(as_of)
    assignments = CoordinatorAssignment.objects.filter(started_on__lte=day).filter(
        Q(ended_on__gte=day) | Q(ended_on__isnull=True, active=True)
    )
    assignments = assignments.annotate(
        area_code=Coalesce("person__municipality", "organisation__municipality"),
        age_group=age_group_on("person__birth_date", day),
    )
    facts = Facts()
    # A person with both a coordinator and a child coordinator counts once.
    facts.add_counts("numerator", _grouped(assignments, distinct="person"))
    return facts


def _samples(facts: Facts, rows: Iterable[tuple[object, str, timedelta]]) -> Facts:
    for municipality, age_group, days in rows:
        if municipality is not None:
            facts.samples[(str(municipality), age_group, "")].append(days.days)
    for cell, values in facts.samples.items():
        facts.counts["n"][cell] = len(values)
    return facts


def days_to_decision(period: Period, as_of: date) -> Facts:
    """Reports of need decided in the period, by the day of the decision."""
    start, end = period.bounds()
    reports = NeedReport.objects.filter(decided_at__gte=start, decided_at__lt=end).annotate(
        age_group=age_group_on("person__birth_date", period.reference_day(as_of)),
        days=_local_days("decided_at", "received_at"),
    )
    return _samples(Facts(), reports.values_list("municipality", "age_group", "days").order_by())


def days_to_coordinator(period: Period, as_of: date) -> Facts:
    """Coordinators appointed in the period on a report of need: the first appointment on each report."""
    earlier = CoordinatorAssignment.objects.filter(need_report=OuterRef("need_report")).filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__lt=OuterRef("pk"))
    )
    assignments = (
        CoordinatorAssignment.objects.filter(
            need_report__isnull=False, started_on__gte=period.start, started_on__lte=period.end
        )
        .exclude(Exists(earlier))
        .annotate(
            age_group=age_group_on("person__birth_date", period.reference_day(as_of)),
            received_on=TruncDate("need_report__received_at", tzinfo=timezone.get_current_timezone()),
            days=ExpressionWrapper(F("started_on") - F("received_on"), output_field=DurationField()),
        )
    )
    return _samples(
        Facts(), assignments.values_list("need_report__municipality", "age_group", "days").order_by()
    )


def decided_within_30_days(period: Period, as_of: date) -> Facts:
    """Reports received in the period: decided within 30 days of receipt, of those decided or whose 30 days
    have run out by `as_of` (a report still inside its 30 days has no outcome yet)."""
    start, end = period.bounds()
    limit = timedelta(days=OVERDUE_AFTER_DAYS)
    reports = (
        NeedReport.objects.filter(received_at__gte=start, received_at__lt=end)
        .filter(Q(decided_at__isnull=False) | Q(received_at__lt=start_of_day(as_of - limit)))
        .annotate(
            area_code=F("municipality"),
            age_group=age_group_on("person__birth_date", period.reference_day(as_of)),
            days=_local_days("decided_at", "received_at"),
        )
    )
    facts = Facts()
    denominator = reports.values("area_code", "age_group")
    facts.add_counts("denominator", denominator.annotate(count=Count("pk")).order_by())
    numerator = reports.filter(decided_at__isnull=False, days__lte=limit)
    facts.add_counts(
        "numerator",
        numerator.values("area_code", "age_group").annotate(count=Count("pk")).order_by(),
    )
    return facts


def revisions_on_time(period: Period, as_of: date) -> Facts:
    """Revision dates that fell due in the period (up to `as_of`), of plans not closed before them: each set
    by an evaluation, or for a plan never evaluated, the one it was made active with. Met when the plan was
    evaluated again on or before the date."""
    last = min(period.end, as_of)
    day = period.reference_day(as_of)
    evaluations = Evaluation.objects.filter(
        next_revision__gte=period.start, next_revision__lte=last, plan__activated_at__isnull=False
    ).filter(Q(plan__closed_at__isnull=True) | Q(plan__closed_at__date__gte=F("next_revision")))
    evaluations = evaluations.annotate(
        area_code=F("plan__municipality"),
        age_group=age_group_on("plan__person__birth_date", day),
        met=Exists(
            Evaluation.objects.filter(
                plan=OuterRef("plan"),
                evaluated_on__gt=OuterRef("evaluated_on"),
                evaluated_on__lte=OuterRef("next_revision"),
            )
        ),
    )
    never_evaluated = (
        IndividualPlan.objects.filter(
            activated_at__isnull=False, next_revision__gte=period.start, next_revision__lte=last
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=F("next_revision")))
        .exclude(Exists(Evaluation.objects.filter(plan=OuterRef("pk"))))
        .annotate(area_code=F("municipality"), age_group=age_group_on("person__birth_date", day))
    )
    facts = Facts()
    for queryset in (evaluations, never_evaluated):
        facts.add_counts(
            "denominator",
            queryset.values("area_code", "age_group").annotate(count=Count("pk")).order_by(),
        )
    facts.add_counts(
        "numerator",
        evaluations.filter(met=True).values("area_code", "age_group").annotate(count=Count("pk")).order_by(),
    )
    return facts


def goals_by_person(period: Period, as_of: date) -> Facts:
    """Plans in force at the period's end; those with a goal (not cancelled) the person wrote themselves,
    signed in as themselves, by then."""
    day = period.reference_day(as_of)
    following = start_of_day(day + timedelta(days=1))
    own_goal = Goal.objects.filter(
        plan=OuterRef("pk"),
        written_by__isnull=False,
        written_by=OuterRef("person__user"),
        created_at__lt=following,
    ).exclude(status=GoalStatus.CANCELLED)
    plans = plans_in_force(day).annotate(
        area_code=F("municipality"),
        age_group=age_group_on("person__birth_date", day),
        own=Exists(own_goal),
    )
    facts = Facts()
    group = ("area_code", "age_group")
    facts.add_counts("denominator", plans.values(*group).annotate(count=Count("pk")).order_by())
    facts.add_counts(
        "numerator", plans.filter(own=True).values(*group).annotate(count=Count("pk")).order_by()
    )
    return facts


def idle_plans(period: Period, as_of: date) -> Facts:
    """Open plans on `as_of`, and those without any change or note for more than 90 days (as the unit's
    overview flags them). Only the present can be counted: the last activity is kept, not its history."""
    facts = Facts()
    if not period.contains(as_of):
        return facts
    plans = IndividualPlan.objects.filter(status__in=OPEN_STATUSES).annotate(
        area_code=F("municipality"), age_group=age_group_on("person__birth_date", as_of)
    )
    group = ("area_code", "age_group")
    facts.add_counts("denominator", plans.values(*group).annotate(count=Count("pk")).order_by())
    idle = plans.filter(last_activity_at__lt=start_of_day(as_of - timedelta(days=IDLE_AFTER_DAYS)))
    facts.add_counts("numerator", idle.values(*group).annotate(count=Count("pk")).order_by())
    return facts


def _scored(period: Period, as_of: date) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(
        t_score__isnull=False, evaluated_on__gte=period.start, evaluated_on__lte=period.end
    ).annotate(
        area_code=F("plan__municipality"),
        age_group=age_group_on("plan__person__birth_date", period.reference_day(as_of)),
    )


def t_score_distribution(period: Period, as_of: date) -> Facts:
    """Evaluations in the period with a goal attainment T-score, by the T-score's bin."""
    bins = Case(
        *(
            When(
                Q(**({"t_score__gte": low} if low is not None else {}))
                & Q(**({"t_score__lt": high} if high is not None else {})),
                then=Value(label),
            )
            for label, low, high in T_SCORE_BINS
        ),
        output_field=CharField(),
    )
    rows = (
        _scored(period, as_of)
        .annotate(category=bins)
        .values("area_code", "age_group", "category")
        .annotate(count=Count("pk"))
        .order_by()
    )
    facts = Facts()
    facts.add_counts("numerator", rows)
    return facts


def t_score_at_least_50(period: Period, as_of: date) -> Facts:
    """Evaluations in the period with a T-score; those of 50 or more (every goal met as expected, or
    better)."""
    scored = _scored(period, as_of)
    group = ("area_code", "age_group")
    facts = Facts()
    facts.add_counts("denominator", scored.values(*group).annotate(count=Count("pk")).order_by())
    facts.add_counts(
        "numerator", scored.filter(t_score__gte=50).values(*group).annotate(count=Count("pk")).order_by()
    )
    return facts
