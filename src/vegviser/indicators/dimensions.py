"""The dimensions an indicator is broken down by: period, geography and age group."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from vegviser.core.dates import add_months, start_of_day
from vegviser.registry.models import Municipality


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year, from its first to its last day (both included)."""

    start: date
    end: date
    kind: PeriodKind

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: date) -> Period:
        kind = PeriodKind(kind)
        if kind == PeriodKind.MONTH:
            first_month, months = day.month, 1
        elif kind == PeriodKind.QUARTER:
            first_month, months = 3 * ((day.month - 1) // 3) + 1, 3
        else:
            first_month, months = 1, 12
        start = date(day.year, first_month, 1)
        following = add_months(start, months)
        return cls(start=start, end=following - timedelta(days=1), kind=kind)

    def __str__(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def following(self) -> Period:
        return Period.containing(self.kind, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def reference_day(self, as_of: date) -> date:
        """The day a count of what is in force is taken: the period's last day, or `as_of` in a period that
        has not ended."""
        return min(self.end, as_of)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as moments: from the start of its first day to the start of the day after it, local
        time (a decision at 23:30 on the last day belongs to the period)."""
        return start_of_day(self.start), start_of_day(self.end + timedelta(days=1))


def periods_between(kind: PeriodKind | str, first: date, last: date) -> Iterator[Period]:
    period = Period.containing(kind, first)
    while period.start <= last:
        yield period
        period = period.following()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year - years, day=28)


class AgeGroup(models.TextChoices):
    CHILDREN = "0-17", _("0–17 years")
    ADULTS = "18-66", _("18–66 years")
    ELDERLY = "67+", _("67 years and over")
    # A person without a recorded birth date: counted in the totals, so that the totals add up.
    UNKNOWN = "unknown", _("Age not known")


ALL_AGES = "all"


def age_group_on(birth_date_field: str, day: date) -> Case:
    """The age group of the person whose birth date is in `birth_date_field`, on `day`, in the database."""
    return Case(
        When(**{f"{birth_date_field}__isnull": True}, then=Value(AgeGroup.UNKNOWN.value)),
        When(**{f"{birth_date_field}__gt": years_before(day, 18)}, then=Value(AgeGroup.CHILDREN.value)),
        When(**{f"{birth_date_field}__gt": years_before(day, 67)}, then=Value(AgeGroup.ADULTS.value)),
        default=Value(AgeGroup.ELDERLY.value),
        output_field=models.CharField(),
    )


class AreaLevel(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    HEALTH_TRUST = "health_trust", _("Health trust")
    HEALTH_REGION = "health_region", _("Health region")
    NATION = "nation", _("Norway")


@dataclass(frozen=True, order=True)
class Area:
    level: str
    code: str
    name: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.level, self.code)


NATION = Area(AreaLevel.NATION.value, "NO", "Norge")


@dataclass(frozen=True)
class Geography:
    """The municipalities (with their population) and the areas above them: each health region is the sum of
    its municipalities, the nation the sum of its regions, and each health trust the sum of the
    municipalities in its catchment area. A municipality in the catchment area of several trusts (Oslo, in
    the shipped municipality data) counts in each of them: the trusts do not add up to the nation."""

    municipalities: dict[str, Area]
    population: dict[str, int]
    regions: dict[str, Area]
    region_of: dict[str, str]
    trusts: dict[str, Area]
    catchment: dict[str, list[str]]

    @classmethod
    def load(cls) -> Geography:
        municipalities: dict[str, Area] = {}
        population: dict[str, int] = {}
        region_of: dict[str, str] = {}
        regions: dict[str, Area] = {}
        rows = Municipality.objects.select_related("health_region").order_by("number")
        for municipality in rows:
            municipalities[municipality.number] = Area(
                AreaLevel.MUNICIPALITY.value, municipality.number, str(municipality)
            )
            population[municipality.number] = municipality.population
            region = municipality.health_region
            regions.setdefault(region.code, Area(AreaLevel.HEALTH_REGION.value, region.code, region.name))
            region_of[municipality.number] = region.code
        trusts: dict[str, Area] = {}
        catchment: dict[str, list[str]] = {}
        links = Municipality.health_trusts.through.objects.select_related("organisation").order_by(
            "organisation__name", "municipality_id"
        )
        for link in links:
            trust = link.organisation
            code = str(trust.pk)
            trusts.setdefault(code, Area(AreaLevel.HEALTH_TRUST.value, code, trust.name))
            catchment.setdefault(code, []).append(link.municipality_id)
        return cls(municipalities, population, dict(sorted(regions.items())), region_of, trusts, catchment)

    def areas(self) -> list[Area]:
        return [NATION, *self.regions.values(), *self.trusts.values(), *self.municipalities.values()]

    def parts(self) -> list[tuple[Area, list[Area]]]:
        """Each area above a municipality with the areas it is the sum of."""
        by_region: dict[str, list[Area]] = {code: [] for code in self.regions}
        for number, area in self.municipalities.items():
            by_region[self.region_of[number]].append(area)
        relations: list[tuple[Area, list[Area]]] = [(NATION, list(self.regions.values()))]
        relations += [(self.regions[code], members) for code, members in by_region.items()]
        relations += [
            (self.trusts[code], [self.municipalities[number] for number in members])
            for code, members in self.catchment.items()
        ]
        return relations

    def municipalities_of(self, area: Area) -> list[str]:
        if area.level == AreaLevel.NATION:
            return list(self.municipalities)
        if area.level == AreaLevel.HEALTH_REGION:
            return [number for number, region in self.region_of.items() if region == area.code]
        if area.level == AreaLevel.HEALTH_TRUST:
            return list(self.catchment.get(area.code, []))
        return [area.code]

    def population_of(self, area: Area) -> int:
        return sum(self.population[number] for number in self.municipalities_of(area))
