"""What a caller of the API may read, through the access policy: the same persons and organisations the
signed-in user may read in the pages, and every read of a person recorded with channel "API" and the client.

A person is read by whoever may open their page in the registry (the coordinating unit of their
municipality) and by whoever may read one of their plans (the coordinator, a participant the consent
covers, the person from 16, a representative, a professional who broke the glass). Anyone else is answered
as if the person did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.http import RefusedAsNotFound
from vegviser.plans.models import IndividualPlan
from vegviser.registry.models import Organisation, Person

if TYPE_CHECKING:
    from vegviser.accounts.models import User


@dataclass(frozen=True)
class Caller:
    """Who reads through the API: the user the token was issued to, and the application (client) that holds
    it, by name."""

    user: User
    client: str


def _plans_read_by(user: User) -> list[IndividualPlan]:
    candidates = list(policy.candidate_plans(user).select_related("person"))
    policy.prepare_plan_roles(user, candidates)
    return [plan for plan in candidates if policy.can(user, Action.PLAN_VIEW, plan)]


def readable_persons(user: User) -> QuerySet[Person]:
    """The persons the user may read, as one queryset to filter and page."""
    through_plans = [plan.person_id for plan in _plans_read_by(user)]
    return Person.objects.filter(
        Q(pk__in=policy.visible_persons(user).values("pk")) | Q(pk__in=through_plans)
    ).select_related("municipality")


def may_read_person(user: User, person: Person) -> bool:
    if policy.can(user, Action.PERSON_VIEW, person):
        return True
    plans = list(IndividualPlan.objects.filter(person=person).select_related("person"))
    # The roles of all the person's plans in a fixed number of queries, as `_plans_read_by` loads them.
    policy.prepare_plan_roles(user, plans)
    return any(policy.can(user, Action.PLAN_VIEW, plan) for plan in plans)


def read_patient(caller: Caller, pk: uuid.UUID) -> Person:
    person = Person.objects.select_related("municipality").filter(pk=pk).first()
    if person is None:
        raise RefusedAsNotFound(Action.PERSON_VIEW)
    if not may_read_person(caller.user, person):
        raise RefusedAsNotFound(Action.PERSON_VIEW, person)
    record_access(
        actor=caller.user,
        person_ids=[person.pk],
        obj=person,
        purpose=ReadPurpose.API_READ,
        channel=Channel.API,
        client=caller.client,
    )
    return person


def search_patients(
    caller: Caller, narrow: Callable[[QuerySet[Person]], QuerySet[Person]], offset: int, count: int
) -> tuple[list[Person], int]:
    """One page of the persons the caller may read that the search's filters (`narrow`) keep, and how many
    there are in all. Only the persons on the page are read, so only they are recorded."""
    found = narrow(readable_persons(caller.user)).order_by("family_name", "given_name", "pk")
    total = found.count()
    page = list(found[offset : offset + count])
    if page:
        record_access(
            actor=caller.user,
            person_ids=[person.pk for person in page],
            object_type="registry.person",
            purpose=ReadPurpose.API_SEARCH,
            channel=Channel.API,
            client=caller.client,
        )
    return page, total


def readable_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations the user may read: those of the public service directory (the active ones), and
    every one the user administers. An organisation holds no personal data: its reads are not recorded."""
    organisations = Organisation.objects.filter(active=True)
    if policy.can(user, Action.ORGANISATION_LIST):
        organisations = organisations | policy.manageable_organisations(user)
    return organisations.select_related("municipality").distinct()


def read_organisation(caller: Caller, pk: uuid.UUID) -> Organisation:
    organisation = readable_organisations(caller.user).filter(pk=pk).first()
    if organisation is None:
        raise RefusedAsNotFound(Action.ORGANISATION_LIST)
    return organisation


def search_organisations(
    caller: Caller,
    narrow: Callable[[QuerySet[Organisation]], QuerySet[Organisation]],
    offset: int,
    count: int,
) -> tuple[list[Organisation], int]:
    found = narrow(readable_organisations(caller.user)).order_by("name", "pk")
    return list(found[offset : offset + count]), found.count()
