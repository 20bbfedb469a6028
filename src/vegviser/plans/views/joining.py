"""A specialist professional asks to take part in a plan; the coordinator answers."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.accounts.http import AuthenticatedRequest
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once

from .. import selectors, services
from ..forms.joining import JoinAcceptForm, JoinRequestForm


def _back(request: AuthenticatedRequest, default: str) -> str:
    """Back to the page the request was asked from (a referral, an episode), if it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=False):
        return wanted
    return default


@login_required
@submitted_once
def join_request(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan_to_join(user=request.user, pk=pk)
    status = selectors.plan_status_for_person(request.user, plan.person)
    if status is None or status.plan != plan:
        raise Http404
    form = JoinRequestForm(posted(request), units=status.units)
    here = request.path
    if request.method == "POST" and status.may_ask and form.is_valid():
        try:
            services.ask_to_join(
                actor=request.user,
                plan=plan,
                organisation=form.cleaned_data["organisation"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Your request was sent to the coordinator. You will be told the answer.")
            )
            return redirect(_back(request, here))
    context = {"status": status, "form": form, "next": _back(request, "")}
    return render(request, "plans/join_request.html", context)


@login_required
def join_accept(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    join_request = selectors.get_join_request(user=request.user, pk=pk)
    plan = join_request.plan
    form = JoinAcceptForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_join_request(
                actor=request.user,
                join_request=join_request,
                role=form.cleaned_data["role"],
                access_level=form.cleaned_data["access_level"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now takes part in the plan and has been told.")
                % {"name": join_request.asker_name},
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    context = {
        "join_request": join_request,
        "plan": plan,
        "form": form,
        "consent_covers": services.consent_covers(plan, join_request.organisation),
    }
    return render(request, "plans/join_accept.html", context)


@login_required
@require_POST
def join_decline(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    join_request = selectors.get_join_request(user=request.user, pk=pk)
    services.decline_join_request(actor=request.user, join_request=join_request)
    messages.success(
        request,
        _("The request from %(name)s was declined and they have been told.")
        % {"name": join_request.asker_name},
    )
    return redirect("plans:plan_detail", pk=join_request.plan_id)
