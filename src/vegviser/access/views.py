from __future__ import annotations

import mimetypes
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vegviser.core.http import AuthenticatedRequest, posted
from vegviser.registry import selectors as registry_selectors

from . import selectors, services
from .forms import ConsentForm, WithdrawForm
from .policy import Action


@login_required
def consent_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    person = registry_selectors.get_person(
        user=request.user, pk=pk, action=Action.CONSENT_MANAGE, purpose="consent"
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
    consent = selectors.get_consent(user=request.user, pk=pk, purpose="consent-evidence")
    if not consent.evidence_file:
        raise Http404
    content_type = mimetypes.guess_type(consent.evidence_file.name)[0] or "application/octet-stream"
    response = FileResponse(consent.evidence_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    return response


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
