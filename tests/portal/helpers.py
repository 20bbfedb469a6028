"""The people around a plan as the portal sees them: the person, parents at each age, a guardian whose
mandate ran out, a child with a confidential address. Birth dates are counted back from today, so each
person has the age the test names whatever day the suite runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from vegviser.accounts.models import User
from vegviser.plans import services
from vegviser.plans.models import Goal, IndividualPlan
from vegviser.registry.models import AddressProtection, Person, RelationKind

from ..conftest import World
from ..factories import PersonFactory, PersonRelationFactory, UserFactory, born_years_ago
from ..plans.helpers import plan_for


@dataclass
class Family:
    """A person with a plan and someone who is (or was) related to them."""

    person: Person
    plan: IndividualPlan
    relative: Person
    relative_user: User


def plan_of_person(world: World, person: Person, *, active: bool = True) -> IndividualPlan:
    """`plan_for` for another person than the world's patient: consent, coordinator, the school with full
    access, a goal and a measure."""
    world.patient = person
    return plan_for(world, active=active)


def family(
    world: World,
    *,
    age: int,
    kind: str = RelationKind.PARENT,
    relation_ended: bool = False,
    confidential: bool = False,
    covers_health: bool = True,
    person_user: User | None = None,
) -> Family:
    """A person of `age` with an active plan, and a relative with a user of their own. The relation began
    at birth (a parent) or ten years ago (a guardian); `relation_ended` makes it end yesterday."""
    today = timezone.localdate()
    person = PersonFactory(
        given_name="Emil",
        family_name="Haugen",
        birth_date=born_years_ago(age),
        user=person_user,
        address="Hemmeligveien 9",
        address_protection=AddressProtection.STRICTLY_CONFIDENTIAL
        if confidential
        else AddressProtection.NONE,
    )
    relative_user = UserFactory(first_name="Fatima", last_name="Haugen")
    relative = PersonFactory(given_name="Fatima", family_name="Haugen", user=relative_user)
    PersonRelationFactory(
        person=person,
        relative=relative,
        kind=kind,
        valid_from=person.birth_date if kind == RelationKind.PARENT else today - timedelta(days=3650),
        valid_to=today - timedelta(days=1) if relation_ended else None,
        covers_health=covers_health,
    )
    plan = plan_of_person(world, person)
    return Family(person=person, plan=plan, relative=relative, relative_user=relative_user)


def young_person(world: World, *, age: int = 16) -> tuple[User, Person, IndividualPlan]:
    """A young person with a user of their own and an active plan."""
    user = UserFactory(first_name="Ulrik", last_name="Nilsen")
    person = PersonFactory(
        given_name="Ulrik", family_name="Nilsen", birth_date=born_years_ago(age), user=user
    )
    return user, person, plan_of_person(world, person)


def goal_written_by(plan: IndividualPlan, user: User | None) -> Goal:
    """A goal proposed in the portal and written by the user (for those who may not write one, as if
    written before they lost the right)."""
    goal = services.propose_goal(actor=None, plan=plan, data={"text": "Sykle til skolen"})
    Goal.objects.filter(pk=goal.pk).update(written_by=user)
    return Goal.objects.get(pk=goal.pk)


def goal_of(plan: IndividualPlan) -> Goal:
    """The plan's one goal from `plan_for` (written by the coordinator's side)."""
    return plan.goals.get(text="Gå 1 km uten hjelp")


def url(name: str, pk: object) -> str:
    return reverse(f"portal:{name}", kwargs={"pk": pk})
