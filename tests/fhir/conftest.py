"""The FHIR API's fixtures: a registered client and bearer tokens issued by the authorisation server's own
models, as its token endpoint would (the live tests get theirs through the endpoint)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from secrets import token_urlsafe
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from vegviser.accounts.models import User
from vegviser.plans.models import IndividualPlan

from ..conftest import World
from ..factories import MembershipFactory, OrganisationFactory
from ..plans.helpers import plan_for

CLIENT_NAME = "Journalsystem Bodø"
FHIR = "/fhir/R4"


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server() -> Iterator[None]:
    # SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the session-wide live server builds its
    # handler: turned off before it starts (as for the browser tests).
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


def register_client(name: str = CLIENT_NAME, redirect_uri: str = "http://127.0.0.1/callback") -> Application:
    return Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        client_secret="a-client-secret-for-tests",
        algorithm="",
    )


def token_for(
    user: User | None,
    scope: str = "user/*.rs",
    *,
    application: Application | None = None,
    expires_in: timedelta = timedelta(hours=1),
) -> str:
    token = AccessToken.objects.create(
        user=user,
        application=application or Application.objects.filter(name=CLIENT_NAME).first() or register_client(),
        token=token_urlsafe(32),
        expires=timezone.now() + expires_in,
        scope=scope,
    )
    return token.token


def api(token: str | None = None, **headers: Any) -> Client:
    """A client of the API: no session, only the bearer token (if any)."""
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers)


@pytest.fixture
def plan(world: World) -> IndividualPlan:
    """The patient's plan: coordinated by world.coordinator, with world.team_member (the school) in it."""
    return plan_for(world)


@pytest.fixture
def outsider(world: World) -> User:
    """A professional of the coordinator's own service who is not in the plan."""
    return MembershipFactory(organisation=world.physio, role="team_member").user


@pytest.fixture
def elsewhere(world: World) -> User:
    """A professional of another organisation altogether."""
    return MembershipFactory(organisation=OrganisationFactory(), role="team_member").user
