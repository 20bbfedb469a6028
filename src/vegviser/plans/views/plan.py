"""The plan page and the editing of its parts (elements a–i), the timeline, the print-out and the record
notice. Thin: each view checks the policy through a selector, calls one service, and renders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action, PlanRole
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.assessments import selectors as assessment_selectors
from vegviser.audit import selectors as audit_selectors
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.core.documents import document_in_language, document_language
from vegviser.core.editing import versioned_edit
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.registry import selectors as registry_selectors

from .. import page, selectors, services
from ..forms.plan import (
    ActivationForm,
    CloseForm,
    GoalForm,
    MeasureForm,
    NoteForm,
    ParticipantEditForm,
    ParticipantForm,
    PlanForm,
    RevisionForm,
    SubPlanForm,
)
from ..models import ELEMENTS, Goal, IndividualPlan, Measure, PlanParticipant, PlanStatus, SubPlan


def _to_plan(plan: IndividualPlan | uuid.UUID) -> HttpResponse:
    return redirect("plans:plan_detail", pk=plan.pk if isinstance(plan, IndividualPlan) else plan)


@login_required
@submitted_once
def plan_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Start the person's plan: a draft with the person and the coordinator in it."""
    person = registry_selectors.get_person(
        user=request.user, pk=pk, action=Action.PLAN_CREATE, purpose=ReadPurpose.PLAN
    )
    existing = IndividualPlan.objects.filter(person=person).exclude(status=PlanStatus.CLOSED).first()
    if request.method == "POST":
        try:
            plan = services.create_plan(actor=request.user, person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The plan was started as a draft."))
            return _to_plan(plan)
    return render(request, "plans/plan_create.html", {"person": person, "existing": existing})


@login_required
def plan_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk)
    content = selectors.plan_content(user=request.user, plan=plan)
    coordinator = content.role == PlanRole.COORDINATOR and plan.is_open
    today = timezone.localdate()
    editable_measures = {m.pk for m in content.measures if policy.can(request.user, Action.MEASURE_EDIT, m)}
    context = {
        "plan": plan,
        "content": content,
        "may_edit": coordinator,
        "may_note": policy.can(request.user, Action.PLAN_NOTE, plan),
        # The page's links follow the rules of the pages they lead to.
        "may_message": policy.can(request.user, Action.PLAN_MESSAGES, plan),
        "may_see_results": policy.can(request.user, Action.ASSESSMENT_RESULTS, plan),
        "may_see_log": policy.can(request.user, Action.PLAN_ACCESS_LOG, plan),
        "may_get_notice": policy.can(request.user, Action.RECORD_NOTICE, plan),
        "goal_cards": page.goal_cards(
            content,
            may_edit=coordinator,
            self_ratings=selectors.latest_self_ratings(content.goals) if content.whole else None,
        ),
        "measure_rows": page.measure_rows(content, editable=editable_measures),
        "participant_rows": page.participant_rows(content, may_edit=coordinator),
        "meetings": page.meetings(content, may_edit=coordinator),
        "evaluation_rows": page.evaluation_rows(content),
        "note_form": NoteForm(),
        "elements": ELEMENTS,
        "activated_without": [(letter, ELEMENTS[letter]) for letter in plan.activated_without],
        "activation_problems": services.activation_problems(
            consent=content.consent, has_coordinator=bool(content.coordinators)
        )
        if coordinator and plan.status != "active"
        else [],
        # Coming up: what is due from today, and anything overdue.
        "timeline": [entry for entry in selectors.timeline(content) if entry.day >= today or entry.overdue][
            :8
        ],
        "today": today,
        # Requests to take part, for the coordinator who answers them.
        "join_requests": selectors.pending_join_requests(plan) if coordinator else [],
        # Where the plan's municipality and a participant's health trust meet: their agreement in force.
        "collaboration_agreements": registry_selectors.agreements_for_participants(
            plan.municipality_id, content.participants
        ),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT)
    response = versioned_edit(
        request,
        form_class=PlanForm,
        instance=plan,
        save=lambda data, version: services.update_plan(
            actor=request.user, plan=plan, data=data, expected_version=version
        ),
        template="plans/plan_form.html",
        context={"plan": plan},
    )
    return response or _to_plan(plan)


def _status_sentence(status: str) -> str:
    # A whole sentence per status: a status name inserted into one sentence reads wrongly in every language.
    sentences = {
        PlanStatus.DRAFT: _("The plan is now a draft."),
        PlanStatus.ACTIVE: _("The plan is now active."),
        PlanStatus.PAUSED: _("The plan is now paused."),
        PlanStatus.CLOSED: _("The plan is now closed."),
    }
    return sentences[PlanStatus(status)]


@login_required
@require_POST
def plan_status(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT)
    changes: dict[str, Callable[..., IndividualPlan]] = {
        "activate": services.activate_plan,
        "pause": services.pause_plan,
    }
    change = changes.get(request.POST.get("to", ""))
    if change is None:
        messages.error(request, _("Choose what to do with the plan."))
        return _to_plan(plan)
    try:
        plan = change(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _status_sentence(plan.status))
    return _to_plan(plan)


@login_required
def plan_activate(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Making the plan active (or resuming it): what it still lacks, in the regulation's words, and the
    coordinator's decision to complete it first or go ahead, with the reason."""
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PAUSED):
        messages.info(request, _status_sentence(plan.status))
        return _to_plan(plan)
    content = selectors.plan_content(user=request.user, plan=plan, linked_plans=False, history=False)
    form = ActivationForm(posted(request), incomplete=bool(content.missing))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.activate_plan(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
            # What the plan lacks may have changed since the page was opened: the page shows it as it is now.
            content = selectors.plan_content(user=request.user, plan=plan, linked_plans=False, history=False)
        else:
            messages.success(request, _status_sentence(plan.status))
            return _to_plan(plan)
    context = {
        "plan": plan,
        "form": form,
        "missing": content.missing,
        "problems": services.activation_problems(
            consent=content.consent, has_coordinator=bool(content.coordinators)
        ),
    }
    return render(request, "plans/plan_activate.html", context)


@login_required
def plan_close(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT)
    form = CloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.close_plan(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The plan was closed."))
            return _to_plan(plan)
    return render(
        request, "plans/simple_form.html", _simple(plan, form, _("Close the plan"), _("Close the plan"))
    )


def _simple(plan: IndividualPlan, form: Any, title: str, submit: str, intro: str = "") -> dict[str, Any]:
    return {"plan": plan, "form": form, "title": title, "submit": submit, "intro": intro}


@login_required
@submitted_once
def plan_revise(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT)
    form = RevisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.revise_plan(actor=request.user, plan=plan, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Version %(number)s of the plan was saved.") % {"number": version.number}
            )
            return _to_plan(plan)
    intro = _(
        "A revision freezes the plan as it now stands as a new version, which can be compared with others."
    )
    return render(
        request, "plans/simple_form.html", _simple(plan, form, _("Revise the plan"), _("Save version"), intro)
    )


def _add_item(
    request: AuthenticatedRequest,
    pk: uuid.UUID,
    *,
    form_class: type[Any],
    add: Callable[..., Any],
    title: str,
    done: str,
    with_plan: bool = True,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """Add a participant, goal, measure or linked plan: form, service, message, and back to the plan."""
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT)
    form = form_class(posted(request), initial=initial, **({"plan": plan} if with_plan else {}))
    if request.method == "POST" and form.is_valid():
        try:
            add(actor=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return _to_plan(plan)
    return render(request, "plans/item_form.html", {"plan": plan, "form": form, "title": title})


@login_required
@submitted_once
def participant_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_item(
        request,
        pk,
        form_class=ParticipantForm,
        add=services.add_participant,
        title=_("Add a participant"),
        done=_("The participant was added."),
    )


@login_required
def participant_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    participant = selectors.get_plan_item(PlanParticipant, user=request.user, pk=pk)
    response = versioned_edit(
        request,
        form_class=ParticipantEditForm,
        instance=participant,
        save=lambda data, version: services.update_participant(
            actor=request.user, participant=participant, data=data, expected_version=version
        ),
        template="plans/item_form.html",
        context={"plan": participant.plan, "title": _("Edit %(name)s") % {"name": participant.name}},
    )
    return response or _to_plan(participant.plan_id)


@login_required
@require_POST
def participant_end(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    participant = selectors.get_plan_item(PlanParticipant, user=request.user, pk=pk)
    try:
        services.end_participation(actor=request.user, participant=participant, left_on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s no longer takes part in the plan.") % {"name": participant.name}
        )
    return _to_plan(participant.plan_id)


@login_required
@submitted_once
def goal_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_item(
        request,
        pk,
        form_class=GoalForm,
        add=services.add_goal,
        title=_("Add a goal"),
        done=_("The goal was added."),
        initial={"parent": request.GET.get("parent") or None},
    )


@login_required
def goal_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    goal = selectors.get_plan_item(Goal, user=request.user, pk=pk)
    response = versioned_edit(
        request,
        form_class=GoalForm,
        instance=goal,
        form_kwargs={"plan": goal.plan},
        save=lambda data, version: services.update_goal(
            actor=request.user, goal=goal, data=data, expected_version=version
        ),
        template="plans/item_form.html",
        context={"plan": goal.plan, "title": _("Edit the goal")},
    )
    return response or _to_plan(goal.plan_id)


@login_required
@submitted_once
def measure_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_item(
        request,
        pk,
        form_class=MeasureForm,
        add=services.add_measure,
        title=_("Add a measure"),
        done=_("The measure was added."),
    )


@login_required
def measure_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    measure = selectors.get_plan_item(Measure, user=request.user, pk=pk, action=Action.MEASURE_EDIT)
    response = versioned_edit(
        request,
        form_class=MeasureForm,
        instance=measure,
        form_kwargs={"plan": measure.plan},
        save=lambda data, version: services.update_measure(
            actor=request.user, measure=measure, data=data, expected_version=version
        ),
        template="plans/item_form.html",
        context={"plan": measure.plan, "title": _("Edit the measure")},
    )
    return response or _to_plan(measure.plan_id)


@login_required
@submitted_once
def sub_plan_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_item(
        request,
        pk,
        form_class=SubPlanForm,
        add=services.link_sub_plan,
        title=_("Link a plan"),
        done=_("The plan was linked."),
        with_plan=False,
    )


@login_required
@require_POST
def sub_plan_remove(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    sub_plan = selectors.get_plan_item(SubPlan, user=request.user, pk=pk)
    services.unlink_sub_plan(actor=request.user, sub_plan=sub_plan)
    messages.success(request, _("The link was removed."))
    return _to_plan(sub_plan.plan_id)


@login_required
@require_POST
@submitted_once
def note_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_NOTE)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        messages.success(request, _("The note was added to the plan log."))
        return _to_plan(plan)
    # Nothing typed is lost: the note comes back with its message.
    return render(request, "plans/note_form.html", {"plan": plan, "form": form}, status=400)


@login_required
def plan_timeline(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, purpose=ReadPurpose.PLAN_TIMELINE)
    content = selectors.plan_content(user=request.user, plan=plan, linked_plans=False, history=False)
    return render(
        request,
        "plans/timeline.html",
        {"plan": plan, "entries": selectors.timeline(content), "today": timezone.localdate()},
    )


@login_required
def plan_access_log(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Who has seen the person's information, in plain words, newest first."""
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.PLAN_ACCESS_LOG, purpose=ReadPurpose.PLAN_ACCESS_LOG
    )
    reads = audit_selectors.reads_of_person(
        plan.person_id,
        own=[plan.person.user_id, request.user.pk],
        show_own=request.GET.get("own") == "1",
        page=request.GET.get("page", 1),
    )
    emergencies = plan.emergency_accesses.order_by("-granted_at")
    return render(
        request, "plans/access_log.html", {"plan": plan, "reads": reads, "emergencies": emergencies}
    )


@login_required
def my_plans(request: AuthenticatedRequest) -> HttpResponse:
    """The professional's own view across plans: what they do by when, and the plans they take part in."""
    plans = selectors.my_plans(user=request.user)
    entries = selectors.my_tasks(user=request.user, plans=plans)
    attention = selectors.coordinator_attention(user=request.user, plans=plans)
    context = {
        "plans": plans,
        "plan_rows": [(plan, role, attention.get(plan.pk)) for plan, role in plans],
        "entries": entries,
        "without_plan": selectors.coordinated_without_plan(
            user=request.user, listed=[plan for plan, _role in plans]
        ),
        "today": timezone.localdate(),
    }
    return render(request, "plans/mine.html", context)


def _print(request: AuthenticatedRequest, pk: uuid.UUID, *, as_pdf: bool) -> HttpResponse:
    """The whole plan, every element a–i, in the person's language: for the person and the team."""
    plan = selectors.get_plan(
        user=request.user,
        pk=pk,
        action=Action.PLAN_VIEW_FULL,
        purpose=ReadPurpose.PLAN_PRINT,
        channel=Channel.PRINT,
    )
    content = selectors.plan_content(user=request.user, plan=plan, history=False)
    language = document_language(plan.person)
    context = {
        "plan": plan,
        "content": content,
        "elements": ELEMENTS,
        "as_pdf": as_pdf,
        "document_language": language,
        "today": timezone.localdate(),
    }

    def progress() -> dict[str, Any]:
        # Worded and dated in the document's language: the charts' text alternatives and axes are made here.
        return {
            "results": assessment_selectors.printed_results(request.user, plan, language),
            "goal_progress": assessment_selectors.goal_progress(content.goals),
        }

    return document_in_language(
        request,
        "plans/plan_print.html",
        context,
        language=language,
        pdf_filename="individuell-plan.pdf" if as_pdf else None,
        translated=progress,
    )


@login_required
def plan_print(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _print(request, pk, as_pdf=False)


@login_required
def plan_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _print(request, pk, as_pdf=True)


def _record_notice(request: AuthenticatedRequest, pk: uuid.UUID) -> dict[str, Any]:
    """That the person has a plan and who the coordinator is: no plan content (the plan is not part of the
    patient record, but the record must say it exists)."""
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.RECORD_NOTICE, purpose=ReadPurpose.RECORD_NOTICE
    )
    coordinators = [
        {
            "kind": assignment.kind,
            "kind_label": str(assignment.get_kind_display()),
            "name": assignment.coordinator.display_name,
            "organisation": assignment.organisation.name,
            "phone": assignment.organisation.phone,
            "email": assignment.coordinator.email or assignment.organisation.email,
            "since": assignment.started_on.isoformat(),
        }
        for assignment in plan.person.coordinator_assignments.filter(active=True).select_related(
            "coordinator", "organisation"
        )
    ]
    return {
        "plan": plan,
        "notice": {
            "person": {
                "name": plan.person.full_name,
                "birth_date": plan.person.birth_date.isoformat() if plan.person.birth_date else None,
            },
            "has_individual_plan": True,
            "plan_status": plan.status,
            "plan_status_label": str(plan.get_status_display()),
            "plan_started": timezone.localdate(plan.created_at).isoformat(),
            "leading_municipality": plan.municipality.name,
            "coordinators": coordinators,
            "issued": timezone.localtime().isoformat(timespec="seconds"),
        },
    }


@login_required
def record_notice(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    context = _record_notice(request, pk)
    text = render(request, "plans/record_notice.txt", context, content_type="text/plain; charset=utf-8")
    if request.GET.get("download"):
        text["Content-Disposition"] = 'attachment; filename="journalnotat-individuell-plan.txt"'
    return text


@login_required
def record_notice_json(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    notice = _record_notice(request, pk)["notice"]
    return JsonResponse(notice, json_dumps_params={"ensure_ascii": False, "indent": 2})
