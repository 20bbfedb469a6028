"""Factories for tests. Identity numbers are synthetic (month + 80), as in the demo."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import factory
from django.utils import timezone

from vegviser.accounts.models import User
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Membership, Municipality, Organisation, OrganisationKind, Person

PASSWORD = "correct horse battery"

# The names tests/conftest.py gives the world's persons. Nobody else gets them by chance, so a test can say
# that a person's name is not on a page that also shows other people's made-up names (the user's, say).
WORLD_NAMES = frozenset({"Per", "Andersen", "Tove", "Tromsø"})


def made_up(drawn: str, instead: str) -> factory.LazyAttribute:
    """The name drawn into the hidden parameter `drawn`, or `instead` when it is one of the world's."""
    return factory.LazyAttribute(lambda o: instead if getattr(o, drawn) in WORLD_NAMES else getattr(o, drawn))


def days_ago(days: int, hour: int = 12) -> datetime:
    """A moment `days` calendar days ago in local time, at `hour` o'clock. Not `now - timedelta(days=…)`:
    in the evening, across a change to or from summer time, that lands on another local date."""
    local = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime(local.year, local.month, local.day, hour))


def born_years_ago(years: int, *, days: int = 10) -> date:
    """A birth date that makes the person `years` old today: their birthday was `days` days ago."""
    today = timezone.localdate()
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year without one
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        drawn_first = factory.Faker("first_name", locale="no_NO")
        drawn_last = factory.Faker("last_name", locale="no_NO")

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = made_up("drawn_first", "Ingrid")
    last_name = made_up("drawn_last", "Haugland")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    kind = OrganisationKind.PHYSIOTHERAPY
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(number="1804"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "team_member"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        drawn_given = factory.Faker("first_name", locale="no_NO")
        drawn_family = factory.Faker("last_name", locale="no_NO")

    given_name = made_up("drawn_given", "Ingrid")
    family_name = made_up("drawn_family", "Haugland")
    # A new birth date for each person, so the synthetic numbers never run out.
    birth_date = factory.Sequence(lambda n: date(1950, 1, 1) + timedelta(days=n % 20000))
    national_id = factory.LazyAttributeSequence(lambda o, n: synthetic_national_id(o.birth_date, n // 20000))
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(number="1804"))
    address = "Storgata 1"
    postal_code = "8006"
    postal_town = "Bodø"
