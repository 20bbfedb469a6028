"""My plans runs a fixed number of queries however many plans the user takes part in, and loading the
roles for a list gives every plan the role it has on its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.models import EmergencyAccess
from vegviser.accounts.models import User
from vegviser.core import middleware
from vegviser.plans.models import AccessLevel, IndividualPlan

from ..conftest import World, client_for
from ..factories import ConsentFactory, CoordinatorAssignmentFactory, PersonFactory
from ..personas import MATRIX_PERSONAS, user_and_objects
from .helpers import plan_for
from .large_plan import first_plan

pytestmark = pytest.mark.django_db


def _plans(world: World, count: int) -> None:
    for _ in range(count):
        person = PersonFactory()
        ConsentFactory(person=person, shared_with=(world.physio, world.school))
        CoordinatorAssignmentFactory(person=person, coordinator=world.coordinator, organisation=world.physio)
        first_plan(
            person,
            actor=None,
            teacher=world.team_member,
            organisation=world.school,
            access_level=AccessLevel.LIMITED,
        )


def _count(world: World, persona: str) -> int:
    client = client_for(world, persona)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:mine")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["coordinator", "team_member"])
def test_my_plans_costs_the_same_for_two_plans_and_for_eight(world: World, persona: str) -> None:
    _plans(world, 2)
    few = _count(world, persona)
    _plans(world, 6)
    assert _count(world, persona) == few


@contextmanager
def _request(request_id: str) -> Iterator[None]:
    token = middleware._request_id.set(request_id)
    try:
        yield
    finally:
        middleware._request_id.reset(token)


def _roles(user: User, plans: list[IndividualPlan], *, prepared: bool) -> list[str | None]:
    with _request(f"prepared-{prepared}-{user.pk}"):
        if prepared:
            policy.prepare_plan_roles(user, plans)
        with CaptureQueriesContext(connection) as queries:
            roles = [policy.plan_role(user, plan) for plan in plans]
        if prepared:
            # At most the user's memberships, loaded once, and a relation to one of the persons.
            assert len(queries) <= 2, [query["sql"] for query in queries]
        return roles


@pytest.mark.parametrize("persona", [p for p in MATRIX_PERSONAS if p != "anonymous"])
def test_prepared_roles_are_the_roles_each_plan_gives_alone(world: World, persona: str) -> None:
    user, plan = user_and_objects(world, persona, lambda: plan_for(world, active=True))
    assert user is not None
    _plans(world, 2)
    # A plan the user broke the glass for: its role comes from the emergency access.
    other = PersonFactory()
    ConsentFactory(person=other, shared_with=(world.physio,))
    broken = first_plan(other, actor=None, teacher=world.team_member, organisation=world.school)
    EmergencyAccess.objects.create(
        plan=broken, user=user, reason="Akutt", expires_at=timezone.now() + timedelta(hours=1)
    )
    plans = list(IndividualPlan.objects.select_related("person").order_by("created_at"))
    alone = _roles(user, plans, prepared=False)
    assert _roles(user, plans, prepared=True) == alone
    assert alone[0] == policy.plan_role(user, plan)
    # The system administrator has no role in any plan, whatever they did.
    assert alone[-1] == (None if user.is_system_admin else policy.PlanRole.EMERGENCY)
