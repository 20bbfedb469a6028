"""Forms render with Designsystemet's markup: one renderer and one bound-field class for every form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import ChoiceField, Field
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import CheckboxInput, CheckboxSelectMultiple, RadioSelect


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


class ConstraintFieldErrorsMixin:
    """A database constraint on one field reports its violation next to that field, not only at the top.

    Django reports conditional unique constraints as errors of the whole form; `constraint_fields` maps each
    constraint's violation code to the field it belongs to.
    """

    constraint_fields: dict[str, str] = {}

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            general = error.error_dict.get(NON_FIELD_ERRORS, [])
            for item in list(general):
                target = self.constraint_fields.get(item.code or "")
                if target is not None:
                    general.remove(item)
                    error.error_dict.setdefault(target, []).append(item)
            if not general:
                error.error_dict.pop(NON_FIELD_ERRORS, None)
        super().add_error(field, error)  # type: ignore[misc]


class VersionedForm(ConstraintFieldErrorsMixin, forms.ModelForm):
    """Carries the version the user started from, so a save over someone else's change is caught."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["version"].initial = self.instance.version


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_error(form: Any, error: ValidationError) -> None:
    """A service's validation error shown on the form: by field where it names one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def radio_choices(field: Field, choices: Sequence[tuple[Any, Any]]) -> None:
    """Radio buttons offer the real choices only: no empty "---------" option."""
    assert isinstance(field, ChoiceField)
    field.choices = list(choices)


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = DesignSystemBoundField
