from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import ReadPurpose
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.core.uploads import document_response
from vegviser.registry import selectors as registry_selectors

from . import policy, selectors, services
from .forms import ConsentForm, EmergencyAccessForm, ReviewForm, WithdrawForm
from .policy import Action


@login_required
@submitted_once
def consent_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    person = registry_selectors.get_person(
        user=request.user, pk=pk, action=Action.CONSENT_MANAGE, purpose=ReadPurpose.CONSENT
    )
    form = ConsentForm(posted(request), request.FILES if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_consent(
                actor=request.user, person=person, data=data, shared_with=list(data.pop("shared_with"))
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "access/consent_form.html", {"person": person, "form": form})


@login_required
def consent_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    consent = selectors.get_consent(user=request.user, pk=pk)
    return render(request, "access/consent_detail.html", {"consent": consent})


@login_required
def consent_evidence(request: AuthenticatedRequest, pk: uuid.UUID) -> FileResponse:
    consent = selectors.get_consent(user=request.user, pk=pk, purpose=ReadPurpose.CONSENT_EVIDENCE)
    if not consent.evidence_file:
        raise Http404
    return document_response(consent.evidence_file)


@login_required
def consent_withdraw(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    consent = selectors.get_consent(user=request.user, pk=pk, action=Action.CONSENT_MANAGE)
    form = WithdrawForm(posted(request))
    if consent.withdrawn_at is not None:
        messages.info(request, _("This consent has already been withdrawn."))
        return redirect("access:consent_detail", pk=consent.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_consent(actor=request.user, consent=consent, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was withdrawn. It no longer applies, from now on."))
            return redirect("access:consent_detail", pk=consent.pk)
    return render(request, "access/consent_withdraw.html", {"consent": consent, "form": form})


@login_required
@submitted_once
def emergency_open(request: AuthenticatedRequest) -> HttpResponse:
    """Break the glass: the number is posted, never put in the address; access is granted at once."""
    from vegviser.plans.models import OPEN_STATUSES, IndividualPlan

    policy.require(request.user, Action.EMERGENCY_OPEN)
    form = EmergencyAccessForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan = (
            IndividualPlan.objects.select_related("person")
            .filter(person__national_id=form.cleaned_data["national_id"], status__in=OPEN_STATUSES)
            .first()
        )
        if plan is None:
            form.add_error("national_id", _("No open individual plan was found for this identity number."))
        elif policy.can(request.user, Action.PLAN_VIEW, plan):
            messages.info(request, _("You already have access to this plan."))
            return redirect("plans:plan_detail", pk=plan.pk)
        else:
            services.open_emergency_access(
                actor=request.user,
                plan=plan,
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
            )
            messages.warning(
                request,
                ngettext(
                    "Emergency access is open for %(hours)s hour. The person and the unit will see it.",
                    "Emergency access is open for %(hours)s hours. The person and the unit will see it.",
                    form.cleaned_data["hours"],
                )
                % {"hours": form.cleaned_data["hours"]},
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "access/emergency_form.html", {"form": form})


@login_required
def emergency_review(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.EMERGENCY_REVIEW)
    accesses = selectors.emergency_accesses(user=request.user, unreviewed_only=request.GET.get("all") != "1")
    return render(
        request,
        "access/emergency_review.html",
        {"accesses": accesses, "form": ReviewForm(), "showing_all": request.GET.get("all") == "1"},
    )


@login_required
@require_POST
def emergency_reviewed(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    access = selectors.get_emergency_access(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_emergency_access(
                actor=request.user, access=access, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The emergency access was marked as reviewed."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("note", [])))
    return redirect("access:emergency_review")
