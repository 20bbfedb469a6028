from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import grantable_roles, is_citizen_only, may_grant
from vegviser.accounts.models import User
from vegviser.core.forms import DateInput, VersionedForm

from .identity import normalise_organisation_number, parse_national_id
from .models import (
    CollaborationAgreement,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    PersonRelation,
    RelationKind,
)
from .services import AGREEMENT_FIELDS, ORGANISATION_FIELDS, PERSON_FIELDS

ADDRESS_FIELDS = ("address", "postal_code", "postal_town")


def number_field_value(value: str, normalise: Callable[[str], str]) -> str:
    """A number from a form field in its stored form, or the parser's message as the field's error."""
    if not value.strip():
        return ""
    try:
        return normalise(value)
    except ValueError as exc:
        raise forms.ValidationError(exc.args[0]) from exc


def national_id_field_value(value: str) -> str:
    return number_field_value(value, lambda number: parse_national_id(number).value)


def allow_spaces(field: forms.Field, max_length: int) -> None:
    """Numbers may be typed in groups ("974 760 673"); the model stores them without spaces."""
    assert isinstance(field, forms.CharField)
    field.max_length = max_length
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs.update({"maxlength": str(max_length), "inputmode": "numeric", "autocomplete": "off"})


class PersonSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Name or identity number"),
        max_length=100,
        help_text=_("At least two letters of a name, or all 11 digits of an identity number."),
    )

    def clean_query(self) -> str:
        query = " ".join(self.cleaned_data["query"].split())
        if len(query.replace(" ", "")) < 2:
            raise forms.ValidationError(_("Write at least two characters."))
        return query


class PersonForm(VersionedForm):
    constraint_fields = {"duplicate_national_id": "national_id"}

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allow_spaces(self.fields["national_id"], 13)
        if self.instance.has_confidential_address:
            # Never shown, so never offered for editing: the stored address stays as it is.
            for name in ADDRESS_FIELDS:
                del self.fields[name]
        municipality = cast(forms.ModelChoiceField, self.fields["municipality"])
        municipality.queryset = Municipality.objects.order_by("name")

    def clean_national_id(self) -> str:
        return national_id_field_value(self.cleaned_data["national_id"])


class RelationForm(forms.ModelForm):
    relative_national_id = forms.CharField(
        label=_("The relative's identity number"),
        max_length=13,
        help_text=_("The relative must be registered first."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = PersonRelation
        fields = ["kind", "valid_from", "valid_to", "covers_health", "note"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, person: Person, visible: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        # Only among the persons the officer may see: the form must not reveal anyone else's name.
        self.visible = visible
        cast(forms.ChoiceField, self.fields["kind"]).choices = RelationKind.choices

    def clean_relative_national_id(self) -> Person:
        number = national_id_field_value(self.cleaned_data["relative_national_id"])
        relative = self.visible.filter(national_id=number).first() if number else None
        if relative is None:
            raise forms.ValidationError(
                _("No person with this identity number is registered. Register them first.")
            )
        if relative.pk == self.person.pk:
            raise forms.ValidationError(_("A person cannot be their own relative."))
        return relative

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        return cleaned

    def add_error(self, field: str | None, error: Any) -> None:
        # The model names the relative's field `relative`; on this form the relative is typed as a number.
        if isinstance(error, forms.ValidationError) and "relative" in getattr(error, "error_dict", {}):
            error.error_dict["relative_national_id"] = error.error_dict.pop("relative")
        super().add_error(field, error)

    def _post_clean(self) -> None:
        # The relative is chosen by number, not by a model field on the form: set both ends before validation.
        self.instance.person = self.person
        relative = self.cleaned_data.get("relative_national_id")
        if isinstance(relative, Person):
            self.instance.relative = relative
        super()._post_clean()  # type: ignore[misc]


class OrganisationForm(VersionedForm):
    constraint_fields = {
        "duplicate_organisation_number": "organisation_number",
        "duplicate_resh_id": "resh_id",
    }

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allow_spaces(self.fields["organisation_number"], 11)
        parents = Organisation.objects.order_by("name")
        if not self.instance._state.adding:
            parents = parents.exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = parents

    def clean_organisation_number(self) -> str:
        return number_field_value(self.cleaned_data["organisation_number"], normalise_organisation_number)


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)

    def __init__(self, *args: Any, organisation: Organisation, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.actor = actor
        cast(forms.ChoiceField, self.fields["role"]).choices = grantable_roles(actor)

    def clean_username(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["username"].strip(), is_active=True).first()
        # A citizen's account is answered as no account: the form must not tell who has one.
        if user is None or is_citizen_only(user):
            raise forms.ValidationError(_("There is no active user with this user name."))
        return user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, role = cleaned.get("username"), cleaned.get("role")
        if (
            isinstance(user, User)
            and Membership.objects.filter(
                user=user, organisation=self.organisation, role=role, active=True
            ).exists()
        ):
            raise forms.ValidationError(_("The user already has this role in this organisation."))
        if isinstance(user, User) and role and not may_grant(self.actor, user, self.organisation, role):
            raise forms.ValidationError(
                _("You cannot give this user a role here. Ask the system administrator.")
            )
        return cleaned


class AgreementForm(VersionedForm):
    """A collaboration agreement. The PDF is chosen when the agreement is registered; a new text of the
    agreement is registered as a new agreement, and the old one's period is ended by editing it, so that the
    text in force on any day can still be read. Editing changes the facts around it: title, parties, coverage
    and period."""

    class Meta:
        model = CollaborationAgreement
        fields = [*AGREEMENT_FIELDS, "document"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "document": forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trust = cast(forms.ModelChoiceField, self.fields["health_trust"])
        # Only trusts are offered; the model refuses anything else that reaches it another way.
        trust.queryset = Organisation.objects.filter(
            kind=OrganisationKind.HEALTH_TRUST, active=True
        ).order_by("name")
        trust.error_messages["invalid_choice"] = _("Choose a health trust from the list.")
        cast(forms.ModelChoiceField, self.fields["municipality"]).error_messages["invalid_choice"] = _(
            "Choose a municipality from the list."
        )
        self.fields["health_trust"].help_text = _("The health trust itself, not one of its units.")


class AgreementEditForm(AgreementForm):
    class Meta(AgreementForm.Meta):
        fields = AGREEMENT_FIELDS
