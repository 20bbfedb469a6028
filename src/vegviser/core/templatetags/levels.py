"""Goal attainment levels in templates, printed by the one function the Python side uses."""

from __future__ import annotations

from django import template

from vegviser.core.formats import signed_level

register = template.Library()


@register.filter
def level(value: int) -> str:
    return signed_level(int(value))
