"""The statistics pages: the public page (no login), a leader's or coordinating unit's dashboard for their
area, the indicators' definitions, and the exports. Only suppressed aggregates: no person is read or shown."""

from __future__ import annotations

import csv
import io
from typing import Any

import xlsxwriter
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
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
def public_download(request: HttpRequest, table: str, kind: str) -> HttpResponse:
    form, statistics = _public(request)
    return _download(request, form, statistics, table, kind)


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
def dashboard_download(request: AuthenticatedRequest, table: str, kind: str) -> HttpResponse:
    form, statistics = _dashboard(request)
    return _download(request, form, statistics, table, kind)


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
    """The filters as a query string, for the download links beside each table."""
    if not form.is_valid():
        return ""
    query = QueryDict(mutable=True)
    query.update(form.cleaned_data)
    return query.urlencode()


def _download(
    request: HttpRequest, form: StatisticsFilterForm, statistics: Statistics | None, key: str, kind: str
) -> HttpResponse:
    """One table as a file: CSV, or a workbook (XLSX) with the figures as numbers."""
    if kind not in DOWNLOADS:
        raise Http404
    if statistics is None:
        return render(request, "indicators/bad_filter.html", {"form": form}, status=400)
    table = statistics.table(key)
    if table is None:
        raise Http404
    response = HttpResponse(content_type=DOWNLOADS[kind])
    name = f"vegviser-{statistics.indicator.code.lower()}-{statistics.period}-{key}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if kind == "csv":
        response.write(BYTE_ORDER_MARK)
        _write_csv(csv.writer(response, delimiter=CSV_DELIMITER), table)
    else:
        _write_xlsx(response, table)
    return response


def _write_csv(writer: Any, table: ShownTable) -> None:
    writer.writerow([spreadsheet_cell(table.caption)])
    writer.writerow([spreadsheet_cell(text) for text in (table.row_heading, *table.columns)])
    for row in table.rows:
        writer.writerow([spreadsheet_cell(text) for text in (row.header, *(cell.text for cell in row.cells))])


def _write_xlsx(response: HttpResponse, table: ShownTable) -> None:
    """The table on one sheet as the page shows it, each figure a number a spreadsheet can count with and
    each symbol as on the page, with what the symbols mean beneath. Texts are text, never formulas."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    formats = {
        True: workbook.add_format({"num_format": "#,##0"}),
        False: workbook.add_format({"num_format": "0.0"}),
    }
    symbol = workbook.add_format({"align": "right"})
    # A sheet's name is at most 31 characters, without []:*?/\.
    sheet = workbook.add_worksheet(table.key[:31])
    sheet.write_string(0, 0, table.caption, bold)
    for column, heading in enumerate((table.row_heading, *table.columns)):
        sheet.write_string(1, column, heading, bold)
    for number, row in enumerate(table.rows, start=2):
        sheet.write_string(number, 0, row.header)
        for column, cell in enumerate(row.cells, start=1):
            if cell.value is None:
                sheet.write_string(number, column, cell.text, symbol)
            else:
                sheet.write_number(number, column, cell.value, formats[cell.whole])
    for number, (mark, meaning) in enumerate(table.legend, start=len(table.rows) + 3):
        sheet.write_string(number, 0, mark, symbol)
        sheet.write_string(number, 1, meaning)
    sheet.set_column(0, 0, max((len(row.header) for row in table.rows), default=10) + 2)
    sheet.set_column(1, len(table.columns), 16)
    sheet.freeze_panes(2, 1)
    workbook.close()
    response.write(buffer.getvalue())
