from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.accounts.models import Profession
from vegviser.core.forms import DateInput, DateTimeLocalInput, VersionedForm, radio_choices
from vegviser.intake.models import ReportConsent
from vegviser.registry.codes import split_codes
from vegviser.registry.forms import national_id_field_value
from vegviser.registry.models import Municipality, Organisation

from .models import CarePlace, ContactType, Episode, IndividualPlanStatus, LevelOfCare


def codes_text(codes: list[str]) -> str:
    return ", ".join(codes)


class EpisodeForm(VersionedForm):
    """What the episode is and how it is coded. The codes are checked against the national lists by the
    episode itself, so an unknown one is named next to its field."""

    professions = forms.MultipleChoiceField(
        label=_("Professions involved"),
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    secondary_diagnoses = forms.CharField(
        label=_("Secondary diagnoses (ICD-10)"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, such as I63.5, R47.0."),
    )
    procedure_codes = forms.CharField(
        label=_("Procedures (NCMP)"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, such as WMAA00."),
    )

    class Meta:
        model = Episode
        fields = [
            "level_of_care",
            "contact_type",
            "place",
            "place_detail",
            "specialty",
            "admitted_at",
            "main_diagnosis",
            "plan_status",
        ]
        widgets = {
            "level_of_care": forms.RadioSelect,
            "contact_type": forms.RadioSelect,
            "place": forms.RadioSelect,
            "specialty": forms.RadioSelect,
            "admitted_at": DateTimeLocalInput(),
            "main_diagnosis": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "main_diagnosis": _(
                "A rehabilitation stay has a Z50 code, such as Z50.89; the condition is a secondary "
                "diagnosis."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_choices(self.fields["level_of_care"], LevelOfCare.choices)
        radio_choices(self.fields["contact_type"], ContactType.choices)
        radio_choices(self.fields["place"], CarePlace.choices)
        radio_choices(self.fields["specialty"], self.fields["specialty"].choices[1:])  # type: ignore[attr-defined]
        cast(forms.ChoiceField, self.fields["plan_status"]).choices = [
            ("", _("Not yet known")),
            *IndividualPlanStatus.choices,
        ]
        self.fields["admitted_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        if not self.instance._state.adding:
            self.fields["professions"].initial = list(self.instance.professions)
            self.fields["secondary_diagnoses"].initial = codes_text(self.instance.secondary_diagnoses)
            self.fields["procedure_codes"].initial = codes_text(self.instance.procedure_codes)

    def clean_admitted_at(self) -> Any:
        """A discharged episode's admission is not moved past its discharge: said here, by the admission the
        user changed, rather than by the episode's own check of the discharge this form does not show."""
        admitted_at = self.cleaned_data.get("admitted_at")
        discharged_at = self.instance.discharged_at
        if admitted_at is not None and discharged_at is not None and admitted_at > discharged_at:
            raise ValidationError(
                _("The admission cannot be after the discharge (%(discharged)s)."),
                params={"discharged": f"{timezone.localtime(discharged_at):%d.%m.%Y %H:%M}"},
                code="admission_after_discharge",
            )
        return admitted_at

    def clean_secondary_diagnoses(self) -> list[str]:
        return split_codes(self.cleaned_data.get("secondary_diagnoses") or "")

    def clean_procedure_codes(self) -> list[str]:
        return split_codes(self.cleaned_data.get("procedure_codes") or "")


class NewEpisodeForm(EpisodeForm):
    """A new episode: for a person found by identity number as a referral is registered, or from a referral
    (which names the person and the unit)."""

    national_id = forms.CharField(
        label=_("The person's identity number"),
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("The person's municipality"), queryset=Municipality.objects.order_by("name")
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())
    person_fields = ("national_id", "given_name", "family_name", "municipality")

    def __init__(self, *args: Any, units: QuerySet[Organisation], from_referral: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()
        if from_referral:
            for name in (*self.person_fields, "unit"):
                del self.fields[name]
        else:
            self.order_fields([*self.person_fields, "unit"])

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])


class DischargeForm(VersionedForm):
    """The discharge: when, the summary to the GP, and for an inpatient the report of need to the
    municipality, sent in the same step."""

    report_need = forms.BooleanField(required=False)
    needs_plan = forms.BooleanField(label=_("Individual plan"), required=False, initial=True)
    needs_coordinator = forms.BooleanField(label=_("Coordinator"), required=False, initial=True)
    needs_child_coordinator = forms.BooleanField(label=_("Child coordinator"), required=False)
    description = forms.CharField(
        label=_("The needs, as the ward sees them"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the coordinating unit as written: change it as you see fit."),
    )
    consent_to_report = forms.ChoiceField(
        label=_("Consent to the report"), required=False, widget=forms.RadioSelect
    )
    handover_fields = (
        "report_need",
        "needs_plan",
        "needs_coordinator",
        "needs_child_coordinator",
        "description",
        "consent_to_report",
    )

    class Meta:
        model = Episode
        fields = ["discharged_at", "plan_status", "course", "recommendations"]
        widgets = {
            "discharged_at": DateTimeLocalInput(),
            "course": forms.Textarea(attrs={"rows": 6}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self, *args: Any, municipality: str, handover_text: str, may_hand_over: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discharged_at"].required = True
        self.fields["discharged_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        self.fields["plan_status"].required = True
        self.fields["course"].required = True
        cast(forms.ChoiceField, self.fields["plan_status"]).choices = IndividualPlanStatus.choices
        self.fields["plan_status"].widget = forms.RadioSelect(choices=IndividualPlanStatus.choices)
        self.fields["report_need"].label = _(
            "Report a need for coordinated services to %(municipality)s's coordinating unit"
        ) % {"municipality": municipality}
        self.fields["description"].initial = handover_text
        radio_choices(self.fields["consent_to_report"], ReportConsent.choices)
        if not may_hand_over:
            for name in self.handover_fields:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("report_need"):
            if not (
                cleaned.get("needs_plan")
                or cleaned.get("needs_coordinator")
                or cleaned.get("needs_child_coordinator")
            ):
                self.add_error(
                    "needs_plan",
                    _("Say what the person needs: a plan, a coordinator or a child coordinator."),
                )
            if not (cleaned.get("description") or "").strip():
                self.add_error("description", _("Describe the needs for the coordinating unit."))
            if not cleaned.get("consent_to_report"):
                self.add_error("consent_to_report", _("Say whether the person agrees to the report."))
        return cleaned

    def handover(self) -> dict[str, Any] | None:
        """The report's content when the ward sends one, else None."""
        if not self.cleaned_data.get("report_need"):
            return None
        return {name: self.cleaned_data[name] for name in self.handover_fields if name != "report_need"}


def discharge_data(form: DischargeForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in DischargeForm.Meta.fields}


class SummarySentForm(forms.Form):
    """That the discharge summary was sent, to whom and on which day: recorded by the one who sent it, once
    it has gone (there is no messaging network here to send it)."""

    summary_sent_to = forms.CharField(
        label=_("Sent to"),
        max_length=200,
        help_text=_("The person's GP, or the referrer: name and practice."),
    )
    summary_sent_on = forms.DateField(label=_("Date it was sent"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary_sent_on"].initial = timezone.localdate()

    def clean_summary_sent_on(self) -> Any:
        sent_on = self.cleaned_data["summary_sent_on"]
        if sent_on is not None and sent_on > timezone.localdate():
            raise ValidationError(_("The date the discharge summary was sent cannot be in the future."))
        return sent_on
