from __future__ import annotations

from django import template
from django.utils import timezone

from vegviser.registry.models import Person, PersonRelation

register = template.Library()


@register.filter
def age_today(person: Person) -> int | None:
    return person.age_on(timezone.localdate())


@register.filter
def in_force_today(relation: PersonRelation) -> bool:
    return relation.in_force_on(timezone.localdate())
