"""The filters of the statistics pages: which indicator, which period and (on a dashboard) which area. Plain
GET forms: they work without script, and a link to a filtered page can be shared."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import CATALOGUE
from .dimensions import Period, PeriodKind

# How far back the period list reaches: the months of the last year, the quarters of the last two, the
# years of the last three.
MONTHS_BACK, QUARTERS_BACK, YEARS_BACK = 12, 8, 3


def recent_periods(today: date) -> list[Period]:
    """The periods to choose from, newest first, each kind together: years, then quarters, then months."""
    periods: list[Period] = []
    for kind, count in (
        (PeriodKind.YEAR, YEARS_BACK),
        (PeriodKind.QUARTER, QUARTERS_BACK),
        (PeriodKind.MONTH, MONTHS_BACK),
    ):
        period = Period.containing(kind, today)
        for _step in range(count):
            periods.append(period)
            period = Period.containing(kind, period.start - timedelta(days=1))
    return periods


class StatisticsFilterForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {str(period): period for period in recent_periods(today)}
        self._choices("indicator").choices = [(item.code, item.title) for item in CATALOGUE]
        groups: dict[str, list[tuple[str, str]]] = {}
        labels = {
            PeriodKind.YEAR: _("Years"),
            PeriodKind.QUARTER: _("Quarters"),
            PeriodKind.MONTH: _("Months"),
        }
        for value, period in self.periods.items():
            groups.setdefault(str(labels[period.kind]), []).append((value, value))
        self._choices("period").choices = list(groups.items())
        self.fields["indicator"].error_messages["required"] = _("Choose an indicator.")
        self.fields["period"].error_messages["required"] = _("Choose a period.")
        invalid = _("Choose one of the periods in the list: %(value)s is not one of them.")
        self.fields["period"].error_messages["invalid_choice"] = invalid
        self.fields["indicator"].error_messages["invalid_choice"] = _(
            "There is no indicator with the code %(value)s: choose one in the list."
        )

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @staticmethod
    def defaults(today: date) -> dict[str, str]:
        return {"indicator": CATALOGUE[0].code, "period": str(Period.containing(PeriodKind.YEAR, today))}

    def chosen_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]


class DashboardFilterForm(StatisticsFilterForm):
    area = forms.ChoiceField(label=_("Area"))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("area").choices = areas
        self.fields["area"].error_messages["required"] = _("Choose an area.")
        self.fields["area"].error_messages["invalid_choice"] = _(
            "You do not see the indicators of %(value)s: choose one of your areas in the list."
        )
