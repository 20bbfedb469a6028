"""A frozen version made readable, for the version page (the plan as it stood) and the comparison of two
versions: names for the ids a snapshot holds, labels for its fields and choices, dates as dates. What is
stored is never changed; `versions` makes and compares the snapshots themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegviser.core.formats import signed_level
from vegviser.registry.models import Organisation

from . import versions
from .forms.evaluations import level_meaning
from .models import ATTAINMENT_LEVELS, SCALE_FIELDS, Goal, IndividualPlan, Measure, PlanParticipant

SECTION_MODELS: dict[str, type[models.Model]] = {
    "plan": IndividualPlan,
    "goals": Goal,
    "measures": Measure,
    "participants": PlanParticipant,
}
SECTION_TITLES = {
    "plan": gettext_lazy("The plan itself"),
    "goals": gettext_lazy("Goals"),
    "measures": gettext_lazy("Measures"),
    "participants": gettext_lazy("Participants"),
}
# Keys a snapshot stores beside the model's fields, and the field whose label they take.
ALIASES = {"organisation_name": "organisation"}
# A participant's organisation is stored both by id and by name; the name is the one shown.
NOT_SHOWN = {("participants", "organisation")}
LONG_TEXT = {"what_matters", "resources", "needs", "collaboration", "how", "contribution", "refusal_note"}


def frozen_plan(snapshot: dict[str, Any], *, hidden: set[str]) -> FrozenPlan:
    """The plan as a version froze it, without the goals the reader may not see (by id)."""
    shown_snapshot = _without(snapshot, hidden)
    return FrozenPlan.read(shown_snapshot, _names(shown_snapshot))


def compared(
    older: dict[str, Any], newer: dict[str, Any], *, hidden: set[str]
) -> tuple[bool, list[ShownSection]]:
    """Whether anything changed from the older snapshot to the newer, and the changes section by section (the
    plan's own fields first), without the goals the reader may not see."""
    before, after = _without(older, hidden), _without(newer, hidden)
    comparison = versions.compare(before, after)
    names = _names(before, after)
    sections = [
        ShownSection.of(section, comparison.sections[section], names) for section in versions.SECTIONS
    ]
    plan_changes = [_shown_change(IndividualPlan, change, names) for change in comparison.plan]
    if plan_changes:
        title = str(SECTION_TITLES["plan"])
        sections.insert(0, ShownSection("plan", title, [], [ShownChange("", plan_changes)], []))
    return bool(comparison), sections


def _without(snapshot: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    """The snapshot without the hidden goals, also where a measure names them among the goals it serves."""
    if not hidden:
        return snapshot
    return {
        **snapshot,
        "goals": {key: row for key, row in snapshot.get("goals", {}).items() if key not in hidden},
        "measures": {
            key: {**row, "goals": [goal for goal in row.get("goals", []) if goal not in hidden]}
            for key, row in snapshot.get("measures", {}).items()
        },
    }


def _names(*snapshots: dict[str, Any]) -> dict[str, str]:
    """Names for the ids a snapshot holds: goals, participants and organisations."""
    names: dict[str, str] = {}
    organisations: set[str] = set()
    for snapshot in snapshots:
        for key, row in snapshot.get("goals", {}).items():
            names[key] = str(row.get("text", ""))
        for key, row in snapshot.get("participants", {}).items():
            names[key] = str(row.get("name", ""))
            if row.get("organisation") and row.get("organisation_name"):
                names[row["organisation"]] = str(row["organisation_name"])
        for row in snapshot.get("measures", {}).values():
            if row.get("responsible_organisation"):
                organisations.add(row["responsible_organisation"])
    unknown = [pk for pk in organisations - names.keys() if _is_uuid(pk)]
    for pk, name in Organisation.objects.filter(pk__in=unknown).values_list("pk", "name"):
        names[str(pk)] = name
    return names


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(ALIASES.get(name, name))
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model], name: str) -> str:
    model_field = _model_field(model, name)
    return capfirst(str(model_field.verbose_name)) if model_field is not None else name


def shown(model: type[models.Model], name: str, raw: Any, names: dict[str, str]) -> str:
    """A stored value as a reader should see it; "–" for nothing."""
    if raw is None or raw == "" or raw == []:
        return "–"
    model_field = _model_field(model, name)
    if model_field is None or name in ALIASES:
        return str(raw)
    if name == "baseline":
        return signed_level(int(raw))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if raw else _("No")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else str(raw)
    if isinstance(model_field, models.DateField):
        try:
            return date.fromisoformat(str(raw)).strftime("%d.%m.%Y")
        except ValueError:
            return str(raw)
    if model_field.is_relation:
        keys = raw if isinstance(raw, list) else [raw]
        return "; ".join(names.get(str(key), "–") for key in keys) or "–"
    return str(raw)


@dataclass
class Fact:
    label: str
    value: str
    long: bool = False


def _facts(
    model: type[models.Model],
    row: dict[str, Any],
    fields: list[str],
    names: dict[str, str],
    *,
    keep_empty: bool,
) -> list[Fact]:
    facts = []
    for name in fields:
        value = shown(model, name, row.get(name), names)
        if keep_empty or value != "–":
            facts.append(Fact(field_label(model, name), value, long=name in LONG_TEXT))
    return facts


@dataclass
class FrozenGoal:
    text: str
    facts: list[Fact]
    # (level, what it means for this goal, whether the goal started there)
    scale: list[tuple[str, str, bool]]
    sub_goals: list[FrozenGoal] = field(default_factory=list)
    sub: bool = False


@dataclass
class FrozenItem:
    title: str
    facts: list[Fact]


@dataclass
class FrozenPlan:
    """The plan as frozen: elements a and i, the period (g), goals with scales, measures, participants."""

    about: list[Fact]
    period: list[Fact]
    goals: list[FrozenGoal]
    measures: list[FrozenItem]
    participants: list[FrozenItem]

    @property
    def goal_list(self) -> list[FrozenGoal]:
        """Each main goal followed by its sub-goals."""
        return [shown for goal in self.goals for shown in (goal, *goal.sub_goals)]

    @classmethod
    def read(cls, snapshot: dict[str, Any], names: dict[str, str]) -> FrozenPlan:
        plan = snapshot.get("plan", {})
        goals = {key: cls._goal(row, names) for key, row in snapshot.get("goals", {}).items()}
        main: list[FrozenGoal] = []
        for key, row in snapshot.get("goals", {}).items():
            parent = row.get("parent")
            if parent and parent in goals:
                goals[key].sub = True
                goals[parent].sub_goals.append(goals[key])
            else:
                main.append(goals[key])
        measure_fields = [
            "scope",
            "responsible_participant",
            "responsible_organisation",
            "starts_on",
            "ends_on",
            "how",
            "status",
            "goals",
            "refusal_note",
        ]
        participant_fields = ["kind", "role", "organisation_name", "contribution", "access_level", "active"]
        return cls(
            about=_facts(
                IndividualPlan,
                plan,
                ["what_matters", "resources", "needs", "collaboration"],
                names,
                keep_empty=True,
            ),
            period=_facts(
                IndividualPlan,
                plan,
                ["status", "period_start", "period_end", "next_revision"],
                names,
                keep_empty=True,
            ),
            goals=main,
            measures=[
                FrozenItem(
                    str(row.get("title", "")), _facts(Measure, row, measure_fields, names, keep_empty=False)
                )
                for row in snapshot.get("measures", {}).values()
            ],
            participants=[
                FrozenItem(
                    str(row.get("name", "")),
                    _facts(PlanParticipant, row, participant_fields, names, keep_empty=False),
                )
                for row in snapshot.get("participants", {}).values()
            ],
        )

    @staticmethod
    def _goal(row: dict[str, Any], names: dict[str, str]) -> FrozenGoal:
        fields = ["status", "life_area", "target_date", "written_by_name", "importance", "difficulty"]
        baseline = row.get("baseline")
        scale = [
            (
                signed_level(level),
                str(row.get(SCALE_FIELDS[level]) or "").strip() or level_meaning(level),
                level == baseline,
            )
            for level in reversed(ATTAINMENT_LEVELS)
        ]
        return FrozenGoal(str(row.get("text", "")), _facts(Goal, row, fields, names, keep_empty=False), scale)


@dataclass
class ShownChange:
    label: str
    # (field label, before, after)
    fields: list[tuple[str, str, str]]


@dataclass
class ShownSection:
    key: str
    title: str
    added: list[str]
    changed: list[ShownChange]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @classmethod
    def of(cls, section: str, changes: versions.SectionChanges, names: dict[str, str]) -> ShownSection:
        model = SECTION_MODELS[section]
        changed = []
        for item in changes.changed:
            fields = [
                _shown_change(model, change, names)
                for change in item.fields
                if (section, change[0]) not in NOT_SHOWN
            ]
            if fields:
                changed.append(ShownChange(item.label, fields))
        return cls(
            key=section,
            title=str(SECTION_TITLES[section]),
            added=[item.label for item in changes.added],
            changed=changed,
            removed=[item.label for item in changes.removed],
        )


def _shown_change(
    model: type[models.Model], change: tuple[str, Any, Any], names: dict[str, str]
) -> tuple[str, str, str]:
    name, before, after = change
    return field_label(model, name), shown(model, name, before, names), shown(model, name, after, names)
