"""An indicator for one period as a table safe to publish: every area (nation, health regions, health trusts,
municipalities) by age group, small counts suppressed across every total and its parts.

The counts of each municipality come from `measures`; the areas above are added up here, so that each total
is exactly the sum of its parts, which is what the secondary suppression protects.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .catalogue import Indicator, Kind
from .dimensions import ALL_AGES, AgeGroup, Area, Geography, Period
from .measures import T_SCORE_BINS, Cell, Facts
from .suppression import (
    DEFAULT_MINIMUM,
    Relation,
    Suppressed,
    primary_for_counts,
    primary_for_shares,
    publish,
    suppress,
)

ALL_CATEGORIES = "all"
Figure = int | float | None | Suppressed
# (area level, area code, age group, category)
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Row:
    area: Area
    age_group: str
    category: str
    figures: dict[str, Figure]
    suppressed: bool


@dataclass(frozen=True)
class Table:
    indicator: Indicator
    period: Period
    as_of: date
    minimum: int
    rows: tuple[Row, ...]

    def row(self, area: Area | tuple[str, str], age_group: str = ALL_AGES, category: str = "") -> Row:
        level, code = area.key if isinstance(area, Area) else area
        category = category or (ALL_CATEGORIES if self.indicator.kind == Kind.DISTRIBUTION else "")
        for row in self.rows:
            if (row.area.level, row.area.code, row.age_group, row.category) == (
                level,
                code,
                age_group,
                category,
            ):
                return row
        raise KeyError((level, code, age_group, category))


def indicator_table(
    indicator: Indicator,
    period: Period,
    *,
    as_of: date | None = None,
    minimum: int = DEFAULT_MINIMUM,
    geography: Geography | None = None,
) -> Table:
    """The indicator for every area and age group in the period, suppressed and ready to publish."""
    as_of = as_of or timezone.localdate()
    geography = geography or Geography.load()
    facts = indicator.measure(period, as_of)
    ages = [age.value for age in AgeGroup]
    if not _any_unknown_age(facts):
        # Nobody without a birth date: the group is left out rather than published as a column of zeros.
        ages.remove(AgeGroup.UNKNOWN.value)
    categories = [label for label, _low, _high in T_SCORE_BINS] if indicator.kind == Kind.DISTRIBUTION else []
    cube = _Cube(geography, ages, categories)
    counts = {name: cube.roll_up(cells) for name, cells in facts.counts.items()}

    if indicator.kind == Kind.SHARE:
        numerators = counts.get("numerator") or cube.roll_up({})
        denominators = counts.get("denominator") or cube.roll_up({})
        protected = [numerators, denominators]
        primary = primary_for_shares(numerators, denominators, minimum=minimum)
    else:
        name = "n" if indicator.kind == Kind.DURATION else "numerator"
        table = counts.get(name) or cube.roll_up({})
        protected = [table]
        primary = primary_for_counts(table, minimum=minimum)
    hidden = suppress(protected, cube.relations(), hidden=primary, minimum=minimum)

    rows = []
    for key in cube.keys:
        level, code, age_group, category = key
        area = cube.areas[(level, code)]
        figures = _figures(indicator.kind, key, counts, facts, cube, geography)
        public = {"population"}
        shown = publish(
            {name: value for name, value in figures.items() if name not in public},
            {*figures} if key in hidden else (),
        )
        shown.update({name: figures[name] for name in public if name in figures})
        rows.append(Row(area, age_group, category, shown, key in hidden))
    return Table(indicator, period, as_of, minimum, tuple(rows))


def _any_unknown_age(facts: Facts) -> bool:
    unknown = AgeGroup.UNKNOWN.value
    return any(cell[1] == unknown for cells in facts.counts.values() for cell in cells)


class _Cube:
    """Every area by every age group (and category), with the relations between totals and their parts."""

    def __init__(self, geography: Geography, ages: list[str], categories: list[str]) -> None:
        self.geography = geography
        self.ages = ages
        self.categories = categories
        self.all_ages = [*ages, ALL_AGES]
        self.all_categories = [*categories, ALL_CATEGORIES] if categories else [""]
        self.areas = {area.key: area for area in geography.areas()}
        self.keys: list[Key] = [
            (level, code, age, category)
            for (level, code) in self.areas
            for age in self.all_ages
            for category in self.all_categories
        ]

    def roll_up(self, cells: dict[Cell, int]) -> dict[Hashable, int]:
        """The municipalities' counts, with every total above them added up from its parts."""
        table: dict[Hashable, int] = dict.fromkeys(self.keys, 0)
        municipality = self.geography.municipalities
        for (number, age, category), count in cells.items():
            if number not in municipality or age not in self.ages:
                continue
            area = municipality[number]
            for age_key in (age, ALL_AGES):
                for category_key in {category or "", *([ALL_CATEGORIES] if self.categories else [])}:
                    table[(area.level, area.code, age_key, category_key)] += count
        for total, parts in self.geography.parts():
            if total.level == "nation":
                continue
            self._sum_into(table, total, parts)
        self._sum_into(table, *next((t, p) for t, p in self.geography.parts() if t.level == "nation"))
        return table

    def _sum_into(self, table: dict[Hashable, int], total: Area, parts: list[Area]) -> None:
        for age in self.all_ages:
            for category in self.all_categories:
                table[(*total.key, age, category)] = sum(table[(*part.key, age, category)] for part in parts)

    def relations(self) -> list[Relation]:
        relations = []
        for total, parts in self.geography.parts():
            for age in self.all_ages:
                for category in self.all_categories:
                    relations.append(
                        Relation(
                            (*total.key, age, category), tuple((*part.key, age, category) for part in parts)
                        )
                    )
        for level, code in self.areas:
            for category in self.all_categories:
                relations.append(
                    Relation(
                        (level, code, ALL_AGES, category),
                        tuple((level, code, age, category) for age in self.ages),
                    )
                )
            if self.categories:
                for age in self.all_ages:
                    relations.append(
                        Relation(
                            (level, code, age, ALL_CATEGORIES),
                            tuple((level, code, age, category) for category in self.categories),
                        )
                    )
        return relations


def _figures(
    kind: str,
    key: Key,
    counts: dict[str, dict[Hashable, int]],
    facts: Facts,
    cube: _Cube,
    geography: Geography,
) -> dict[str, int | float | None]:
    level, code, age_group, _category = key
    area = cube.areas[(level, code)]
    if kind == Kind.RATE:
        count = counts.get("numerator", {}).get(key, 0)
        figures: dict[str, int | float | None] = {"count": count}
        # Per inhabitant only for all ages: the population by age is not in the shipped data.
        if age_group == ALL_AGES:
            population = geography.population_of(area)
            figures["population"] = population
            figures["per_1000"] = 1000 * count / population if population else None
        return figures
    if kind == Kind.SHARE:
        numerator = counts.get("numerator", {}).get(key, 0)
        denominator = counts.get("denominator", {}).get(key, 0)
        return {
            "numerator": numerator,
            "denominator": denominator,
            "percent": 100 * numerator / denominator if denominator else None,
        }
    if kind == Kind.DURATION:
        days = _days_in(area, age_group, facts, cube, geography)
        return {
            "n": len(days),
            "median": statistics.median(days) if days else None,
            "p90": _percentile(days, 0.9) if days else None,
        }
    return {"count": counts.get("numerator", {}).get(key, 0)}


def _days_in(area: Area, age_group: str, facts: Facts, cube: _Cube, geography: Geography) -> list[int]:
    ages = cube.ages if age_group == ALL_AGES else [age_group]
    return sorted(
        day
        for number in geography.municipalities_of(area)
        for age in ages
        for day in facts.samples.get((number, age, ""), ())
    )


def _percentile(ordered: list[int], fraction: float) -> float:
    """Linear interpolation between the two nearest ranks: PostgreSQL's percentile_cont."""
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
