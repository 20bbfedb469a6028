"""The plan's instrument results, and recording an instrument from the plan.

Thin: each view reads the plan through the plans selector (the policy is asked and the read logged), calls
at most one service, and renders.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action, PlanRole
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import ReadPurpose
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.plans import selectors as plan_selectors

from . import selectors, services
from .forms import InstrumentForm, ScheduleForm, SendForm
from .labels import page_language
from .library import instruments
from .models import Schedule
from .scoring import ScoreError


@login_required
def plan_results(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = plan_selectors.get_plan(
        user=request.user, pk=pk, action=Action.ASSESSMENT_RESULTS, purpose=ReadPurpose.ASSESSMENT_RESULTS
    )
    limited = policy.plan_role(request.user, plan) == PlanRole.LIMITED
    content = plan_selectors.plan_content(user=request.user, plan=plan, linked_plans=False, history=False)
    context = {
        "plan": plan,
        "results": selectors.plan_results(request.user, plan, page_language()),
        "goals": selectors.goal_progress(content.goals),
        "may_record": policy.can(request.user, Action.ASSESSMENT_RECORD, plan),
        "limited": limited,
        "may_send": policy.can(request.user, Action.ASSESSMENT_SEND, plan),
        # A participant with limited access reads only what is tied to their measures: a questionnaire in
        # the portal is tied to none.
        "sending": None if limited else selectors.sending(plan, page_language()),
    }
    return render(request, "assessments/plan_results.html", context)


@login_required
def record_choose(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = plan_selectors.get_plan(
        user=request.user, pk=pk, action=Action.ASSESSMENT_RECORD, purpose=ReadPurpose.ASSESSMENT_RECORD
    )
    language = page_language()
    choices = [(found.code, found.title(language), found.licensed_text) for found in instruments().values()]
    return render(request, "assessments/record_choose.html", {"plan": plan, "choices": choices})


@login_required
@submitted_once
def record(request: AuthenticatedRequest, pk: uuid.UUID, code: str) -> HttpResponse:
    found = instruments().get(code)
    if found is None:
        raise Http404
    plan = plan_selectors.get_plan(
        user=request.user, pk=pk, action=Action.ASSESSMENT_RECORD, purpose=ReadPurpose.ASSESSMENT_RECORD
    )
    language = page_language()
    form = InstrumentForm(
        posted(request),
        instrument=found,
        language=language,
        measures=selectors.measures_for_recording(request.user, plan),
        episodes=selectors.episodes_for_recording(request.user, plan),
        measure_required=policy.plan_role(request.user, plan) == PlanRole.LIMITED,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_instrument(
                actor=request.user,
                plan=plan,
                instrument=found.code,
                administered_on=form.administered_on_value,
                response=form.questionnaire_response(),
                measure=form.cleaned_data.get("measure"),
                episode=form.cleaned_data.get("episode"),
            )
        except ScoreError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(instrument)s was recorded.") % {"instrument": found.title(language)}
            )
            return redirect("assessments:plan_results", pk=plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "instrument": found,
        "title": found.title(language),
        "licence_note": found.licence_note(language),
        "sections": form.sections(),
    }
    return render(request, "assessments/record_form.html", context)


def _plan_to_send_from(request: AuthenticatedRequest, pk: uuid.UUID) -> Any:
    return plan_selectors.get_plan(
        user=request.user, pk=pk, action=Action.ASSESSMENT_SEND, purpose=ReadPurpose.QUESTIONNAIRE_SEND
    )


@login_required
@submitted_once
def send(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Send a questionnaire to the person's portal once, to answer by a date."""
    plan = _plan_to_send_from(request, pk)
    language = page_language()
    form = SendForm(posted(request), language=language)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.send_questionnaire(
                actor=request.user,
                plan=plan,
                instrument=form.cleaned_data["instrument"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(instrument)s was sent to the portal, to answer by %(date)s.")
                % {
                    "instrument": instruments()[sent.instrument].title(language),
                    "date": f"{sent.due_on:%d.%m.%Y}",
                },
            )
            return redirect("assessments:plan_results", pk=plan.pk)
    return render(
        request,
        "assessments/send_form.html",
        {"plan": plan, "form": form, "title": _("Send a questionnaire to the portal")},
    )


@login_required
@submitted_once
def schedule(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Send a questionnaire to the person's portal every so many weeks until a date."""
    plan = _plan_to_send_from(request, pk)
    form = ScheduleForm(posted(request), language=page_language())
    if request.method == "POST" and form.is_valid():
        try:
            services.set_schedule(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The schedule is set. The person is told each time in the portal."))
            return redirect("assessments:plan_results", pk=plan.pk)
    return render(
        request,
        "assessments/send_form.html",
        {"plan": plan, "form": form, "title": _("Send a questionnaire regularly")},
    )


@login_required
@require_POST
def schedule_stop(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    current = plan_selectors.get_plan_item(
        Schedule,
        user=request.user,
        pk=pk,
        action=Action.ASSESSMENT_SEND,
        purpose=ReadPurpose.QUESTIONNAIRE_SEND,
    )
    plan = current.plan
    try:
        services.stop_schedule(actor=request.user, schedule=current)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The schedule is stopped. Questionnaires already sent can still be answered.")
        )
    return redirect("assessments:plan_results", pk=plan.pk)


@login_required
def follow_up(request: AuthenticatedRequest) -> HttpResponse:
    """Who has not answered, whose score or goal rating fell: across the plans the user follows up."""
    entries = selectors.follow_up(user=request.user, language=page_language())
    return render(request, "assessments/follow_up.html", {"entries": entries})
