"""A referral registered by the receiving unit's clerk, its assessment deadline in working days, the unit's
work list, asking the referrer for more, and bad input."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from vegviser.audit.models import AuditRecord
from vegviser.core.working_days import add_working_days, working_days_between
from vegviser.referrals import services
from vegviser.referrals.models import Referral, ReferralStatus, checked_diagnoses
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import MembershipRole, Person

from ..conftest import World, client_as
from ..core.test_bad_input import _fields
from ..factories import MembershipFactory, ReferralFactory, habilitation_unit


@pytest.fixture
def clerk(world: World) -> Any:
    return MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user


def referral_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "national_id": synthetic_national_id(date(1990, 3, 14), 5),
        "given_name": "Maja",
        "family_name": "Lund",
        "municipality": "1804",
        "receiving_unit": str(habilitation_unit().pk),
        "received_on": timezone.localdate().isoformat(),
        "seniority_date": "",
        "referrer_name": "Sofie Strand",
        "referrer_hpr_number": "1234567",
        "referrer_organisation": "Sentrum legekontor",
        "reason": "Spørsmål om autismespekterforstyrrelse.",
        "diagnoses": "f840, Z50.1",
        "tried_in_municipality": "Helsesykepleier og NAV.",
        "function_description": "Bor alene med noe hjelp.",
        "consent": "yes",
    }
    data.update(overrides)
    return data


def test_the_clerk_registers_a_referral_with_its_deadline(world: World, clerk: Any) -> None:
    received = timezone.localdate() - timedelta(days=3)
    response = client_as(clerk).post(
        reverse("referrals:referral_register"), referral_form(received_on=received.isoformat())
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:work_list")
    referral = Referral.objects.get()
    assert referral.assessment_due_on == add_working_days(received, 10)
    assert referral.seniority_date == received
    assert referral.diagnosis_codes == ["F84.0", "Z50.1"]
    assert referral.receiving_unit == habilitation_unit()
    assert referral.named_as == "Maja Lund"
    assert referral.person == Person.objects.get(given_name="Maja")
    assert referral.registered_by == clerk
    record = AuditRecord.objects.get(action="referral.register")
    assert record.person_id == referral.person_id
    assert record.after["assessment_due_on"] == referral.assessment_due_on.isoformat()


def test_a_known_person_is_found_and_the_registry_is_not_shown(world: World, clerk: Any) -> None:
    response = client_as(clerk).post(
        reverse("referrals:referral_register"),
        referral_form(national_id=world.patient.national_id, given_name="P.", family_name="Andersen"),
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.person == world.patient
    page = client_as(clerk).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "P. Andersen" in page and world.patient.address not in page


def test_a_forwarded_referral_keeps_its_seniority_date(world: World, clerk: Any) -> None:
    today = timezone.localdate()
    first = today - timedelta(days=20)
    client_as(clerk).post(
        reverse("referrals:referral_register"),
        referral_form(received_on=today.isoformat(), seniority_date=first.isoformat()),
    )
    referral = Referral.objects.get()
    assert (referral.seniority_date, referral.received_on) == (first, today)
    # The deadline runs from the date this unit received it.
    assert referral.assessment_due_on == add_working_days(today, 10)


BAD_INPUT = [
    (
        {"received_on": (date.today() + timedelta(days=400)).isoformat()},
        "received_on",
        "The date received cannot be in the future.",
    ),
    ({"national_id": "12345678901"}, "national_id", None),
    ({"referrer_hpr_number": "12ab"}, "referrer_hpr_number", "An HPR number has 4 to 9 digits."),
    ({"diagnoses": "F84.0, autisme"}, "diagnoses", "Unknown ICD-10 code: autisme"),
    ({"diagnoses": "F84.0, X99.9"}, "diagnoses", "Unknown ICD-10 code: X99.9"),
    ({"diagnosis_system": "icpc2", "diagnoses": "P85, F84.0"}, "diagnoses", "Unknown ICPC-2 code: F84.0"),
    ({"diagnosis_system": "snomed"}, "diagnosis_system", None),
    (
        {"seniority_date": (date.today() + timedelta(days=1)).isoformat()},
        "seniority_date",
        "The seniority date cannot be after the date received.",
    ),
    ({"reason": ""}, "reason", "This field is required."),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_nothing_typed_is_lost(
    world: World, clerk: Any, overrides: dict[str, Any], field: str, message: str | None
) -> None:
    data = referral_form(**overrides)
    response = client_as(clerk).post(reverse("referrals:referral_register"), data)
    assert response.status_code == 200
    assert not Referral.objects.exists()
    form = response.context["form"]
    assert field in form.errors
    if message is not None:
        assert any(message in error for error in form.errors[field]), form.errors[field]
    content = response.content.decode()
    # What was typed is still in the form.
    assert 'value="Sofie Strand"' in content
    assert "Helsesykepleier og NAV." in content


def test_a_date_in_the_future_is_refused_in_norwegian(world: World, clerk: Any) -> None:
    response = client_as(clerk, language="nb").post(
        reverse("referrals:referral_register"), referral_form(received_on="2999-01-01")
    )
    assert "Datoen henvisningen kom inn, kan ikke være fram i tid." in response.content.decode()


def test_the_service_refuses_a_date_in_the_future_too(world: World, clerk: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.register_referral(
            actor=clerk,
            person=world.patient,
            unit=habilitation_unit(),
            data={
                "named_as": "Per Andersen",
                "referrer_name": "Kari",
                "referrer_organisation": "Legekontoret",
                "received_on": timezone.localdate() + timedelta(days=1),
                "reason": "x",
                "consent": "yes",
            },
        )
    assert "received_on" in caught.value.message_dict
    assert not Referral.objects.exists()


def test_icd10_codes_are_normalised_and_checked() -> None:
    assert checked_diagnoses("f840; G80.1  z501 G801", "icd10") == ["F84.0", "G80.1", "Z50.1"]
    assert checked_diagnoses("", "icd10") == []
    for wrong in ["8840", "F8", "F84.000", "autisme", "G80"]:
        with pytest.raises(ValidationError):
            checked_diagnoses(wrong, "icd10")


# The work list.


def _rows(content: str) -> list[str]:
    """The names on the work list, in their order."""
    return re.findall(r'<a class="ds-link" href="/referrals/[0-9a-f-]+/">([^<]+)</a>', content)


def test_the_work_list_shows_deadlines_and_flags_the_overdue(world: World, clerk: Any) -> None:
    today = timezone.localdate()
    fresh = ReferralFactory(named_as="Ny Henvisning", received_on=today)
    late = ReferralFactory(named_as="Gammel Henvisning", received_on=today - timedelta(days=30))
    assert late.is_overdue() and not fresh.is_overdue()
    response = client_as(clerk).get(reverse("referrals:work_list"))
    content = response.content.decode()
    assert _rows(content) == ["Gammel Henvisning", "Ny Henvisning"]
    assert content.count('data-color="danger">overdue<') == 1
    assert fresh.assessment_due_on.strftime("%d.%m.%Y") in content
    assert (
        f'data-label="Working days left">{working_days_between(today, fresh.assessment_due_on)}<' in content
    )
    assert f'data-label="Working days left">{working_days_between(today, late.assessment_due_on)}<' in content
    assert working_days_between(today, late.assessment_due_on) < 0
    overdue_only = client_as(clerk).get(reverse("referrals:work_list"), {"show": "overdue"}).content.decode()
    assert _rows(overdue_only) == ["Gammel Henvisning"]


def test_the_work_list_sorts_by_each_date_both_ways(world: World, clerk: Any) -> None:
    today = timezone.localdate()
    # Forwarded: received last, but first in the queue by seniority.
    ReferralFactory(named_as="A Videresendt", received_on=today, seniority_date=today - timedelta(days=40))
    ReferralFactory(named_as="B Eldst", received_on=today - timedelta(days=10))
    ReferralFactory(named_as="C Midt", received_on=today - timedelta(days=5))
    client = client_as(clerk)

    def order(sort: str) -> list[str]:
        return _rows(client.get(reverse("referrals:work_list"), {"sort": sort}).content.decode())

    assert order("deadline") == ["B Eldst", "C Midt", "A Videresendt"]
    assert order("-deadline") == ["A Videresendt", "C Midt", "B Eldst"]
    assert order("received") == ["B Eldst", "C Midt", "A Videresendt"]
    assert order("seniority") == ["A Videresendt", "B Eldst", "C Midt"]
    assert order("-seniority") == ["C Midt", "B Eldst", "A Videresendt"]
    # An order not offered falls back to the deadline.
    assert order("person__national_id") == order("deadline")


def test_asking_the_referrer_keeps_the_clock_running(world: World, clerk: Any) -> None:
    referral = ReferralFactory(person=world.patient, received_on=timezone.localdate() - timedelta(days=2))
    deadline = referral.assessment_due_on
    client = client_as(clerk)
    url = reverse("referrals:ask_referrer", args=[referral.pk])
    response = client.post(url, {"asked_for": ""})
    assert response.status_code == 200 and "asked_for" in response.context["form"].errors
    response = client.post(url, {"asked_for": "Epikrise og siste MR-beskrivelse"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_REFERRER
    assert referral.assessment_due_on == deadline
    request = referral.referrer_requests.get()
    assert request.asked_by == clerk and request.answered_on is None
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "Epikrise og siste MR-beskrivelse" in page and "Waiting for the referrer" in page
    assert client.post(reverse("referrals:referrer_answered", args=[referral.pk])).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and referral.assessment_due_on == deadline
    assert referral.referrer_requests.get().answered_on == timezone.localdate()
    assert AuditRecord.objects.filter(action="referral.ask_referrer", person_id=world.patient.pk).count() == 2
    # Nothing is waiting any more: a second answer is refused with a message.
    response = client.post(reverse("referrals:referrer_answered", args=[referral.pk]), follow=True)
    assert "Nothing has been asked of the referrer." in response.content.decode()


def test_the_deadline_is_fixed_when_the_referral_is_received(world: World, settings: Any) -> None:
    """Counting Saturdays from now on does not move the deadlines already set."""
    settings.VEGVISER_SATURDAY_IS_WORKING_DAY = False
    received = date(2026, 11, 2)
    referral = ReferralFactory(received_on=received)
    assert referral.assessment_due_on == date(2026, 11, 16)
    settings.VEGVISER_SATURDAY_IS_WORKING_DAY = True
    services.ask_referrer(actor=None, referral=referral, asked_for="Epikrise")
    referral.refresh_from_db()
    assert referral.assessment_due_on == date(2026, 11, 16)


# Generated bad input: a message, never a server error, whether the rest of the form is good or empty.


@pytest.mark.parametrize("base", ["empty", "valid"])
def test_generated_bad_input_never_answers_500(world: World, clerk: Any, base: str) -> None:
    referral = ReferralFactory(person=world.patient)
    client = client_as(clerk)
    client.raise_request_exception = False
    register = reverse("referrals:referral_register")
    ask = reverse("referrals:ask_referrer", args=[referral.pk])
    start = referral_form() if base == "valid" else {}

    @hypothesis_settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=_fields([*referral_form()]), asked=_fields(["asked_for"]))
    def post(data: dict[str, str], asked: dict[str, str]) -> None:
        response = client.post(register, {**start, **data})
        assert response.status_code < 500, f"register answered {response.status_code} to {data!r}"
        response = client.post(ask, asked)
        assert response.status_code < 500, f"ask answered {response.status_code} to {asked!r}"

    post()


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2026, 12, 3), 1),  # Thursday before
        (date(2026, 12, 4), 0),  # the day itself, a Friday
        (date(2026, 12, 5), -1),  # Saturday: passed, though no working day has
        (date(2026, 12, 6), -1),
        (date(2026, 12, 7), -1),  # Monday
        (date(2026, 12, 8), -2),
    ],
)
def test_working_days_left_are_below_zero_from_the_day_after_the_deadline(today: date, left: int) -> None:
    referral = Referral(assessment_due_on=date(2026, 12, 4), status=ReferralStatus.RECEIVED)
    assert referral.working_days_left(today) == left
    assert referral.is_overdue(today) == (left < 0)
