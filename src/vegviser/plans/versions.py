"""Frozen versions of a plan and their comparison.

A snapshot is plain JSON: the plan's own fields and its goals, measures and participants keyed by id, so two
versions compare item by item: added, changed (with the fields that changed), removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vegviser.audit.services import snapshot

from .models import Goal, IndividualPlan, Measure, PlanParticipant

PLAN_FIELDS = [
    "status",
    "what_matters",
    "resources",
    "needs",
    "collaboration",
    "period_start",
    "period_end",
    "next_revision",
]
GOAL_FIELDS = [
    "parent",
    "text",
    "written_by_name",
    "life_area",
    "target_date",
    "status",
    "level_minus_2",
    "level_minus_1",
    "level_0",
    "level_plus_1",
    "level_plus_2",
    "baseline",
    "importance",
    "difficulty",
]
MEASURE_FIELDS = [
    "title",
    "scope",
    "responsible_participant",
    "responsible_organisation",
    "starts_on",
    "ends_on",
    "how",
    "status",
    "refusal_note",
]
PARTICIPANT_FIELDS = ["kind", "name", "organisation", "role", "contribution", "access_level", "active"]
SECTIONS = ("goals", "measures", "participants")


def freeze(plan: IndividualPlan) -> dict[str, Any]:
    """The whole plan as it stands, as JSON-ready data."""
    goals = Goal.objects.filter(plan=plan).order_by("position", "created_at")
    measures = Measure.objects.filter(plan=plan).prefetch_related("goals").order_by("starts_on", "created_at")
    participants = PlanParticipant.objects.filter(plan=plan).select_related("organisation")
    return {
        "plan": snapshot(plan, PLAN_FIELDS),
        "goals": {str(goal.pk): snapshot(goal, GOAL_FIELDS) for goal in goals},
        "measures": {
            str(measure.pk): {
                **snapshot(measure, MEASURE_FIELDS),
                "goals": sorted(str(goal.pk) for goal in measure.goals.all()),
            }
            for measure in measures
        },
        "participants": {
            str(participant.pk): {
                **snapshot(participant, PARTICIPANT_FIELDS),
                "organisation_name": participant.organisation.name if participant.organisation else "",
            }
            for participant in participants
        },
    }


@dataclass
class ItemChange:
    key: str
    label: str
    # (field, old value, new value); empty for an added or removed item.
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)


@dataclass
class SectionChanges:
    added: list[ItemChange] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class Comparison:
    plan: list[tuple[str, Any, Any]]
    sections: dict[str, SectionChanges]

    def __bool__(self) -> bool:
        return bool(self.plan) or any(self.sections.values())


def _label(section: str, row: dict[str, Any]) -> str:
    return str(row.get({"goals": "text", "measures": "title", "participants": "name"}[section], ""))


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(name, old.get(name), new.get(name)) for name in new if old.get(name) != new.get(name)]


def compare(older: dict[str, Any], newer: dict[str, Any]) -> Comparison:
    """What changed from `older` to `newer`: the plan's fields, and items added, changed or removed."""
    sections: dict[str, SectionChanges] = {}
    for section in SECTIONS:
        before, after = older.get(section, {}), newer.get(section, {})
        changes = SectionChanges()
        for key, row in after.items():
            if key not in before:
                changes.added.append(ItemChange(key, _label(section, row)))
            elif fields := _field_changes(before[key], row):
                changes.changed.append(ItemChange(key, _label(section, row), fields))
        for key, row in before.items():
            if key not in after:
                changes.removed.append(ItemChange(key, _label(section, row)))
        sections[section] = changes
    return Comparison(plan=_field_changes(older.get("plan", {}), newer.get("plan", {})), sections=sections)
