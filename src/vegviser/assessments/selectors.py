"""Reading instrument results: which a user may see, and each score's change over time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import PlanRole
from vegviser.episodes.models import Episode
from vegviser.plans.models import Goal, GoalRating, IndividualPlan, Measure, MeasureStatus

from . import labels, progress
from .charts import Chart, chart
from .library import BASE_LANGUAGE, LANGUAGES, Instrument, MinimalImportantChange, instruments
from .models import Administration, RecordedScore
from .scoring import change

if TYPE_CHECKING:
    from vegviser.accounts.models import User


def visible_administrations(user: User, plan: IndividualPlan) -> QuerySet[Administration]:
    """The plan's administered instruments the user may read; the caller has checked ASSESSMENT_RESULTS.

    A participant with limited access reads those tied to the measures they are responsible for; a parent of
    a 12–15-year-old all but those tied to a measure that serves a goal the young person keeps private."""
    administrations = Administration.objects.filter(plan=plan)
    role = policy.plan_role(user, plan)
    if role == PlanRole.LIMITED:
        return administrations.filter(measure__responsible_participant__user=user)
    if role == PlanRole.PARENT_OF_YOUTH:
        private = Measure.objects.filter(
            Q(goals__private_to_parents=True) | Q(goals__parent__private_to_parents=True), plan=plan
        )
        return administrations.exclude(measure__in=private)
    if role is None:
        return administrations.none()
    return administrations


@dataclass
class ScoreRow:
    """One score on one day, with its change against the one before and the first."""

    administered_on: date
    value: float | None
    value_code: str
    recorded_by: str
    context: str
    since_previous: float | None = None
    since_first: float | None = None
    # Whether the change reaches the minimal important change; None where there is none to compare with.
    previous_important: bool | None = None
    first_important: bool | None = None
    # "better" or "worse" by the score's own direction; "" for no change, or a score without an order.
    previous_direction: str = ""
    first_direction: str = ""


@dataclass
class Series:
    """One score of one instrument over time (for IPLOS, one variable)."""

    code: str
    subject: str
    label: str
    unit: str
    decimals: int
    higher_is_better: bool | None
    minimal_important_change: MinimalImportantChange | None
    rows: list[ScoreRow] = field(default_factory=list)
    # None for a score without an order (an EQ-5D-5L profile, an IPLOS variable): its table stands alone.
    chart: Chart | None = None
    # The chart's text alternative.
    summary: str = ""
    # The chart's id on the page.
    anchor: str = ""

    @property
    def heading(self) -> str:
        return f"{self.label}: {self.subject}" if self.subject else self.label

    def draw(self) -> None:
        """Give the series its chart and the chart's words, where its values can be drawn."""
        values = [(row.administered_on, row.value) for row in self.rows if row.value is not None]
        if self.higher_is_better is None or not values or len(values) < len(self.rows):
            return
        mic = self.minimal_important_change
        self.chart = chart(
            values,
            bounds=labels.score_range(self.code),
            decimals=self.decimals,
            band_around_first=mic.value if mic is not None else None,
        )
        self.summary = progress.summary(self.heading, values, self.decimals)


@dataclass
class InstrumentResults:
    instrument: Instrument
    title: str
    series: list[Series]


def _important(difference: float | None, mic: MinimalImportantChange | None) -> bool | None:
    if difference is None or mic is None:
        return None
    # A little slack for floating point: a mean of 2.0 points is 2.0, not 1.9999999.
    return abs(difference) >= mic.value - 1e-9


def _direction(difference: float | None, higher_is_better: bool | None) -> str:
    """Whether a change is for the better: a higher Barthel Index is, a longer Timed Up and Go is not."""
    if difference is None or higher_is_better is None or abs(difference) < 1e-9:
        return ""
    return "better" if (difference > 0) == higher_is_better else "worse"


def _context(administration: Administration) -> str:
    """The measure and the episode of care the instrument was recorded in, where it names them."""
    parts = []
    if administration.measure is not None:
        parts.append(administration.measure.title)
    episode = administration.episode
    if episode is not None:
        parts.append(f"{episode.unit.name} {timezone.localtime(episode.admitted_at):%d.%m.%Y}")
    return ", ".join(parts)


def plan_results(user: User, plan: IndividualPlan, language: str) -> list[InstrumentResults]:
    """The results the user may read, per instrument in the library's order, each score in date order."""
    return results_of(visible_administrations(user, plan), language)


def printed_results(user: User, plan: IndividualPlan, language: str) -> list[InstrumentResults]:
    """The results the plan's printout shows: none where the reader may not read the plan's results, else
    those they may see. The print's one access record (the caller's read of the plan) covers them: a page
    logs each person it shows once."""
    if not policy.can(user, policy.Action.ASSESSMENT_RESULTS, plan):
        return []
    return plan_results(user, plan, language if language in LANGUAGES else BASE_LANGUAGE)


def episode_results(user: User, episode: Episode, language: str) -> list[InstrumentResults]:
    """The results recorded in the episode's context, from each plan whose results the user may read through
    the policy (a unit's clinician who takes part in the plan, say). The caller has checked that the user may
    read the episode and logged the read of the person, which covers these: a page logs each person once."""
    readable = Q(pk__in=[])
    for plan in IndividualPlan.objects.filter(administrations__episode=episode).distinct():
        if policy.can(user, policy.Action.ASSESSMENT_RESULTS, plan):
            readable |= Q(pk__in=visible_administrations(user, plan).filter(episode=episode).values("pk"))
    return results_of(Administration.objects.filter(readable), language)


def results_of(administrations: QuerySet[Administration], language: str) -> list[InstrumentResults]:
    """The scores of `administrations` (already those the reader may see) as series with their charts."""
    scores = (
        RecordedScore.objects.filter(administration__in=administrations)
        .select_related("administration__measure", "administration__episode__unit")
        .order_by("administration__administered_on", "administration__created_at", "position")
    )
    by_series: dict[tuple[str, str, str], list[RecordedScore]] = defaultdict(list)
    for score in scores:
        by_series[(score.instrument, score.code, score.subject)].append(score)
    results = []
    for code, found in instruments().items():
        series: list[Series] = []
        for (instrument_code, score_code, subject), rows in by_series.items():
            if instrument_code != code:
                continue
            mic = found.minimal_important_change(score_code)
            one = Series(
                code=score_code,
                subject=subject,
                label=labels.score_label(score_code),
                unit=labels.unit_label(rows[0].unit),
                decimals=labels.decimals(score_code),
                higher_is_better=found.higher_is_better.get(score_code),
                minimal_important_change=mic,
                anchor=f"chart-{code}-{len(series)}",
            )
            first: float | None = None
            previous: float | None = None
            for score in rows:
                row = ScoreRow(
                    administered_on=score.administration.administered_on,
                    value=score.value,
                    value_code=score.value_code,
                    recorded_by=score.administration.recorded_by_name,
                    context=_context(score.administration),
                )
                if score.value is not None:
                    if previous is not None and first is not None:
                        row.since_previous = change(previous, score.value)
                        row.since_first = change(first, score.value)
                        row.previous_important = _important(row.since_previous, mic)
                        row.first_important = _important(row.since_first, mic)
                        row.previous_direction = _direction(row.since_previous, one.higher_is_better)
                        row.first_direction = _direction(row.since_first, one.higher_is_better)
                    first = score.value if first is None else first
                    previous = score.value
                one.rows.append(row)
            one.draw()
            series.append(one)
        if series:
            series.sort(key=lambda item: (labels.score_order(item.code), item.subject))
            results.append(InstrumentResults(instrument=found, title=found.title(language), series=series))
    return results


def measures_for_recording(user: User, plan: IndividualPlan) -> QuerySet[Measure]:
    """The measures a recording may be tied to: all the plan's ongoing ones for the coordinator and a full
    participant, the user's own for a participant with limited access."""
    measures = plan.measures.exclude(status=MeasureStatus.STOPPED).order_by("starts_on", "created_at")
    if policy.plan_role(user, plan) == PlanRole.LIMITED:
        measures = measures.filter(responsible_participant__user=user, responsible_participant__active=True)
    return measures


def episodes_for_recording(user: User, plan: IndividualPlan) -> list[Episode]:
    """The person's episodes of care the user may read: a recording at a unit may name its episode."""
    episodes = (
        Episode.objects.filter(person_id=plan.person_id).select_related("unit").order_by("-admitted_at")
    )
    return [episode for episode in episodes if policy.can(user, policy.Action.EPISODE_VIEW, episode)]


@dataclass
class RatingRow:
    rated_on: date
    attainment: int
    level_text: str
    rated_by: str
    at_evaluation: bool


@dataclass
class GoalProgress:
    """One goal's attainment ratings over time, at evaluations and by the person between them."""

    goal: Goal
    rows: list[RatingRow]
    chart: Chart | None
    summary: str

    @property
    def anchor(self) -> str:
        return f"goal-chart-{self.goal.pk}"


def goal_progress(goals: list[Goal]) -> list[GoalProgress]:
    """Each of `goals` that has been rated, with its ratings in date order and their chart on the −2 to +2
    scale. The caller has checked and logged the read of the plan, and chosen the goals the reader may see."""
    ratings: dict[object, list[GoalRating]] = defaultdict(list)
    for rating in (
        GoalRating.objects.filter(goal__in=goals).select_related("evaluation").order_by("created_at")
    ):
        ratings[rating.goal_id].append(rating)
    found = []
    for goal in goals:
        if not ratings[goal.pk]:
            continue
        scale = dict(goal.scale())
        rows = sorted(
            (
                RatingRow(
                    rated_on=rating.evaluation.evaluated_on
                    if rating.evaluation is not None
                    else timezone.localdate(rating.created_at),
                    attainment=rating.attainment,
                    level_text=scale.get(rating.attainment, ""),
                    rated_by=rating.rated_by_name,
                    at_evaluation=rating.evaluation_id is not None,
                )
                for rating in ratings[goal.pk]
            ),
            key=lambda row: row.rated_on,
        )
        values = [(row.rated_on, float(row.attainment)) for row in rows]
        found.append(
            GoalProgress(
                goal=goal,
                rows=rows,
                chart=chart(values, bounds=(-2, 2), decimals=0, reference=0, signed=True),
                summary=progress.summary(goal.text, values, 0, signed=True),
            )
        )
    return found
