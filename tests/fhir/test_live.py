"""The API on a live server on 127.0.0.1, as a real client meets it: a token from the authorisation server
through the authorisation code flow with PKCE (signing in through the login page and approving the
application), then reads and searches with fhirpy, an unmodified FHIR client from PyPI."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import ResourceNotFound
from pytest_django.live_server_helper import LiveServer

from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.registry.models import HealthRegion, Municipality, Organisation
from vegviser.registry.reference import load_municipalities

from ..conftest import World
from ..factories import PASSWORD, MembershipFactory, OrganisationFactory
from ..plans.helpers import plan_for
from .conftest import CLIENT_NAME, register_client

# The live server's transactional database, with what the migrations left (the municipalities) restored.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Never visited: the redirect with the code is read, not followed.
REDIRECT_URI = "https://app.example.org/callback"
SECRET = "a-client-secret-for-tests"


@pytest.fixture
def server(live_server: LiveServer, settings: Any) -> LiveServer:
    if not Municipality.objects.filter(number="1804").exists():
        load_municipalities(HealthRegion, Municipality, Organisation)
    # Password only: the second factor has its own tests. The cookies over the live server's plain http.
    settings.VEGVISER_REQUIRE_2FA = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    return live_server


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def token_through_the_authorisation_server(server: LiveServer, user: User, scope: str) -> str:
    """Sign in as `user` on the login page, approve the client on the authorisation page, and change the code
    for a token at the token endpoint, with PKCE."""
    application = register_client(redirect_uri=REDIRECT_URI)
    browser = requests.Session()
    login = f"{server.url}/account/login/"
    page = browser.get(login)
    signed_in = browser.post(
        login,
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": login},
    )
    assert signed_in.ok
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    authorize = f"{server.url}/o/authorize/"
    form = browser.get(authorize, params=query)
    assert form.status_code == 200, form.text[:500]
    assert CLIENT_NAME in form.text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.text))
    approved = browser.post(
        form.url,
        data={**hidden, "allow": "Authorize"},
        headers={"Referer": form.url},
        allow_redirects=False,
    )
    assert approved.status_code == 302, approved.text[:500]
    answer = parse_qs(urlsplit(approved.headers["Location"]).query)
    assert answer["state"] == ["xyz"]
    token = requests.post(
        f"{server.url}/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": answer["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        auth=(application.client_id, SECRET),
        timeout=30,
    )
    assert token.status_code == 200, token.text
    assert token.json()["scope"] == scope
    return str(token.json()["access_token"])


def test_fhirpy_reads_and_searches_with_a_token_from_the_authorisation_server(
    server: LiveServer, world: World
) -> None:
    plan_for(world)
    for number in range(3):
        OrganisationFactory(name=f"Levende tjeneste {number}")
    token = token_through_the_authorisation_server(server, world.coordinator, "user/*.rs")
    client = SyncFHIRClient(f"{server.url}/fhir/R4", authorization=f"Bearer {token}")

    patient = client.reference("Patient", str(world.patient.pk)).to_resource()
    Patient.model_validate(patient.serialize())
    assert patient["name"][0]["family"] == "Andersen"

    found = client.resources("Patient").search(name="Ander").fetch()
    assert [resource.id for resource in found] == [str(world.patient.pk)]

    # Paging: fhirpy follows the server's next links to the end.
    organisations = client.resources("Organization").search(name="Levende").limit(2).fetch_all()
    assert [resource["name"] for resource in organisations] == [f"Levende tjeneste {n}" for n in range(3)]
    for resource in organisations:
        Organization.model_validate(resource.serialize())

    records = AccessRecord.objects.filter(person_id=world.patient.pk, actor=world.coordinator)
    assert {(record.channel, record.client) for record in records} == {("api", CLIENT_NAME)}
    assert records.count() == 2


def test_a_professional_outside_the_plan_finds_nothing_with_the_same_client(
    server: LiveServer, world: World
) -> None:
    plan_for(world)
    outsider = MembershipFactory(organisation=world.physio, role="team_member").user
    token = token_through_the_authorisation_server(server, outsider, "user/*.rs")
    client = SyncFHIRClient(f"{server.url}/fhir/R4", authorization=f"Bearer {token}")
    with pytest.raises(ResourceNotFound):
        client.reference("Patient", str(world.patient.pk)).to_resource()
    assert client.resources("Patient").search(name="Ander").fetch() == []
    assert not AccessRecord.objects.filter(person_id=world.patient.pk, actor=outsider).exists()


def test_a_scope_the_server_does_not_offer_is_not_granted(server: LiveServer, world: World) -> None:
    application = register_client(redirect_uri=REDIRECT_URI)
    browser = requests.Session()
    page = browser.get(f"{server.url}/account/login/")
    browser.post(
        f"{server.url}/account/login/",
        data={
            "username": world.coordinator.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf(page.text),
        },
        headers={"Referer": f"{server.url}/account/login/"},
    )
    answer = browser.get(
        f"{server.url}/o/authorize/",
        params={
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "system/*.cruds",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
    )
    # The error goes back to the client, as OAuth 2.0 says: the scope is invalid, nothing is granted.
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_fhirpy_reads_a_plan_with_its_goals_and_care_team_included(server: LiveServer, world: World) -> None:
    plan = plan_for(world)
    token = token_through_the_authorisation_server(server, world.team_member, "user/*.rs")
    client = SyncFHIRClient(f"{server.url}/fhir/R4", authorization=f"Bearer {token}")

    care_plan = client.reference("CarePlan", str(plan.pk)).to_resource()
    CarePlan.model_validate(care_plan.serialize())
    assert care_plan["subject"]["reference"] == f"Patient/{world.patient.pk}"

    search = (
        client.resources("CarePlan")
        .search(patient=f"Patient/{world.patient.pk}")
        .include("CarePlan", "goal")
        .include("CarePlan", "care-team")
    )
    bundle = search.fetch_raw()
    modes = sorted((entry.search.mode, entry.resource.resourceType) for entry in bundle.entry)
    assert modes == [("include", "CareTeam"), ("include", "Goal"), ("match", "CarePlan")]
    goal = next(entry.resource for entry in bundle.entry if entry.resource.resourceType == "Goal")
    Goal.model_validate(goal.serialize())
    assert goal["lifecycleStatus"] == "active"
    assert AccessRecord.objects.filter(
        person_id=world.patient.pk, actor=world.team_member, channel="api", object_type="plans.goal"
    ).exists()
