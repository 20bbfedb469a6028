from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.accounts.models import User
from vegviser.core.forms import DateInput
from vegviser.registry.forms import national_id_field_value

MAX_DAYS = 366


class AuditSearchForm(forms.Form):
    national_id = forms.CharField(
        label=_("The person's identity number"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    actor = forms.CharField(
        label=_("User name of the one who read or changed"), required=False, max_length=150
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    # One person by id, as the list to review links to them: an identity number never goes in a URL.
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date_from"].initial = today - timedelta(days=30)
        self.fields["date_to"].initial = today

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])

    def clean_actor(self) -> User | None:
        username = self.cleaned_data["actor"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("There is no user with this user name."))
        return user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("national_id"):
            # A typed identity number is the person searched for, whatever the link narrowed to before.
            cleaned["person"] = None
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end date cannot be before the start date."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("date_to", _("Search at most one year at a time."))
        return cleaned
