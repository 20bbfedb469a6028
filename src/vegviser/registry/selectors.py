"""Reads of the registry, always through the access policy; reads of a person write access records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import ReadPurpose
from vegviser.audit.services import record_access

from .identity import parse_national_id
from .models import CollaborationAgreement, OrganisationKind, Person, PersonRelation

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


def agreements(*, user: User) -> list[CollaborationAgreement]:
    """The collaboration agreements the user may read: the system administrator all of them, a professional
    those their municipality or health trust is a party to."""
    policy.require(user, Action.AGREEMENT_VIEW)
    found = policy.visible_agreements(user).select_related("municipality", "health_trust")
    return list(found.order_by("municipality__name", "health_trust__name", "-valid_from"))


def get_agreement(*, user: User, pk: uuid.UUID) -> CollaborationAgreement:
    agreement = (
        CollaborationAgreement.objects.select_related("municipality", "health_trust").filter(pk=pk).first()
    )
    if agreement is None:
        raise Http404
    policy.require(user, Action.AGREEMENT_VIEW, agreement)
    return agreement


def trust_of(organisation: Any) -> Any:
    """The health trust an organisation belongs to, by id: the trust itself, or the trust of a unit."""
    if organisation is None:
        return None
    if organisation.kind == OrganisationKind.HEALTH_TRUST:
        return organisation.pk
    if organisation.kind in policy.SPECIALIST_KINDS:
        return organisation.parent_id
    return None


def agreements_for_participants(
    municipality_id: str, participants: Iterable[Any]
) -> list[CollaborationAgreement]:
    """The agreements in force between the plan's municipality and the health trusts of its participants
    taking part now, from the participants already loaded (with their organisations): one query, and none
    when no participant is from the specialist service."""
    trusts = {trust_of(p.organisation) for p in participants if p.active and p.organisation_id} - {None}
    if not trusts:
        return []
    found = CollaborationAgreement.objects.in_force(timezone.localdate()).filter(
        municipality_id=municipality_id, health_trust_id__in=trusts
    )
    return list(found.select_related("health_trust").order_by("health_trust__name", "-valid_from"))
