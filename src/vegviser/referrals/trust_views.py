"""The health trust's coordinating unit's page: its units' referrals and its professionals' part in plans."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from vegviser.accounts.http import AuthenticatedRequest

from .trust import trust_overview


@login_required
def trust_page(request: AuthenticatedRequest) -> HttpResponse:
    overview = trust_overview(user=request.user)
    return render(request, "referrals/trust.html", {"overview": overview})
