"""The access record of every read names how the reader logged in: ID-porten and its level, HelseID and its
level, or the local password; the person sees it in "who has seen". Logins through the real test providers
(tests/oidc_provider), like ID-porten and like HelseID."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse

from vegviser.accounts import oidc
from vegviser.accounts.middleware import login_method
from vegviser.audit.models import AccessRecord, LoginMethod, ReadPurpose
from vegviser.audit.services import record_access

from ..accounts.test_helseid import PHYSIO
from ..accounts.test_helseid import log_in as log_in_with_helseid
from ..accounts.test_idporten import log_in as log_in_with_id_porten
from ..conftest import World, client_as
from ..factories import PASSWORD
from ..idporten_provider import SUBSTANTIAL, RunningProvider, helseid_settings_for, settings_for
from ..portal.helpers import plan_of_person, url


@pytest.fixture(autouse=True)
def _fresh_clients() -> Any:
    oidc._clients.clear()
    yield
    oidc._clients.clear()


def last_read_by(user: Any) -> AccessRecord:
    return AccessRecord.objects.filter(actor=user).latest("at", "id")


def test_a_password_login_is_named_in_the_record(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("accounts:login"), {"username": "pasient", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[oidc.LOGIN_METHOD] == "password"
    assert client.get(url("home", world.patient.pk)).status_code == 200
    assert last_read_by(world.patient_user).login_method == LoginMethod.PASSWORD


def test_an_id_porten_login_is_named_with_its_level(
    world: World, settings: Any, oidc_provider: RunningProvider
) -> None:
    settings.OIDC_PROVIDERS = settings_for(oidc_provider, level=SUBSTANTIAL)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert log_in_with_id_porten(client, world.patient.national_id, level=SUBSTANTIAL).status_code == 302
    assert client.get(url("home", world.patient.pk)).status_code == 200
    assert last_read_by(world.patient_user).login_method == LoginMethod.IDPORTEN_SUBSTANTIAL
    page = client.get(url("access_log", world.patient.pk), {"own": "1"}).content.decode()
    assert "Logged in with ID-porten, level substantial" in page


def test_the_person_sees_that_the_coordinator_logged_in_with_helseid(
    world: World, settings: Any, helseid_provider: RunningProvider
) -> None:
    from vegviser.accounts.models import User
    from vegviser.registry.models import Organisation

    settings.OIDC_PROVIDERS = helseid_settings_for(helseid_provider)
    User.objects.filter(pk=world.coordinator.pk).update(hpr_number="1234567")
    Organisation.objects.filter(pk=world.physio.pk).update(organisation_number=PHYSIO)
    plan = plan_of_person(world, world.patient)
    coordinator = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert log_in_with_helseid(coordinator, child=PHYSIO).status_code == 302
    assert coordinator.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).status_code == 200
    assert last_read_by(world.coordinator).login_method == LoginMethod.HELSEID_4
    for language, words in [
        ("en", "Logged in with HelseID, security level 4"),
        ("nb", "Logget inn med HelseID, sikkerhetsnivå 4"),
        ("nn", "Logga inn med HelseID, tryggleiksnivå 4"),
    ]:
        page = client_as(world.patient_user, language=language).get(url("access_log", world.patient.pk))
        assert words in page.content.decode()


def test_reads_outside_a_login_name_no_way_in(world: World) -> None:
    """The system's and the API's reads, and records from before the way was kept, say nothing of it."""
    record_access(actor=None, person_ids=[world.patient.pk], object_type="x", purpose=ReadPurpose.PORTAL)
    record = AccessRecord.objects.latest("at", "id")
    assert record.login_method == ""
    page = client_as(world.patient_user).get(url("access_log", world.patient.pk)).content.decode()
    assert "Logged in with" not in page


@pytest.mark.parametrize(
    ("session", "named"),
    [
        ({}, "password"),
        ({oidc.LOGIN_METHOD: "password"}, "password"),
        ({oidc.LOGIN_METHOD: "idporten", oidc.LOGIN_LEVEL: "idporten-loa-high"}, "idporten-loa-high"),
        ({oidc.LOGIN_METHOD: "helseid", oidc.LOGIN_LEVEL: "3"}, "helseid-3"),
    ],
)
def test_the_session_says_how_the_user_logged_in(world: World, session: dict[str, str], named: str) -> None:
    request = RequestFactory().get("/")
    request.user = world.patient_user
    request.session = {SESSION_KEY: str(world.patient_user.pk), **session}  # type: ignore[assignment]
    assert login_method(request) == named
    assert named in LoginMethod.values


def test_the_record_names_the_organisation_the_professional_logged_in_for(
    world: World, settings: Any, helseid_provider: RunningProvider
) -> None:
    """A professional with roles in two organisations reads for the one HelseID's token named."""
    from vegviser.accounts.models import User
    from vegviser.registry.models import Organisation

    from ..accounts.test_helseid import SCHOOL
    from ..factories import MembershipFactory

    settings.OIDC_PROVIDERS = helseid_settings_for(helseid_provider)
    User.objects.filter(pk=world.coordinator.pk).update(hpr_number="1234567")
    Organisation.objects.filter(pk=world.physio.pk).update(organisation_number=PHYSIO)
    Organisation.objects.filter(pk=world.school.pk).update(organisation_number=SCHOOL)
    # "Bodø skole" comes first in the registry's order, and would be named without the login's organisation.
    MembershipFactory(user=world.coordinator, organisation=world.school, role="team_member")
    plan = plan_of_person(world, world.patient)
    coordinator = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert log_in_with_helseid(coordinator, child=PHYSIO).status_code == 302
    assert coordinator.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).status_code == 200
    assert last_read_by(world.coordinator).actor_organisation == world.physio.name
