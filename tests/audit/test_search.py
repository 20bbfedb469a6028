"""Searching the logs: by person, by actor, by period; CSV; the anomaly list; who may search."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import AccessRecord
from vegviser.audit.services import record_access
from vegviser.registry.models import Membership, MembershipRole

from ..conftest import World, client_for, english
from ..factories import PersonFactory


def period(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {"date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat()}
    data.update(overrides)
    return data


def test_search_by_person_shows_who_read_and_logs_the_search(world: World) -> None:
    client_for(world, "ke_officer").get(reverse("registry:person_detail", kwargs={"pk": world.patient.pk}))
    response = english(world).post(reverse("audit:search"), period(national_id=world.patient.national_id))
    lines = response.context["lines"]
    assert [(line.kind, line.person) for line in lines] == [("read", world.patient)]
    assert lines[0].actor_role == "Coordinating unit officer"
    assert world.patient.national_id not in response.content.decode().replace(
        f'value="{world.patient.national_id}"', ""
    )
    assert AccessRecord.objects.filter(person_id=world.patient.pk, purpose="audit-search").count() == 1


def test_search_by_actor_and_only_in_the_searchers_municipality(world: World) -> None:
    record_access(
        actor=world.coordinator, person_ids=[world.patient.pk, world.person_tromso.pk], purpose="test"
    )
    response = english(world).post(reverse("audit:search"), period(actor="koordinator"))
    assert {line.person for line in response.context["lines"]} == {world.patient}
    response = english(world, "ke_officer_tromso").post(reverse("audit:search"), period(actor="koordinator"))
    assert {line.person for line in response.context["lines"]} == {world.person_tromso}


def test_changes_are_found_too(world: World) -> None:
    url = reverse("registry:person_edit", kwargs={"pk": world.patient.pk})
    client_for(world, "ke_officer").post(
        url,
        {
            "given_name": "Per",
            "family_name": "Andersen",
            "national_id": world.patient.national_id,
            "municipality": "1804",
            "preferred_language": "nb",
            "version": 1,
        },
    )
    lines = english(world).post(reverse("audit:search"), period(actor="ke")).context["lines"]
    assert ("change", "Person changed") in {(line.kind, line.what) for line in lines}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"national_id": "12345678901"}, "national_id", "The check digits do not match"),
        ({"actor": "nobody"}, "actor", "There is no user with this user name."),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to", "cannot be before"),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "date_to", "at most one year"),
        ({"date_from": "2026-02-30"}, "date_from", "Enter a valid date."),
    ],
)
def test_bad_search_input(world: World, data: dict[str, str], field: str, message: str) -> None:
    response = english(world).post(reverse("audit:search"), period(**data))
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["lines"] is None


def test_csv_export_has_names_but_no_identity_numbers(world: World) -> None:
    record_access(actor=world.coordinator, person_ids=[world.patient.pk], purpose="plan")
    response = english(world).post(reverse("audit:search"), period(export="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Time", "Kind", "Who"]
    assert any(world.patient.full_name in row for row in rows[1:])
    assert world.patient.national_id not in response.content.decode()
    assert AccessRecord.objects.filter(purpose="audit-search", channel="export").exists()


def test_anomaly_list_names_actors_reading_many_persons_in_a_day(world: World, settings: Any) -> None:
    persons = [PersonFactory() for _ in range(21)]
    record_access(actor=world.coordinator, person_ids=[p.pk for p in persons], purpose="plan")
    record_access(actor=world.team_member, person_ids=[p.pk for p in persons[:3]], purpose="plan")
    client = english(world)
    anomalies = client.post(reverse("audit:search"), period()).context["found"].many_persons
    assert [(a.actor_name, a.persons) for a in anomalies] == [(world.coordinator.display_name, 21)]
    # The searcher's own review of 21 persons is not itself an anomaly.
    anomalies = client.post(reverse("audit:search"), period()).context["found"].many_persons
    assert [a.actor_name for a in anomalies] == [world.coordinator.display_name]


def test_a_privacy_officer_may_search_their_municipality(world: World) -> None:
    role = MembershipRole.PRIVACY_OFFICER
    # Only as the coordinating unit's privacy officer: a school's cannot search the municipality's logs.
    Membership.objects.create(user=world.team_member, organisation=world.school, role=role)
    assert english(world, "team_member").post(reverse("audit:search"), period()).status_code == 404
    Membership.objects.create(user=world.team_member, organisation=world.ke_unit, role=role)
    record_access(actor=world.coordinator, person_ids=[world.patient.pk], purpose="plan")
    response = english(world, "team_member").post(reverse("audit:search"), period())
    assert response.status_code == 200
    assert {line.person for line in response.context["lines"]} == {world.patient}


@pytest.mark.parametrize(
    "persona", ["coordinator", "team_member", "org_admin", "system_admin", "patient_user"]
)
def test_others_may_not_search(world: World, persona: str) -> None:
    assert client_for(world, persona).post(reverse("audit:search"), period()).status_code == 404
