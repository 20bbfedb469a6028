"""The FHIR API through Django's test client: the CapabilityStatement against the routes, who may read whom,
and every error as an OperationOutcome with its status."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient

from vegviser.audit.models import AccessRecord, Channel, ReadPurpose, RefusalRecord
from vegviser.core.logs import IdentityNumberMask, mask_identity_numbers
from vegviser.fhir.catalogue import RESOURCE_TYPES
from vegviser.fhir.mapping import MUNICIPALITY_CODE_EXTENSION
from vegviser.plans.models import IndividualPlan
from vegviser.registry.models import AddressProtection

from ..conftest import World, client_as
from ..factories import OrganisationFactory
from .conftest import CLIENT_NAME, FHIR, api, token_for

FNR = "urn:oid:2.16.578.1.12.4.1.4.1"


def body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    return json.loads(response.content)


def outcome(response: Any, status: int) -> OperationOutcome:
    assert response.status_code == status, response.content
    return OperationOutcome.model_validate(body(response))


# The CapabilityStatement and the routes


def test_metadata_is_a_valid_r4_capability_statement_without_a_token(db: None) -> None:
    response = api().get(f"{FHIR}/metadata")
    assert response.status_code == 200
    statement = CapabilityStatement.model_validate(body(response))
    assert statement.fhirVersion == "4.0.1"
    announced = {resource.type: resource for resource in statement.rest[0].resource}
    assert set(announced) == {"Patient", "Organization", "CarePlan", "Goal", "CareTeam", "EpisodeOfCare"}
    for resource_type in RESOURCE_TYPES:
        entry = announced[resource_type.name]
        assert [i.code for i in entry.interaction] == list(resource_type.interactions)
        assert [p.name for p in entry.searchParam] == [p.name for p in resource_type.search_parameters]


def test_every_announced_interaction_is_answered_and_nothing_else(world: World) -> None:
    """Walk the CapabilityStatement: each type's read and search answer (a 404 for an id nobody has, not a
    405 or an unknown route); a type it does not announce is unknown."""
    client = api(token_for(world.ke_officer))
    statement = body(client.get(f"{FHIR}/metadata"))
    for resource in statement["rest"][0]["resource"]:
        codes = {interaction["code"] for interaction in resource["interaction"]}
        if "search-type" in codes:
            searched = client.get(f"{FHIR}/{resource['type']}")
            assert Bundle.model_validate(body(searched)).type == "searchset"
            for parameter in resource["searchParam"]:
                response = client.get(f"{FHIR}/{resource['type']}", {parameter["name"]: str(uuid.uuid4())})
                assert response.status_code in (200, 400), parameter["name"]
        if "read" in codes:
            unknown_id = outcome(client.get(f"{FHIR}/{resource['type']}/{uuid.uuid4()}"), 404)
            assert unknown_id.issue[0].code == "not-found"
    outcome(client.get(f"{FHIR}/Practitioner"), 404)
    outcome(client.get(f"{FHIR}/ServiceRequest/{uuid.uuid4()}"), 404)


def test_smart_configuration_names_the_authorisation_server(db: None) -> None:
    configuration = json.loads(api().get(f"{FHIR}/.well-known/smart-configuration").content)
    assert configuration["authorization_endpoint"].endswith(reverse("oauth2_provider:authorize"))
    assert configuration["token_endpoint"].endswith(reverse("oauth2_provider:token"))
    assert "user/*.rs" in configuration["scopes_supported"]
    assert configuration["code_challenge_methods_supported"] == ["S256"]


# Who may read a person: as in the pages


def test_the_coordinator_reads_the_patient_and_the_read_is_logged_with_the_client(
    world: World, plan: IndividualPlan
) -> None:
    response = api(token_for(world.coordinator)).get(f"{FHIR}/Patient/{world.patient.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{world.patient.version}"'
    patient = Patient.model_validate(body(response))
    assert patient.id == str(world.patient.pk)
    assert patient.name[0].family == "Andersen"
    assert patient.identifier[0].system == FNR
    assert patient.identifier[0].value == world.patient.national_id
    district = patient.address[0].district__ext.extension[0]
    assert district.url == MUNICIPALITY_CODE_EXTENSION
    assert district.valueCoding.code == "1804"
    record = AccessRecord.objects.get(person_id=world.patient.pk)
    assert record.actor == world.coordinator
    assert record.channel == Channel.API
    assert record.client == CLIENT_NAME
    assert record.purpose == ReadPurpose.API_READ


@pytest.mark.parametrize(
    ("persona", "may_read"),
    [
        ("coordinator", True),  # coordinates the plan
        ("team_member", True),  # takes part in the plan, the consent covers the school
        ("ke_officer", True),  # keeps the registry of the person's municipality
        ("patient_user", True),  # the person, who is over 16
        ("outsider", False),  # the coordinator's own service, not in the plan
        ("elsewhere", False),  # another organisation
        ("ke_officer_tromso", False),  # the coordinating unit of another municipality
        ("system_admin", False),  # keeps users and organisations, sees no health data
    ],
)
def test_who_may_read_the_patient(
    world: World, plan: IndividualPlan, request: pytest.FixtureRequest, persona: str, may_read: bool
) -> None:
    user = getattr(world, persona, None) or request.getfixturevalue(persona)
    client = api(token_for(user))
    read = client.get(f"{FHIR}/Patient/{world.patient.pk}")
    searched = body(client.get(f"{FHIR}/Patient", {"name": "Andersen"}))
    found = [entry["resource"]["id"] for entry in searched.get("entry", [])]
    if may_read:
        assert read.status_code == 200
        assert found == [str(world.patient.pk)]
        assert AccessRecord.objects.filter(person_id=world.patient.pk, actor=user, channel="api").count() == 2
    else:
        # Refused as if the person did not exist, and the refusal left for the privacy officer.
        assert outcome(read, 404).issue[0].code == "not-found"
        assert found == []
        assert searched["total"] == 0
        assert not AccessRecord.objects.filter(person_id=world.patient.pk, actor=user).exists()
        assert RefusalRecord.objects.filter(actor=user, person_id=world.patient.pk).exists()


def test_a_participant_whose_consent_is_withdrawn_reads_no_more(world: World, plan: IndividualPlan) -> None:
    from vegviser.access.models import Consent

    client = api(token_for(world.team_member))
    assert client.get(f"{FHIR}/Patient/{world.patient.pk}").status_code == 200
    Consent.objects.filter(person=world.patient).delete()
    outcome(client.get(f"{FHIR}/Patient/{world.patient.pk}"), 404)


def test_a_protected_address_is_never_sent(world: World, plan: IndividualPlan) -> None:
    world.patient.address_protection = AddressProtection.STRICTLY_CONFIDENTIAL
    world.patient.save()
    patient = body(api(token_for(world.coordinator)).get(f"{FHIR}/Patient/{world.patient.pk}"))
    assert "address" not in patient
    assert "Storgata" not in json.dumps(patient)


# Searching


def test_search_by_identifier_in_a_post_body(world: World) -> None:
    client = api(token_for(world.ke_officer))
    response = client.post(f"{FHIR}/Patient/_search", {"identifier": f"{FNR}|{world.patient.national_id}"})
    bundle = Bundle.model_validate(body(response))
    assert [entry.resource.id for entry in bundle.entry] == [str(world.patient.pk)]
    # The number is in no link the server answers with.
    assert world.patient.national_id not in json.dumps([link.url for link in bundle.link])
    other_system = client.post(
        f"{FHIR}/Patient/_search", {"identifier": f"urn:oid:1.2.3|{world.patient.national_id}"}
    )
    assert body(other_system)["total"] == 0


def test_an_identifier_that_fails_its_check_digits_is_refused_without_repeating_it(world: World) -> None:
    wrong = world.patient.national_id[:-1] + str((int(world.patient.national_id[-1]) + 1) % 10)
    response = api(token_for(world.ke_officer)).post(f"{FHIR}/Patient/_search", {"identifier": wrong})
    issue = outcome(response, 400).issue[0]
    assert issue.code == "invalid"
    assert wrong not in response.content.decode()


def test_paging_with_count_and_self_next_previous_links(world: World) -> None:
    for number in range(5):
        OrganisationFactory(name=f"Pagingtjenesten {number}")
    client = api(token_for(world.coordinator, "user/Organization.rs"))
    first = body(client.get(f"{FHIR}/Organization", {"name": "Pagingtjenesten", "_count": "2"}))
    assert first["total"] == 5
    assert len(first["entry"]) == 2
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert set(links) == {"self", "next"}
    names = [entry["resource"]["name"] for entry in first["entry"]]
    while "next" in links:
        page = body(client.get(links["next"]))
        links = {link["relation"]: link["url"] for link in page["link"]}
        assert "previous" in links
        names += [entry["resource"]["name"] for entry in page["entry"]]
    assert names == [f"Pagingtjenesten {number}" for number in range(5)]


def test_organization_read_and_search_by_organisation_number(world: World) -> None:
    unit = OrganisationFactory(
        name="Habiliteringstjenesten", organisation_number="974795787", parent=world.physio
    )
    client = api(token_for(world.team_member, "user/Organization.read"))
    organization = Organization.model_validate(body(client.get(f"{FHIR}/Organization/{unit.pk}")))
    assert organization.identifier[0].system == "urn:oid:2.16.578.1.12.4.1.4.101"
    assert organization.partOf.reference == f"Organization/{world.physio.pk}"
    found = body(
        client.get(f"{FHIR}/Organization", {"identifier": "urn:oid:2.16.578.1.12.4.1.4.101|974795787"})
    )
    assert [entry["resource"]["id"] for entry in found["entry"]] == [str(unit.pk)]
    outcome(client.get(f"{FHIR}/Organization", {"identifier": "974795788"}), 400)


def test_an_inactive_organisation_is_read_only_by_who_administers_organisations(world: World) -> None:
    closed = OrganisationFactory(name="Nedlagt tjeneste", active=False)
    outcome(api(token_for(world.coordinator)).get(f"{FHIR}/Organization/{closed.pk}"), 404)
    assert api(token_for(world.system_admin)).get(f"{FHIR}/Organization/{closed.pk}").status_code == 200


def test_an_unknown_parameter_is_ignored_unless_strict_handling_is_asked_for(world: World) -> None:
    client = api(token_for(world.ke_officer))
    assert client.get(f"{FHIR}/Patient", {"shoe-size": "42"}).status_code == 200
    strict = client.get(f"{FHIR}/Patient", {"shoe-size": "42"}, HTTP_PREFER="handling=strict")
    assert outcome(strict, 400).issue[0].code == "not-supported"
    outcome(client.get(f"{FHIR}/Patient", {"name:fuzzy": "x"}, HTTP_PREFER="handling=strict"), 400)


@pytest.mark.parametrize("count", ["many", "-1"])
def test_a_count_that_is_not_a_number_is_a_bad_request(world: World, count: str) -> None:
    outcome(api(token_for(world.ke_officer)).get(f"{FHIR}/Patient", {"_count": count}), 400)


# Who may call at all


def test_no_token_is_401_with_a_challenge(world: World) -> None:
    response = api().get(f"{FHIR}/Patient/{world.patient.pk}")
    assert outcome(response, 401).issue[0].code == "login"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_is_no_caller_of_the_api(world: World, plan: IndividualPlan) -> None:
    outcome(client_as(world.coordinator).get(f"{FHIR}/Patient/{world.patient.pk}"), 401)


@pytest.mark.parametrize("kind", ["unknown", "expired", "deactivated"])
def test_a_token_that_is_not_valid_is_401(world: World, plan: IndividualPlan, kind: str) -> None:
    token = "not-a-token-anyone-was-given"
    if kind == "expired":
        token = token_for(world.coordinator, expires_in=timedelta(seconds=-1))
    elif kind == "deactivated":
        token = token_for(world.coordinator)
        world.coordinator.is_active = False
        world.coordinator.save()
    response = api(token).get(f"{FHIR}/Patient/{world.patient.pk}")
    outcome(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    "scope", ["user/Organization.rs", "user/Patient.s", "patient/*.rs", "system/*.rs", "openid"]
)
def test_a_token_without_the_scope_is_refused_before_anything_is_looked_up(
    world: World, plan: IndividualPlan, scope: str
) -> None:
    response = api(token_for(world.coordinator, scope)).get(f"{FHIR}/Patient/{world.patient.pk}")
    assert outcome(response, 403).issue[0].code == "forbidden"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert not AccessRecord.objects.exists()


def test_a_read_scope_in_smart_v1_form_reads(world: World, plan: IndividualPlan) -> None:
    token = token_for(world.coordinator, "user/Patient.read")
    assert api(token).get(f"{FHIR}/Patient/{world.patient.pk}").status_code == 200


# Errors, each an OperationOutcome


def test_interactions_not_offered_are_405(world: World) -> None:
    client = api(token_for(world.ke_officer))
    for method, path in [
        ("delete", f"{FHIR}/Patient/{world.patient.pk}"),
        ("put", f"{FHIR}/Patient/{world.patient.pk}"),
        ("post", f"{FHIR}/Patient"),
        ("get", f"{FHIR}/Patient/_search"),
        ("post", f"{FHIR}/metadata"),
    ]:
        response = getattr(client, method)(path)
        assert outcome(response, 405).issue[0].code == "not-supported", (method, path)
        assert response["Allow"]


def test_only_json_is_answered(world: World) -> None:
    client = api(token_for(world.ke_officer))
    outcome(client.get(f"{FHIR}/metadata", {"_format": "xml"}), 406)
    outcome(client.get(f"{FHIR}/Patient", HTTP_ACCEPT="application/fhir+xml"), 406)
    assert client.get(f"{FHIR}/metadata", {"_format": "json"}).status_code == 200
    assert client.get(f"{FHIR}/metadata", HTTP_ACCEPT="application/fhir+json").status_code == 200


def test_a_search_by_post_sends_a_form(world: World) -> None:
    response = api(token_for(world.ke_officer)).post(
        f"{FHIR}/Patient/_search", json.dumps({"name": "Per"}), content_type="application/json"
    )
    outcome(response, 415)


def test_unknown_addresses_and_ids_are_404(world: World) -> None:
    client = api(token_for(world.ke_officer))
    for path in [
        f"{FHIR}/",
        f"{FHIR}/Patient/not-a-uuid",
        f"{FHIR}/Patient/{uuid.uuid4()}/_history",
        f"{FHIR}/x/y/z",
    ]:
        outcome(client.get(path), 404)


def test_a_failure_inside_is_an_operation_outcome_not_a_page(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The registry's manager gone: every read of a person fails inside the selector.
    monkeypatch.setattr("vegviser.fhir.selectors.Person.objects", None)
    with caplog.at_level(logging.ERROR, logger="vegviser.fhir.views"):
        response = api(token_for(world.ke_officer)).get(f"{FHIR}/Patient/{world.patient.pk}")
    assert outcome(response, 500).issue[0].code == "exception"
    assert "NoneType" not in response.content.decode()
    assert "The FHIR API failed to answer" in caplog.text


# Identity numbers stay out of the logs


def test_a_request_line_with_an_identity_number_is_masked(world: World) -> None:
    number = world.patient.national_id
    line = f'"GET /fhir/R4/Patient?identifier=urn%3Aoid%3A2.16.578.1.12.4.1.4.1%7C{number} HTTP/1.1" 200 99'
    masked = mask_identity_numbers(line)
    assert number not in masked
    assert f"{number[:6]}*****" in masked
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (line, "200", "99"), None
    )
    assert IdentityNumberMask().filter(record)
    assert number not in record.getMessage()


def test_the_development_servers_request_log_goes_through_the_mask() -> None:
    logger = logging.getLogger("django.server")
    assert any(isinstance(f, IdentityNumberMask) for f in logger.filters)


def test_the_person_sees_which_application_read_their_data(world: World, plan: IndividualPlan) -> None:
    api(token_for(world.coordinator)).get(f"{FHIR}/Patient/{world.patient.pk}")
    page = client_as(world.patient_user).get(reverse("portal:access_log", args=[world.patient.pk]))
    assert page.status_code == 200
    assert f"Read through the FHIR API: {CLIENT_NAME}" in page.content.decode()
