from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from vegviser.core.forms import DateInput, radio_choices
from vegviser.core.uploads import DOCUMENT_ACCEPT
from vegviser.registry.forms import national_id_field_value
from vegviser.registry.models import Organisation, Person, RelationKind

from .models import EMERGENCY_MAX_HOURS, Consent, ConsentEvidence, ConsentGiver


class ConsentForm(forms.ModelForm):
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Confidential information may be shared with"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the services and organisations named here may be given confidential information."),
    )

    class Meta:
        model = Consent
        fields = [
            "given_by",
            "given_by_person",
            "child_view",
            "covers_plan",
            "covers_coordinator",
            "shared_with",
            "valid_from",
            "valid_to",
            "evidence",
            "evidence_file",
            "journal_reference",
        ]
        widgets = {
            "given_by": forms.RadioSelect,
            "evidence": forms.RadioSelect,
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "child_view": forms.Textarea(attrs={"rows": 3}),
            "evidence_file": forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        }

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.person = person
        self.fields["valid_from"].initial = timezone.localdate()
        representatives = Person.objects.filter(
            relations_as_relative__person=person,
            relations_as_relative__kind__in=[RelationKind.PARENT, RelationKind.GUARDIAN],
        ).distinct()
        cast(forms.ModelChoiceField, self.fields["given_by_person"]).queryset = representatives
        # The services around the person: their municipality's, and their health trust with its units.
        nearby = Q(municipality_id=person.municipality_id) | Q(
            catchment_municipalities=person.municipality_id
        )
        nearby |= Q(parent__catchment_municipalities=person.municipality_id)
        cast(forms.ModelMultipleChoiceField, self.fields["shared_with"]).queryset = (
            Organisation.objects.filter(nearby, active=True)
            .exclude(kind="coordinating_unit")
            .distinct()
            .order_by("name")
        )
        radio_choices(self.fields["given_by"], ConsentGiver.choices)
        # Consent given in the portal is recorded by the portal itself, never typed in by staff.
        staff_evidence = [c for c in ConsentEvidence.choices if c[0] != ConsentEvidence.PORTAL]
        radio_choices(self.fields["evidence"], staff_evidence)
        self.fields["given_by"].initial = ConsentGiver.PERSON


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand what withdrawing means"), required=True)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EmergencyAccessForm(forms.Form):
    national_id = forms.CharField(
        label=_("The person's identity number"),
        max_length=13,
        help_text=_("All 11 digits. The number is never shown in an address or a log."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Why you need the plan now"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person will see this, and the coordinating unit reviews it."),
    )
    hours = forms.TypedChoiceField(
        label=_("For how long"),
        coerce=int,
        choices=[
            (hours, ngettext_lazy("%(hours)s hour", "%(hours)s hours", "hours") % {"hours": hours})
            for hours in range(1, EMERGENCY_MAX_HOURS + 1)
        ],
        initial=1,
    )

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(_("Write why you need the plan now, in a sentence or two."))
        return reason


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
