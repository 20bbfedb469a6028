"""The coordinating unit's person registry: register, search, read, edit, relatives; bad input and who may."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.registry.identity import make_national_id, synthetic_national_id
from vegviser.registry.models import AddressProtection, Person, PersonRelation, RelationKind

from ..conftest import World, client_for, english
from ..factories import PersonFactory

BORN = date(1990, 3, 14)


def person_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "given_name": "Ingrid",
        "family_name": "Hansen",
        "national_id": synthetic_national_id(BORN, 0),
        "birth_date": "",
        "address": "Kongens gate 10",
        "postal_code": "8006",
        "postal_town": "Bodø",
        "municipality": "1804",
        "phone": "400 00 000",
        "email": "ingrid@example.no",
        "preferred_language": "nb",
        "interpreter_language": "",
        "address_protection": "",
    }
    data.update(overrides)
    return data


def test_register_a_person_derives_the_birth_date_and_writes_an_audit_record(world: World) -> None:
    response = english(world).post(reverse("registry:person_create"), person_form())
    person = Person.objects.get(family_name="Hansen")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", kwargs={"pk": person.pk})
    assert person.birth_date == BORN
    assert person.national_id_kind == "synthetic"
    record = AuditRecord.objects.get(action="person.create", object_id=str(person.pk))
    assert record.actor == world.ke_officer
    assert record.person_id == person.pk
    # The audit trail masks the identity number.
    assert record.after is not None and record.after["national_id"] == person.national_id[:6] + "*****"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_id", "12345678901", "The check digits do not match"),
        ("national_id", "1234", "An identity number has 11 digits."),
        ("birth_date", "1990-03-15", "The birth date does not match the identity number."),
        ("birth_date", "1990-02-30", "Enter a valid date."),
        ("given_name", "x" * 101, "Ensure this value has at most 100 characters"),
        ("postal_code", "80", "A postal code has four digits."),
        ("email", "not-an-email", "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_keeps_the_rest(
    world: World, field: str, value: str, message: str
) -> None:
    response = english(world).post(reverse("registry:person_create"), person_form(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error1"' in html
    assert 'value="Kongens gate 10"' in html
    assert not Person.objects.filter(family_name="Hansen").exists()


def test_messages_are_in_the_users_language(world: World) -> None:
    client = client_for(world, "ke_officer")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nn"
    response = client.post(reverse("registry:person_create"), person_form(national_id="1234"))
    assert "Eit identitetsnummer har 11 siffer." in response.content.decode()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    response = client.post(reverse("registry:person_create"), person_form(national_id="1234"))
    assert "Et identitetsnummer har 11 siffer." in response.content.decode()


def test_the_same_identity_number_twice_is_refused(world: World) -> None:
    response = english(world).post(
        reverse("registry:person_create"), person_form(national_id=world.patient.national_id)
    )
    assert response.status_code == 200
    assert (
        "A person with this identity number is already registered."
        in response.context["form"].errors["national_id"][0]
    )
    assert Person.objects.filter(national_id=world.patient.national_id).count() == 1


def test_a_future_birth_date_is_refused(world: World) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = english(world).post(
        reverse("registry:person_create"), person_form(national_id="", birth_date=tomorrow.isoformat())
    )
    assert "The birth date cannot be in the future." in response.context["form"].errors["birth_date"]


def test_an_interpreter_needs_a_language(world: World) -> None:
    response = english(world).post(reverse("registry:person_create"), person_form(needs_interpreter="on"))
    assert "Say which language" in response.context["form"].errors["interpreter_language"][0]


def test_synthetic_numbers_are_refused_when_test_identities_are_off(world: World, settings: Any) -> None:
    settings.VEGVISER_TEST_IDENTITIES = False
    response = english(world).post(reverse("registry:person_create"), person_form())
    assert "Test identity numbers are not accepted here." in response.context["form"].errors["national_id"]
    real = make_national_id(BORN, 123)
    response = english(world).post(reverse("registry:person_create"), person_form(national_id=real))
    assert response.status_code == 302
    assert Person.objects.get(national_id=real).national_id_kind == "fnr"


def test_search_by_number_goes_in_the_body_and_finds_one_person(world: World) -> None:
    response = english(world).post(reverse("registry:person_search"), {"query": world.patient.national_id})
    assert response.status_code == 200
    assert response.context["results"] == [world.patient]
    html = response.content.decode()
    assert world.patient.national_id not in html.replace(f'value="{world.patient.national_id}"', "")
    assert world.patient.masked_national_id in html
    # One access record for the person the search showed.
    assert AccessRecord.objects.filter(person_id=world.patient.pk, purpose="search").count() == 1


def test_search_by_name_sees_only_the_officers_municipality(world: World) -> None:
    PersonFactory(given_name="Tove", family_name="Bodøværing")
    response = english(world).post(reverse("registry:person_search"), {"query": "tove"})
    names = {p.family_name for p in response.context["results"]}
    assert names == {"Bodøværing"}
    response = english(world, "ke_officer_tromso").post(reverse("registry:person_search"), {"query": "tove"})
    assert {p.family_name for p in response.context["results"]} == {"Tromsø"}


def test_search_needs_two_characters(world: World) -> None:
    response = english(world).post(reverse("registry:person_search"), {"query": " a "})
    assert response.context["results"] is None
    assert "Write at least two characters." in response.context["form"].errors["query"]


def test_person_page_writes_one_access_record(world: World) -> None:
    url = reverse("registry:person_detail", kwargs={"pk": world.patient.pk})
    response = english(world).get(url)
    assert response.status_code == 200
    records = AccessRecord.objects.filter(person_id=world.patient.pk)
    assert records.count() == 1
    record = records.get()
    assert (record.actor, record.channel, record.purpose) == (world.ke_officer, "web", "registry")
    assert record.actor_organisation == world.ke_unit.name
    # The full number is never shown.
    assert world.patient.national_id not in response.content.decode()


@pytest.mark.parametrize("persona", ["ke_officer_tromso", "coordinator", "team_member", "system_admin"])
def test_refused_person_page_is_404_and_writes_no_access_record(world: World, persona: str) -> None:
    url = reverse("registry:person_detail", kwargs={"pk": world.patient.pk})
    assert client_for(world, persona).get(url).status_code == 404
    assert not AccessRecord.objects.filter(person_id=world.patient.pk).exists()


def test_confidential_address_is_never_shown(world: World) -> None:
    Person.objects.filter(pk=world.patient.pk).update(
        address_protection=AddressProtection.STRICTLY_CONFIDENTIAL, address="Hemmeligveien 1"
    )
    response = english(world).get(reverse("registry:person_detail", kwargs={"pk": world.patient.pk}))
    html = response.content.decode()
    assert "Hemmeligveien" not in html
    assert "confidential address" in html


def test_edit_saves_and_audits_the_change(world: World) -> None:
    person = world.patient
    url = reverse("registry:person_edit", kwargs={"pk": person.pk})
    data = person_form(
        given_name="Per",
        family_name="Andersen",
        national_id=person.national_id,
        phone="99 99 99 99",
        version=person.version,
    )
    response = english(world).post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "99 99 99 99"
    assert person.version == 2
    record = AuditRecord.objects.get(action="person.update", object_id=str(person.pk))
    assert record.before is not None and record.after is not None
    assert record.after["phone"] == "99 99 99 99"
    assert "given_name" not in record.after  # only what changed


def test_a_stale_edit_is_a_conflict_not_an_overwrite(world: World) -> None:
    person = world.patient
    url = reverse("registry:person_edit", kwargs={"pk": person.pk})
    stale = person_form(
        given_name="Per",
        family_name="Andersen",
        national_id=person.national_id,
        phone="11 11 11 11",
        version=1,
    )
    # Someone else saves first.
    first = dict(stale, phone="22 22 22 22")
    assert english(world).post(url, first).status_code == 302
    response = english(world).post(url, stale)
    assert response.status_code == 200
    assert "Someone else changed this while you were editing." in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "22 22 22 22"
    # What the user typed is kept, and saving again is now a deliberate choice.
    assert 'value="11 11 11 11"' in response.content.decode()
    assert response.context["form"]["version"].value() == "2"
    assert english(world).post(url, dict(stale, version=2)).status_code == 302
    person.refresh_from_db()
    assert person.phone == "11 11 11 11"


def test_add_and_end_a_relation(world: World) -> None:
    mother = PersonFactory(
        given_name="Mor", birth_date=date(1960, 1, 1), national_id=synthetic_national_id(date(1960, 1, 1))
    )
    url = reverse("registry:relation_create", kwargs={"pk": world.patient.pk})
    data = {
        "relative_national_id": mother.national_id,
        "kind": RelationKind.NEXT_OF_KIN,
        "valid_from": "2020-01-01",
    }
    response = english(world).post(url, data)
    assert response.status_code == 302
    relation = PersonRelation.objects.get(person=world.patient, relative=mother)
    assert relation.in_force_on(timezone.localdate())
    response = english(world).post(reverse("registry:relation_end", kwargs={"pk": relation.pk}))
    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.valid_to == timezone.localdate()
    assert AuditRecord.objects.filter(action__in=["relation.create", "relation.end"]).count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"relative_national_id": "12345678901"}, "relative_national_id", "The check digits do not match"),
        ({"relative_national_id": "SELF"}, "relative_national_id", "A person cannot be their own relative."),
        ({"relative_national_id": "UNKNOWN"}, "relative_national_id", "No person with this identity number"),
        ({"valid_to": "2019-01-01"}, "valid_to", "The end date cannot be before the start date."),
    ],
)
def test_bad_relations_are_refused(world: World, data: dict[str, str], field: str, message: str) -> None:
    relative = PersonFactory(given_name="Slekt")
    numbers = {"SELF": world.patient.national_id, "UNKNOWN": synthetic_national_id(date(1950, 1, 1))}
    form = {
        "relative_national_id": relative.national_id,
        "kind": RelationKind.NEXT_OF_KIN,
        "valid_from": "2020-01-01",
    }
    form.update({key: numbers.get(value, value) for key, value in data.items()})
    response = english(world).post(reverse("registry:relation_create", kwargs={"pk": world.patient.pk}), form)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not PersonRelation.objects.exists()


def test_power_of_attorney_needs_a_giver_of_16_and_a_holder_of_18(world: World) -> None:
    today = timezone.localdate()
    child_born = today.replace(year=today.year - 15)
    child = PersonFactory(birth_date=child_born, national_id=synthetic_national_id(child_born))
    url = reverse("registry:relation_create", kwargs={"pk": child.pk})
    data = {
        "relative_national_id": world.patient.national_id,
        "kind": RelationKind.POWER_OF_ATTORNEY,
        "valid_from": today.isoformat(),
    }
    response = english(world).post(url, data)
    assert "aged 16 or over" in " ".join(response.context["form"].errors["kind"])
    young_holder_born = today.replace(year=today.year - 17)
    young = PersonFactory(birth_date=young_holder_born, national_id=synthetic_national_id(young_holder_born))
    url = reverse("registry:relation_create", kwargs={"pk": world.patient.pk})
    response = english(world).post(url, dict(data, relative_national_id=young.national_id))
    assert "aged 18 or over" in " ".join(response.context["form"].errors["relative_national_id"])
    assert not PersonRelation.objects.exists()
