from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.core.http import AuthenticatedRequest, posted

from . import selectors
from .forms import AuditSearchForm
from .models import Channel


@login_required
def search(request: AuthenticatedRequest) -> HttpResponse:
    # The identity number goes in the POST body: never in a URL.
    policy.require(request.user, Action.AUDIT_SEARCH)
    form = AuditSearchForm(posted(request))
    lines = anomalies = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        as_csv = request.POST.get("export") == "csv"
        lines = selectors.search(
            user=request.user,
            national_id=data["national_id"],
            actor=data["actor"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            channel=Channel.EXPORT if as_csv else Channel.WEB,
        )
        if as_csv:
            return _csv(lines)
        anomalies = selectors.anomalies(
            user=request.user, date_from=data["date_from"], date_to=data["date_to"]
        )
    context = {
        "form": form,
        "lines": lines,
        "anomalies": anomalies,
        "threshold": selectors.ANOMALY_PERSONS_PER_DAY,
    }
    return render(request, "audit/search.html", context)


def _csv(lines: list[selectors.LogLine]) -> HttpResponse:
    """Names and times only: no identity numbers leave the system this way."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="vegviser-logg-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [_("Time"), _("Kind"), _("Who"), _("Role"), _("Organisation"), _("Person"), _("What"), _("Channel")]
    )
    kinds = {"read": _("Read"), "change": _("Change")}

    def cell(value: str) -> str:
        # A spreadsheet runs a cell starting with these as a formula: a name typed as "=…" must stay text.
        return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

    for line in lines:
        row = [
            timezone.localtime(line.at).strftime("%Y-%m-%d %H:%M:%S"),
            kinds[line.kind],
            line.actor_name,
            line.actor_role,
            line.actor_organisation,
            line.person.full_name if line.person else "",
            line.what,
            line.channel,
        ]
        writer.writerow([cell(value) for value in row])
    return response
