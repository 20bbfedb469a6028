"""The one list of what the API offers: its resource types, their interactions and search parameters.

The URL routes (urls.py), the CapabilityStatement (GET metadata) and the SMART scopes the authorisation server
grants (scopes.py) are all built from `RESOURCE_TYPES`, so what the server announces and what it answers
cannot disagree. A type joins the API by joining this list, with its mapping (mapping.py) and its reads
through the policy (selectors.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
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


@dataclass(frozen=True)
class ResourceType:
    name: str
    interactions: tuple[str, ...]
    search_parameters: tuple[SearchParameter, ...]
    read: Callable[[selectors.Caller, uuid.UUID], Any]
    search: Callable[..., tuple[list[Any], int]]
    to_resource: Callable[[Any], dict[str, Any]]
    describe: Callable[[], str]

    def scope_description(self) -> str:
        return self.describe()

    def search_parameter(self, name: str) -> SearchParameter | None:
        return next((parameter for parameter in self.search_parameters if parameter.name == name), None)


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

_ID = SearchParameter(
    name="_id",
    type="token",
    definition="http://hl7.org/fhir/SearchParameter/Resource-id",
    documentation="The resource's logical id.",
    match=_ids,
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
    to_resource=mapping.organization,
    describe=lambda: _("Read organisations"),
)

RESOURCE_TYPES: tuple[ResourceType, ...] = (PATIENT, ORGANIZATION)
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
