from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.accounts.models import User
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.documents import document_in_language, document_language
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted, render_page
from vegviser.core.once import submitted_once
from vegviser.registry import selectors as registry_selectors
from vegviser.registry.models import MembershipRole, Organisation
from vegviser.registry.services import find_or_register_person

from . import selectors, services
from .forms import (
    AppointCoordinatorForm,
    AssignForm,
    DecisionForm,
    EndCoordinatorForm,
    InterimReplyForm,
    NeedReportForm,
)
from .models import CoordinatorAssignment, NeedReport, ReportStatus


@login_required
@submitted_once
def report_create(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.NEED_REPORT_CREATE)
    organisations = Organisation.objects.filter(
        memberships__user=request.user, memberships__active=True, active=True
    ).distinct()
    form = NeedReportForm(posted(request), organisations=organisations)
    earlier = None
    if request.method == "POST" and form.is_valid():
        # A report for the same person and need received lately is most likely this one sent again: the
        # reporter confirms before a second is stored, with everything typed still in the form.
        if request.POST.get("send_anyway") != "yes":
            earlier = selectors.likely_duplicate(
                user=request.user, national_id=form.cleaned_data["national_id"], data=form.cleaned_data
            )
        if earlier is None:
            report = _send_report(request, form)
            if report is not None:
                messages.success(
                    request,
                    _("The report was sent to the coordinating unit in %(municipality)s.")
                    % {"municipality": report.municipality.name},
                )
                return redirect("intake:my_reports")
    context = {"form": form, "earlier": earlier}
    return render(request, "intake/report_form.html", context)


def _send_report(request: AuthenticatedRequest, form: NeedReportForm) -> NeedReport | None:
    """The report stored, and the person registered if they were not; None, with the form told why, if not
    stored."""
    data = form.cleaned_data
    try:
        # Registering the person and sending the report stand or fall together.
        with transaction.atomic():
            person = find_or_register_person(
                actor=request.user,
                national_id=data["national_id"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                municipality=data["municipality"],
            )
            return services.report_need(
                actor=request.user,
                person=person,
                data={**data, "named_as": f"{data['given_name']} {data['family_name']}"},
                organisation=data["organisation"],
                municipality=data["municipality"],
            )
    except ValidationError as error:
        add_service_error(form, error)
        return None


@login_required
def my_reports(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.NEED_REPORT_CREATE)
    return render(request, "intake/my_reports.html", {"reports": selectors.reports_by(user=request.user)})


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    reports = selectors.queue(user=request.user, status=status)
    today = timezone.localdate()
    rows = [(report, report.age_in_days(today), report.is_overdue(today)) for report in reports]
    statuses = [("open", _("Open")), *ReportStatus.choices, ("all", _("All"))]
    context = {"rows": rows, "status": status, "statuses": statuses}
    return render_page(request, "intake/queue.html", context, part="intake/_queue.html")


def _unit_officers(report_municipality_id: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__active=True,
        memberships__role=MembershipRole.COORDINATING_UNIT_OFFICER,
        memberships__organisation__municipality_id=report_municipality_id,
    ).distinct()


@login_required
def report_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    report = selectors.get_report(user=request.user, pk=pk, action=Action.NEED_REPORT_VIEW_OWN)
    may_assess = policy.can(request.user, Action.NEED_REPORT_ASSESS, report)
    context = {
        "report": report,
        "may_assess": may_assess,
        "age": report.age_in_days(),
        "overdue": report.is_overdue(),
        "assign_form": AssignForm(
            initial={"officer": report.assigned_to}, officers=_unit_officers(report.municipality_id)
        )
        if may_assess
        else None,
        "decision_form": DecisionForm(
            report=report,
            initial={
                "plan_granted": report.needs_plan,
                "coordinator_granted": report.needs_coordinator,
                "child_coordinator_granted": report.needs_child_coordinator,
            },
        )
        if may_assess and report.is_open
        else None,
        "coordinators": selectors.coordinators_of(report.person) if may_assess else [],
        "interim_replies": list(report.interim_replies.all()) if may_assess else [],
        "may_send_interim_reply": may_assess and report.is_overdue(),
    }
    return render(request, "intake/report_detail.html", context)


@login_required
@require_POST
def report_assign(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    report = selectors.get_report(user=request.user, pk=pk)
    form = AssignForm(request.POST, officers=_unit_officers(report.municipality_id))
    if form.is_valid():
        try:
            services.assign_report(actor=request.user, report=report, officer=form.cleaned_data["officer"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report was assigned."))
    else:
        messages.error(request, _("Choose an officer of the coordinating unit."))
    return redirect("intake:report_detail", pk=report.pk)


@login_required
def report_decide(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    report = selectors.get_report(user=request.user, pk=pk)
    form = DecisionForm(posted(request), report=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_report(actor=request.user, report=report, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The decision was saved."))
            return redirect("intake:report_detail", pk=report.pk)
    return render(request, "intake/report_decide.html", {"report": report, "form": form})


def _letter(
    request: AuthenticatedRequest,
    report: NeedReport,
    template: str,
    context: dict[str, Any],
    *,
    pdf_name: str | None,
) -> HttpResponse:
    """A letter to the person, in their language where the UI has it (Bokmål otherwise), with the unit's
    contact details and the case number; as HTML, or as PDF under `pdf_name`."""
    language = document_language(report.person)
    context = {
        **context,
        "report": report,
        "unit": selectors.coordinating_unit_of(report),
        "letter_language": language,
        "as_pdf": pdf_name is not None,
    }
    return document_in_language(
        request,
        template,
        context,
        language=language,
        pdf_filename=pdf_name,
        translated=lambda: {"requested": get_text_list(report.requested(), _("and"))},
    )


def _decision_letter(request: AuthenticatedRequest, pk: uuid.UUID, *, as_pdf: bool) -> HttpResponse:
    channel = Channel.PRINT if as_pdf else Channel.WEB
    report = selectors.get_report(user=request.user, pk=pk, channel=channel)
    if report.status not in (ReportStatus.DECIDED, ReportStatus.CLOSED):
        return redirect("intake:report_detail", pk=report.pk)
    decided = timezone.localtime(report.decided_at) if report.decided_at else None
    filename = f"vedtak-{decided:%Y-%m-%d}.pdf" if decided else "vedtak.pdf"
    context = {"coordinators": selectors.coordinators_of(report.person)}
    return _letter(
        request, report, "intake/decision_letter.html", context, pdf_name=filename if as_pdf else None
    )


@login_required
def decision_letter(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _decision_letter(request, pk, as_pdf=False)


@login_required
def decision_letter_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _decision_letter(request, pk, as_pdf=True)


@login_required
@submitted_once
def interim_reply(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    report = selectors.get_report(user=request.user, pk=pk)
    # Before 30 days the unit decides; an interim reply is not offered.
    if not report.is_overdue():
        return redirect("intake:report_detail", pk=report.pk)
    form = InterimReplyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.send_interim_reply(
                actor=request.user,
                report=report,
                reason=form.cleaned_data["reason"],
                decision_expected_on=form.cleaned_data["decision_expected_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The interim reply was saved. Print it or send it as PDF."))
            return redirect("intake:interim_letter", pk=reply.pk)
    return render(request, "intake/interim_reply_form.html", {"report": report, "form": form})


def _interim_letter(request: AuthenticatedRequest, pk: uuid.UUID, *, as_pdf: bool) -> HttpResponse:
    reply = selectors.get_interim_reply(
        user=request.user, pk=pk, channel=Channel.PRINT if as_pdf else Channel.WEB
    )
    filename = f"forelopig-svar-{timezone.localtime(reply.sent_at):%Y-%m-%d}.pdf"
    return _letter(
        request,
        reply.report,
        "intake/interim_letter.html",
        {"reply": reply},
        pdf_name=filename if as_pdf else None,
    )


@login_required
def interim_letter(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _interim_letter(request, pk, as_pdf=False)


@login_required
def interim_letter_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _interim_letter(request, pk, as_pdf=True)


@login_required
@require_POST
def report_close(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    report = selectors.get_report(user=request.user, pk=pk)
    try:
        services.close_report(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("intake:report_detail", pk=report.pk)
    messages.success(request, _("The report was closed."))
    return redirect("intake:queue")


@login_required
@submitted_once
def coordinator_appoint(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    person = registry_selectors.get_person(
        user=request.user, pk=pk, action=Action.COORDINATOR_APPOINT, purpose=ReadPurpose.COORDINATOR
    )
    form = AppointCoordinatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appoint_coordinator(
                actor=request.user,
                person=person,
                coordinator=data["coordinator"],
                organisation=data["organisation"],
                kind=data["kind"],
                started_on=data["started_on"],
                person_wishes=data["person_wishes"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The coordinator was appointed."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "intake/coordinator_form.html", {"person": person, "form": form})


@login_required
def coordinator_end(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    assignment = get_object_or_404(CoordinatorAssignment.objects.select_related("person"), pk=pk, active=True)
    policy.require(request.user, Action.COORDINATOR_APPOINT, assignment.person)
    record_access(
        actor=request.user, person_ids=[assignment.person_id], obj=assignment, purpose=ReadPurpose.COORDINATOR
    )
    form = EndCoordinatorForm(posted(request), initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_coordinator(
                actor=request.user,
                assignment=assignment,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The coordinator assignment was ended."))
            return redirect("registry:person_detail", pk=assignment.person_id)
    return render(request, "intake/coordinator_end.html", {"assignment": assignment, "form": form})
