"""The assessor's search in the priority guides."""

from __future__ import annotations

from django import forms
from django.forms.widgets import SearchInput
from django.utils.translation import gettext_lazy as _

from .models import PriorityGuide

MAX_QUERY_LENGTH = 200


class PriorityGuideSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Condition"),
        help_text=_("A word from the condition or its text, such as autism, brain injury or muscle pain."),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
        widget=SearchInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )
    guide = forms.ChoiceField(
        label=_("Priority guide"),
        choices=[("", _("All three guides")), *PriorityGuide.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the three guides.")},
    )
