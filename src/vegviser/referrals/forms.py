from __future__ import annotations

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

from .models import DiagnosisSystem, Referral, ReferralAttachment, ReferralConsent, checked_diagnoses


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
