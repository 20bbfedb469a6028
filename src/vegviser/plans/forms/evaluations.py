"""The evaluation form, built from the plan's goals and measures; the choice of two versions to compare."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from vegviser.core.dates import add_months
from vegviser.core.forms import DateInput

from ..models import (
    ATTAINMENT_LEVELS,
    SCALE_FIELDS,
    Goal,
    GoalRating,
    Measure,
    MeasureStatus,
    Meeting,
    PlanVersion,
)

# IP element g: six months is the usual interval between evaluations unless the team agrees otherwise.
REVISION_MONTHS = 6
LEVEL_ERROR = _("Choose a level from −2 to +2.")


def level_meaning(level: int) -> str:
    """What a level means on every scale ("−2: much less than expected"), as the goal form labels it."""
    model_field = Goal._meta.get_field(SCALE_FIELDS[level])
    assert isinstance(model_field, models.Field)
    return str(model_field.verbose_name)


def level_label(goal: Goal | None, level: int, description: str = "") -> str:
    """The level's general meaning and what it means for this goal, where that is written."""
    description = description or (getattr(goal, SCALE_FIELDS[level]) if goal is not None else "")
    if description.strip():
        return f"{level_meaning(level)} – {description.strip()}"
    return level_meaning(level)


@dataclass
class GoalRow:
    goal: Goal
    level: BoundField
    comment: BoundField
    latest: GoalRating | None

    @property
    def baseline(self) -> str:
        return level_label(self.goal, self.goal.baseline)

    @property
    def latest_level(self) -> str:
        return level_label(self.goal, self.latest.attainment) if self.latest else ""

    @property
    def latest_day(self) -> date | None:
        if self.latest is None:
            return None
        if self.latest.evaluation is not None:
            return self.latest.evaluation.evaluated_on
        return timezone.localdate(self.latest.created_at)


@dataclass
class MeasureRow:
    measure: Measure
    status: BoundField


class EvaluationForm(forms.Form):
    """Each goal that is active or completed is rated on its own scale, or left unrated this time; each
    measure still running gets its status; the date, the summary and the next revision."""

    evaluated_on = forms.DateField(label=_("Date of evaluation"), widget=DateInput())
    meeting = forms.ModelChoiceField(
        label=_("Meeting of the responsibility group"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("If the evaluation was made at a meeting."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    measures_review = forms.CharField(
        label=_("Review of the measures"),
        required=False,
        max_length=4000,
        help_text=_("What has worked, what has not, and what should change."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_revision = forms.DateField(
        label=_("Next revision"),
        required=False,
        widget=DateInput(),
        help_text=_("Six months after the evaluation if left empty."),
    )

    def __init__(
        self,
        *args: Any,
        goals: list[Goal],
        measures: list[Measure],
        meetings: QuerySet[Meeting],
        latest: dict[Any, GoalRating] | None = None,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.goals, self.measures, self.latest = goals, measures, latest or {}
        self.fields["evaluated_on"].initial = self.today
        self.fields["next_revision"].initial = add_months(self.today, REVISION_MONTHS)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = meetings
        if not meetings.exists():
            del self.fields["meeting"]
        for goal in goals:
            short = Truncator(goal.text).chars(60)
            self.fields[self.level_name(goal)] = forms.TypedChoiceField(
                label=_("Level reached: %(goal)s") % {"goal": short},
                choices=[
                    *((str(level), level_label(goal, level)) for level in reversed(ATTAINMENT_LEVELS)),
                    ("", _("Not rated this time")),
                ],
                coerce=int,
                empty_value=None,
                required=False,
                initial="",
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": LEVEL_ERROR},
            )
            self.fields[self.comment_name(goal)] = forms.CharField(
                label=_("Comment: %(goal)s") % {"goal": short},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for measure in measures:
            self.fields[self.status_name(measure)] = forms.ChoiceField(
                label=measure.title,
                choices=MeasureStatus.choices,
                initial=measure.status,
                help_text=_("Responsible: %(name)s") % {"name": measure.responsible_name}
                if measure.responsible_name
                else "",
            )
            # The status the page showed: a change made by someone else meanwhile is a conflict, not undone.
            self.fields[self.shown_name(measure)] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=measure.status
            )

    @staticmethod
    def level_name(goal: Goal) -> str:
        return f"goal_{goal.pk.hex}"

    @staticmethod
    def comment_name(goal: Goal) -> str:
        return f"goal_{goal.pk.hex}_comment"

    @staticmethod
    def status_name(measure: Measure) -> str:
        return f"measure_{measure.pk.hex}"

    @staticmethod
    def shown_name(measure: Measure) -> str:
        return f"measure_{measure.pk.hex}_shown"

    def goal_rows(self) -> list[GoalRow]:
        return [
            GoalRow(
                goal, self[self.level_name(goal)], self[self.comment_name(goal)], self.latest.get(goal.pk)
            )
            for goal in self.goals
        ]

    def measure_rows(self) -> list[MeasureRow]:
        return [MeasureRow(measure, self[self.status_name(measure)]) for measure in self.measures]

    def general_fields(self) -> list[BoundField]:
        names = ["evaluated_on", "meeting", "summary", "measures_review", "next_revision"]
        return [self[name] for name in names if name in self.fields]

    def clean_evaluated_on(self) -> date:
        evaluated_on: date = self.cleaned_data["evaluated_on"]
        if evaluated_on > self.today:
            raise forms.ValidationError(_("An evaluation cannot be dated in the future."))
        return evaluated_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        evaluated_on = data.get("evaluated_on")
        if evaluated_on is not None:
            if data.get("next_revision") is None and not self.has_error("next_revision"):
                data["next_revision"] = add_months(evaluated_on, REVISION_MONTHS)
            elif data.get("next_revision") is not None and data["next_revision"] <= evaluated_on:
                self.add_error("next_revision", _("The next revision must come after the evaluation."))
        for goal in self.goals:
            # A comment on a goal left unrated would be lost without a word: ask for the level instead.
            level_name, comment_name = self.level_name(goal), self.comment_name(goal)
            commented = bool((data.get(comment_name) or "").strip())
            if data.get(level_name) is None and commented and not self.has_error(level_name):
                self.add_error(level_name, _("Choose the level the comment is about, or remove the comment."))
        for measure in self.measures:
            self._check_status(measure, data)
        if not self.has_error_anywhere() and not self.ratings():
            raise forms.ValidationError(_("Rate at least one goal."), code="no_rating")
        return data

    def has_error_anywhere(self) -> bool:
        return any(self.has_error(name) for name in self.fields)

    def ratings(self) -> dict[Goal, tuple[int, str]]:
        """The rated goals with their level and comment, as the service takes them."""
        data = getattr(self, "cleaned_data", {})
        return {
            goal: (data[self.level_name(goal)], (data.get(self.comment_name(goal)) or "").strip())
            for goal in self.goals
            if data.get(self.level_name(goal)) is not None
        }

    def _check_status(self, measure: Measure, data: dict[str, Any]) -> None:
        chosen, shown = data.get(self.status_name(measure)), data.get(self.shown_name(measure))
        if chosen is None or not shown or chosen == shown or measure.status == shown:
            return
        self.add_error(
            self.status_name(measure),
            _("Someone else changed the status to “%(status)s” while you were evaluating. Choose again.")
            % {"status": measure.get_status_display()},
        )
        # Submitted again, the choice is then made against the status as it is now.
        current = cast(QueryDict, self.data).copy()
        current[self.shown_name(measure)] = measure.status
        self.data = current

    def measure_statuses(self) -> dict[Measure, str]:
        """The statuses the user changed; a measure left as shown keeps whatever it has now."""
        data = self.cleaned_data
        return {
            measure: data[self.status_name(measure)]
            for measure in self.measures
            if data[self.status_name(measure)] != (data.get(self.shown_name(measure)) or measure.status)
        }


def version_label(version: PlanVersion) -> str:
    frozen = timezone.localtime(version.created_at).strftime("%d.%m.%Y")
    return f"{version} – {version.get_reason_display()}, {frozen}"


class VersionPickForm(forms.Form):
    """Two versions of one plan to compare. A GET form: the comparison is a page that can be linked to."""

    older = forms.ChoiceField(
        label=_("From version"), error_messages={"required": _("Choose the version to compare from.")}
    )
    newer = forms.ChoiceField(
        label=_("To version"), error_messages={"required": _("Choose the version to compare with.")}
    )

    def __init__(self, *args: Any, versions: list[PlanVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {str(version.pk): version for version in versions}
        choices = [(key, version_label(version)) for key, version in self.versions.items()]
        for name in ("older", "newer"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
            field.error_messages["invalid_choice"] = _("Choose a version of this plan.")
        ordered = sorted(versions, key=lambda version: version.number)
        if len(ordered) >= 2:
            self.fields["older"].initial = str(ordered[-2].pk)
            self.fields["newer"].initial = str(ordered[-1].pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        older, newer = data.get("older"), data.get("newer")
        if older and newer and older == newer:
            raise forms.ValidationError(_("Choose two different versions."), code="same_version")
        return data

    def chosen(self) -> tuple[PlanVersion, PlanVersion]:
        """The two versions, older first whichever way round they were picked."""
        first, second = self.versions[self.cleaned_data["older"]], self.versions[self.cleaned_data["newer"]]
        return (first, second) if first.number < second.number else (second, first)
