"""A change and its audit record are written together, or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vegviser.audit.models import AuditRecord
from vegviser.audit.services import describe_actor, record_change
from vegviser.core.middleware import _request_id
from vegviser.registry import services
from vegviser.registry.models import Person

from ..conftest import World


def test_a_failed_change_leaves_no_audit_record(world: World) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationError):
        services.create_person(actor=world.ke_officer, data={"given_name": "", "family_name": "X"})
    assert AuditRecord.objects.count() == before


def test_a_rolled_back_change_takes_its_audit_record_with_it(world: World) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_person(actor=world.ke_officer, data={"given_name": "Ola", "family_name": "Nordmann"})
        raise RuntimeError("something later in the same request failed")
    assert AuditRecord.objects.count() == before
    assert not Person.objects.filter(family_name="Nordmann").exists()


def test_services_refuse_an_actor_the_policy_refuses(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_person(actor=world.coordinator, data={"given_name": "Ola", "family_name": "Nordmann"})
    with pytest.raises(PermissionDenied):
        services.update_person(
            actor=world.ke_officer_tromso, person=world.patient, data={}, expected_version=1
        )
    assert not AuditRecord.objects.filter(action__startswith="person.").exists()


def test_the_record_keeps_who_acted_as_text_and_the_request_id(world: World) -> None:
    token = _request_id.set("abc123def456")
    try:
        person = services.create_person(
            actor=world.ke_officer, data={"given_name": "Ola", "family_name": "Nordmann"}
        )
    finally:
        _request_id.reset(token)
    record = AuditRecord.objects.get(action="person.create", object_id=str(person.pk))
    assert record.actor_name == world.ke_officer.display_name
    assert record.actor_role == "ke_officer"
    assert record.request_id == "abc123def456"
    world.ke_officer.delete()
    record.refresh_from_db()
    # The record outlives the user.
    assert record.actor is None
    assert record.actor_name


def test_system_processes_are_recorded_as_system(db: Any) -> None:
    assert describe_actor(None) == ("system", "", "")


def test_only_changed_values_are_kept(world: World) -> None:
    record = record_change(
        actor=None, action="test", obj=world.patient, before={"a": 1, "b": 2}, after={"a": 1, "b": 3}
    )
    assert (record.before, record.after) == ({"b": 2}, {"b": 3})
