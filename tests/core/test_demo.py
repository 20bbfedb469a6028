from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from vegviser.accounts.models import User
from vegviser.audit.models import AuditRecord
from vegviser.registry.models import Membership, Organisation, Person, PersonRelation

pytestmark = pytest.mark.django_db
DEMO_USERS = {"ke", "koordinator", "fysio", "lege", "admin", "pasient", "forelder", "ungdom"}


def test_demo_loads_the_users_the_readme_lists() -> None:
    call_command("demo", stdout=StringIO())
    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERS
    for user in User.objects.all():
        assert user.check_password("demo"), user.username
    assert User.objects.get(username="admin").is_system_admin
    assert Membership.objects.filter(user__username="ke", role="ke_officer").exists()
    assert Organisation.objects.filter(municipality_id="1804", kind="coordinating_unit").count() == 1
    assert Organisation.objects.filter(parent__name="Nordlandssykehuset HF").count() == 2


def test_demo_people_have_the_right_ages_and_only_synthetic_numbers() -> None:
    call_command("demo", stdout=StringIO())
    today = timezone.localdate()
    ages = {p.user.username: p.age_on(today) for p in Person.objects.filter(user__isnull=False)}
    assert ages["pasient"] == 45
    assert ages["ungdom"] == 16
    child = Person.objects.get(given_name="Emil")
    assert child.age_on(today) == 7
    assert PersonRelation.objects.filter(
        person=child, relative__user__username="forelder", kind="parent"
    ).exists()
    assert set(Person.objects.values_list("national_id_kind", flat=True)) == {"synthetic"}


def test_demo_goes_through_the_services_and_loads_only_into_an_empty_database() -> None:
    call_command("demo", stdout=StringIO())
    assert (
        AuditRecord.objects.filter(action="person.create", actor_name="system").count()
        == Person.objects.count()
    )
    users = User.objects.count()
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already has data" in out.getvalue()
    assert User.objects.count() == users
    with pytest.raises(SystemExit):
        call_command("demo", stdout=StringIO(), stderr=StringIO())
