"""Evaluations (goals rated on their attainment scales, summed up as the GAS T-score) and the plan's frozen
versions: the list, one version read from its snapshot, and two versions compared.

Thin: each view checks the policy through a selector (which logs the read), calls at most one service, and
renders. A version's snapshot is made readable in `version_display`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.assessments.gas import weights_for
from vegviser.audit.models import ReadPurpose
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.core.services import ConflictError

from .. import selectors, services, version_display
from ..forms.evaluations import EvaluationForm, VersionPickForm, level_label
from ..models import SCALE_FIELDS, Evaluation, Goal, IndividualPlan, MeasureStatus, PlanVersion

# Evaluations


@login_required
@submitted_once
def evaluation_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.PLAN_EDIT, purpose=ReadPurpose.PLAN_EVALUATION
    )
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
        Evaluation,
        user=request.user,
        pk=pk,
        action=Action.PLAN_VIEW_FULL,
        purpose=ReadPurpose.PLAN_EVALUATION,
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
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose=ReadPurpose.PLAN_VERSIONS
    )
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
        PlanVersion, user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose=ReadPurpose.PLAN_VERSION
    )
    plan = version.plan
    previous = _previous_version(version)
    context = {
        "plan": plan,
        "version": version,
        "previous": previous,
        "evaluation": Evaluation.objects.filter(plan_version=version).only("pk", "evaluated_on").first(),
        "frozen": version_display.frozen_plan(version.snapshot, hidden=_hidden_goals(request.user, plan)),
    }
    return render(request, "plans/version_detail.html", context)


@login_required
def version_compare(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.PLAN_VIEW_FULL, purpose=ReadPurpose.PLAN_VERSION_COMPARE
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
    changed, sections = version_display.compared(
        snapshots[older.pk], snapshots[newer.pk], hidden=_hidden_goals(request.user, plan)
    )
    context.update(older=older, newer=newer, changed=changed, sections=sections)
    return render(request, "plans/version_compare.html", context)
