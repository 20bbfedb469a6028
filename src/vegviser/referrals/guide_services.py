"""Writes for the priority guides: loading Helsedirektoratet's conditions into the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import PriorityGuideCondition
from .priority_guides import SHIPPED_FILE, GuideCondition, load_file


@dataclass(frozen=True)
class ImportReport:
    """What an import did, condition by condition."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    # No longer in the file but referred to by an assessment: kept, and offered to no one.
    withdrawn: int = 0
    # No longer in the file and referred to by nothing: gone.
    removed: int = 0


def _fields(condition: GuideCondition) -> dict[str, object]:
    return {
        "guide": condition.guide,
        "title": condition.title[:300],
        "suggests_right": condition.suggests_right,
        "suggested_weeks": condition.suggested_weeks,
        "care_type": condition.care_type,
        "source": dict(condition.source),
        "url": condition.url[:500],
        "last_changed": condition.last_changed,
        "withdrawn": False,
    }


@transaction.atomic
def import_conditions(conditions: Sequence[GuideCondition]) -> ImportReport:
    """Upsert the conditions by their source id. A condition the file no longer has is deleted, unless an
    assessment refers to it: the assessment must still show what it rested on, so that one is withdrawn."""
    existing = {
        condition.source_id: condition for condition in PriorityGuideCondition.objects.select_for_update()
    }
    new = changed = unchanged = withdrawn = removed = 0
    for condition in conditions:
        fields = _fields(condition)
        current = existing.get(condition.source_id)
        if current is None:
            PriorityGuideCondition.objects.create(source_id=condition.source_id, **fields)
            new += 1
        elif any(getattr(current, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()
            changed += 1
        else:
            unchanged += 1
    incoming = {condition.source_id for condition in conditions}
    for source_id, current in existing.items():
        if source_id in incoming or current.withdrawn:
            continue
        if current.assessments.exists():
            current.withdrawn = True
            current.save(update_fields=["withdrawn"])
            withdrawn += 1
        else:
            current.delete()
            removed += 1
    return ImportReport(new=new, changed=changed, unchanged=unchanged, withdrawn=withdrawn, removed=removed)


def import_file(path: Path | str = SHIPPED_FILE) -> ImportReport:
    """Read a file of items (the shipped one by default) and import it; MalformedGuideFile leaves the
    database as it was."""
    return import_conditions(load_file(path))
