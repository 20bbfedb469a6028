"""Reading instrument results: which a user may see, and each score's change over time."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import PlanRole
from vegviser.audit.models import ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.formats import signed_level
from vegviser.episodes.models import Episode
from vegviser.plans.models import (
    OPEN_STATUSES,
    Goal,
    GoalRating,
    GoalStatus,
    IndividualPlan,
    Measure,
    MeasureStatus,
)
from vegviser.registry.models import Person

from . import labels, progress
from .charts import Chart, chart
from .library import BASE_LANGUAGE, LANGUAGES, Instrument, MinimalImportantChange, instruments
from .models import Administration, RecordedScore, Schedule, SentQuestionnaire
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
    administration_id: uuid.UUID | None = None


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
    if administration.in_portal:
        parts.append(str(_("answered in the portal")))
    if administration.measure is not None:
        parts.append(administration.measure.title)
    episode = administration.episode
    if episode is not None:
        parts.append(f"{episode.unit.name} {timezone.localtime(episode.admitted_at):%d.%m.%Y}")
    return ", ".join(parts)


def _series(found: Instrument, score_code: str, subject: str, rows: list[RecordedScore]) -> Series:
    """One score's rows in date order, each with its change against the one before and the first."""
    mic = found.minimal_important_change(score_code)
    one = Series(
        code=score_code,
        subject=subject,
        label=labels.score_label(score_code),
        unit=labels.unit_label(rows[0].unit),
        decimals=labels.decimals(score_code),
        higher_is_better=found.higher_is_better.get(score_code),
        minimal_important_change=mic,
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
            administration_id=score.administration_id,
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
    return one


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
            one = _series(found, score_code, subject, rows)
            one.anchor = f"chart-{code}-{len(series)}"
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


# Questionnaires sent to the portal, and the professional's follow-up list.


def answerers(person: Person) -> list[User]:
    """Who answers questionnaires on the person's side today: the person from 16, or whoever acts for them
    under the portal's rules (see `policy.CONTRIBUTOR_ROLES`)."""
    candidates: list[User | None] = [person.user]
    candidates += [
        relation.relative.user
        for relation in person.relations.filter(
            kind__in=policy.REPRESENTING_KINDS, relative__user__isnull=False
        ).select_related("relative__user")
    ]
    found: dict[uuid.UUID, User] = {}
    for user in candidates:
        if (
            user is not None
            and user.is_active
            and policy.portal_role(user, person) in policy.CONTRIBUTOR_ROLES
        ):
            found.setdefault(user.pk, user)
    return list(found.values())


def portal_questionnaires(
    plan: IndividualPlan, language: str
) -> tuple[list[tuple[SentQuestionnaire, str]], list[tuple[SentQuestionnaire, str]]]:
    """The plan's questionnaires to answer (the first due first) and the answered ones (the newest first),
    each with its title. The caller has checked and logged the read."""
    sent = list(
        SentQuestionnaire.objects.filter(plan=plan)
        .filter(Q(administration__isnull=False) | Q(closed_at__isnull=True))
        .order_by("due_on", "created_at")
    )
    titles = {code: found.title(language) for code, found in instruments().items()}
    waiting = [(one, titles[one.instrument]) for one in sent if one.is_open]
    answered = sorted(
        ((one, titles[one.instrument]) for one in sent if not one.is_open),
        key=lambda pair: pair[0].answered_at or timezone.now(),
        reverse=True,
    )
    return waiting, answered


def answer_summary(user: User, sent: SentQuestionnaire, language: str) -> list[tuple[Series, ScoreRow]]:
    """Each score of the answered questionnaire with its change since the one before, as the results page
    computes it."""
    if sent.administration_id is None:
        return []
    found = []
    for result in plan_results(user, sent.plan, language):
        if result.instrument.code != sent.instrument:
            continue
        for series in result.series:
            found += [(series, row) for row in series.rows if row.administration_id == sent.administration_id]
    return found


@dataclass
class Sending:
    """What the results page shows of the questionnaires sent from the plan, each with its title."""

    waiting: list[tuple[SentQuestionnaire, str]]
    schedules: list[tuple[Schedule, str]]


def sending(plan: IndividualPlan, language: str) -> Sending:
    """The plan's open questionnaires and its running schedules; the caller has checked and logged the
    read."""
    titles = {code: found.title(language) for code, found in instruments().items()}
    waiting = SentQuestionnaire.objects.filter(plan=plan, administration__isnull=True, closed_at__isnull=True)
    schedules = Schedule.objects.filter(plan=plan, stopped_at__isnull=True)
    return Sending(
        waiting=[(one, titles[one.instrument]) for one in waiting.order_by("due_on")],
        schedules=[(one, titles[one.instrument]) for one in schedules.order_by("created_at")],
    )


class FollowUpKind:
    SCORE = "score"
    GOAL = "goal"
    OVERDUE = "overdue"


# What needs action first: a score that fell by at least its minimal important change is a person getting
# worse; a goal rated lower than last time is less sure; an unanswered questionnaire may be a busy week.
_FOLLOW_UP_ORDER = {FollowUpKind.SCORE: 0, FollowUpKind.GOAL: 1, FollowUpKind.OVERDUE: 2}


@dataclass
class FollowUpEntry:
    kind: str
    plan: IndividualPlan
    day: date
    # What fell or is waiting: an instrument's title and score, or a goal's text.
    what: str
    before: str = ""
    now: str = ""

    @property
    def order(self) -> tuple[int, int]:
        # Within a kind, the newest fall first; the longest waiting questionnaire first.
        days = self.day.toordinal()
        return (_FOLLOW_UP_ORDER[self.kind], days if self.kind == FollowUpKind.OVERDUE else -days)


def follow_up(*, user: User, language: str, today: date | None = None) -> list[FollowUpEntry]:
    """For the plans the user coordinates or takes part in with full access: who has not answered a
    questionnaire by its date, whose latest score fell by at least the minimal important change since the one
    before, and whose goal was rated lower than the time before; in the order that needs action first. A
    fixed number of queries however many plans; the persons listed are logged as read."""
    policy.require(user, policy.Action.ASSESSMENT_FOLLOW_UP)
    today = today or timezone.localdate()
    listed = list(
        policy.candidate_plans(user).filter(status__in=OPEN_STATUSES).select_related("person", "municipality")
    )
    policy.prepare_plan_roles(user, listed)
    plans = {
        plan.pk: plan
        for plan in listed
        if policy.plan_role(user, plan) in {PlanRole.COORDINATOR, PlanRole.FULL}
    }
    entries: list[FollowUpEntry] = []
    for sent in SentQuestionnaire.objects.filter(
        plan__in=list(plans), administration__isnull=True, closed_at__isnull=True, due_on__lt=today
    ):
        entries.append(
            FollowUpEntry(
                FollowUpKind.OVERDUE,
                plans[sent.plan_id],
                sent.due_on,
                instruments()[sent.instrument].title(language),
            )
        )
    with_change = {
        (code, mic.score) for code, found in instruments().items() for mic in found.minimal_important_changes
    }
    scores = (
        RecordedScore.objects.filter(
            administration__plan__in=list(plans), code__in={score for _code, score in with_change}
        )
        .select_related("administration__measure", "administration__episode__unit")
        .order_by("administration__administered_on", "administration__created_at", "position")
    )
    by_series: dict[tuple[uuid.UUID, str, str, str], list[RecordedScore]] = defaultdict(list)
    for score in scores:
        by_series[(score.administration.plan_id, score.instrument, score.code, score.subject)].append(score)
    for (plan_id, code, score_code, subject), rows in by_series.items():
        series = _series(instruments()[code], score_code, subject, rows)
        last = series.rows[-1]
        if len(series.rows) > 1 and last.previous_important and last.previous_direction == "worse":
            previous = series.rows[-2]
            entries.append(
                FollowUpEntry(
                    FollowUpKind.SCORE,
                    plans[plan_id],
                    last.administered_on,
                    f"{instruments()[code].title(language)}: {series.label}",
                    before=floatformat(previous.value, series.decimals),
                    now=floatformat(last.value, series.decimals),
                )
            )
    ratings = (
        GoalRating.objects.filter(goal__plan__in=list(plans), goal__status=GoalStatus.ACTIVE)
        .select_related("goal")
        .order_by("goal", "-created_at")
    )
    latest: dict[uuid.UUID, list[GoalRating]] = defaultdict(list)
    for rating in ratings:
        if len(latest[rating.goal_id]) < 2:
            latest[rating.goal_id].append(rating)
    for pair in latest.values():
        if len(pair) == 2 and pair[0].attainment < pair[1].attainment:
            newest, earlier = pair
            entries.append(
                FollowUpEntry(
                    FollowUpKind.GOAL,
                    plans[newest.goal.plan_id],
                    timezone.localdate(newest.created_at),
                    newest.goal.text,
                    before=signed_level(earlier.attainment),
                    now=signed_level(newest.attainment),
                )
            )
    entries.sort(key=lambda entry: (*entry.order, entry.plan.person.family_name))
    record_access(
        actor=user,
        person_ids={entry.plan.person_id for entry in entries},
        object_type="plans.individualplan",
        purpose=ReadPurpose.FOLLOW_UP,
    )
    return entries


# Progress over time: each goal's ratings as a chart.


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
