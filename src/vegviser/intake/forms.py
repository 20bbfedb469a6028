from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.accounts.models import User
from vegviser.core.forms import DateInput, radio_choices
from vegviser.registry.forms import national_id_field_value
from vegviser.registry.models import Municipality, Organisation

from .models import CoordinatorKind, Decision, NeedReport, ReportChannel, ReportConsent


class NeedReportForm(forms.ModelForm):
    """A professional reports a need. The person is found by number, or registered with the report."""

    national_id = forms.CharField(
        label=_("The person's identity number"),
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("The person's municipality"),
        queryset=Municipality.objects.order_by("name"),
        help_text=_("The report goes to this municipality's coordinating unit."),
    )
    organisation = forms.ModelChoiceField(label=_("You report from"), queryset=Organisation.objects.none())

    class Meta:
        model = NeedReport
        fields = [
            "needs_plan",
            "needs_coordinator",
            "needs_child_coordinator",
            "child_expected",
            "description",
            "channel",
            "is_inpatient",
            "consent_to_report",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "channel": forms.RadioSelect,
            "consent_to_report": forms.RadioSelect,
        }

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        radio_choices(self.fields["channel"], ReportChannel.choices)
        radio_choices(self.fields["consent_to_report"], ReportConsent.choices)

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(
            cleaned.get(name) for name in ("needs_plan", "needs_coordinator", "needs_child_coordinator")
        ):
            self.add_error(
                "needs_plan", _("Say what the person needs: a plan, a coordinator or a child coordinator.")
            )
        return cleaned


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = officers


class DecisionForm(forms.Form):
    plan_granted = forms.BooleanField(label=_("Individual plan granted"), required=False)
    coordinator_granted = forms.BooleanField(label=_("Coordinator granted"), required=False)
    child_coordinator_granted = forms.BooleanField(label=_("Child coordinator granted"), required=False)
    serious_condition = forms.BooleanField(
        label=_("The child has a serious illness, injury or disability"), required=False
    )
    needs_health_services = forms.BooleanField(
        label=_("The family needs long-term, complex health services"), required=False
    )
    needs_other_welfare_services = forms.BooleanField(
        label=_("The family needs long-term, complex services from other welfare services too"),
        required=False,
    )
    decision_reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required when anything asked for is declined. The person reads this in the decision letter."
        ),
    )

    def __init__(self, *args: Any, report: NeedReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        # Required or not depends on what is granted, so the field is not marked optional.
        self.fields["decision_reasons"].sometimes_required = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = self.report.decision_for(
            plan=bool(cleaned.get("plan_granted")),
            coordinator=bool(cleaned.get("coordinator_granted")),
            child_coordinator=bool(cleaned.get("child_coordinator_granted")),
        )
        if decision != Decision.GRANTED and not str(cleaned.get("decision_reasons", "")).strip():
            self.add_error("decision_reasons", _("Give the reasons when anything is declined."))
        return cleaned


class InterimReplyForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the decision takes time"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person reads this in the letter: plain words, no more than they need to know."),
    )
    decision_expected_on = forms.DateField(label=_("Decision expected by"), widget=DateInput())


class AppointCoordinatorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CoordinatorKind.choices)
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.filter(is_active=True, memberships__active=True).distinct(),
    )
    organisation = forms.ModelChoiceField(
        label=_("The coordinator's organisation"), queryset=Organisation.objects.none()
    )
    started_on = forms.DateField(label=_("From"), widget=DateInput())
    person_wishes = forms.CharField(
        label=_("The person's wishes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person's wishes weigh heavily in the choice of coordinator."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = (
            User.objects.filter(is_active=True, memberships__active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = (
            Organisation.objects.filter(active=True, memberships__active=True).distinct().order_by("name")
        )


class EndCoordinatorForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)
