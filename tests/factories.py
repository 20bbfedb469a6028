"""Factories for tests. Identity numbers are synthetic (month + 80), as in the demo."""

from __future__ import annotations

from datetime import date

import factory

from vegviser.accounts.models import User
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Membership, Municipality, Organisation, OrganisationKind, Person

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
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

    given_name = factory.Faker("first_name", locale="no_NO")
    family_name = factory.Faker("last_name", locale="no_NO")
    birth_date = date(1980, 5, 17)
    national_id = factory.Sequence(lambda n: synthetic_national_id(date(1980, 5, 17), n))
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(number="1804"))
    address = "Storgata 1"
    postal_code = "8006"
    postal_town = "Bodø"
