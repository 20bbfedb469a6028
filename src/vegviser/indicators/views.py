"""The statistics pages: the public page (no login), a leader's or coordinating unit's dashboard for their
area, the indicators' definitions, and the exports. Only suppressed aggregates: no person is read or shown."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.core.documents import spreadsheet_cell

from . import selectors
from .catalogue import BY_CODE, CATALOGUE
from .forms import DashboardFilterForm, StatisticsFilterForm
from .selectors import ShownTable, Statistics

# Excel opens a semicolon-separated file in columns in the Norwegian locale, and reads UTF-8 only after a BOM.
CSV_DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"


def _require_public(request: HttpRequest) -> None:
    if not policy.sees_public_statistics(request.user):
        raise Http404


def _public(request: HttpRequest) -> tuple[StatisticsFilterForm, Statistics | None]:
    _require_public(request)
    today = timezone.localdate()
    # A filter left out takes its default; one sent empty is answered with a message.
    data = {**StatisticsFilterForm.defaults(today), **request.GET.dict()}
    form = StatisticsFilterForm(data, today=today)
    if not form.is_valid():
        return form, None
    indicator = BY_CODE[form.cleaned_data["indicator"]]
    return form, selectors.public_statistics(indicator, form.chosen_period(), as_of=today)


@require_safe
def public(request: HttpRequest) -> HttpResponse:
    form, statistics = _public(request)
    return render(
        request,
        "indicators/public.html",
        {"form": form, "statistics": statistics, "query": _query(form)},
    )


@require_safe
def public_csv(request: HttpRequest, table: str) -> HttpResponse:
    form, statistics = _public(request)
    return _csv(request, form, statistics, table)


def _dashboard(request: AuthenticatedRequest) -> tuple[DashboardFilterForm, Statistics | None]:
    policy.require(request.user, Action.INDICATORS_AREA)
    today = timezone.localdate()
    choices = selectors.area_choices(policy.indicator_areas(request.user))
    if not choices:
        raise Http404
    data = {**DashboardFilterForm.defaults(today), "area": choices[0][0], **request.GET.dict()}
    form = DashboardFilterForm(data, today=today, areas=choices)
    if not form.is_valid():
        return form, None
    level, code = form.cleaned_data["area"].split(":", 1)
    # The form offers only the user's areas; the policy is asked again about the one chosen.
    policy.require(request.user, Action.INDICATORS_AREA, (level, code))
    indicator = BY_CODE[form.cleaned_data["indicator"]]
    return form, selectors.area_statistics(indicator, form.chosen_period(), (level, code), as_of=today)


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form, statistics = _dashboard(request)
    return render(
        request,
        "indicators/dashboard.html",
        {"form": form, "statistics": statistics, "query": _query(form)},
    )


@login_required
def dashboard_csv(request: AuthenticatedRequest, table: str) -> HttpResponse:
    form, statistics = _dashboard(request)
    return _csv(request, form, statistics, table)


@require_safe
def definitions(request: HttpRequest) -> HttpResponse:
    _require_public(request)
    return render(request, "indicators/definitions.html", {"catalogue": CATALOGUE})


@require_safe
def national_export(request: HttpRequest) -> HttpResponse:
    """Every indicator for every area in the chosen period, suppressed, as JSON for national collection."""
    _require_public(request)
    today = timezone.localdate()
    data = {**StatisticsFilterForm.defaults(today), **request.GET.dict()}
    form = StatisticsFilterForm(data, today=today)
    if not form.is_valid():
        return JsonResponse(
            {"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400
        )
    period = form.chosen_period()
    response = JsonResponse(
        selectors.national_export(period, as_of=today), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="vegviser-indikatorer-{period}.json"'
    return response


def _query(form: StatisticsFilterForm) -> str:
    """The filters as a query string, for the CSV links beside each table."""
    if not form.is_valid():
        return ""
    query = QueryDict(mutable=True)
    query.update(form.cleaned_data)
    return query.urlencode()


def _csv(
    request: HttpRequest, form: StatisticsFilterForm, statistics: Statistics | None, key: str
) -> HttpResponse:
    if statistics is None:
        return render(request, "indicators/bad_filter.html", {"form": form}, status=400)
    table = statistics.table(key)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="vegviser-{statistics.indicator.code.lower()}-{statistics.period}-{key}.csv"'
    )
    response.write(BYTE_ORDER_MARK)
    _write(csv.writer(response, delimiter=CSV_DELIMITER), table)
    return response


def _write(writer: Any, table: ShownTable) -> None:
    writer.writerow([spreadsheet_cell(table.caption)])
    writer.writerow([spreadsheet_cell(text) for text in (table.row_heading, *table.columns)])
    for row in table.rows:
        writer.writerow([spreadsheet_cell(text) for text in (row.header, *(cell.text for cell in row.cells))])
