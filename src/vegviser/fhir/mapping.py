"""The domain as FHIR R4 resources: each resource type is mapped here, in one function, with the Norwegian
identifier systems of HL7 Norway's base profiles (no-basis).

The systems are the OIDs of no-basis's NamingSystems (HL7 Norway, basisprofiler-r4; "no-basis-foedselsnummer",
"no-basis-dnummer", "no-basis-felleshjelpenummer", "no-basis-kommunenummer") and the organisation number of
its Organization example:
  FNR  urn:oid:2.16.578.1.12.4.1.4.1    fødselsnummer (Skatteetaten)
  DNR  urn:oid:2.16.578.1.12.4.1.4.2    D-nummer (Skatteetaten)
  FHN  urn:oid:2.16.578.1.12.4.1.4.3    felles hjelpenummer (Norsk helsenett)
  ENH  urn:oid:2.16.578.1.12.4.1.4.101  organisasjonsnummer (Enhetsregisteret)
  the municipality number as a Coding in urn:oid:2.16.578.1.12.4.1.1.3402 (SSB's kommunenummer), in the
  extension http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode on Address.district.
The person identifier systems are kept with the identity numbers' parser (vegviser.registry.identity).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from vegviser.registry.identity import FHIR_SYSTEM, FHIR_SYSTEM_ORGANISATION_NUMBER
from vegviser.registry.models import Municipality, Organisation, Person

MUNICIPALITY_CODE_EXTENSION = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
MUNICIPALITY_CODE_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402"


def person_identifier_system(kind: str) -> str | None:
    """The no-basis system of an identity number of this kind, or None when it has none. Synthetic numbers
    (Skatteetaten's Tenor test data) stand in for fødselsnumre where test identities are allowed: the demo and
    the tests; an H-number has no system in no-basis's NamingSystems and is not sent."""
    if kind == "synthetic" and settings.VEGVISER_TEST_IDENTITIES:
        return FHIR_SYSTEM["fnr"]
    return FHIR_SYSTEM.get(kind)


def _instant(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="milliseconds")


def _district(municipality: Municipality) -> dict[str, Any]:
    return {
        "district": municipality.name,
        "_district": {
            "extension": [
                {
                    "url": MUNICIPALITY_CODE_EXTENSION,
                    "valueCoding": {
                        "system": MUNICIPALITY_CODE_SYSTEM,
                        "code": municipality.number,
                        "display": municipality.name,
                    },
                }
            ]
        },
    }


def _telecom(phone: str, email: str, website: str = "") -> list[dict[str, str]]:
    points = [("phone", phone), ("email", email), ("url", website)]
    return [{"system": system, "value": value} for system, value in points if value]


def patient(person: Person) -> dict[str, Any]:
    """A person as a Patient. An address under protection (code 6 or 7) is left out, as on every page."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "meta": {"versionId": str(person.version), "lastUpdated": _instant(person.updated_at)},
    }
    # The kind is read from the number itself, which is what the identifier system follows.
    parsed = person.parsed_national_id
    system = person_identifier_system(parsed.kind) if parsed is not None else None
    if parsed is not None and system is not None:
        resource["identifier"] = [{"use": "official", "system": system, "value": parsed.value}]
    resource["name"] = [{"use": "official", "family": person.family_name, "given": [person.given_name]}]
    telecom = _telecom(person.phone, person.email)
    if telecom:
        resource["telecom"] = telecom
    if person.birth_date is not None:
        resource["birthDate"] = person.birth_date.isoformat()
    if not person.has_confidential_address:
        address: dict[str, Any] = {"use": "home", "type": "physical"}
        if person.address:
            address["line"] = [person.address]
        if person.postal_town:
            address["city"] = person.postal_town
        if person.postal_code:
            address["postalCode"] = person.postal_code
        if person.municipality is not None:
            address |= _district(person.municipality)
        if len(address) > 2:
            address["country"] = "NO"
            resource["address"] = [address]
    return resource


def organization(organisation: Organisation) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "meta": {"versionId": str(organisation.version)},
    }
    if organisation.organisation_number:
        resource["identifier"] = [
            {
                "use": "official",
                "system": FHIR_SYSTEM_ORGANISATION_NUMBER,
                "value": organisation.organisation_number,
            }
        ]
    resource["active"] = organisation.active
    resource["type"] = [{"text": str(organisation.get_kind_display())}]
    resource["name"] = organisation.name
    telecom = _telecom(organisation.phone, organisation.email, organisation.website)
    if telecom:
        resource["telecom"] = telecom
    address: dict[str, Any] = {"type": "physical"}
    if organisation.address:
        address["line"] = [organisation.address]
    if organisation.municipality is not None:
        address |= _district(organisation.municipality)
    if len(address) > 1:
        address["country"] = "NO"
        resource["address"] = [address]
    if organisation.parent_id is not None:
        resource["partOf"] = {"reference": f"Organization/{organisation.parent_id}"}
    return resource
