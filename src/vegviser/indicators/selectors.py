"""The tables the statistics pages show, built from an indicator's suppressed table: the same figures on the
public page, on a dashboard, in a CSV file and in the JSON export. Nothing here reads a person: only the
counts of `tables`, after suppression, ever leave the server."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .catalogue import CATALOGUE, Indicator, Kind
from .dimensions import ALL_AGES, AgeGroup, Area, AreaLevel, Geography, Period
from .measures import T_SCORE_BINS
from .suppression import DEFAULT_MINIMUM, SUPPRESSED, Suppressed
from .tables import ALL_CATEGORIES, Figure, Row, Table, indicator_table

# The symbols of a cell without a number (Statistics Norway, "Standardtegn i tabeller"): the colon for a
# figure not shown for reasons of confidentiality, the full stop for one that cannot be worked out here, the
# dash for nothing to count.
SUPPRESSED_SYMBOL = str(SUPPRESSED)
NOT_COMPUTED_SYMBOL = "."
NOTHING_SYMBOL = "–"
SUPPRESSED_MEANING = _("Not shown: fewer than 5 cases, or a figure that could be worked out from one that is")

# Each kind's figures, by the name `tables` gives them, with the column's heading.
COLUMNS: dict[str, tuple[tuple[str, Promise], ...]] = {
    Kind.RATE: (
        ("count", _("Persons")),
        ("population", _("Inhabitants")),
        ("per_1000", _("Per 1 000 inhabitants")),
    ),
    Kind.SHARE: (
        ("numerator", _("Counted")),
        ("denominator", _("Out of")),
        ("percent", _("Per cent")),
    ),
    Kind.DURATION: (
        ("n", _("Cases")),
        ("median", _("Median, days")),
        ("p90", _("90th percentile, days")),
    ),
}
# Whole numbers: counts and the population; the rest with one decimal.
WHOLE = {"count", "population", "numerator", "denominator", "n"}


@dataclass(frozen=True)
class Cell:
    """A figure as shown, and as a number where it is one (for a spreadsheet to count with)."""

    text: str
    suppressed: bool = False
    value: float | None = None
    whole: bool = False


@dataclass(frozen=True)
class ShownRow:
    header: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ShownTable:
    """One table as shown: its caption, the heading of its rows and of its columns, and its rows."""

    key: str
    caption: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[ShownRow, ...]
    texts: set[str] = field(default_factory=set)

    @property
    def legend(self) -> list[tuple[str, str]]:
        """What each symbol the table shows means, for the symbols it has."""
        items = []
        if self.has_suppressed:
            items.append(
                (SUPPRESSED_SYMBOL, f"{SUPPRESSED_MEANING}. {_('A hidden figure is never shown as 0.')}")
            )
        if self.has_not_computed:
            items.append(
                (
                    NOT_COMPUTED_SYMBOL,
                    str(_("Not worked out for an age group: the population by age is not in the data.")),
                )
            )
        if self.has_nothing:
            items.append((NOTHING_SYMBOL, str(_("Nothing to work it out from: no cases."))))
        return items

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for row in self.rows for cell in row.cells)

    @property
    def has_not_computed(self) -> bool:
        return any(cell.text == NOT_COMPUTED_SYMBOL for row in self.rows for cell in row.cells)

    @property
    def has_nothing(self) -> bool:
        return any(cell.text == NOTHING_SYMBOL for row in self.rows for cell in row.cells)


def area_name(area: Area) -> str:
    """The area's name; the nation's in the page's language."""
    return str(AreaLevel.NATION.label) if area.level == AreaLevel.NATION else area.name


def format_figure(name: str, value: Figure) -> Cell:
    if isinstance(value, Suppressed):
        return Cell(SUPPRESSED_SYMBOL, suppressed=True)
    if value is None:
        return Cell(NOTHING_SYMBOL)
    if name in WHOLE:
        return Cell(number_format(value, decimal_pos=0, force_grouping=True), value=value, whole=True)
    return Cell(number_format(value, decimal_pos=1, force_grouping=True), value=value)


def _columns(indicator: Indicator) -> tuple[str, ...]:
    if indicator.kind == Kind.DISTRIBUTION:
        return (
            *(str(_("T-score %(group)s") % {"group": label}) for label, *_r in T_SCORE_BINS),
            str(_("All")),
        )
    return tuple(str(label) for _name, label in COLUMNS[indicator.kind])


def _cells(table: Table, area: Area, age_group: str) -> tuple[Cell, ...]:
    if table.indicator.kind == Kind.DISTRIBUTION:
        categories = [label for label, *_r in T_SCORE_BINS] + [ALL_CATEGORIES]
        return tuple(
            format_figure("count", table.row(area, age_group, category).figures["count"])
            for category in categories
        )
    row = table.row(area, age_group)
    return tuple(
        format_figure(name, row.figures[name]) if name in row.figures else Cell(NOT_COMPUTED_SYMBOL)
        for name, _label in COLUMNS[table.indicator.kind]
    )


def area_table(key: str, caption: str, table: Table, areas: Iterable[Area]) -> ShownTable:
    """The areas' figures for all ages, one row each."""
    return ShownTable(
        key=key,
        caption=caption,
        row_heading=str(_("Area")),
        columns=_columns(table.indicator),
        rows=tuple(ShownRow(area_name(area), _cells(table, area, ALL_AGES)) for area in areas),
    )


def age_table(key: str, caption: str, table: Table, area: Area) -> ShownTable:
    """One area's figures by age group, and for all ages."""
    present = {row.age_group for row in table.rows}
    ages = [(age.value, str(age.label)) for age in AgeGroup if age.value in present]
    ages.append((ALL_AGES, str(_("All ages"))))
    return ShownTable(
        key=key,
        caption=caption,
        row_heading=str(_("Age group")),
        columns=_columns(table.indicator),
        rows=tuple(ShownRow(label, _cells(table, area, age)) for age, label in ages),
    )


# The figure a chart draws for each kind: the one the indicator is about.
CHARTED = {Kind.RATE: "per_1000", Kind.SHARE: "percent", Kind.DURATION: "median"}


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    suppressed: bool
    # The bar's length as a share of the longest, in per cent ("" for no bar), unlocalised for the SVG.
    width: str
    y: int


@dataclass(frozen=True)
class Chart:
    """A bar for each row of a table: the same figures, drawn; the table beside it is its text."""

    title: str
    bars: tuple[Bar, ...]
    height: int


ROW_HEIGHT = 44
# A row without the charted figure at all (not computed), as against one whose figure is None (no cases).
MISSING: Any = object()


def chart_of(table: ShownTable, indicator: Indicator, values: list[Figure | None]) -> Chart | None:
    """The table's charted figure as bars; a row without it (per 1 000 inhabitants by age group) is left
    out."""
    name = CHARTED.get(indicator.kind)
    if name is None:
        return None
    column = [column_name for column_name, _label in COLUMNS[indicator.kind]].index(name)
    rows = [(row, value) for row, value in zip(table.rows, values, strict=True) if value is not MISSING]
    numbers = [value for _row, value in rows if isinstance(value, int | float)]
    longest = max(numbers, default=0) or 1
    bars = []
    for index, (row, value) in enumerate(rows):
        cell = row.cells[column]
        length = 100 * value / longest if isinstance(value, int | float) else 0
        width = f"{length:.1f}" if length else ""
        bars.append(Bar(row.header, cell.text, cell.suppressed, width, index * ROW_HEIGHT))
    if not bars:
        return None
    return Chart(f"{table.caption} ({table.columns[column]})", tuple(bars), len(bars) * ROW_HEIGHT)


@dataclass(frozen=True)
class Statistics:
    indicator: Indicator
    period: Period
    tables: tuple[ShownTable, ...]
    chart: Chart | None = None

    def table(self, key: str) -> ShownTable | None:
        return next((table for table in self.tables if table.key == key), None)


def public_statistics(indicator: Indicator, period: Period, *, as_of: date) -> Statistics:
    """What the public sees: the nation, the health regions and every municipality, for all ages."""
    geography = Geography.load()
    table = indicator_table(indicator, period, as_of=as_of, geography=geography)
    context = {"indicator": indicator.title, "period": period}
    regions = [
        area for area in geography.areas() if area.level in (AreaLevel.NATION, AreaLevel.HEALTH_REGION)
    ]
    shown = area_table(
        "regions",
        str(_("%(indicator)s, %(period)s: Norway and the health regions") % context),
        table,
        regions,
    )
    return Statistics(
        indicator,
        period,
        (
            shown,
            area_table(
                "municipalities",
                str(_("%(indicator)s, %(period)s: the municipalities") % context),
                table,
                geography.municipalities.values(),
            ),
        ),
        _chart(shown, table, [(area, ALL_AGES) for area in regions]),
    )


def _chart(shown: ShownTable, table: Table, rows: list[tuple[Area, str]]) -> Chart | None:
    name = CHARTED.get(table.indicator.kind)
    if name is None:
        return None
    values = [table.row(area, age).figures.get(name, MISSING) for area, age in rows]
    return chart_of(shown, table.indicator, values)


def area_statistics(
    indicator: Indicator, period: Period, area_key: tuple[str, str], *, as_of: date
) -> Statistics:
    """A dashboard's area: its figures by age group and, above a municipality, its municipalities'. The same
    suppressed table as the public page, so that no figure can be worked out by setting the two side by
    side."""
    geography = Geography.load()
    table = indicator_table(indicator, period, as_of=as_of, geography=geography)
    area = area_named(geography, area_key)
    context = {"indicator": indicator.title, "period": period, "area": area_name(area)}
    by_age = age_table(
        "ages", str(_("%(indicator)s, %(period)s: %(area)s by age group") % context), table, area
    )
    tables = [by_age]
    if area.level != AreaLevel.MUNICIPALITY:
        tables.append(
            area_table(
                "municipalities",
                str(_("%(indicator)s, %(period)s: the municipalities of %(area)s") % context),
                table,
                [geography.municipalities[number] for number in geography.municipalities_of(area)],
            )
        )
    ages = [age.value for age in AgeGroup if age.value in {row.age_group for row in table.rows}]
    chart = _chart(by_age, table, [(area, age) for age in [*ages, ALL_AGES]])
    return Statistics(indicator, period, tuple(tables), chart)


def area_named(geography: Geography, key: tuple[str, str]) -> Area:
    areas = {area.key: area for area in geography.areas()}
    return areas[key]


def area_choices(keys: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The user's areas for the dashboard's filter: value `level:code`, label the area's name."""
    geography = Geography.load()
    areas = {area.key: area for area in geography.areas()}
    order = [area.key for area in geography.areas()]
    known = sorted((key for key in keys if key in areas), key=order.index)
    return [(f"{level}:{code}", area_name(areas[(level, code)])) for level, code in known]


def national_export(period: Period, *, as_of: date) -> dict[str, Any]:
    """Every indicator in the period for every area and age group, suppressed: for national collection. A
    suppressed figure is the colon, as in the tables; no person is in it."""
    geography = Geography.load()
    indicators = []
    for indicator in CATALOGUE:
        table = indicator_table(indicator, period, as_of=as_of, geography=geography)
        indicators.append(
            {
                "code": indicator.code,
                "title": str(indicator.title),
                "unit": str(indicator.unit),
                "numerator": str(indicator.numerator),
                "denominator": str(indicator.denominator),
                "rows": [_export_row(row) for row in table.rows],
            }
        )
    return {
        "period": str(period),
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "as_of": as_of.isoformat(),
        "minimum_count": DEFAULT_MINIMUM,
        "suppressed_symbol": SUPPRESSED_SYMBOL,
        "indicators": indicators,
    }


def _export_row(row: Row) -> dict[str, Any]:
    figures = {
        name: SUPPRESSED_SYMBOL if isinstance(value, Suppressed) else value
        for name, value in row.figures.items()
    }
    return {
        "level": row.area.level,
        "code": row.area.code,
        "name": row.area.name,
        "age_group": row.age_group,
        "category": row.category,
        "suppressed": row.suppressed,
        "figures": figures,
    }
