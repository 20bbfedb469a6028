"""Every write to the registry. Keyword-only, checks the policy, one transaction, audit record included."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from vegviser.access.policy import Action, authorise, may_grant
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign

from .models import CollaborationAgreement, Membership, Municipality, Organisation, Person, PersonRelation

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
AGREEMENT_FIELDS = [
    "title",
    "municipality",
    "health_trust",
    "covers_habilitation",
    "covers_rehabilitation",
    "valid_from",
    "valid_to",
]
RELATION_FIELDS = ["person", "relative", "kind", "valid_from", "valid_to", "covers_health", "note"]


@transaction.atomic
def create_person(*, actor: User | None, data: dict[str, Any]) -> Person:
    authorise(actor, Action.PERSON_CREATE)
    person = Person()
    assign(person, PERSON_FIELDS, data)
    save_new(person, actor=actor, action=AuditAction.PERSON_CREATE, fields=PERSON_FIELDS, person_id=person.pk)
    return person


@transaction.atomic
def find_or_register_person(
    *, actor: User | None, national_id: str, given_name: str, family_name: str, municipality: Municipality
) -> Person:
    """For a report of need or a referral: the registered person with this number, or a new registration.

    The reporter (or the clerk) learns nothing from which it was: the registry's details are never shown
    back."""
    authorise(actor, Action.NEED_REPORT_CREATE)
    person = Person.objects.select_for_update().filter(national_id=national_id).first()
    if person is not None:
        if person.municipality_id is None:
            person = save_change(
                person,
                actor=actor,
                action=AuditAction.PERSON_UPDATE,
                fields=["municipality"],
                data={"municipality": municipality},
                person_id=person.pk,
                locked=True,
                validate=False,
            )
        return person
    person = Person(
        given_name=given_name, family_name=family_name, national_id=national_id, municipality=municipality
    )
    save_new(person, actor=actor, action=AuditAction.PERSON_CREATE, fields=PERSON_FIELDS, person_id=person.pk)
    return person


@transaction.atomic
def update_person(
    *, actor: User | None, person: Person, data: dict[str, Any], expected_version: int
) -> Person:
    authorise(actor, Action.PERSON_EDIT, person)
    return save_change(
        person,
        actor=actor,
        action=AuditAction.PERSON_UPDATE,
        fields=PERSON_FIELDS,
        data=data,
        expected_version=expected_version,
        person_id=person.pk,
    )


@transaction.atomic
def add_relation(*, actor: User | None, person: Person, data: dict[str, Any]) -> PersonRelation:
    authorise(actor, Action.PERSON_EDIT, person)
    relation = PersonRelation(person=person)
    assign(relation, RELATION_FIELDS[1:], data)
    save_new(
        relation, actor=actor, action=AuditAction.RELATION_CREATE, fields=RELATION_FIELDS, person_id=person.pk
    )
    return relation


@transaction.atomic
def end_relation(*, actor: User | None, relation: PersonRelation, valid_to: date) -> PersonRelation:
    authorise(actor, Action.PERSON_EDIT, relation.person)
    return save_change(
        relation,
        actor=actor,
        action=AuditAction.RELATION_END,
        fields=RELATION_FIELDS,
        data={"valid_to": valid_to},
        person_id=relation.person_id,
    )


@transaction.atomic
def create_organisation(*, actor: User | None, data: dict[str, Any]) -> Organisation:
    authorise(actor, Action.ORGANISATION_CREATE)
    organisation = Organisation()
    assign(organisation, ORGANISATION_FIELDS, data)
    save_new(organisation, actor=actor, action=AuditAction.ORGANISATION_CREATE, fields=ORGANISATION_FIELDS)
    return organisation


@transaction.atomic
def update_organisation(
    *, actor: User | None, organisation: Organisation, data: dict[str, Any], expected_version: int
) -> Organisation:
    authorise(actor, Action.ORGANISATION_EDIT, organisation)
    return save_change(
        organisation,
        actor=actor,
        action=AuditAction.ORGANISATION_UPDATE,
        fields=ORGANISATION_FIELDS,
        data=data,
        expected_version=expected_version,
    )


@transaction.atomic
def add_membership(*, actor: User | None, organisation: Organisation, user: User, role: str) -> Membership:
    authorise(actor, Action.MEMBERS_MANAGE, organisation)
    if actor is not None and not may_grant(actor, user, organisation, role):
        raise PermissionDenied
    membership = Membership(organisation=organisation, user=user, role=role)
    return save_new(
        membership,
        actor=actor,
        action=AuditAction.MEMBERSHIP_CREATE,
        fields=["user", "organisation", "role", "active"],
    )


@transaction.atomic
def end_membership(*, actor: User | None, membership: Membership) -> Membership:
    authorise(actor, Action.MEMBERS_MANAGE, membership.organisation)
    return save_change(
        membership,
        actor=actor,
        action=AuditAction.MEMBERSHIP_END,
        fields=["active"],
        data={"active": False},
        validate=False,
    )


@transaction.atomic
def register_agreement(*, actor: User | None, data: dict[str, Any], document: Any) -> CollaborationAgreement:
    """A collaboration agreement and its PDF. The file is checked (a PDF by its content, within the size
    limit) and stored under the agreement's id, never the name it was uploaded with."""
    authorise(actor, Action.AGREEMENT_MANAGE)
    agreement = CollaborationAgreement(document=document)
    assign(agreement, AGREEMENT_FIELDS, data)
    agreement.registered_by_name = describe_actor(actor)[0]
    # The file itself is not copied into the change record: its stored name is the agreement's id.
    save_new(agreement, actor=actor, action=AuditAction.AGREEMENT_REGISTER, fields=AGREEMENT_FIELDS)
    return agreement


@transaction.atomic
def update_agreement(
    *, actor: User | None, agreement: CollaborationAgreement, data: dict[str, Any], expected_version: int
) -> CollaborationAgreement:
    authorise(actor, Action.AGREEMENT_MANAGE, agreement)
    return save_change(
        agreement,
        actor=actor,
        action=AuditAction.AGREEMENT_UPDATE,
        fields=AGREEMENT_FIELDS,
        data=data,
        expected_version=expected_version,
    )
