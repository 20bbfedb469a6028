from __future__ import annotations

import uuid

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
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted, render_page
from vegviser.core.once import submitted_once
from vegviser.core.uploads import document_response
from vegviser.registry.services import find_or_register_person

from . import selectors, services
from .forms import AskReferrerForm, AttachmentForm, ReferralForm
from .models import ReferralStatus, RightStatus


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
        # Episode staff of the unit start an episode of care from a referral assessed with a right.
        "may_start_episode": policy.can(request.user, Action.EPISODE_WRITE, referral.receiving_unit)
        and getattr(getattr(referral, "assessment", None), "right", "") == RightStatus.RIGHT,
    }
    return render(request, "referrals/referral_detail.html", context)


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
