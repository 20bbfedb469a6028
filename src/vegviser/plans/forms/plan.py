from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import keeps_goals_from_parents
from vegviser.core.forms import DateInput, VersionedForm, radio_choices
from vegviser.registry.models import Membership, Organisation

from ..models import (
    MESSAGE_LIMIT,
    AccessLevel,
    Goal,
    IndividualPlan,
    Measure,
    ParticipantKind,
    PlanParticipant,
    SubPlan,
)
from ..services import GOAL_FIELDS, HEADER_FIELDS, MEASURE_FIELDS, SUB_PLAN_FIELDS


class PlanForm(VersionedForm):
    """Elements a, g and i."""

    class Meta:
        model = IndividualPlan
        fields = HEADER_FIELDS
        widgets = {name: DateInput() for name in ("period_start", "period_end", "next_revision")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end date cannot be before the start date."))
        revision = data.get("next_revision")
        if revision and start and revision < start:
            self.add_error("next_revision", _("The revision cannot be before the plan period starts."))
        return data


class ParticipantForm(forms.ModelForm):
    """A professional is chosen by membership (the user in an organisation); a relative is named."""

    membership = forms.ModelChoiceField(
        label=_("Professional"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("The person and the organisation they take part for."),
    )

    class Meta:
        model = PlanParticipant
        fields = ["kind", "membership", "name", "role", "contribution", "access_level", "phone", "email"]
        widgets = {"kind": forms.RadioSelect, "access_level": forms.RadioSelect}

    def __init__(self, *args: Any, plan: IndividualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        kind = cast(forms.ChoiceField, self.fields["kind"])
        radio_choices(
            kind,
            [(ParticipantKind.PROFESSIONAL, _("Professional")), (ParticipantKind.RELATIVE, _("Relative"))],
        )
        kind.initial = ParticipantKind.PROFESSIONAL
        radio_choices(self.fields["access_level"], AccessLevel.choices)
        membership = cast(forms.ModelChoiceField, self.fields["membership"])
        membership.queryset = (
            Membership.objects.filter(active=True, organisation__active=True, user__is_active=True)
            .exclude(user__plan_participations__plan=plan, user__plan_participations__active=True)
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name")
        )
        membership.label_from_instance = lambda m: f"{m.user.display_name} – {m.organisation.name}"  # type: ignore[method-assign,assignment]
        self.fields["name"].required = False
        self.fields["name"].help_text = _("For a relative. A professional's name is taken from their user.")
        self.fields["role"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ParticipantKind.PROFESSIONAL:
            chosen = data.get("membership")
            if chosen is None:
                self.add_error("membership", _("Choose the professional."))
            else:
                data["user"], data["organisation"] = chosen.user, chosen.organisation
                data["name"] = chosen.user.display_name
                data["email"] = data.get("email") or chosen.user.email
        elif not (data.get("name") or "").strip():
            self.add_error("name", _("Write the relative's name."))
        return data


class ParticipantEditForm(VersionedForm):
    class Meta:
        model = PlanParticipant
        fields = ["role", "contribution", "access_level", "phone", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The person the plan is for has a role without words of its own ("the person the plan is for").
        self.fields["role"].required = self.instance.kind != ParticipantKind.PERSON


class TargetDateNotPast:
    """A goal's target date may not be set in the past; a goal that keeps the past date it had is saved."""

    instance: Goal
    cleaned_data: dict[str, Any]

    def clean_target_date(self) -> date | None:
        target = self.cleaned_data.get("target_date")
        if target and target < timezone.localdate() and target != self.instance.target_date:
            raise ValidationError(_("The target date has passed. Choose today or a later date."))
        return target


class GoalForm(TargetDateNotPast, VersionedForm):
    class Meta:
        model = Goal
        fields = [name for name in GOAL_FIELDS if name != "written_by_name"]
        widgets = {"target_date": DateInput()}

    def __init__(self, *args: Any, plan: IndividualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            # The model checks that the main goal is in the goal's own plan: a new goal must know its plan
            # before the form validates it, not only when the service saves it.
            self.instance.plan = plan
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        main_goals: QuerySet[Goal] = plan.goals.filter(parent__isnull=True)
        if self.instance.pk:
            main_goals = main_goals.exclude(pk=self.instance.pk)
        parent.queryset = main_goals
        # Only a 12-15-year-old keeps goals from their parents; a goal already private can still be opened.
        if not (keeps_goals_from_parents(plan.person) or self.instance.private_to_parents):
            del self.fields["private_to_parents"]
        for name in ("baseline", "importance", "difficulty"):
            self.fields[name].widget.attrs.update(
                {"min": -2 if name == "baseline" else 0, "max": 2 if name == "baseline" else 3}
            )


class MeasureForm(VersionedForm):
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it serves"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Measure
        fields = [*MEASURE_FIELDS, "goals"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, plan: IndividualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participant = cast(forms.ModelChoiceField, self.fields["responsible_participant"])
        participant.queryset = plan.participants.filter(active=True).select_related("organisation")
        organisation = cast(forms.ModelChoiceField, self.fields["responsible_organisation"])
        organisation.queryset = Organisation.objects.filter(active=True).order_by("name")
        goals = cast(forms.ModelMultipleChoiceField, self.fields["goals"])
        goals.queryset = plan.goals.all()
        goals.label_from_instance = lambda goal: goal.text  # type: ignore[method-assign,assignment]
        if self.instance.pk:
            self.fields["goals"].initial = list(self.instance.goals.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("responsible_participant") and not data.get("responsible_organisation"):
            self.add_error(
                "responsible_participant", _("Say who is responsible: a participant or an organisation.")
            )
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class SubPlanForm(forms.ModelForm):
    class Meta:
        model = SubPlan
        fields = SUB_PLAN_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        held_by = cast(forms.ModelChoiceField, self.fields["held_by"])
        held_by.queryset = Organisation.objects.filter(active=True).order_by("name")


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActivationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the plan is to be made active without them"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for making the plan active without them.")},
    )

    def __init__(self, *args: Any, incomplete: bool = False, **kwargs: Any) -> None:
        # A reason only where elements are missing: a complete plan is made active without one. The service
        # asks for it too, whatever sends the change.
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = incomplete


class RevisionForm(forms.Form):
    note = forms.CharField(
        label=_("What was revised"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message before sending it.")},
    )
