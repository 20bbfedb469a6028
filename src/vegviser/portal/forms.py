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
from vegviser.registry.models import Organisation, Person


def _speak_of(
    form: forms.BaseForm,
    acted_for: Person | None,
    *,
    labels: dict[str, Any] | None = None,
    help_texts: dict[str, Any] | None = None,
) -> None:
    """A form written to the person, filled in by someone acting for them (a parent): the words that are the
    person's own name them instead, each message taking the person's given name as `name`."""
    if acted_for is None:
        return
    name = {"name": acted_for.given_name}
    for field, label in (labels or {}).items():
        form.fields[field].label = label % name
    for field, help_text in (help_texts or {}).items():
        form.fields[field].help_text = help_text % name


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

    def __init__(self, *args: Any, acted_for: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _speak_of(
            self,
            acted_for,
            labels={"what_matters": _("What matters to %(name)s")},
            help_texts={
                "what_matters": _(
                    "What %(name)s wants in life, what is important to %(name)s, and what %(name)s wants "
                    "help with. Write it as %(name)s would say it: the coordinator sees what you changed."
                )
            },
        )


class OwnGoalForm(TargetDateNotPast, VersionedForm):
    class Meta:
        model = Goal
        fields = PERSON_GOAL_FIELDS
        labels = {"text": _("My goal"), "target_date": _("When I want to reach it (if you know)")}
        help_texts = {"text": _("What you want to achieve, in your own words. Your coordinator reads it.")}
        widgets = {"target_date": DateInput()}

    def __init__(self, *args: Any, acted_for: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _speak_of(
            self,
            acted_for,
            labels={
                "text": _("%(name)s's goal"),
                "target_date": _("When %(name)s wants to reach it (if you know)"),
            },
            help_texts={
                "text": _(
                    "What %(name)s wants to achieve, as %(name)s would say it. The coordinator reads it."
                )
            },
        )


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

    def __init__(self, *args: Any, goal: Goal, acted_for: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _speak_of(self, acted_for, labels={"attainment": _("Where is %(name)s now?")})
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

    def __init__(self, *args: Any, child: bool, acted_for: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _speak_of(
            self,
            acted_for,
            labels={"description": _("What does %(name)s need help with?")},
            help_texts={
                "description": _(
                    "Tell in your own words what is hard in everyday life for %(name)s, and which services "
                    "%(name)s already has."
                )
            },
        )
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
