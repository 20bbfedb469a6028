"""What every service shares."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from vegviser.audit.services import record_change, snapshot

if TYPE_CHECKING:
    from vegviser.accounts.models import User

VersionedRow = TypeVar("VersionedRow", bound=models.Model)


class ConflictError(Exception):
    """Someone else changed the object after the form was opened: never overwrite silently."""

    message = _(
        "Someone else changed this while you were editing. Your changes are kept below; check the current "
        "values and save again."
    )


def assign(instance: Any, fields: Iterable[str], data: dict[str, Any]) -> None:
    """Copy the named fields that the data holds onto the instance."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


def _bump_version(instance: Any, expected_version: int) -> None:
    """Claim the next version, or fail if someone else saved in between (optimistic concurrency)."""
    updated = (
        type(instance)
        .objects.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1)
    )
    if not updated:
        raise ConflictError
    instance.version = expected_version + 1


def update_versioned(
    *,
    actor: User | None,
    instance: VersionedRow,
    fields: list[str],
    data: dict[str, Any],
    expected_version: int,
    action: str,
    person_id: uuid.UUID | None = None,
    locked: VersionedRow | None = None,
) -> VersionedRow:
    """Apply the form's data to the row as stored now (locked), refusing a stale version; audit the change.
    Call inside the service's transaction; `locked` is the row as stored, when the service has already locked
    it to check something first."""
    current = (
        locked
        if locked is not None
        else type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    )
    before = snapshot(current, fields)
    assign(current, fields, data)
    current.full_clean()
    _bump_version(current, expected_version)
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
