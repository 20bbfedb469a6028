from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.core.documents import spreadsheet_cell
from vegviser.core.http import posted

from . import selectors
from .forms import AuditSearchForm
from .models import Channel


@login_required
def search(request: AuthenticatedRequest) -> HttpResponse:
    # The identity number goes in the POST body: never in a URL. A link from the list to review runs the
    # search by GET with the user name, the person's id and the day, never an identity number.
    policy.require(request.user, Action.AUDIT_SEARCH)
    form = AuditSearchForm(posted(request) or _linked(request))
    found = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("export") == "csv":
            return _csv(
                selectors.search(
                    user=request.user,
                    national_id=data["national_id"],
                    person_pk=data["person"],
                    actor=data["actor"],
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    channel=Channel.EXPORT,
                )
            )
        found = selectors.review(
            user=request.user,
            national_id=data["national_id"],
            person_pk=data["person"],
            actor=data["actor"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    context = {
        "form": form,
        "found": found,
        "lines": found.lines if found else None,
        "threshold": selectors.ANOMALY_PERSONS_PER_DAY,
        "limit": selectors.READS_WITHOUT_ROLE_LIMIT,
    }
    return render(request, "audit/search.html", context)


def _linked(request: AuthenticatedRequest) -> QueryDict | None:
    """The search a link asks for, if any; an identity number in the query string is dropped unread."""
    if "date_from" not in request.GET:
        return None
    query = request.GET.copy()
    query.pop("national_id", None)
    return query


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
        writer.writerow([spreadsheet_cell(value) for value in row])
    return response
