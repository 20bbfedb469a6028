"""The one-time token of a create form (vegviser.core.once)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from vegviser.core.once import FIELD, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_field(context: dict[str, Any]) -> SafeString:
    """The hidden field with the form's token; put inside every create form."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, form_token(context.get("request"))
    )
