"""The coordinating unit's overview of its municipality's plans, as a page and as a spreadsheet."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import Channel
from vegviser.core.documents import spreadsheet_cell

from ..overview import OverviewRow, municipality_overview

# Excel opens a semicolon-separated file in columns in the Norwegian locale, and reads UTF-8 only after a BOM.
CSV_DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"


@login_required
def overview(request: AuthenticatedRequest) -> HttpResponse:
    result = municipality_overview(user=request.user, status=request.GET.get("status", ""))
    context = {"overview": result}
    return render(request, "plans/overview.html", context)


@login_required
def overview_csv(request: AuthenticatedRequest) -> HttpResponse:
    result = municipality_overview(
        user=request.user, status=request.GET.get("status", ""), channel=Channel.EXPORT
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{result.status}" if result.status else ""
    response["Content-Disposition"] = (
        f'attachment; filename="vegviser-oversikt{suffix}-{result.today:%Y-%m-%d}.csv"'
    )
    response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response, delimiter=CSV_DELIMITER)
    writer.writerow(_header())
    for row in result.rows:
        writer.writerow([spreadsheet_cell(value) for value in _cells(row)])
    return response


def _header() -> list[str]:
    return [
        _("Person"),
        _("Born"),
        _("Coordinator"),
        _("Organisation"),
        _("Plan status"),
        _("Plan started"),
        _("Next revision"),
        _("Revision overdue"),
        _("No activity for 90 days"),
        _("Last activity"),
    ]


def _cells(row: OverviewRow) -> list[str]:
    def day(value: object) -> str:
        return f"{value:%Y-%m-%d}" if value else ""

    yes = _("Yes")
    return [
        row.name,
        str(row.birth_year or ""),
        " / ".join(line.name for line in row.coordinators),
        " / ".join(line.organisation for line in row.coordinators),
        row.plan_status_label or _("No plan"),
        day(row.plan_started),
        day(row.next_revision),
        yes if row.revision_overdue else "",
        yes if row.idle else "",
        day(row.last_activity),
    ]
