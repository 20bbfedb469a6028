from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vegviser.core.forms import radio_choices
from vegviser.registry.models import Organisation

from ..models import AccessLevel


class JoinRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Take part for"), queryset=Organisation.objects.none(), empty_label=None
    )
    message = forms.CharField(
        label=_("Message to the coordinator"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the unit will contribute, or why you ask. Write no more than the coordinator needs."
        ),
    )

    def __init__(self, *args: Any, units: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = Organisation.objects.filter(pk__in=[unit.pk for unit in units]).order_by("name")
        if len(units) == 1:
            field.initial = units[0].pk
            field.widget = forms.HiddenInput()


class JoinAcceptForm(forms.Form):
    role = forms.CharField(
        label=_("Role in the plan"),
        max_length=200,
        help_text=_("For example physician at the rehabilitation unit."),
    )
    access_level = forms.ChoiceField(label=_("Access"), widget=forms.RadioSelect, initial=AccessLevel.FULL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_choices(self.fields["access_level"], AccessLevel.choices)
