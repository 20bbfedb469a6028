"""Every write to the registry. Keyword-only, checks the policy, one transaction, audit record included."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from vegviser.access.policy import Action, authorise, may_grant
from vegviser.audit.services import record_change, save_new, snapshot, update_versioned
from vegviser.core.services import assign

from .models import Membership, Municipality, Organisation, Person, PersonRelation

if TYPE_CHECKING:
    from vegviser.accounts.models import User

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "national_id",
    "birth_date",
    "address",
    "postal_code",
    "postal_town",
    "municipality",
    "phone",
    "email",
    "preferred_language",
    "needs_interpreter",
    "interpreter_language",
    "address_protection",
]
ORGANISATION_FIELDS = [
    "name",
    "kind",
    "organisation_number",
    "resh_id",
    "municipality",
    "parent",
    "health_region",
    "address",
    "phone",
    "email",
    "website",
    "active",
]
RELATION_FIELDS = ["person", "relative", "kind", "valid_from", "valid_to", "covers_health", "note"]


@transaction.atomic
def create_person(*, actor: User | None, data: dict[str, Any]) -> Person:
    authorise(actor, Action.PERSON_CREATE)
    person = Person()
    assign(person, PERSON_FIELDS, data)
    save_new(person, actor=actor, action="person.create", fields=PERSON_FIELDS, person_id=person.pk)
    return person


@transaction.atomic
def find_or_register_person(
    *, actor: User | None, national_id: str, given_name: str, family_name: str, municipality: Municipality
) -> Person:
    """For a report of need: the registered person with this number, or a new registration.

    The reporter learns nothing from which it was: the registry's details are never shown back."""
    authorise(actor, Action.NEED_REPORT_CREATE)
    person = Person.objects.select_for_update().filter(national_id=national_id).first()
    if person is not None:
        if person.municipality_id is None:
            before = snapshot(person, ["municipality"])
            person.municipality = municipality
            person.save(update_fields=["municipality", "updated_at"])
            record_change(
                actor=actor,
                action="person.update",
                obj=person,
                before=before,
                after=snapshot(person, ["municipality"]),
                person_id=person.pk,
            )
        return person
    person = Person(
        given_name=given_name, family_name=family_name, national_id=national_id, municipality=municipality
    )
    save_new(person, actor=actor, action="person.create", fields=PERSON_FIELDS, person_id=person.pk)
    return person


@transaction.atomic
def update_person(
    *, actor: User | None, person: Person, data: dict[str, Any], expected_version: int
) -> Person:
    authorise(actor, Action.PERSON_EDIT, person)
    return update_versioned(
        actor=actor,
        instance=person,
        fields=PERSON_FIELDS,
        data=data,
        expected_version=expected_version,
        action="person.update",
        person_id=person.pk,
    )


@transaction.atomic
def add_relation(*, actor: User | None, person: Person, data: dict[str, Any]) -> PersonRelation:
    authorise(actor, Action.PERSON_EDIT, person)
    relation = PersonRelation(person=person)
    assign(relation, RELATION_FIELDS[1:], data)
    save_new(relation, actor=actor, action="relation.create", fields=RELATION_FIELDS, person_id=person.pk)
    return relation


@transaction.atomic
def end_relation(*, actor: User | None, relation: PersonRelation, valid_to: date) -> PersonRelation:
    authorise(actor, Action.PERSON_EDIT, relation.person)
    before = snapshot(relation, RELATION_FIELDS)
    relation.valid_to = valid_to
    relation.full_clean()
    relation.save()
    record_change(
        actor=actor,
        action="relation.end",
        obj=relation,
        before=before,
        after=snapshot(relation, RELATION_FIELDS),
        person_id=relation.person_id,
    )
    return relation


@transaction.atomic
def create_organisation(*, actor: User | None, data: dict[str, Any]) -> Organisation:
    authorise(actor, Action.ORGANISATION_CREATE)
    organisation = Organisation()
    assign(organisation, ORGANISATION_FIELDS, data)
    save_new(organisation, actor=actor, action="organisation.create", fields=ORGANISATION_FIELDS)
    return organisation


@transaction.atomic
def update_organisation(
    *, actor: User | None, organisation: Organisation, data: dict[str, Any], expected_version: int
) -> Organisation:
    authorise(actor, Action.ORGANISATION_EDIT, organisation)
    return update_versioned(
        actor=actor,
        instance=organisation,
        fields=ORGANISATION_FIELDS,
        data=data,
        expected_version=expected_version,
        action="organisation.update",
    )


@transaction.atomic
def add_membership(*, actor: User | None, organisation: Organisation, user: User, role: str) -> Membership:
    authorise(actor, Action.MEMBERS_MANAGE, organisation)
    if actor is not None and not may_grant(actor, user, organisation, role):
        raise PermissionDenied
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    membership.save()
    record_change(
        actor=actor,
        action="membership.create",
        obj=membership,
        after=snapshot(membership, ["user", "organisation", "role", "active"]),
    )
    return membership


@transaction.atomic
def end_membership(*, actor: User | None, membership: Membership) -> Membership:
    authorise(actor, Action.MEMBERS_MANAGE, membership.organisation)
    membership.active = False
    membership.save(update_fields=["active"])
    record_change(
        actor=actor,
        action="membership.end",
        obj=membership,
        before={"active": True},
        after={"active": False},
    )
    return membership
