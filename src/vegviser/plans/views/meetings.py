"""Meetings of the responsibility group (ansvarsgruppemøter): scheduling, the meeting page, minutes and their
approval, decisions, and the calendar invitation. Thin, like the plan views: the selectors check the policy
and log the read, the services write."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.core.editing import versioned_edit
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once

from .. import selectors, services
from ..calendar import invitation
from ..forms.meetings import AnswerForm, DecisionForm, MeetingEditForm, MeetingForm
from ..forms.plan import MessageForm
from ..models import Goal, Meeting


def _to_meeting(meeting: Meeting) -> HttpResponse:
    return redirect("plans:meeting_detail", pk=meeting.pk)


def _meeting(request: AuthenticatedRequest, pk: uuid.UUID, action: Action = Action.PLAN_EDIT) -> Meeting:
    meeting: Meeting = selectors.get_plan_item(
        Meeting, user=request.user, pk=pk, action=action, purpose=ReadPurpose.MEETING
    )
    return meeting


@login_required
@submitted_once
def meeting_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_EDIT, purpose=ReadPurpose.MEETING)
    form = MeetingForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(actor=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was scheduled."))
            return _to_meeting(meeting)
    context = {"plan": plan, "form": form, "title": _("Schedule a meeting"), "submit": _("Schedule")}
    return render(request, "plans/meeting_form.html", context)


@login_required
@submitted_once
def meeting_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    # A post writes to the coordinator, or (naming the invitee) answers one: refused before the read is
    # logged, as any refusal is.
    writing = request.method == "POST"
    answering = writing and "invitee" in request.POST
    action = Action.MEETING_VIEW
    if writing:
        action = Action.PLAN_EDIT if answering else Action.MEETING_WRITE_COORDINATOR
    meeting = _meeting(request, pk, action)
    plan = meeting.plan
    # A limited participant, invited, reads the meeting but not the plan: the goals and measures a decision
    # is linked to, and minutes not yet approved, stay with those who read the whole plan.
    whole_plan = policy.can(request.user, Action.PLAN_VIEW_FULL, plan)
    may_write = policy.can(request.user, Action.MEETING_WRITE_COORDINATOR, meeting)
    may_edit = policy.can(request.user, Action.PLAN_EDIT, plan)
    form = MessageForm(posted(request) if writing and not answering else None)
    answer = AnswerForm(posted(request) if answering else None, meeting=meeting)
    sent = None
    if writing and not answering and form.is_valid():
        try:
            services.write_to_coordinator(actor=request.user, meeting=meeting, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            sent = _("Your message was sent to the coordinator.")
    if answering and answer.is_valid():
        try:
            services.answer_invitee(
                actor=request.user,
                meeting=meeting,
                invitee=answer.cleaned_data["invitee"],
                text=answer.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_error(answer, error)
        else:
            sent = _("Your answer was sent.")
    if sent:
        messages.success(request, sent)
        return _to_meeting(meeting)
    answered = answer.data.get("invitee") if answering else None
    answer_forms = []
    for thread in selectors.meeting_threads(user=request.user, meeting=meeting):
        # Each exchange has its own answer form, with ids of its own; the one posted keeps what was typed
        # and its errors.
        invitee = str(getattr(thread.invitee, "pk", ""))
        form_for = answer if answered == invitee else None
        if form_for is None:
            form_for = AnswerForm(None, meeting=meeting, initial={"invitee": invitee})
        form_for.auto_id = f"answer-{invitee}-%s"
        answer_forms.append((thread, form_for))
    shows_minutes = whole_plan or meeting.minutes_approved_at is not None
    # Decisions are part of the minutes: shown to a limited invitee once those are approved.
    decisions = list(
        meeting.decisions.prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("parent").order_by("position")),
            "measures",
        )
    )
    # From 12 to 15 a young person may keep goals from their parents; a decision does not reveal them.
    hide_private = selectors.hides_private_goals(request.user, plan)
    decided = [
        (
            decision,
            [goal for goal in decision.goals.all() if not (hide_private and selectors.is_private_goal(goal))]
            if whole_plan
            else [],
            list(decision.measures.all()) if whole_plan else [],
        )
        for decision in (decisions if shows_minutes else [])
    ]
    now = timezone.now()
    open_minutes = meeting.minutes_approved_at is None and not meeting.cancelled
    context = {
        "plan": plan,
        "meeting": meeting,
        "invited": list(meeting.invited.order_by("kind", "name")),
        "coordinators": policy.active_coordinators(request.user, plan.person),
        "decisions": decided,
        "shows_minutes": shows_minutes,
        "whole_plan": whole_plan,
        "may_edit": may_edit,
        "may_write": may_write,
        "form": form,
        "threads": answer_forms,
        "same_day": timezone.localdate(meeting.starts_at) == timezone.localdate(meeting.ends_at),
        "may_approve": may_edit
        and open_minutes
        and bool(meeting.minutes.strip())
        and meeting.starts_at <= now,
        "awaiting_minutes": may_edit and open_minutes,
        "may_cancel": may_edit and open_minutes,
    }
    return render(request, "plans/meeting_detail.html", context)


@login_required
def meeting_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _meeting(request, pk)
    if request.method != "POST" and meeting.minutes_approved_at is not None:
        # A form posted after the approval reaches the service, which refuses it and keeps what was typed.
        messages.error(request, services.MEETING_LOCKED)
        return _to_meeting(meeting)
    response = versioned_edit(
        request,
        form_class=MeetingEditForm,
        instance=meeting,
        form_kwargs={"plan": meeting.plan},
        save=lambda data, version: services.update_meeting(
            actor=request.user, meeting=meeting, data=data, expected_version=version
        ),
        template="plans/meeting_form.html",
        context={
            "plan": meeting.plan,
            "meeting": meeting,
            "title": _("Edit the meeting"),
            "submit": _("Save"),
        },
    )
    return response or _to_meeting(meeting)


@login_required
@require_POST
def meeting_approve(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.approve_minutes(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The minutes were approved."))
    return _to_meeting(meeting)


@login_required
@require_POST
def meeting_cancel(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.cancel_meeting(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting was cancelled."))
    return _to_meeting(meeting)


@login_required
@submitted_once
def meeting_decision_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _meeting(request, pk)
    if request.method != "POST" and meeting.minutes_approved_at is not None:
        messages.error(request, services.NO_DECISIONS_AFTER_APPROVAL)
        return _to_meeting(meeting)
    form = DecisionForm(posted(request), plan=meeting.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(
                actor=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                goals=form.cleaned_data["goals"],
                measures=form.cleaned_data["measures"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return _to_meeting(meeting)
    return render(
        request, "plans/decision_form.html", {"plan": meeting.plan, "meeting": meeting, "form": form}
    )


@login_required
def meeting_ics(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """The invitation as a calendar file, for anyone who may read the meeting. The file leaves the system, so
    the read is logged as an export, and it says nothing about the person or their health."""
    meeting = selectors.get_plan_item(
        Meeting,
        user=request.user,
        pk=pk,
        action=Action.MEETING_VIEW,
        purpose=ReadPurpose.MEETING_INVITATION,
        channel=Channel.EXPORT,
    )
    url = request.build_absolute_uri(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}))
    response = HttpResponse(invitation(meeting, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response
