"""Evaluations (goals rated on their attainment scales, summed up as the GAS T-score) and the plan's frozen
versions: the list, one version read from its snapshot, and two versions compared.

Thin: each view checks the policy through a selector (which logs the read), calls at most one service, and
renders. A snapshot is stored as plain JSON; the helpers at the end make it readable (names for ids, labels
for choices, dates as dates) without changing what is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.assessments.gas import weights_for
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.services import ConflictError
from vegviser.registry.models import Organisation

from .. import selectors, services, versions
from ..forms.evaluations import EvaluationForm, VersionPickForm, level_label, level_meaning, signed
from ..models import (
    ATTAINMENT_LEVELS,
    SCALE_FIELDS,
    Evaluation,
    Goal,
    IndividualPlan,
    Measure,
    MeasureStatus,
    PlanParticipant,
    PlanVersion,
)

# Evaluations


@login_required
def evaluation_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT, purpose="plan-evaluation")
    goals = services.active_goals(plan)
    measures = list(
        plan.measures.exclude(status=MeasureStatus.STOPPED)
        .select_related("responsible_participant", "responsible_organisation")
        .order_by("starts_on", "created_at")
    )
    form = EvaluationForm(
        posted(request),
        goals=goals,
        measures=measures,
        meetings=plan.meetings.filter(cancelled=False).order_by("-starts_at"),
        latest=selectors.latest_ratings(goals),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluate_plan(
                actor=request.user,
                plan=plan,
                evaluated_on=data["evaluated_on"],
                next_revision=data["next_revision"],
                ratings=form.ratings(),
                summary=data["summary"],
                measures_review=data["measures_review"],
                measure_statuses=form.measure_statuses(),
                meeting=data.get("meeting"),
            )
        except ConflictError:
            form.add_error(None, ConflictError.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The evaluation was saved, and the plan as it now stands was kept as version %(number)s.")
                % {"number": evaluation.plan_version.number},
            )
            return redirect("plans:evaluation_detail", pk=evaluation.pk)
    return render(request, "plans/evaluation_form.html", {"plan": plan, "form": form})


def _hidden_goals(user: Any, plan: IndividualPlan) -> set[str]:
    """The goals a parent of a 12–15-year-old may not read (those the young person keeps private, and their
    sub-goals), by id as a snapshot keys them. The snapshot does not store the flag, so today's is used."""
    if not selectors.hides_private_goals(user, plan):
        return set()
    private = Goal.objects.filter(plan=plan).filter(
        Q(private_to_parents=True) | Q(parent__private_to_parents=True)
    )
    return {str(pk) for pk in private.values_list("pk", flat=True)}


@dataclass
class RatingRow:
    goal: str
    baseline: str
    reached: str
    change: int
    comment: str
    weight: int | None
    rated_by: str

    @property
    def steps(self) -> int:
        return abs(self.change)


def _verdict(score: float | None) -> str:
    if score is None:
        return ""
    rounded = round(score, 1)
    if rounded == 50:
        return "expected"
    return "better" if rounded > 50 else "worse"


def _previous_version(version: PlanVersion) -> PlanVersion | None:
    """The version kept before this one, to compare with (only its id is needed)."""
    return (
        PlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number)
        .order_by("-number")
        .only("pk")
        .first()
    )


@login_required
def evaluation_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    evaluation: Evaluation = selectors.get_plan_item(
        Evaluation, user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose="plan-evaluation"
    )
    plan = evaluation.plan
    version = evaluation.plan_version
    # Baseline, weights and scale as they stood when the goals were rated, not as since edited.
    frozen_goals: dict[str, dict[str, Any]] = version.snapshot.get("goals", {})
    ratings = list(evaluation.ratings.select_related("goal").order_by("goal__position", "goal__created_at"))
    frozen = [(rating, frozen_goals.get(str(rating.goal_id)) or {}) for rating in ratings]
    weights = weights_for([(row.get("importance"), row.get("difficulty")) for _rating, row in frozen])
    hidden = _hidden_goals(request.user, plan)
    rows = []
    for rating, row in frozen:
        if str(rating.goal_id) in hidden:
            continue
        baseline = row.get("baseline", rating.goal.baseline)
        rows.append(
            RatingRow(
                goal=row.get("text") or rating.goal.text,
                baseline=level_label(None, baseline, row.get(SCALE_FIELDS[baseline], "")),
                reached=level_label(None, rating.attainment, row.get(SCALE_FIELDS[rating.attainment], "")),
                change=rating.attainment - baseline,
                comment=rating.comment,
                weight=row["importance"] * row["difficulty"] if weights is not None else None,
                rated_by=rating.rated_by_name,
            )
        )
    previous = _previous_version(version)
    context = {
        "plan": plan,
        "evaluation": evaluation,
        "version": version,
        "previous": previous,
        "rows": rows,
        "weighted": weights is not None,
        "verdict": _verdict(evaluation.t_score),
        "hidden_count": len(ratings) - len(rows),
        # The score sums up every goal rated, the private ones too: a parent who may not see those goals does
        # not get a number that counts them.
        "score_hidden": len(ratings) > len(rows),
    }
    return render(request, "plans/evaluation_detail.html", context)


# Versions


@login_required
def version_list(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose="plan-versions")
    plan_versions = list(plan.versions.defer("snapshot").select_related("created_by").order_by("-number"))
    evaluations = dict(
        Evaluation.objects.filter(plan_version__in=plan_versions).values_list("plan_version_id", "pk")
    )
    rows = [(version, evaluations.get(version.pk)) for version in plan_versions]
    form = VersionPickForm(versions=plan_versions)
    return render(request, "plans/version_list.html", {"plan": plan, "rows": rows, "form": form})


@login_required
def version_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    version: PlanVersion = selectors.get_plan_item(
        PlanVersion, user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose="plan-version"
    )
    plan = version.plan
    snapshot = _without(version.snapshot, _hidden_goals(request.user, plan))
    names = _names(snapshot)
    previous = _previous_version(version)
    context = {
        "plan": plan,
        "version": version,
        "previous": previous,
        "evaluation": Evaluation.objects.filter(plan_version=version).only("pk", "evaluated_on").first(),
        "frozen": FrozenPlan.read(snapshot, names),
    }
    return render(request, "plans/version_detail.html", context)


@login_required
def version_compare(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose="plan-version-compare"
    )
    plan_versions = list(plan.versions.defer("snapshot").order_by("-number"))
    known = {str(version.pk) for version in plan_versions}
    data = request.GET.copy()
    for name in ("older", "newer"):
        try:
            chosen = str(uuid.UUID(data.get(name, "")))
        except ValueError:
            continue  # missing or malformed: the form says so
        # A version of another plan is refused like any object the user may not see.
        if chosen not in known:
            raise Http404
        data[name] = chosen
    bound = "older" in request.GET or "newer" in request.GET
    form = VersionPickForm(data if bound else None, versions=plan_versions)
    context: dict[str, Any] = {"plan": plan, "form": form, "enough": len(plan_versions) >= 2}
    if not (bound and form.is_valid()):
        return render(request, "plans/version_compare.html", context, status=400 if bound else 200)
    older, newer = form.chosen()
    snapshots = dict(PlanVersion.objects.filter(pk__in=[older.pk, newer.pk]).values_list("pk", "snapshot"))
    hidden = _hidden_goals(request.user, plan)
    before, after = _without(snapshots[older.pk], hidden), _without(snapshots[newer.pk], hidden)
    comparison = versions.compare(before, after)
    names = _names(before, after)
    sections = [
        ShownSection.of(section, comparison.sections[section], names) for section in versions.SECTIONS
    ]
    plan_changes = [_shown_change(IndividualPlan, change, names) for change in comparison.plan]
    if plan_changes:
        title = str(SECTION_TITLES["plan"])
        sections.insert(0, ShownSection("plan", title, [], [ShownChange("", plan_changes)], []))
    context.update(older=older, newer=newer, changed=bool(comparison), sections=sections)
    return render(request, "plans/version_compare.html", context)


# A snapshot made readable


SECTION_MODELS: dict[str, type[models.Model]] = {
    "plan": IndividualPlan,
    "goals": Goal,
    "measures": Measure,
    "participants": PlanParticipant,
}
SECTION_TITLES = {
    "plan": gettext_lazy("The plan itself"),
    "goals": gettext_lazy("Goals"),
    "measures": gettext_lazy("Measures"),
    "participants": gettext_lazy("Participants"),
}
# Keys a snapshot stores beside the model's fields, and the field whose label they take.
ALIASES = {"organisation_name": "organisation"}
# A participant's organisation is stored both by id and by name; the name is the one shown.
NOT_SHOWN = {("participants", "organisation")}
LONG_TEXT = {"what_matters", "resources", "needs", "collaboration", "how", "contribution", "refusal_note"}


def _without(snapshot: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    """The snapshot without the hidden goals, also where a measure names them among the goals it serves."""
    if not hidden:
        return snapshot
    return {
        **snapshot,
        "goals": {key: row for key, row in snapshot.get("goals", {}).items() if key not in hidden},
        "measures": {
            key: {**row, "goals": [goal for goal in row.get("goals", []) if goal not in hidden]}
            for key, row in snapshot.get("measures", {}).items()
        },
    }


def _names(*snapshots: dict[str, Any]) -> dict[str, str]:
    """Names for the ids a snapshot holds: goals, participants and organisations."""
    names: dict[str, str] = {}
    organisations: set[str] = set()
    for snapshot in snapshots:
        for key, row in snapshot.get("goals", {}).items():
            names[key] = str(row.get("text", ""))
        for key, row in snapshot.get("participants", {}).items():
            names[key] = str(row.get("name", ""))
            if row.get("organisation") and row.get("organisation_name"):
                names[row["organisation"]] = str(row["organisation_name"])
        for row in snapshot.get("measures", {}).values():
            if row.get("responsible_organisation"):
                organisations.add(row["responsible_organisation"])
    unknown = [pk for pk in organisations - names.keys() if _is_uuid(pk)]
    for pk, name in Organisation.objects.filter(pk__in=unknown).values_list("pk", "name"):
        names[str(pk)] = name
    return names


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(ALIASES.get(name, name))
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model], name: str) -> str:
    model_field = _model_field(model, name)
    return capfirst(str(model_field.verbose_name)) if model_field is not None else name


def shown(model: type[models.Model], name: str, raw: Any, names: dict[str, str]) -> str:
    """A stored value as a reader should see it; "–" for nothing."""
    if raw is None or raw == "" or raw == []:
        return "–"
    model_field = _model_field(model, name)
    if model_field is None or name in ALIASES:
        return str(raw)
    if name == "baseline":
        return signed(int(raw))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if raw else _("No")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else str(raw)
    if isinstance(model_field, models.DateField):
        try:
            return date.fromisoformat(str(raw)).strftime("%d.%m.%Y")
        except ValueError:
            return str(raw)
    if model_field.is_relation:
        keys = raw if isinstance(raw, list) else [raw]
        return "; ".join(names.get(str(key), "–") for key in keys) or "–"
    return str(raw)


@dataclass
class Fact:
    label: str
    value: str
    long: bool = False


def _facts(
    model: type[models.Model],
    row: dict[str, Any],
    fields: list[str],
    names: dict[str, str],
    *,
    keep_empty: bool,
) -> list[Fact]:
    facts = []
    for name in fields:
        value = shown(model, name, row.get(name), names)
        if keep_empty or value != "–":
            facts.append(Fact(field_label(model, name), value, long=name in LONG_TEXT))
    return facts


@dataclass
class FrozenGoal:
    text: str
    facts: list[Fact]
    # (level, what it means for this goal, whether the goal started there)
    scale: list[tuple[str, str, bool]]
    sub_goals: list[FrozenGoal] = field(default_factory=list)
    sub: bool = False


@dataclass
class FrozenItem:
    title: str
    facts: list[Fact]


@dataclass
class FrozenPlan:
    """The plan as frozen: elements a and i, the period (g), goals with scales, measures, participants."""

    about: list[Fact]
    period: list[Fact]
    goals: list[FrozenGoal]
    measures: list[FrozenItem]
    participants: list[FrozenItem]

    @property
    def goal_list(self) -> list[FrozenGoal]:
        """Each main goal followed by its sub-goals."""
        return [shown for goal in self.goals for shown in (goal, *goal.sub_goals)]

    @classmethod
    def read(cls, snapshot: dict[str, Any], names: dict[str, str]) -> FrozenPlan:
        plan = snapshot.get("plan", {})
        goals = {key: cls._goal(row, names) for key, row in snapshot.get("goals", {}).items()}
        main: list[FrozenGoal] = []
        for key, row in snapshot.get("goals", {}).items():
            parent = row.get("parent")
            if parent and parent in goals:
                goals[key].sub = True
                goals[parent].sub_goals.append(goals[key])
            else:
                main.append(goals[key])
        measure_fields = [
            "scope",
            "responsible_participant",
            "responsible_organisation",
            "starts_on",
            "ends_on",
            "how",
            "status",
            "goals",
            "refusal_note",
        ]
        participant_fields = ["kind", "role", "organisation_name", "contribution", "access_level", "active"]
        return cls(
            about=_facts(
                IndividualPlan,
                plan,
                ["what_matters", "resources", "needs", "collaboration"],
                names,
                keep_empty=True,
            ),
            period=_facts(
                IndividualPlan,
                plan,
                ["status", "period_start", "period_end", "next_revision"],
                names,
                keep_empty=True,
            ),
            goals=main,
            measures=[
                FrozenItem(
                    str(row.get("title", "")), _facts(Measure, row, measure_fields, names, keep_empty=False)
                )
                for row in snapshot.get("measures", {}).values()
            ],
            participants=[
                FrozenItem(
                    str(row.get("name", "")),
                    _facts(PlanParticipant, row, participant_fields, names, keep_empty=False),
                )
                for row in snapshot.get("participants", {}).values()
            ],
        )

    @staticmethod
    def _goal(row: dict[str, Any], names: dict[str, str]) -> FrozenGoal:
        fields = ["status", "life_area", "target_date", "written_by_name", "importance", "difficulty"]
        baseline = row.get("baseline")
        scale = [
            (
                signed(level),
                str(row.get(SCALE_FIELDS[level]) or "").strip() or level_meaning(level),
                level == baseline,
            )
            for level in reversed(ATTAINMENT_LEVELS)
        ]
        return FrozenGoal(str(row.get("text", "")), _facts(Goal, row, fields, names, keep_empty=False), scale)


@dataclass
class ShownChange:
    label: str
    # (field label, before, after)
    fields: list[tuple[str, str, str]]


@dataclass
class ShownSection:
    key: str
    title: str
    added: list[str]
    changed: list[ShownChange]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @classmethod
    def of(cls, section: str, changes: versions.SectionChanges, names: dict[str, str]) -> ShownSection:
        model = SECTION_MODELS[section]
        changed = []
        for item in changes.changed:
            fields = [
                _shown_change(model, change, names)
                for change in item.fields
                if (section, change[0]) not in NOT_SHOWN
            ]
            if fields:
                changed.append(ShownChange(item.label, fields))
        return cls(
            key=section,
            title=str(SECTION_TITLES[section]),
            added=[item.label for item in changes.added],
            changed=changed,
            removed=[item.label for item in changes.removed],
        )


def _shown_change(
    model: type[models.Model], change: tuple[str, Any, Any], names: dict[str, str]
) -> tuple[str, str, str]:
    name, before, after = change
    return field_label(model, name), shown(model, name, before, names), shown(model, name, after, names)
