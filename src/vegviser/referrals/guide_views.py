"""The priority guides for the assessor: search the conditions, read one as Helsedirektoratet publishes it."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from vegviser.accounts.http import AuthenticatedRequest

from . import guide_selectors
from .guide_forms import PriorityGuideSearchForm
from .priority_guides import MalformedGuideFile, parse_item, plain_text


@login_required
@require_safe
def priority_guide_list(request: AuthenticatedRequest) -> HttpResponse:
    form = PriorityGuideSearchForm(request.GET)
    # A search the form refuses still shows every condition, with the refusal beside the field.
    query, guide = ("", "")
    if form.is_valid():
        query, guide = form.cleaned_data["q"].strip(), form.cleaned_data["guide"]
    conditions = guide_selectors.search_conditions(user=request.user, query=query, guide=guide)
    return render(
        request,
        "referrals/priority_guide_list.html",
        {"form": form, "conditions": conditions, "searched": bool(query or guide)},
    )


@login_required
@require_safe
def priority_guide_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    condition = guide_selectors.get_condition(user=request.user, pk=pk)
    # The structured fields as the guide states them, read again from the item that was imported. An item
    # the importer took is readable; one written by other means shows its text alone.
    try:
        recommendation = parse_item(condition.source) if condition.source else None
    except MalformedGuideFile:
        recommendation = None
    text = condition.source.get("tekst", "") if isinstance(condition.source, dict) else ""
    return render(
        request,
        "referrals/priority_guide_detail.html",
        {
            "condition": condition,
            "recommendation": recommendation,
            "published_text": plain_text(text) if isinstance(text, str) else "",
        },
    )
