"""Shared personas (DESIGN §4): every page is tested for who may and who may not."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from vegviser.accounts.models import User
from vegviser.registry.identity import parse_national_id
from vegviser.registry.models import Municipality, Organisation, OrganisationKind, Person

from .clients import sign_in
from .factories import PASSWORD, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from .idporten_provider import RunningProvider, running_provider


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    # Tests run with production settings, but over plain HTTP, without a collectstatic manifest, and with
    # uploads in a scratch folder.
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    # Argon2 is slow on purpose; thousands of test users need a fast hasher. Production's hasher is
    # checked in tests/core/test_deploy.py and tests/accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Jobs run where they are put on the queue, in memory: a test sees their effect at once. One test runs a real
# consumer against Redis (tests/core/test_queue.py).
HUEY.immediate = True


# Eleven digits standing alone: not a run inside a UUID or another hex string (a 404 line names the UUID asked
# for, and now and then eleven of its digits pass the check digits).
ELEVEN_DIGITS = re.compile(r"(?<![\w-])\d{6} ?\d{5}(?![\w-])")


class IdentityNumberWatch(logging.Handler):
    """Notes every log line, in any test, that carries a valid identity number (DESIGN §3: never in a log)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "".join(traceback.format_exception(*record.exc_info))
        for match in ELEVEN_DIGITS.finditer(text):
            try:
                parse_national_id(match.group())
            except ValueError:
                continue
            self.found.append(f"{record.name}: {text[:200]}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of transactions side by side run where the database runs them so: on PostgreSQL. On SQLite they
    are left out of the run (`make test` runs the suite on both), never collected and skipped."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(scope="session")
def identity_number_watch() -> Iterator[IdentityNumberWatch]:
    watch = IdentityNumberWatch()
    logging.getLogger().addHandler(watch)
    yield watch
    logging.getLogger().removeHandler(watch)


@pytest.fixture(autouse=True)
def _no_identity_number_in_logs(identity_number_watch: IdentityNumberWatch) -> Iterator[None]:
    """Across the whole suite: a test whose code logged an identity number fails."""
    identity_number_watch.found.clear()
    yield
    found, identity_number_watch.found = identity_number_watch.found, []
    assert not found, f"an identity number reached the log: {found}"


@dataclass
class World:
    bodo: Municipality
    tromso: Municipality
    ke_unit: Organisation
    ke_unit_tromso: Organisation
    physio: Organisation
    school: Organisation
    ke_officer: User
    ke_officer_tromso: User
    coordinator: User
    team_member: User
    org_admin: User
    system_admin: User
    patient_user: User
    patient: Person
    person_tromso: Person


@pytest.fixture
def world(db: None) -> World:
    bodo = Municipality.objects.get(number="1804")
    tromso = Municipality.objects.get(number="5501")
    ke_unit = OrganisationFactory(name="Koordinerende enhet Bodø", kind=OrganisationKind.COORDINATING_UNIT)
    ke_unit_tromso = OrganisationFactory(
        name="Koordinerende enhet Tromsø", kind=OrganisationKind.COORDINATING_UNIT, municipality=tromso
    )
    physio = OrganisationFactory(name="Fysioterapitjenesten Bodø", kind=OrganisationKind.PHYSIOTHERAPY)
    school = OrganisationFactory(name="Bodø skole", kind=OrganisationKind.SCHOOL)
    ke_officer = MembershipFactory(organisation=ke_unit, role="ke_officer", user__username="ke").user
    ke_officer_tromso = MembershipFactory(
        organisation=ke_unit_tromso, role="ke_officer", user__username="ke_tromso"
    ).user
    coordinator = MembershipFactory(
        organisation=physio, role="coordinator", user__username="koordinator"
    ).user
    team_member = MembershipFactory(organisation=school, role="team_member", user__username="laerer").user
    org_admin = MembershipFactory(organisation=physio, role="org_admin", user__username="orgadmin").user
    system_admin = UserFactory(username="sysadmin", is_system_admin=True)
    patient_user = UserFactory(username="pasient")
    patient = PersonFactory(given_name="Per", family_name="Andersen", user=patient_user)
    person_tromso = PersonFactory(given_name="Tove", family_name="Tromsø", municipality=tromso)
    return World(
        bodo=bodo,
        tromso=tromso,
        ke_unit=ke_unit,
        ke_unit_tromso=ke_unit_tromso,
        physio=physio,
        school=school,
        ke_officer=ke_officer,
        ke_officer_tromso=ke_officer_tromso,
        coordinator=coordinator,
        team_member=team_member,
        org_admin=org_admin,
        system_admin=system_admin,
        patient_user=patient_user,
        patient=patient,
        person_tromso=person_tromso,
    )


PERSONAS = [
    "ke_officer",
    "ke_officer_tromso",
    "coordinator",
    "team_member",
    "org_admin",
    "system_admin",
    "patient_user",
    "anonymous",
]


def persona_user(world: World, persona: str) -> User | None:
    """The persona's user; none for anonymous."""
    return None if persona == "anonymous" else getattr(world, persona)


def client_for(world: World, persona: str) -> Client:
    client = Client()
    user = persona_user(world, persona)
    if user is not None:
        sign_in(client, user)
    return client


def client_as(user: User | None, *, language: str = "en") -> Client:
    """A client signed in as the user (none: anonymous) whose pages come in `language` (English: the
    catalogue's source text)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        sign_in(client, user)
    return client


def english(world: World, persona: str = "ke_officer") -> Client:
    """A client for the persona whose pages come in English, the catalogue's source language."""
    return client_as(persona_user(world, persona))


@pytest.fixture
def login(world: World):  # type: ignore[no-untyped-def]
    return lambda persona: client_for(world, persona)


__all__ = ["PASSWORD", "PERSONAS", "World", "client_as", "client_for", "english", "persona_user", "sign_in"]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """A real OpenID Connect provider on 127.0.0.1, configured like ID-porten, for the whole run."""
    with running_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture(scope="session")
def helseid_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """A real OpenID Connect provider on 127.0.0.1, configured like HelseID, for the whole run."""
    with running_provider(tmp_path_factory.mktemp("helseid"), profile="helseid") as provider:
        yield provider
