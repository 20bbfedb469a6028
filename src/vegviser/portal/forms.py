from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vegviser.core.formats import signed_level
from vegviser.core.forms import DateInput, VersionedForm, radio_choices
from vegviser.intake.models import NeedReport
from vegviser.intake.services import HELP_FIELDS
from vegviser.plans.forms.plan import TargetDateNotPast
from vegviser.plans.models import Goal, IndividualPlan
from vegviser.plans.services import PERSON_GOAL_FIELDS
from vegviser.registry.models import Organisation


class WhatMattersForm(VersionedForm):
    class Meta:
        model = IndividualPlan
        fields = ["what_matters"]
        labels = {"what_matters": _("What matters to me")}
        help_texts = {
            "what_matters": _(
                "What you want in your life, what is important to you, and what you want help with. Write "
                "it in your own words: your coordinator sees what you changed."
            )
        }


class OwnGoalForm(TargetDateNotPast, VersionedForm):
    class Meta:
        model = Goal
        fields = PERSON_GOAL_FIELDS
        labels = {"text": _("My goal"), "target_date": _("When I want to reach it (if you know)")}
        help_texts = {"text": _("What you want to achieve, in your own words. Your coordinator reads it.")}
        widgets = {"target_date": DateInput()}


class RatingForm(forms.Form):
    attainment = forms.TypedChoiceField(
        label=_("Where am I now?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a level from −2 to +2."),
            "invalid_choice": _("Choose a level from −2 to +2."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_choices(
            self.fields["attainment"],
            [
                (level, f"{signed_level(level)}: {text}" if text else signed_level(level))
                for level, text in goal.scale()
            ],
        )


class AskForHelpForm(forms.ModelForm):
    class Meta:
        model = NeedReport
        fields = HELP_FIELDS
        labels = {
            "needs_plan": _("An individual plan"),
            "needs_coordinator": _("A coordinator"),
            "needs_child_coordinator": _("A child coordinator (for a child under 18)"),
            "description": _("What do you need help with?"),
        }
        help_texts = {
            "description": _(
                "Tell in your own words what is hard in everyday life, and which services you already have."
            )
        }

    def __init__(self, *args: Any, child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not child:
            del self.fields["needs_child_coordinator"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("needs_plan", "needs_coordinator", "needs_child_coordinator")):
            self.add_error("needs_plan", _("Choose at least one thing to ask for."))
        return data


class WithdrawForm(forms.Form):
    """All of the consent, or the sharing with one organisation."""

    organisation = forms.ChoiceField(
        label=_("What do you want to withdraw?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what to withdraw.")},
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("all", _("All of this consent"))]
        choices += [
            (str(o.pk), _("Only the sharing with %(organisation)s") % {"organisation": o.name})
            for o in organisations
        ]
        radio_choices(self.fields["organisation"], choices)
