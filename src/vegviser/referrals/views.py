from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import Channel
from vegviser.core.documents import document_in_language, document_language
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted, render_page
from vegviser.core.once import submitted_once
from vegviser.core.uploads import document_response
from vegviser.registry.services import find_or_register_person

from . import selectors, services
from .forms import (
    AppointmentForm,
    AskReferrerForm,
    AssessmentForm,
    AttachmentForm,
    ReferralForm,
    shown_again,
)
from .models import Assessment, Referral, ReferralStatus, RightStatus, guide_for


@login_required
def work_list(request: AuthenticatedRequest) -> HttpResponse:
    show = request.GET.get("show", selectors.OPEN)
    sort = request.GET.get("sort", "deadline")
    if sort not in selectors.SORTS:
        sort = "deadline"
    referrals = selectors.work_list(user=request.user, show=show, sort=sort)
    today = timezone.localdate()
    rows = [
        (referral, referral.working_days_left(today), referral.is_overdue(today)) for referral in referrals
    ]
    filters = [
        (selectors.OPEN, _("Open")),
        (selectors.OVERDUE, _("Past the deadline")),
        *ReferralStatus.choices,
        (selectors.ALL, _("All")),
    ]
    # Each column sorts one way and, chosen again, the other.
    columns = [
        ("received", _("Received")),
        ("seniority", _("Seniority date")),
        ("deadline", _("Assessment deadline")),
    ]
    sorts = [
        (key, label, f"-{key}" if sort == key else key, sort.lstrip("-") == key) for key, label in columns
    ]
    context = {
        "rows": rows,
        "show": show,
        "sort": sort,
        "descending": sort.startswith("-"),
        "filters": filters,
        "sorts": sorts,
        "several_units": len(policy.referral_reader_units(request.user)) > 1,
        "may_register": bool(policy.referral_units(request.user)),
    }
    return render_page(request, "referrals/work_list.html", context, part="referrals/_work_list.html")


@login_required
@submitted_once
def referral_register(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.REFERRAL_REGISTER)
    form = ReferralForm(posted(request), units=selectors.clerk_units(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Registering the person and the referral stand or fall together.
            with transaction.atomic():
                person = find_or_register_person(
                    actor=request.user,
                    national_id=data["national_id"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    municipality=data["municipality"],
                )
                referral = services.register_referral(
                    actor=request.user,
                    person=person,
                    unit=data["receiving_unit"],
                    data={
                        **data,
                        "named_as": f"{data['given_name']} {data['family_name']}",
                        "diagnosis_codes": data["diagnoses"],
                    },
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The referral was registered. It must be assessed by %(deadline)s.")
                % {"deadline": referral.assessment_due_on.strftime("%d.%m.%Y")},
            )
            return redirect("referrals:work_list")
    return render(request, "referrals/referral_form.html", {"form": form})


@login_required
def referral_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.get_referral(user=request.user, pk=pk)
    today = timezone.localdate()
    context = {
        "referral": referral,
        "days_left": referral.working_days_left(today),
        "overdue": referral.is_overdue(today),
        "requests": list(referral.referrer_requests.all()),
        "may_ask": policy.can(request.user, Action.REFERRAL_ASK_REFERRER, referral),
        "attachments": list(referral.attachments.all()),
        "may_attach": policy.can(request.user, Action.REFERRAL_ATTACH, referral),
        "attachment_form": AttachmentForm(),
        "assessment": selectors.get_assessment(referral),
        "forwarded_as": selectors.forwarded_as(referral),
        "may_assess": policy.can(request.user, Action.REFERRAL_ASSESS, referral),
        "may_set_appointment": policy.can(request.user, Action.REFERRAL_APPOINTMENT, referral),
        "waiting_url": selectors.waiting_url(referral),
        # Episode staff of the unit start an episode of care from a referral assessed with a right.
        "may_start_episode": policy.can(request.user, Action.EPISODE_WRITE, referral.receiving_unit)
        and getattr(getattr(referral, "assessment", None), "right", "") == RightStatus.RIGHT,
    }
    return render(request, "referrals/referral_detail.html", context)


def _assessment_form(request: AuthenticatedRequest, referral: Referral) -> AssessmentForm:
    """The form, posted to be saved; or shown again with what was entered (to narrow the conditions, or to
    see the guide's deadline once a condition is chosen), its deadline prefilled with the guide's."""
    options: dict[str, Any] = {
        "referral": referral,
        "guide": guide_for(referral.receiving_unit, referral.person, timezone.localdate()),
        "units": selectors.forwarding_units(referral),
    }
    saving = request.method == "POST" and request.POST.get("step", "save") == "save"
    if not saving or request.htmx:
        if request.method != "POST":
            return AssessmentForm(**options)
        initial = shown_again(request.POST)
        form = AssessmentForm(initial=initial, **options)
        suggested = form.suggested_deadline
        # The guide's deadline goes in unless the clinician has set one of their own: one left as the last
        # suggestion follows the condition chosen now.
        if suggested and initial.get("care_deadline") in (None, "", initial.get("shown_suggestion")):
            form.initial["care_deadline"] = suggested.isoformat()
        if form.chosen and form.chosen.care_type and not initial.get("care_type"):
            form.initial["care_type"] = form.chosen.care_type
        return form
    return AssessmentForm(request.POST, **options)


@login_required
@submitted_once
def assess(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.get_referral(user=request.user, pk=pk, action=Action.REFERRAL_ASSESS)
    form = _assessment_form(request, referral)
    if form.is_bound and form.is_valid():
        try:
            assessment = services.assess_referral(
                actor=request.user, referral=referral, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _assessed_message(assessment))
            return redirect("referrals:referral_detail", pk=referral.pk)
    context = {"referral": referral, "form": form, "today": timezone.localdate()}
    if request.htmx:
        return render(request, "referrals/_assessment_guide.html", context)
    return render(request, "referrals/assessment_form.html", context)


@login_required
def appointment(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.get_referral(user=request.user, pk=pk, action=Action.REFERRAL_APPOINTMENT)
    assessment = selectors.get_assessment(referral)
    initial = {}
    if assessment is not None and assessment.appointment_at is not None:
        shown = timezone.localtime(assessment.appointment_at)
        initial = {"appointment_on": shown.date(), "appointment_time": shown.time()}
    form = AppointmentForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_appointment(
                actor=request.user, referral=referral, appointment_at=form.cleaned_data["appointment_at"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The appointment was saved. The letter to the person names it."))
            return redirect("referrals:referral_detail", pk=referral.pk)
    return render(request, "referrals/appointment_form.html", {"referral": referral, "form": form})


def _assessed_message(assessment: Assessment) -> str:
    if assessment.forwarded_to is not None:
        return _("The assessment was saved, and the referral forwarded to %(unit)s.") % {
            "unit": assessment.forwarded_to.name
        }
    if assessment.appointment_needed() and assessment.appointment_at is None:
        return _(
            "The assessment was saved. The deadline is less than four months away: the letter to the person "
            "must give the time of the appointment."
        )
    return _("The assessment was saved. Print the letters or send them as PDF.")


def _letter(request: AuthenticatedRequest, pk: uuid.UUID, *, to: str, as_pdf: bool) -> HttpResponse:
    """A letter about the assessment, to the person or to the referrer, in the person's language where the UI
    has it (Bokmål otherwise); as HTML, or as PDF. Opening it is a read of the person, logged."""
    channel = Channel.PRINT if as_pdf else Channel.WEB
    referral = selectors.get_referral(user=request.user, pk=pk, channel=channel)
    assessment = selectors.get_assessment(referral)
    if assessment is None:
        messages.error(request, _("The referral has not been assessed yet: there is no letter to show."))
        return redirect("referrals:referral_detail", pk=referral.pk)
    if to == "person" and assessment.appointment_needed() and assessment.appointment_at is None:
        messages.error(
            request,
            _(
                "The letter to the person cannot be made yet. The deadline for the start of care is less "
                "than four months away, so the letter must give the date and time of the appointment. Set "
                "the appointment first."
            ),
        )
        return redirect("referrals:referral_detail", pk=referral.pk)
    language = document_language(referral.person)
    template = f"referrals/letter_{to}.html"
    context: dict[str, Any] = {
        "referral": referral,
        "assessment": assessment,
        "person": referral.person,
        "unit": referral.receiving_unit,
        "forwarded_as": selectors.forwarded_as(referral),
        "letter_language": language,
        "letter_date": assessment.assessed_on,
        "as_pdf": as_pdf,
    }
    name = "vurdering" if to == "person" else "svar-til-henviser"
    filename = f"{name}-{assessment.assessed_on:%Y-%m-%d}.pdf" if as_pdf else None
    return document_in_language(request, template, context, language=language, pdf_filename=filename)


@login_required
def letter_person(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _letter(request, pk, to="person", as_pdf=False)


@login_required
def letter_person_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _letter(request, pk, to="person", as_pdf=True)


@login_required
def letter_referrer(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _letter(request, pk, to="referrer", as_pdf=False)


@login_required
def letter_referrer_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _letter(request, pk, to="referrer", as_pdf=True)


@login_required
@submitted_once
def ask_referrer(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.get_referral(user=request.user, pk=pk, action=Action.REFERRAL_ASK_REFERRER)
    form = AskReferrerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_referrer(
                actor=request.user, referral=referral, asked_for=form.cleaned_data["asked_for"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The request to the referrer was recorded. The deadline for the assessment still runs."),
            )
            return redirect("referrals:referral_detail", pk=referral.pk)
    return render(request, "referrals/ask_referrer.html", {"referral": referral, "form": form})


@login_required
@require_POST
def referrer_answered(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.get_referral(user=request.user, pk=pk, action=Action.REFERRAL_ASK_REFERRER)
    try:
        services.record_referrer_answer(actor=request.user, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The referrer's answer was recorded."))
    return redirect("referrals:referral_detail", pk=referral.pk)


@login_required
@submitted_once
def attachment_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    referral = selectors.get_referral(user=request.user, pk=pk, action=Action.REFERRAL_ATTACH)
    form = AttachmentForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(
                actor=request.user,
                referral=referral,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The attachment was added to the referral."))
            return redirect("referrals:referral_detail", pk=referral.pk)
    return render(request, "referrals/attachment_form.html", {"referral": referral, "form": form})


@login_required
def attachment_file(request: AuthenticatedRequest, referral_pk: uuid.UUID, pk: uuid.UUID) -> FileResponse:
    attachment = selectors.get_attachment(user=request.user, referral_pk=referral_pk, pk=pk)
    return document_response(attachment.file)
