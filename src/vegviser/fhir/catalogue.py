"""The one list of what the API offers: its resource types, their interactions and search parameters.

The URL routes (urls.py), the CapabilityStatement (GET metadata) and the SMART scopes the authorisation server
grants (scopes.py) are all built from `RESOURCE_TYPES`, so what the server announces and what it answers
cannot disagree. A type joins the API by joining this list, with its mapping (mapping.py) and its reads
through the policy (selectors.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from vegviser.registry.identity import (
    FHIR_SYSTEM,
    FHIR_SYSTEM_ORGANISATION_NUMBER,
    normalise_organisation_number,
    parse_national_id,
)

from . import mapping, selectors
from .outcome import FhirError

FHIR_VERSION = "4.0.1"
READ = "read"
SEARCH = "search-type"
# The SMART permission each interaction needs: r to read, s to search.
PERMISSION = {READ: "r", SEARCH: "s"}
# How many resources a search answers at most on one page, and by default.
MAX_COUNT = 100
DEFAULT_COUNT = 20


@dataclass(frozen=True)
class SearchParameter:
    """An official R4 search parameter the domain can answer. `match` turns one value (one of a
    comma-separated list) with its modifier ("" for none) into a filter; it raises FhirError for a value
    that cannot be one (an identity number whose check digits fail)."""

    name: str
    type: str
    definition: str
    documentation: str
    match: Callable[[str, str], Q]
    modifiers: tuple[str, ...] = ()
    # Values of this parameter are never written into a link the server answers with (an identity number).
    secret: bool = False
    # A reference parameter: the type it points to, and the ids a found resource points to through it (for
    # `_include`); another type's search through it finds what points to a page's resources (`_revinclude`).
    target: str = ""
    references: Callable[[Any], list[Any]] | None = None


@dataclass(frozen=True)
class ResourceType:
    name: str
    interactions: tuple[str, ...]
    search_parameters: tuple[SearchParameter, ...]
    read: Callable[[selectors.Caller, uuid.UUID], Any]
    search: Callable[..., tuple[list[Any], int]]
    to_resource: Callable[[Any], dict[str, Any]]
    describe: Callable[[], str]
    # Every resource of the type the caller may read that a filter keeps, each read recorded: what
    # `_include` and `_revinclude` add to a page.
    fetch: Callable[..., list[Any]] | None = None
    # `_sort`'s keys: a search parameter's name and the field it sorts by.
    sorts: dict[str, str] = dataclass_field(default_factory=dict)

    def scope_description(self) -> str:
        return self.describe()

    def search_parameter(self, name: str) -> SearchParameter | None:
        return next((parameter for parameter in self.search_parameters if parameter.name == name), None)

    @property
    def includes(self) -> list[str]:
        """`_include` values: the reference parameters whose target is a type of the API."""
        return [
            f"{self.name}:{p.name}"
            for p in self.search_parameters
            if p.references is not None and p.target in BY_NAME and BY_NAME[p.target].fetch is not None
        ]

    @property
    def revincludes(self) -> list[str]:
        """`_revinclude` values: the other types' reference parameters that point to this one."""
        return [
            f"{source.name}:{p.name}"
            for source in RESOURCE_TYPES
            if source.fetch is not None
            for p in source.search_parameters
            if p.target == self.name
        ]


def _ids(modifier: str, value: str) -> Q:
    try:
        return Q(pk=uuid.UUID(value))
    except ValueError:
        # No resource has an id that is not one of ours: the search finds nothing, as it would elsewhere.
        return Q(pk__in=[])


def _token(value: str) -> tuple[str | None, str]:
    """A token's system (None: any; "": none) and code, from `system|code`, `|code` or `code`."""
    if "|" in value:
        system, code = value.split("|", 1)
        return system, code
    return None, value


def _person_identifier(modifier: str, value: str) -> Q:
    system, code = _token(value)
    if not code:
        # Every person with a number in the system: a search that lists the registry, not one that finds
        # a person. Not offered.
        raise FhirError(400, "not-supported", _("A search by identifier needs the identity number."))
    try:
        parsed = parse_national_id(code, allow_synthetic=settings.VEGVISER_TEST_IDENTITIES)
    except ValueError as exc:
        # The parser's message says what is wrong without repeating the number.
        raise FhirError(400, "invalid", str(exc.args[0])) from exc
    kind_system = mapping.person_identifier_system(parsed.kind)
    if kind_system is None or system not in (None, kind_system):
        return Q(pk__in=[])
    return Q(national_id=parsed.value)


def _organisation_identifier(modifier: str, value: str) -> Q:
    system, code = _token(value)
    if system not in (None, FHIR_SYSTEM_ORGANISATION_NUMBER):
        return Q(pk__in=[])
    if not code:
        return ~Q(organisation_number="")
    try:
        return Q(organisation_number=normalise_organisation_number(code))
    except ValueError as exc:
        raise FhirError(400, "invalid", str(exc.args[0])) from exc


def _string(*fields: str) -> Callable[[str, str], Q]:
    """A string parameter over these fields: by default a case-insensitive match at the start of the field,
    `:exact` the whole field as written, `:contains` anywhere in it (FHIR R4 3.1.1.5.9)."""
    lookup = {"": "istartswith", "exact": "exact", "contains": "icontains"}

    def match(modifier: str, value: str) -> Q:
        found = Q()
        for field in fields:
            found |= Q(**{f"{field}__{lookup[modifier]}": value})
        return found

    return match


STRING_MODIFIERS = ("exact", "contains")

# A date search value (FHIR R4 3.1.1.4.4): an optional prefix, then a date of year, month or day precision,
# or a moment.
_DATE = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4}(?:-\d{2}(?:-\d{2})?)?)(T.+)?$")
UNBOUNDED_PREFIXES = ("gt", "lt", "ge", "le", "sa", "eb")


def _date_range(value: str) -> tuple[str, datetime, datetime]:
    """A date value's prefix and the moments it spans: from the first, up to (not including) the second."""
    match = _DATE.match(value)
    if match is None:
        raise FhirError(400, "invalid", _("Not a date: %(value)s") % {"value": value[:40]})
    prefix, day, moment = match.group(1) or "eq", match.group(2), match.group(3)
    if prefix == "ap":
        raise FhirError(400, "not-supported", _("The prefix ap (approximately) is not supported."))
    try:
        if moment:
            at = parse_datetime(day + moment)
            if at is None:
                raise ValueError
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
            return prefix, at, at + timedelta(seconds=1)
        parts = [int(part) for part in day.split("-")]
        start = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise FhirError(400, "invalid", _("Not a date: %(value)s") % {"value": value[:40]}) from None
    if len(parts) == 3:
        end = start + timedelta(days=1)
    elif len(parts) == 2:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        end = start.replace(year=start.year + 1)
    local = timezone.get_current_timezone()
    return (
        prefix,
        datetime.combine(start, time.min, tzinfo=local),
        datetime.combine(end, time.min, tzinfo=local),
    )


def _on_dates(low: datetime, high: datetime, dates: bool) -> tuple[Any, Any]:
    if not dates:
        return low, high
    # A date field against a moment: the days the moments fall on, the last one whole.
    last = timezone.localtime(high - timedelta(microseconds=1)).date()
    return timezone.localtime(low).date(), last + timedelta(days=1)


def _date(name: str, *, dates: bool) -> Callable[[str, str], Q]:
    """A date parameter over one field (a date, or with `dates=False` a moment) that is set."""

    def match(modifier: str, value: str) -> Q:
        prefix, low, high = _date_range(value)
        low, high = _on_dates(low, high, dates)
        within = Q(**{f"{name}__gte": low, f"{name}__lt": high})
        return {
            "eq": within,
            "ne": ~within & Q(**{f"{name}__isnull": False}),
            "gt": Q(**{f"{name}__gte": high}),
            "sa": Q(**{f"{name}__gte": high}),
            "ge": Q(**{f"{name}__gte": low}),
            "lt": Q(**{f"{name}__lt": low}),
            "eb": Q(**{f"{name}__lt": low}),
            "le": Q(**{f"{name}__lt": high}),
        }[prefix]

    return match


def _period(start: str, end: str, *, dates: bool = True) -> Callable[[str, str], Q]:
    """A date parameter over a period of two date fields, either of which may be open (R4 3.1.1.4.4: ge
    finds a period with any part on or after the value, eq one that lies within it)."""

    def match(modifier: str, value: str) -> Q:
        prefix, low_moment, high_moment = _date_range(value)
        low, high = _on_dates(low_moment, high_moment, dates)
        open_start = Q(**{f"{start}__isnull": True})
        open_end = Q(**{f"{end}__isnull": True})
        within = Q(**{f"{start}__gte": low, f"{end}__lt": high})
        return {
            "eq": within,
            "ne": ~within,
            "gt": open_end | Q(**{f"{end}__gte": high}),
            "ge": open_end | Q(**{f"{end}__gte": low}),
            "lt": open_start | Q(**{f"{start}__lt": low}),
            "le": open_start | Q(**{f"{start}__lt": high}),
            "sa": Q(**{f"{start}__gte": high}),
            "eb": Q(**{f"{end}__lt": low}),
        }[prefix]

    return match


def _reference(type_name: str, lookup: str) -> Callable[[str, str], Q]:
    """A reference parameter to `type_name`: `Type/id`, an absolute URL ending in it, or the bare id."""

    def match(modifier: str, value: str) -> Q:
        if modifier not in ("", type_name):
            return Q(pk__in=[])
        parts = value.rstrip("/").split("/")
        if len(parts) > 1 and parts[-2] != type_name:
            return Q(pk__in=[])
        try:
            return Q(**{lookup: uuid.UUID(parts[-1])})
        except ValueError:
            return Q(pk__in=[])

    return match


def _codes(lookup: str, codes: dict[str, str]) -> Callable[[str, str], Q]:
    """A token parameter over a status the domain keeps in its own words (`codes`: the domain's to FHIR's);
    the code system, if given, is not looked at: each status code belongs to one."""
    domain = {fhir: ours for ours, fhir in codes.items()}

    def match(modifier: str, value: str) -> Q:
        _system, code = _token(value)
        if modifier == "not":
            return ~Q(**{lookup: domain.get(code, "")})
        return Q(**{lookup: domain[code]}) if code in domain else Q(pk__in=[])

    return match


_ID = SearchParameter(
    name="_id",
    type="token",
    definition="http://hl7.org/fhir/SearchParameter/Resource-id",
    documentation="The resource's logical id.",
    match=_ids,
)

_LAST_UPDATED = SearchParameter(
    name="_lastUpdated",
    type="date",
    definition="http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
    documentation="When the resource last changed, with the prefixes eq, ne, gt, ge, lt, le, sa, eb.",
    match=_date("updated_at", dates=False),
)

PATIENT = ResourceType(
    name="Patient",
    interactions=(READ, SEARCH),
    search_parameters=(
        _ID,
        SearchParameter(
            name="identifier",
            type="token",
            definition="http://hl7.org/fhir/SearchParameter/Patient-identifier",
            documentation=(
                f"The identity number: FNR ({FHIR_SYSTEM['fnr']}), DNR ({FHIR_SYSTEM['dnr']}) or FHN "
                f"({FHIR_SYSTEM['fhn']}). Send it in the body of a POST to Patient/_search, so that it is "
                "not written into a URL."
            ),
            match=_person_identifier,
            secret=True,
        ),
        SearchParameter(
            name="name",
            type="string",
            definition="http://hl7.org/fhir/SearchParameter/Patient-name",
            documentation="The start of the given or the family name; :exact and :contains as in R4.",
            match=_string("given_name", "family_name"),
            modifiers=STRING_MODIFIERS,
        ),
    ),
    read=selectors.read_patient,
    search=selectors.search_patients,
    fetch=selectors.fetch_patients,
    to_resource=mapping.patient,
    describe=lambda: _("Read the persons you may read in Vegviser"),
)

ORGANIZATION = ResourceType(
    name="Organization",
    interactions=(READ, SEARCH),
    search_parameters=(
        _ID,
        SearchParameter(
            name="identifier",
            type="token",
            definition="http://hl7.org/fhir/SearchParameter/Organization-identifier",
            documentation=f"The organisation number ({FHIR_SYSTEM_ORGANISATION_NUMBER}).",
            match=_organisation_identifier,
        ),
        SearchParameter(
            name="name",
            type="string",
            definition="http://hl7.org/fhir/SearchParameter/Organization-name",
            documentation="The start of the name; :exact and :contains as in R4.",
            match=_string("name"),
            modifiers=STRING_MODIFIERS,
        ),
    ),
    read=selectors.read_organisation,
    search=selectors.search_organisations,
    fetch=selectors.fetch_organisations,
    to_resource=mapping.organization,
    describe=lambda: _("Read organisations"),
)


def _episode_status(modifier: str, value: str) -> Q:
    """An episode is active until discharged, then finished; no other status is kept."""
    _system, code = _token(value)
    found = {"active": Q(discharged_at__isnull=True), "finished": Q(discharged_at__isnull=False)}.get(
        code, Q(pk__in=[])
    )
    return ~found if modifier == "not" else found


def _reference_parameter(
    name: str,
    definition: str,
    documentation: str,
    *,
    target: str,
    lookup: str,
    references: Callable[[Any], list[Any]],
) -> SearchParameter:
    """A reference parameter to `target` (the field `lookup` holds its id), with the `:Target` modifier, and
    what a found resource points to through it, for `_include`."""
    return SearchParameter(
        name=name,
        type="reference",
        definition=definition,
        documentation=documentation,
        match=_reference(target, lookup),
        modifiers=(target,),
        target=target,
        references=references,
    )


def _status(resource: str, lookup: str, codes: dict[str, str], documentation: str) -> SearchParameter:
    return SearchParameter(
        name="status",
        type="token",
        definition=f"http://hl7.org/fhir/SearchParameter/{resource}-status",
        documentation=documentation,
        match=_codes(lookup, codes),
        modifiers=("not",),
    )


def _clinical_date(documentation: str, match: Callable[[str, str], Q]) -> SearchParameter:
    return SearchParameter(
        name="date",
        type="date",
        definition="http://hl7.org/fhir/SearchParameter/clinical-date",
        documentation=documentation,
        match=match,
    )


def _patient_parameters(
    resource: str, lookup: str, person_of: Callable[[Any], Any], *, subject: bool = True
) -> tuple[SearchParameter, ...]:
    """`patient` (and `subject` where the type has it): the person the resource is about, as a Patient."""
    names = [("patient", "clinical-patient")] + ([("subject", f"{resource}-subject")] if subject else [])
    return tuple(
        _reference_parameter(
            name,
            f"http://hl7.org/fhir/SearchParameter/{definition}",
            "The person it is about: Patient/{id}.",
            target="Patient",
            lookup=lookup,
            references=lambda row: [person_of(row)],
        )
        for name, definition in names
    )


CARE_PLAN = ResourceType(
    name="CarePlan",
    interactions=(READ, SEARCH),
    search_parameters=(
        _ID,
        _LAST_UPDATED,
        *_patient_parameters("CarePlan", "person_id", lambda plan: plan.person_id),
        _status(
            "CarePlan",
            "status",
            mapping.CARE_PLAN_STATUS,
            "draft, active, on-hold (paused) or completed (closed); :not as in R4.",
        ),
        _clinical_date(
            "The plan period; ge finds plans in force on or after the date, le before it.",
            _period("period_start", "period_end"),
        ),
        _reference_parameter(
            "care-team",
            "http://hl7.org/fhir/SearchParameter/CarePlan-care-team",
            "The plan's participants: CareTeam/{id}.",
            target="CareTeam",
            lookup="pk",
            references=lambda plan: [plan.pk],
        ),
        _reference_parameter(
            "goal",
            "http://hl7.org/fhir/SearchParameter/CarePlan-goal",
            "A goal of the plan: Goal/{id}.",
            target="Goal",
            lookup="goals__pk",
            references=lambda plan: [goal.pk for goal in plan.fhir_view.goals],
        ),
    ),
    read=selectors.read_care_plan,
    search=selectors.search_care_plans,
    fetch=selectors.fetch_care_plans,
    to_resource=mapping.care_plan,
    describe=lambda: _("Read the individual plans you may read in Vegviser"),
    sorts={"_lastUpdated": "updated_at", "date": "period_start"},
)

GOAL = ResourceType(
    name="Goal",
    interactions=(READ, SEARCH),
    search_parameters=(
        _ID,
        _LAST_UPDATED,
        *_patient_parameters("Goal", "plan__person_id", lambda goal: goal.plan.person_id),
        SearchParameter(
            name="lifecycle-status",
            type="token",
            definition="http://hl7.org/fhir/SearchParameter/Goal-lifecycle-status",
            documentation="proposed, active, on-hold, completed or cancelled; :not as in R4.",
            match=_codes("status", mapping.GOAL_LIFECYCLE_STATUS),
            modifiers=("not",),
        ),
        SearchParameter(
            name="achievement-status",
            type="token",
            definition="http://hl7.org/fhir/SearchParameter/Goal-achievement-status",
            documentation=(
                "From the latest rating on the goal attainment scale: in-progress (none yet), achieved (0 "
                "or better), improving, no-change or worsening against the level at the start."
            ),
            match=_codes("achievement", {code: code for code in mapping.ACHIEVEMENT_CODES}),
            modifiers=("not",),
        ),
        SearchParameter(
            name="target-date",
            type="date",
            definition="http://hl7.org/fhir/SearchParameter/Goal-target-date",
            documentation="The date the goal is to be reached by.",
            match=_date("target_date", dates=True),
        ),
    ),
    read=selectors.read_goal,
    search=selectors.search_goals,
    fetch=selectors.fetch_goals,
    to_resource=mapping.goal,
    describe=lambda: _("Read the goals you may read in Vegviser"),
    sorts={"_lastUpdated": "updated_at", "target-date": "target_date"},
)

CARE_TEAM = ResourceType(
    name="CareTeam",
    interactions=(READ, SEARCH),
    search_parameters=(
        _ID,
        _LAST_UPDATED,
        *_patient_parameters("CareTeam", "person_id", lambda plan: plan.person_id),
        _status(
            "CareTeam",
            "status",
            mapping.CARE_TEAM_STATUS,
            "proposed (a draft plan), active, suspended (paused) or inactive (closed).",
        ),
        _clinical_date(
            "The period the team works in: the plan period.", _period("period_start", "period_end")
        ),
    ),
    read=selectors.read_care_team,
    search=selectors.search_care_teams,
    fetch=selectors.fetch_care_teams,
    to_resource=mapping.care_team,
    describe=lambda: _("Read who takes part in the plans you may read"),
    sorts={"_lastUpdated": "updated_at", "date": "period_start"},
)

EPISODE_OF_CARE = ResourceType(
    name="EpisodeOfCare",
    interactions=(READ, SEARCH),
    search_parameters=(
        _ID,
        _LAST_UPDATED,
        *_patient_parameters("EpisodeOfCare", "person_id", lambda episode: episode.person_id, subject=False),
        _reference_parameter(
            "organization",
            "http://hl7.org/fhir/SearchParameter/EpisodeOfCare-organization",
            "The unit the episode is at: Organization/{id}.",
            target="Organization",
            lookup="unit_id",
            references=lambda episode: [episode.unit_id],
        ),
        SearchParameter(
            name="status",
            type="token",
            definition="http://hl7.org/fhir/SearchParameter/EpisodeOfCare-status",
            documentation="active (not yet discharged) or finished (discharged); :not as in R4.",
            match=_episode_status,
            modifiers=("not",),
        ),
        SearchParameter(
            name="type",
            type="token",
            definition="http://hl7.org/fhir/SearchParameter/EpisodeOfCare-type",
            documentation=("The level of care as v3 ActCode: IMP (inpatient), SS (day), AMB (outpatient)."),
            match=_codes("level_of_care", mapping.LEVEL_OF_CARE_CLASS),
            modifiers=("not",),
        ),
        _clinical_date(
            "From admission to discharge; an open episode goes on.",
            _period("admitted_at", "discharged_at", dates=False),
        ),
    ),
    read=selectors.read_episode,
    search=selectors.search_episodes,
    fetch=selectors.fetch_episodes,
    to_resource=mapping.episode_of_care,
    describe=lambda: _("Read the episodes of care you may read in Vegviser"),
    sorts={"_lastUpdated": "updated_at", "date": "admitted_at"},
)

RESOURCE_TYPES: tuple[ResourceType, ...] = (
    PATIENT,
    ORGANIZATION,
    CARE_PLAN,
    GOAL,
    CARE_TEAM,
    EPISODE_OF_CARE,
)
BY_NAME: dict[str, ResourceType] = {resource_type.name: resource_type for resource_type in RESOURCE_TYPES}


def capability_statement(base: str, authorize_url: str, token_url: str, date: str) -> dict[str, Any]:
    """The server's CapabilityStatement, from the same list that builds the routes."""
    resources = []
    for resource_type in RESOURCE_TYPES:
        entry: dict[str, Any] = {
            "type": resource_type.name,
            "interaction": [{"code": code} for code in resource_type.interactions],
        }
        if SEARCH in resource_type.interactions:
            entry["searchParam"] = [
                {
                    "name": parameter.name,
                    "definition": parameter.definition,
                    "type": parameter.type,
                    "documentation": parameter.documentation,
                }
                for parameter in resource_type.search_parameters
            ]
            if resource_type.includes:
                entry["searchInclude"] = resource_type.includes
            if resource_type.revincludes:
                entry["searchRevInclude"] = resource_type.revincludes
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "Vegviser",
        "kind": "instance",
        "software": {"name": "Vegviser"},
        "implementation": {"description": "Vegviser FHIR R4 API", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [
                                {"url": "authorize", "valueUri": authorize_url},
                                {"url": "token", "valueUri": token_url},
                            ],
                        }
                    ],
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                },
                "resource": resources,
            }
        ],
    }
