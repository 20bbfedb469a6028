from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.core.forms import DateInput, radio_choices
from vegviser.core.uploads import DOCUMENT_ACCEPT, MAX_DOCUMENT_BYTES
from vegviser.registry.forms import national_id_field_value
from vegviser.registry.models import Municipality, Organisation

from .models import (
    PostponementCode,
    Referral,
    ReferralAttachment,
    ReferralConsent,
    WaitEndCode,
    icd10_codes,
)


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
        label=_("Diagnoses (ICD-10)"),
        required=False,
        max_length=300,
        help_text=_("The codes the referral gives, separated by commas, such as F84.0, G80.1."),
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
        self.order_fields(
            ["national_id", "given_name", "family_name", "municipality", "receiving_unit", "received_on"]
        )

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return received

    def clean_diagnoses(self) -> list[str]:
        return icd10_codes(self.cleaned_data.get("diagnoses", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
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


class AppointmentInput(forms.DateTimeInput):
    """One field for date and time, in the user's time zone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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


class AppointmentForm(forms.Form):
    appointment_at = forms.DateTimeField(label=_("Appointment"), widget=AppointmentInput())

    def clean_appointment_at(self) -> Any:
        value = self.cleaned_data["appointment_at"]
        if value < timezone.now():
            raise ValidationError(_("The appointment cannot be in the past."))
        return value


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
