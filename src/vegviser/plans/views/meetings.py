"""Meetings of the responsibility group (ansvarsgruppemøter): scheduling, the meeting page, minutes and their
approval, decisions, and the calendar invitation. Thin, like the plan views: the selectors check the policy
and log the read, the services write."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

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
from ..forms.meetings import DecisionForm, MeetingEditForm, MeetingForm
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
def meeting_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _meeting(request, pk, Action.PLAN_VIEW_FULL)
    plan = meeting.plan
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
            [goal for goal in decision.goals.all() if not (hide_private and selectors.is_private_goal(goal))],
            list(decision.measures.all()),
        )
        for decision in decisions
    ]
    may_edit = policy.can(request.user, Action.PLAN_EDIT, plan)
    now = timezone.now()
    open_minutes = meeting.minutes_approved_at is None and not meeting.cancelled
    context = {
        "plan": plan,
        "meeting": meeting,
        "invited": list(meeting.invited.order_by("kind", "name")),
        "decisions": decided,
        "may_edit": may_edit,
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
        action=Action.PLAN_VIEW_FULL,
        purpose=ReadPurpose.MEETING_INVITATION,
        channel=Channel.EXPORT,
    )
    url = request.build_absolute_uri(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}))
    response = HttpResponse(invitation(meeting, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response


# iCalendar (RFC 5545), written out here: a handful of properties does not warrant a dependency.

ICS_LINE_OCTETS = 75


def ics_text(value: str) -> str:
    """A TEXT value (§3.3.11): backslash, semicolon, comma and line breaks escaped, other control characters
    left out (they are not allowed in a value)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(char for char in value if char in "\n\t" or (ord(char) >= 32 and ord(char) != 127))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """§3.1: at most 75 octets a line; a longer one goes on in lines that begin with a space. Counted in UTF-8
    octets, and never inside a character, since clients join the octets back before decoding them."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > ICS_LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _param(value: str) -> str:
    """A quoted parameter value, which may hold anything but double quotes and control characters."""
    return '"' + "".join(c for c in value if c != '"' and ord(c) >= 32 and ord(c) != 127) + '"'


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation(meeting: Meeting, *, url: str, now: datetime | None = None) -> str:
    """The meeting as a VEVENT. Its summary is the same for every meeting and the person is not named, since a
    calendar is shared, synchronised and shown on locked screens; the meeting page holds the rest."""
    described = [_("Agenda, invitations and minutes (log in to read them): %(url)s") % {"url": url}]
    if meeting.place and meeting.video_link:
        described.insert(0, _("Video link: %(link)s") % {"link": meeting.video_link})
    description = "\n".join(described)
    # A calendar client replaces the event it has with the same UID and a higher SEQUENCE; the version grows
    # with every change, the cancellation included.
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vegviser//Individual plan//EN",
        "CALSCALE:GREGORIAN",
        # PUBLISH, not REQUEST: replies are not collected, and attendees are not listed (their names would
        # tell whose meeting it is).
        f"METHOD:{'CANCEL' if meeting.cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{meeting.pk}",
        f"SEQUENCE:{meeting.version}",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"CREATED:{_utc(meeting.created_at)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SUMMARY:{ics_text(_('Meeting of the responsibility group'))}",
        f"LOCATION:{ics_text(meeting.place or meeting.video_link)}",
        f"DESCRIPTION:{ics_text(description)}",
        f"URL:{url}",
        # Shared calendars show the time as busy, nothing more.
        "CLASS:PRIVATE",
        f"STATUS:{'CANCELLED' if meeting.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    organiser = meeting.created_by
    if organiser is not None and organiser.email:
        lines.append(f"ORGANIZER;CN={_param(organiser.display_name)}:mailto:{organiser.email}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(f"{ics_fold(line)}\r\n" for line in lines)
