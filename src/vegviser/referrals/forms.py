from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.core.forms import DateInput, radio_choices
from vegviser.core.uploads import DOCUMENT_ACCEPT, MAX_DOCUMENT_BYTES
from vegviser.registry.forms import national_id_field_value
from vegviser.registry.models import Municipality, Organisation

from .models import (
    Assessment,
    AssessmentOutcome,
    CareType,
    CriterionGrade,
    DiagnosisSystem,
    PostponementCode,
    PriorityGuideCondition,
    Referral,
    ReferralAttachment,
    ReferralConsent,
    RightStatus,
    WaitEndCode,
    checked_diagnoses,
)
from .selectors import guide_conditions


class ReferralForm(forms.ModelForm):
    """The clerk registers a referral as received. The person is found by number, or registered with it."""

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
    receiving_unit = forms.ModelChoiceField(label=_("Received by"), queryset=Organisation.objects.none())
    diagnoses = forms.CharField(
        label=_("Diagnosis codes"),
        required=False,
        max_length=300,
        help_text=_(
            "The codes the referral gives, separated by commas: ICD-10 such as F84.0, G80.1, or ICPC-2 "
            "from a GP such as P85. Type the beginning of a code or a word of its name to see matching codes."
        ),
        # The suggestions (static/js/app.js) come from the code search, which answers only code list data.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "list": "diagnosis-suggestions",
                "data-code-suggestions": reverse_lazy("registry:code_search"),
                "data-code-system-field": "diagnosis_system",
            }
        ),
    )

    class Meta:
        model = Referral
        fields = [
            "received_on",
            "seniority_date",
            "referrer_name",
            "referrer_hpr_number",
            "referrer_organisation",
            "reason",
            "diagnosis_system",
            "tried_in_municipality",
            "function_description",
            "consent",
        ]
        widgets = {
            "received_on": DateInput(),
            "seniority_date": DateInput(),
            "referrer_hpr_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "reason": forms.Textarea(attrs={"rows": 5}),
            "tried_in_municipality": forms.Textarea(attrs={"rows": 3}),
            "function_description": forms.Textarea(attrs={"rows": 3}),
            "consent": forms.RadioSelect,
            "diagnosis_system": forms.RadioSelect,
        }
        help_texts = {
            "seniority_date": _(
                "Leave empty for the date received. A referral forwarded from another unit keeps the date "
                "the first unit received it."
            ),
        }

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["receiving_unit"]).queryset = units
        if units.count() == 1:
            self.fields["receiving_unit"].initial = units.first()
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["seniority_date"].required = False
        radio_choices(self.fields["consent"], ReferralConsent.choices)
        radio_choices(self.fields["diagnosis_system"], DiagnosisSystem.choices)
        # A referral codes in ICD-10 unless the clerk says it came from a GP in ICPC-2.
        self.fields["diagnosis_system"].required = False
        self.fields["diagnosis_system"].initial = DiagnosisSystem.ICD10
        self.order_fields(
            [
                "national_id",
                "given_name",
                "family_name",
                "municipality",
                "receiving_unit",
                "received_on",
                "seniority_date",
                "referrer_name",
                "referrer_hpr_number",
                "referrer_organisation",
                "reason",
                "diagnosis_system",
                "diagnoses",
            ]
        )

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return received

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The codes are checked against the list the clerk chose: A01 is pain in ICPC-2, no code in ICD-10.
        if "diagnosis_system" not in self.errors:
            system = cleaned.get("diagnosis_system") or DiagnosisSystem.ICD10
            cleaned["diagnosis_system"] = system
            if "diagnoses" in cleaned:
                try:
                    cleaned["diagnoses"] = checked_diagnoses(cleaned["diagnoses"], system)
                except ValidationError as error:
                    self.add_error("diagnoses", error)
        received, seniority = cleaned.get("received_on"), cleaned.get("seniority_date")
        if received and seniority and seniority > received:
            self.add_error("seniority_date", _("The seniority date cannot be after the date received."))
        return cleaned

    def _post_clean(self) -> None:
        # The instance is checked by the service, with its person and unit; only the form's fields here.
        pass


class AskReferrerForm(forms.Form):
    asked_for = forms.CharField(
        label=_("What the unit needs from the referrer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The referral is not sent back: the deadline for the assessment still runs."),
    )


class AttachmentForm(forms.ModelForm):
    max_megabytes = MAX_DOCUMENT_BYTES // (1024 * 1024)

    class Meta:
        model = ReferralAttachment
        fields = ["title", "file"]
        widgets = {"file": forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT})}


class AssessmentForm(forms.ModelForm):
    """The clinician's assessment. The condition is chosen from the priority guides, the one that fits the
    referral first; the deadline it suggests is shown before anything is saved, and a deadline that departs
    from it needs the person's individual reasons (the model says so)."""

    condition_filter = forms.CharField(
        label=_("Find a condition"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("A word of the condition's name narrows the list."),
    )
    appointment_on = forms.DateField(
        label=_("Date of the first appointment"), required=False, widget=DateInput()
    )
    appointment_time = forms.TimeField(
        label=_("Time of the first appointment"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Needed in the letter to the person when the deadline is less than four months away."),
    )

    class Meta:
        model = Assessment
        fields = [
            "right",
            "benefit",
            "severity",
            "cost_effectiveness",
            "condition",
            "care_deadline",
            "care_type",
            "individual_reasons",
            "outcome",
            "forwarded_to",
            "to_referrer",
        ]
        widgets = {
            "right": forms.RadioSelect,
            "benefit": forms.RadioSelect,
            "severity": forms.RadioSelect,
            "cost_effectiveness": forms.RadioSelect,
            "care_deadline": DateInput(),
            "care_type": forms.RadioSelect,
            "individual_reasons": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.RadioSelect,
            "to_referrer": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "benefit": _("The expected benefit of the care."),
            "severity": _("How serious the condition is."),
            "cost_effectiveness": _(
                "Whether the expected benefit stands in reasonable proportion to the cost."
            ),
            "care_deadline": _(
                "The date care must start at the latest. Prefilled with the guide's deadline."
            ),
            "forwarded_to": _("Only when the referral is forwarded."),
        }

    def __init__(
        self,
        *args: Any,
        referral: Referral,
        guide: str,
        units: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.instance.referral = referral
        self.guide = guide
        for name, choices in [
            ("right", RightStatus.choices),
            ("benefit", CriterionGrade.choices),
            ("severity", CriterionGrade.choices),
            ("cost_effectiveness", CriterionGrade.choices),
            ("care_type", CareType.choices),
            ("outcome", AssessmentOutcome.choices),
        ]:
            radio_choices(self.fields[name], choices)
        condition_field = cast(forms.ModelChoiceField, self.fields["condition"])
        condition_field.queryset = PriorityGuideCondition.objects.filter(withdrawn=False)
        condition_field.help_text = _(
            "The conditions of the guide that fits the referral come first. The guide suggests a deadline."
        )
        cast(forms.ModelChoiceField, self.fields["forwarded_to"]).queryset = units
        self.filter_text = str(self._value("condition_filter") or "")
        self.groups = guide_conditions(guide=guide, text=self.filter_text)
        self.chosen = self._chosen_condition()
        groups = [(str(label), list(conditions)) for label, conditions in self.groups]
        if self.chosen is not None and not any(self.chosen in conditions for _label, conditions in groups):
            # The one chosen stays on offer, whatever the filter finds: nothing chosen is lost.
            groups.append((self.chosen.get_guide_display(), [self.chosen]))
        # The list grouped by guide, each option with whether it is the one chosen.
        self.condition_options = [
            (label, [(str(c.pk), c.title, c == self.chosen) for c in conditions])
            for label, conditions in groups
        ]

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def _chosen_condition(self) -> PriorityGuideCondition | None:
        value = self._value("condition")
        if not value:
            return None
        try:
            return PriorityGuideCondition.objects.filter(pk=uuid.UUID(str(value)), withdrawn=False).first()
        except ValueError:
            return None

    @property
    def nothing_found(self) -> bool:
        return bool(self.filter_text) and not self.groups

    @property
    def suggested_deadline(self) -> date | None:
        """The deadline the chosen condition suggests, counted from the date received."""
        return self.chosen.deadline_from(self.referral.received_on) if self.chosen else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        combine_appointment(self, cleaned)
        return cleaned

    def _post_clean(self) -> None:
        # The model's rules (a right needs all three criteria, a departure needs reasons) are checked with the
        # deadline the guide suggests, as the service will count it.
        self.instance.suggested_deadline = self.suggested_deadline
        super()._post_clean()  # type: ignore[misc]


class AppointmentForm(forms.Form):
    """The first appointment, given after the assessment."""

    appointment_on = forms.DateField(label=_("Date of the first appointment"), widget=DateInput())
    appointment_time = forms.TimeField(
        label=_("Time of the first appointment"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        combine_appointment(self, cleaned)
        return cleaned


def combine_appointment(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    """The first appointment from the form's date and time fields, as `appointment_at`: both or neither,
    and not in the past."""
    day, time = cleaned.get("appointment_on"), cleaned.get("appointment_time")
    if day and time:
        cleaned["appointment_at"] = timezone.make_aware(datetime.combine(day, time))
        if cleaned["appointment_at"] < timezone.now():
            form.add_error("appointment_on", _("The appointment cannot be in the past."))
    elif day and "appointment_time" not in form.errors:
        form.add_error("appointment_time", _("Give the time of the appointment too."))
    elif time and "appointment_on" not in form.errors:
        form.add_error("appointment_on", _("Give the date of the appointment too."))
    else:
        cleaned["appointment_at"] = None


def shown_again(data: Any) -> dict[str, Any]:
    """The posted values as the form's initial values: the form shown again without saving (to filter the
    conditions or to see the guide's deadline) keeps all that was entered, without calling any of it an
    error."""
    return {name: data.get(name) for name in data if name not in ("csrfmiddlewaretoken", "step")}


def _not_in_future(value: Any, message: Any) -> Any:
    if value is not None and value > timezone.localdate():
        raise ValidationError(message)
    return value


class HelfoNotifiedForm(forms.Form):
    helfo_notified_on = forms.DateField(
        label=_("Date Helfo was notified"),
        widget=DateInput(),
        help_text=_("Through Helfo's portal for breaches of the deadline (Fristbruddportalen)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["helfo_notified_on"].initial = timezone.localdate()

    def clean_helfo_notified_on(self) -> Any:
        return _not_in_future(
            self.cleaned_data["helfo_notified_on"], _("The date Helfo was notified cannot be in the future.")
        )


class BreachLetterSentForm(forms.Form):
    breach_letter_sent_on = forms.DateField(label=_("Date the letter was sent"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["breach_letter_sent_on"].initial = timezone.localdate()

    def clean_breach_letter_sent_on(self) -> Any:
        return _not_in_future(
            self.cleaned_data["breach_letter_sent_on"],
            _("The date the letter was sent cannot be in the future."),
        )


class PostponementForm(forms.Form):
    postponement_code = forms.ChoiceField(
        label=_("Why the person postpones"), choices=PostponementCode.choices, widget=forms.RadioSelect
    )
    postponement_chosen_on = forms.DateField(label=_("Date the person asked to postpone"), widget=DateInput())
    postponed_to = forms.DateField(
        label=_("New date"),
        widget=DateInput(),
        help_text=_("A breach is counted from this date; the days postponed are not counted in the wait."),
    )

    def clean_postponement_chosen_on(self) -> Any:
        return _not_in_future(
            self.cleaned_data["postponement_chosen_on"],
            _("The date the person chose to postpone cannot be in the future."),
        )


class WaitEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Date care started or the wait ended"), widget=DateInput())
    end_code = forms.ChoiceField(
        label=_("Why the wait ended"),
        choices=WaitEndCode.choices,
        initial=WaitEndCode.CARE_STARTED,
        widget=forms.RadioSelect,
        help_text=_("The codes of the Norwegian Patient Register (code list 8445)."),
    )

    def __init__(self, *args: Any, received_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received_on = received_on

    def clean_ended_on(self) -> Any:
        value = _not_in_future(
            self.cleaned_data["ended_on"], _("The date the wait ended cannot be in the future.")
        )
        if value < self.received_on:
            raise ValidationError(
                _("The wait cannot end before the referral was received (%(date)s)."),
                params={"date": f"{self.received_on:%d.%m.%Y}"},
            )
        return value
