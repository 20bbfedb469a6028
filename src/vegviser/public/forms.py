from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import MAX_QUERY_LENGTH


class SearchInput(forms.TextInput):
    input_type = "search"


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Municipality"),
        help_text=_("The name, the Sami or Kven name, or the four-digit number."),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("Write the name or number of a municipality."),
            "max_length": _("Write at most %(limit_value)d characters."),
        },
        widget=SearchInput(attrs={"autocomplete": "off", "spellcheck": "false", "enterkeyhint": "search"}),
    )
