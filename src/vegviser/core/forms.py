"""Forms render with Designsystemet's markup: one renderer and one bound-field class for every form."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import ChoiceField, Field
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import CheckboxInput, CheckboxSelectMultiple, RadioSelect
from django.utils.translation import gettext


class DesignSystemBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        # Designsystemet sizes text areas to their container; Django's default 40 columns would not.
        widget.attrs.pop("cols", None)
        if not widget.is_hidden:
            attrs["class"] = " ".join(filter(None, [str(attrs.get("class", "")), "ds-input"]))
        # The description and every error message are read out with the field (WCAG 1.3.1, 3.3.1).
        described_by = []
        if self.help_text and not isinstance(widget, CheckboxSelectMultiple | RadioSelect):
            described_by.append(f"{self.auto_id}_helptext")
        described_by += [f"{self.auto_id}_error{number}" for number in range(1, len(self.errors) + 1)]
        if described_by and self.auto_id:
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, CheckboxInput)

    @property
    def is_choice_group(self) -> bool:
        return isinstance(self.field.widget, CheckboxSelectMultiple | RadioSelect)

    @property
    def optional_marker(self) -> str:
        """ "(optional)" after the label of a field that may be left empty, unless the label says so itself:
        the renderer is the one place that marks optional fields, so a label never says it twice."""
        # A field required only in some cases (`sometimes_required`) is not optional either.
        if self.field.required or getattr(self.field, "sometimes_required", False):
            return ""
        marker = "(" + gettext("optional") + ")"
        return "" if marker.casefold() in str(self.label).casefold() else marker


def errors_for_form(form: Any, error: ValidationError) -> ValidationError:
    """The error as the form can show it: by field where the form has that field, and at the top (as an
    error of the whole form) where it names a field the form does not have, such as a model's check of the
    discharge on the form that edits only the admission. Without this Django refuses the error outright."""
    if not hasattr(error, "error_dict"):
        return error
    placed: dict[str, list[ValidationError]] = {}
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else NON_FIELD_ERRORS
        placed.setdefault(target, []).extend(errors)
    return ValidationError(placed)


class ConstraintFieldErrorsMixin:
    """A database constraint on one field reports its violation next to that field, not only at the top;
    an error of a field the form does not have is shown at the top (`errors_for_form`).

    Django reports conditional unique constraints as errors of the whole form; `constraint_fields` maps each
    constraint's violation code to the field it belongs to.
    """

    constraint_fields: dict[str, str] = {}

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = errors_for_form(self, error)
            general = error.error_dict.get(NON_FIELD_ERRORS, [])
            for item in list(general):
                target = self.constraint_fields.get(item.code or "")
                if target is not None:
                    general.remove(item)
                    error.error_dict.setdefault(target, []).append(item)
            if not general:
                error.error_dict.pop(NON_FIELD_ERRORS, None)
        super().add_error(field, error)  # type: ignore[misc]


def posted_value(field: Field, value: Any) -> list[str]:
    """A field's value as the browser posts it back when nobody touches it: one form in which what the user
    started from, what they wrote and what is stored now compare, and from which a form can be bound again."""
    widget = field.widget
    prepared = field.prepare_value(value)
    if isinstance(widget, CheckboxInput):
        return ["on"] if widget.check_test(prepared) else []
    shown = widget.format_value(prepared)
    if isinstance(shown, list | tuple):
        values = ["" if item is None else str(item) for item in shown]
        return sorted(values) if widget.allow_multiple_selected else values
    # Browsers post line breaks as CRLF; the stored text has LF.
    return ["" if shown is None else str(shown).replace("\r\n", "\n")]


class VersionedForm(ConstraintFieldErrorsMixin, forms.ModelForm):
    """Carries the version the user started from, so a save over someone else's change is caught, and the
    values the form showed then (`original`), so that a change made meanwhile is merged field by field: the
    fields the user left alone take the stored value, and only those both changed are the user's to decide."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    bookkeeping = frozenset({"version", "original"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["version"].initial = self.instance.version

    def get_initial_for_field(self, field: Field, field_name: str) -> Any:
        # Worked out when the form is shown, after a subclass has set its fields' initial values.
        if field_name == "original":
            return json.dumps(self.shown_values(), ensure_ascii=False, sort_keys=True)
        return super().get_initial_for_field(field, field_name)

    def edited_fields(self) -> list[str]:
        """The fields the user can change here; hidden bookkeeping and disabled fields are not theirs."""
        return [
            name for name, field in self.fields.items() if name not in self.bookkeeping and not field.disabled
        ]

    def shown_values(self) -> dict[str, list[str]]:
        """What the unbound form shows: the stored values, as they would be posted."""
        return {
            name: posted_value(self.fields[name], self.get_initial_for_field(self.fields[name], name))
            for name in self.edited_fields()
        }

    def written_values(self) -> dict[str, list[str]]:
        """What the user posted, cleaned, in the same form as `shown_values`."""
        return {
            name: posted_value(self.fields[name], self.cleaned_data[name])
            for name in self.edited_fields()
            if name in self.cleaned_data
        }

    def original_values(self) -> dict[str, list[str]]:
        """The values the form showed when it was opened; empty when the post did not carry them."""
        try:
            original = json.loads(self.cleaned_data.get("original") or "{}")
        except ValueError:
            return {}
        if not isinstance(original, dict):
            return {}
        return {
            name: [str(item) for item in value] for name, value in original.items() if isinstance(value, list)
        }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    """One field for date and time, so that each input has its own label; shown in the user's time zone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def add_service_error(form: Any, error: ValidationError) -> None:
    """A service's validation error shown on the form: by field where it names one, else at the top."""
    form.add_error(None, errors_for_form(form, error))


def radio_choices(field: Field, choices: Sequence[tuple[Any, Any]]) -> None:
    """Radio buttons offer the real choices only: no empty "---------" option."""
    assert isinstance(field, ChoiceField)
    field.choices = list(choices)


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = DesignSystemBoundField
