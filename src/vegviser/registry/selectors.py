"""Reads of the registry, always through the access policy; reads of a person write access records."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import ReadPurpose
from vegviser.audit.services import record_access

from .identity import parse_national_id
from .models import Person, PersonRelation

if TYPE_CHECKING:
    from vegviser.accounts.models import User

SEARCH_LIMIT = 50


def search_persons(*, user: User, query: str) -> list[Person]:
    """By identity number (exact) when the query is one, otherwise by every word of the name."""
    policy.require(user, Action.PERSON_SEARCH)
    persons: QuerySet[Person] = policy.visible_persons(user).select_related("municipality")
    digits = query.replace(" ", "")
    if digits.isdigit():
        try:
            persons = persons.filter(national_id=parse_national_id(digits, allow_synthetic=True).value)
        except ValueError:
            return []
    else:
        for word in query.split():
            persons = persons.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    found = list(persons.order_by("family_name", "given_name")[:SEARCH_LIMIT])
    record_access(
        actor=user,
        person_ids=[p.pk for p in found],
        object_type="registry.person",
        purpose=ReadPurpose.SEARCH,
    )
    return found


def get_person(
    *,
    user: User,
    pk: uuid.UUID,
    action: Action = Action.PERSON_VIEW,
    purpose: ReadPurpose = ReadPurpose.REGISTRY,
) -> Person:
    person = Person.objects.select_related("municipality").filter(pk=pk).first()
    if person is None:
        raise Http404
    policy.require(user, action, person)
    record_access(actor=user, person_ids=[person.pk], obj=person, purpose=purpose)
    return person


def relations_of(person: Person) -> tuple[list[PersonRelation], list[PersonRelation]]:
    """Who is related to the person, and whom the person is related to."""
    relatives = list(person.relations.select_related("relative").order_by("-valid_from"))
    related_to = list(person.relations_as_relative.select_related("person").order_by("-valid_from"))
    return relatives, related_to
