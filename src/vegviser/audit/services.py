"""Writing audit and access records. Domain services call these inside their own transaction, so a change
and its record are committed together or not at all."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.db.models import F

from vegviser.core.middleware import current_acting_organisation, current_login_method, current_request_id
from vegviser.core.services import ConflictError, assign
from vegviser.registry.models import Membership, Person

from .models import AccessRecord, AuditAction, AuditRecord, Channel, ReadPurpose, RefusalRecord

if TYPE_CHECKING:
    from vegviser.accounts.models import User

ModelT = TypeVar("ModelT", bound=models.Model)
SYSTEM_ACTOR_NAME = "system"
# Fields whose value is masked in audit snapshots: an identity number must not spread into logs.
MASKED_FIELDS = frozenset({"national_id"})


SYSTEM_ADMIN_ROLE = "system_admin"


def describe_actor(actor: User | None) -> tuple[str, str, str]:
    """Name, role and organisation as text, kept with the record so it outlives the user.

    The role is stored as its code (a membership role, `system_admin` or a profession) and translated when
    shown, so the log reads the same in every language."""
    if actor is None:
        return SYSTEM_ACTOR_NAME, "", ""
    if actor.is_system_admin:
        return actor.display_name, SYSTEM_ADMIN_ROLE, ""
    held = Membership.objects.held_by(actor)
    # The role in the organisation the professional logged in for, where the login named one (HelseID).
    acting = current_acting_organisation()
    membership = next((m for m in held if str(m.organisation_id) == acting), None) if acting else None
    membership = membership or next(iter(held), None)
    if membership is not None:
        return actor.display_name, membership.role, membership.organisation.name
    return actor.display_name, actor.profession, ""


def _plain(field_name: str, value: Any) -> Any:
    if value is None:
        return None
    if field_name in MASKED_FIELDS and isinstance(value, str) and value:
        return f"{value[:6]}*****"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields as JSON-ready values; foreign keys by their id."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(name, getattr(instance, attname))
    return values


def record_change(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    person_id: uuid.UUID | None = None,
) -> AuditRecord:
    name, role, _organisation = describe_actor(actor)
    if before is not None and after is not None:
        # Keep only what changed: the record says what happened, not the whole row twice.
        changed = {key for key in after if before.get(key) != after.get(key)}
        before = {key: before.get(key) for key in changed}
        after = {key: after[key] for key in changed}
    return AuditRecord.objects.create(
        actor=actor,
        actor_name=name,
        actor_role=role,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        person_id=person_id,
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def record_access(
    *,
    actor: User | None,
    person_ids: Iterable[uuid.UUID],
    obj: models.Model | None = None,
    object_type: str = "",
    purpose: ReadPurpose,
    channel: str = Channel.WEB,
    role: str = "",
    client: str = "",
) -> int:
    """One access record per person read. Returns how many were written.

    `role` is what allowed the read where the reader's role in the object says more than their job (the
    plan's coordinator, a participant, a parent): the person sees why someone could look."""
    name, job_role, organisation = describe_actor(actor)
    role = role or job_role
    records = [
        AccessRecord(
            actor=actor,
            actor_name=name,
            actor_role=role,
            actor_organisation=organisation,
            person_id=person_id,
            object_type=obj._meta.label_lower if obj is not None else object_type,
            object_id=str(obj.pk) if obj is not None else "",
            purpose=purpose,
            channel=channel,
            client=client,
            login_method=current_login_method(),
            request_id=current_request_id(),
        )
        for person_id in person_ids
    ]
    if len(records) == 1:
        # One row needs no transaction of its own; bulk_create would open one around it (BEGIN and COMMIT on
        # every page read).
        records[0].save(force_insert=True)
    else:
        AccessRecord.objects.bulk_create(records)
    return len(records)


# How a refused object leads to the person it concerns: a plan item through its plan, a decision through its
# meeting, a rating through its goal.
_TOWARDS_PERSON = ("plan", "meeting", "goal")


def _person_of(obj: models.Model) -> uuid.UUID | None:
    """The id of the person `obj` is about, if it is about one."""
    current: Any = obj
    while current is not None:
        if isinstance(current, Person):
            return current.pk
        person_id = getattr(current, "person_id", None)
        if isinstance(person_id, uuid.UUID):
            return person_id
        current = next((getattr(current, name) for name in _TOWARDS_PERSON if hasattr(current, name)), None)
    return None


def record_refusal(*, actor: User, action: str, obj: models.Model) -> RefusalRecord:
    """Record that the policy refused `actor` the `action` on `obj`. Written outside the refused request's
    own transaction, which the refusal has rolled back."""
    name, role, _organisation = describe_actor(actor)
    return RefusalRecord.objects.create(
        actor=actor,
        actor_name=name,
        actor_role=role,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        person_id=_person_of(obj),
        request_id=current_request_id(),
    )


def save_new(
    instance: ModelT,
    *,
    actor: User | None,
    action: AuditAction,
    fields: Iterable[str],
    person_id: uuid.UUID | None = None,
) -> ModelT:
    """Validate and insert a new row and record its creation, in the caller's transaction."""
    instance.full_clean()
    instance.save()
    record_change(
        actor=actor, action=action, obj=instance, after=snapshot(instance, fields), person_id=person_id
    )
    return instance


def _is_versioned(instance: models.Model) -> bool:
    return any(field.name == "version" for field in instance._meta.concrete_fields)


def _claim_version(instance: Any, expected_version: int) -> None:
    """Claim the next version, or fail if someone else saved since the form was opened (optimistic
    concurrency). A conditional update, not a comparison in Python: it holds on a database that does not lock
    the row when it is read."""
    updated = instance._meta.model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        raise ConflictError
    instance.version = expected_version + 1


def save_change(
    instance: ModelT,
    *,
    actor: User | None,
    action: AuditAction,
    fields: Iterable[str],
    person_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    apply: Callable[[ModelT], None] | None = None,
    expected_version: int | None = None,
    locked: bool = False,
    validate: bool = True,
) -> ModelT:
    """Change a stored row and record the named fields before and after, in the caller's transaction.

    The row is read as stored now and locked, so "before" is what was saved, not what a bound form has already
    put on `instance`; `locked` says `instance` is that row already, locked by the caller to check something
    first. The data's values for the named fields are copied onto it and `apply` makes any other change. Then
    it is validated and a versioned row takes the next version (against `expected_version` when the change
    comes from a form: a stale one is a ConflictError), saved and recorded. Returns the row as saved.

    `validate=False` is for a step the service has checked itself and that must go through whatever else the
    row holds: a consent recorded under older rules can still be withdrawn, a report still closed."""
    fields = list(fields)
    # Through `_meta`: the instance may be the request's lazy user, whose type is not the model's.
    manager = instance._meta.model._default_manager
    current = instance if locked else cast(ModelT, manager.select_for_update().get(pk=instance.pk))
    before = snapshot(current, fields)
    if data is not None:
        assign(current, fields, data)
    if apply is not None:
        apply(current)
    if validate:
        current.full_clean()
    if _is_versioned(current):
        if expected_version is not None:
            _claim_version(current, expected_version)
        else:
            # The row is locked: nobody else moves the version in between.
            current.version += 1  # type: ignore[attr-defined]
    current.save()
    record_change(
        actor=actor,
        action=action,
        obj=current,
        before=before,
        after=snapshot(current, fields),
        person_id=person_id,
    )
    return current
