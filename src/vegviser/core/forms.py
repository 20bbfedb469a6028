"""Forms render with Designsystemet's markup: one renderer and one bound-field class for every form."""

from __future__ import annotations

from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import CheckboxInput, CheckboxSelectMultiple, RadioSelect


class DesignSystemBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
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


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = DesignSystemBoundField
