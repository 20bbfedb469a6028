"""A guardianship or power of attorney lets its holder act for the person only if it covers health
and care."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from vegviser.access.policy import PlanRole, plan_role, portal_role
from vegviser.registry.models import RelationKind

from ..conftest import World, sign_in
from ..factories import PersonFactory, PersonRelationFactory, UserFactory
from ..plans.helpers import plan_for


@pytest.mark.parametrize("kind", [RelationKind.GUARDIAN, RelationKind.POWER_OF_ATTORNEY])
@pytest.mark.parametrize("covers_health", [True, False])
def test_the_mandate_must_cover_health(world: World, kind: str, covers_health: bool) -> None:
    plan = plan_for(world)
    holder_user = UserFactory()
    holder = PersonFactory(user=holder_user, birth_date=date(1970, 1, 1))
    PersonRelationFactory(person=world.patient, relative=holder, kind=kind, covers_health=covers_health)
    expected = PlanRole.REPRESENTATIVE if covers_health else None
    assert plan_role(holder_user, plan) == expected
    assert portal_role(holder_user, world.patient) == expected


def test_a_mandate_without_health_is_told_plainly_in_the_portal(world: World) -> None:
    plan_for(world)
    holder_user = UserFactory()
    holder = PersonFactory(user=holder_user, birth_date=date(1970, 1, 1))
    PersonRelationFactory(
        person=world.patient, relative=holder, kind=RelationKind.GUARDIAN, covers_health=False
    )
    client = Client()
    sign_in(client, holder_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("portal:home", kwargs={"pk": world.patient.pk}))
    assert response.status_code == 403
    assert "can no longer act for this person" in response.content.decode().replace("\n", " ")
