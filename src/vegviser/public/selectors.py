"""Reads for the public pages: municipalities, and organisations' public contact details.

Nothing here is personal or health data, so there is no policy check and no access record (DESIGN §3);
only the contact fields in ``CONTACT_FIELDS`` are read from organisations, never members or users.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.formats import number_format

from vegviser.registry.models import Municipality, Organisation, OrganisationKind

from .names import ParallelName, fold, parallel_names, sort_key

MUNICIPAL_SERVICE_KINDS = (
    OrganisationKind.PHYSIOTHERAPY,
    OrganisationKind.OCCUPATIONAL_THERAPY,
    OrganisationKind.REHABILITATION_TEAM,
    OrganisationKind.LEARNING_COPING_CENTRE,
    OrganisationKind.HOME_SERVICES,
    OrganisationKind.OTHER_MUNICIPAL_SERVICE,
    OrganisationKind.PRIVATE_REHABILITATION,
)
SPECIALIST_KINDS = (OrganisationKind.HABILITATION_UNIT, OrganisationKind.REHABILITATION_UNIT)
CONTACT_FIELDS = ("id", "name", "kind", "address", "phone", "email", "website")

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class MunicipalityEntry:
    """One line of the directory: enough to list, group and search, without the page's details."""

    number: str
    name: str
    county_number: str
    county_name: str
    parallel_names: tuple[ParallelName, ...]

    @property
    def search_names(self) -> tuple[str, ...]:
        return (fold(self.name), *(fold(other.name) for other in self.parallel_names))


@dataclass
class County:
    number: str
    name: str
    municipalities: list[MunicipalityEntry] = field(default_factory=list)


def municipality_entries() -> list[MunicipalityEntry]:
    """All municipalities in Norwegian alphabetical order, in one query."""
    rows = Municipality.objects.values_list(
        "number", "name", "alternative_name", "county_number", "county_name"
    )
    entries = [
        MunicipalityEntry(number, name, county_number, county_name, parallel_names(number, alternative))
        for number, name, alternative, county_number, county_name in rows
    ]
    return sorted(entries, key=lambda entry: (sort_key(entry.name), entry.number))


def by_county(entries: list[MunicipalityEntry]) -> list[County]:
    counties: dict[str, County] = {}
    for entry in entries:
        county = counties.setdefault(entry.county_number, County(entry.county_number, entry.county_name))
        county.municipalities.append(entry)
    return sorted(counties.values(), key=lambda county: county.number)


def search_municipalities(entries: list[MunicipalityEntry], query: str) -> list[MunicipalityEntry]:
    """Matches on the official name, the Sami and Kven names, or the number, ignoring case and accents.

    Whole-name matches come first, then names that start with the query, then any other match.
    """
    text = query.strip()[:MAX_QUERY_LENGTH]
    if text.isdigit():
        return [entry for entry in entries if entry.number.startswith(text)]
    wanted = fold(text)
    if not wanted:
        return []
    ranked = []
    for position, entry in enumerate(entries):
        names = entry.search_names
        if wanted in names:
            rank = 0
        elif any(name.startswith(wanted) for name in names):
            rank = 1
        elif any(wanted in name for name in names):
            rank = 2
        else:
            continue
        ranked.append((rank, position, entry))
    return [entry for _, _, entry in sorted(ranked, key=lambda item: item[:2])]


@dataclass(frozen=True)
class MunicipalityOverview:
    municipality: Municipality
    parallel_names: tuple[ParallelName, ...]
    population: str
    health_trusts: list[Organisation]
    coordinating_units: list[Organisation]
    services: list[Organisation]
    specialist_units: list[Organisation]


def _contacts(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.filter(active=True).only(*CONTACT_FIELDS)


def municipality_overview(number: str) -> MunicipalityOverview | None:
    """The municipality's page, or None when no municipality has that number. Four queries."""
    if not (len(number) == 4 and number.isascii() and number.isdigit()):
        return None
    municipality = Municipality.objects.select_related("health_region").filter(number=number).first()
    if municipality is None:
        return None
    trusts = sorted(municipality.health_trusts.only("id", "name"), key=lambda trust: sort_key(trust.name))
    local = list(
        _contacts(Organisation.objects.filter(municipality=municipality)).filter(
            kind__in=[OrganisationKind.COORDINATING_UNIT, *MUNICIPAL_SERVICE_KINDS]
        )
    )
    # A health trust's units are registered as part of the trust (as the demo does for Nordlandssykehuset);
    # a unit registered only with its region counts for every municipality in that region.
    specialist = _contacts(
        Organisation.objects.filter(
            Q(parent__in=[trust.pk for trust in trusts])
            | Q(parent__isnull=True, health_region=municipality.health_region_id)
        )
    ).filter(kind__in=SPECIALIST_KINDS)
    kind_order: dict[str, int] = {kind.value: index for index, kind in enumerate(MUNICIPAL_SERVICE_KINDS)}
    return MunicipalityOverview(
        municipality=municipality,
        parallel_names=parallel_names(municipality.number, municipality.alternative_name),
        population=number_format(municipality.population, force_grouping=True),
        health_trusts=trusts,
        coordinating_units=[org for org in local if org.kind == OrganisationKind.COORDINATING_UNIT],
        services=sorted(
            (org for org in local if org.kind != OrganisationKind.COORDINATING_UNIT),
            key=lambda org: (kind_order[org.kind], sort_key(org.name)),
        ),
        specialist_units=sorted(specialist, key=lambda org: (org.kind, sort_key(org.name))),
    )
