"""The wait for care after a right and a deadline: its states, the unit's waiting list and who reads it, the
handling of a breach (Helfo, the letter to the person, the appointment, a postponement, the start of care),
bad input, and the reminder of expected breaches."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from vegviser.accounts.models import Notification, User
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.plans.reminders import send_reminders
from vegviser.referrals import selectors, services
from vegviser.referrals.models import Assessment, Referral, WaitingTime
from vegviser.referrals.waiting import WaitState, days_left, state_of, wait_state
from vegviser.registry.models import MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import (
    AssessmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    habilitation_unit,
)

TODAY = date(2026, 12, 7)


def waiting(
    *,
    person: Any = None,
    received_days_ago: int = 30,
    deadline_in_days: int = 30,
    appointment_in_days: int | None = None,
    unit: Organisation | None = None,
) -> Assessment:
    """A right with a deadline `deadline_in_days` from today (negative: past) and the appointment, if any."""
    today = timezone.localdate()
    referral = ReferralFactory(
        person=person or PersonFactory(),
        status="assessed",
        received_on=today - timedelta(days=received_days_ago),
        receiving_unit=unit or habilitation_unit(),
    )
    appointment = (
        timezone.make_aware(
            datetime.combine(today + timedelta(days=appointment_in_days), datetime.min.time())
        ).replace(hour=10)
        if appointment_in_days is not None
        else None
    )
    return AssessmentFactory(
        referral=referral, care_deadline=today + timedelta(days=deadline_in_days), appointment_at=appointment
    )


def member(unit: Organisation, role: str) -> User:
    return MembershipFactory(organisation=unit, role=role).user


@pytest.fixture
def clerk(world: World) -> User:
    return member(habilitation_unit(), MembershipRole.REFERRAL_CLERK)


@pytest.fixture
def trust(world: World) -> Organisation:
    trust = OrganisationFactory(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    unit = habilitation_unit()
    unit.parent = trust
    unit.save()
    return trust


# The states, as pure functions of dates.


def test_care_not_started_by_the_deadline_is_a_breach() -> None:
    deadline = date(2026, 12, 1)
    assert wait_state(care_deadline=deadline, today=deadline) == WaitState.EXPECTED_BREACH
    assert wait_state(care_deadline=deadline, today=deadline + timedelta(days=1)) == WaitState.BREACH
    # An appointment given too late does not save a passed deadline.
    later = deadline + timedelta(days=10)
    assert wait_state(care_deadline=deadline, today=later, appointment_on=later) == WaitState.BREACH


def test_no_appointment_on_or_before_the_deadline_is_an_expected_breach() -> None:
    deadline = date(2026, 12, 20)
    today = date(2026, 12, 1)
    assert wait_state(care_deadline=deadline, today=today) == WaitState.EXPECTED_BREACH
    after = deadline + timedelta(days=1)
    assert wait_state(care_deadline=deadline, today=today, appointment_on=after) == WaitState.EXPECTED_BREACH
    assert wait_state(care_deadline=deadline, today=today, appointment_on=deadline) == WaitState.ON_TRACK


def test_a_postponement_the_person_chose_is_no_breach_and_moves_the_deadline() -> None:
    deadline = date(2026, 12, 1)
    postponed_to = date(2027, 1, 15)
    during = date(2026, 12, 10)
    assert wait_state(care_deadline=deadline, today=during, postponed_to=postponed_to) == WaitState.POSTPONED
    # Once the new date has passed, a breach is counted from it.
    assert (
        wait_state(care_deadline=deadline, today=date(2027, 1, 16), postponed_to=postponed_to)
        == WaitState.BREACH
    )


def test_a_wait_that_ended_is_neither_breach_nor_expected() -> None:
    deadline = date(2026, 12, 1)
    for today in (date(2026, 11, 1), date(2027, 1, 1)):
        assert wait_state(care_deadline=deadline, today=today, ended_on=date(2026, 11, 1)) == WaitState.ENDED


def test_the_deadline_is_counted_in_calendar_days_across_holidays(world: World) -> None:
    """A deadline on Christmas Day is not moved to the next working day: breached on Boxing Day."""
    christmas = date(2026, 12, 25)
    assert wait_state(care_deadline=christmas, today=date(2026, 12, 26)) == WaitState.BREACH
    assessment = waiting(deadline_in_days=10)
    assert days_left(assessment, today=timezone.localdate()) == 10
    assert days_left(assessment, today=timezone.localdate() + timedelta(days=12)) == -2


def test_the_states_of_stored_waits(world: World) -> None:
    assert state_of(waiting(deadline_in_days=-1)) == WaitState.BREACH
    assert state_of(waiting(deadline_in_days=20)) == WaitState.EXPECTED_BREACH
    assert state_of(waiting(deadline_in_days=20, appointment_in_days=5)) == WaitState.ON_TRACK
    postponed = waiting(deadline_in_days=-5)
    WaitingTime.objects.create(
        assessment=postponed,
        postponement_code="22",
        postponement_chosen_on=timezone.localdate(),
        postponed_from=postponed.care_deadline,
        postponed_to=timezone.localdate() + timedelta(days=30),
    )
    postponed.refresh_from_db()
    assert state_of(postponed) == WaitState.POSTPONED
    assert days_left(postponed) == 30


# The waiting list and who reads it.


def test_the_clerk_sees_the_units_waits_by_state_and_each_name_is_a_logged_read(
    world: World, clerk: User
) -> None:
    breach = waiting(person=world.patient, deadline_in_days=-3)
    expected = waiting(deadline_in_days=10)
    on_track = waiting(deadline_in_days=40, appointment_in_days=20)
    started = waiting(deadline_in_days=5)
    WaitingTime.objects.create(assessment=started, ended_on=timezone.localdate(), end_code="1")
    no_right = ReferralFactory(status="assessed")
    client = client_as(clerk)
    before = AccessRecord.objects.count()
    response = client.get(reverse("referrals:waiting_list"))
    page = response.content.decode()
    for shown in (breach, expected, on_track):
        assert shown.referral.named_as in page
    assert started.referral.named_as not in page and no_right.named_as not in page
    # By the deadline, earliest first; each with its state and days left.
    assert [row.state for row in response.context["rows"]] == [
        WaitState.BREACH,
        WaitState.EXPECTED_BREACH,
        WaitState.ON_TRACK,
    ]
    assert [row.days_left for row in response.context["rows"]] == [-3, 10, 40]
    records = AccessRecord.objects.order_by("id")[before:]
    assert sorted(str(r.person_id) for r in records) == sorted(
        str(a.referral.person_id) for a in (breach, expected, on_track)
    )
    assert {r.purpose for r in records} == {"referral-waiting-list"}
    # Latest deadline first, when asked.
    rows = client.get(reverse("referrals:waiting_list"), {"sort": "-deadline"}).context["rows"]
    assert [row.state for row in rows] == [WaitState.ON_TRACK, WaitState.EXPECTED_BREACH, WaitState.BREACH]
    # The filters.
    shown = client.get(reverse("referrals:waiting_list"), {"show": "breach"}).content.decode()
    assert breach.referral.named_as in shown and expected.referral.named_as not in shown
    shown = client.get(reverse("referrals:waiting_list"), {"show": "expected"}).content.decode()
    assert expected.referral.named_as in shown and breach.referral.named_as not in shown
    services.record_helfo_notified(actor=clerk, referral=breach.referral, notified_on=timezone.localdate())
    shown = client.get(reverse("referrals:waiting_list"), {"show": "handled"}).content.decode()
    assert breach.referral.named_as in shown and expected.referral.named_as not in shown
    shown = client.get(reverse("referrals:waiting_list"), {"show": "breach"}).content.decode()
    assert breach.referral.named_as not in shown
    # The work list links to it.
    assert reverse("referrals:waiting_list") in client.get(reverse("referrals:work_list")).content.decode()


def test_a_filter_finds_its_waits_beyond_the_lists_length(
    world: World, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The list is cut at its length after filtering, so a breach expected late is still found.
    monkeypatch.setattr(selectors, "WORK_LIST_LIMIT", 2)
    for days in (5, 6, 7):
        waiting(deadline_in_days=days, appointment_in_days=days - 1)
    late = waiting(deadline_in_days=50)
    client = client_as(clerk)
    assert late.referral.named_as not in client.get(reverse("referrals:waiting_list")).content.decode()
    rows = client.get(reverse("referrals:waiting_list"), {"show": "expected"}).context["rows"]
    assert [row.referral for row in rows] == [late.referral]


def test_the_assessing_clinician_and_the_trusts_officer_read_the_list(
    world: World, trust: Organisation
) -> None:
    assessment = waiting(deadline_in_days=-1)
    clinician = member(habilitation_unit(), MembershipRole.ASSESSING_CLINICIAN)
    officer = member(trust, MembershipRole.TRUST_COORDINATING_OFFICER)
    for reader in (clinician, officer):
        client = client_as(reader)
        assert assessment.referral.named_as in client.get(reverse("referrals:waiting_list")).content.decode()
        detail = client.get(reverse("referrals:waiting_detail", args=[assessment.referral_id]))
        assert detail.status_code == 200
    # The clinician handles the wait; the trust's officer reads only: no forms, and a post is refused.
    clinician_page = client_as(clinician).get(
        reverse("referrals:waiting_detail", args=[assessment.referral_id])
    )
    assert reverse("referrals:wait_end", args=[assessment.referral_id]) in clinician_page.content.decode()
    officer_client = client_as(officer)
    officer_page = officer_client.get(reverse("referrals:waiting_detail", args=[assessment.referral_id]))
    assert reverse("referrals:wait_end", args=[assessment.referral_id]) not in officer_page.content.decode()
    today = timezone.localdate().isoformat()
    posts = {
        "referrals:wait_helfo_notified": {"helfo_notified_on": today},
        "referrals:wait_end": {"ended_on": today, "end_code": "1"},
        "referrals:wait_postponement": {
            "postponement_code": "22",
            "postponement_chosen_on": today,
            "postponed_to": (timezone.localdate() + timedelta(days=60)).isoformat(),
        },
        "referrals:appointment": {"appointment_on": "2027-06-01", "appointment_time": "10:00"},
    }
    for name, data in posts.items():
        assert officer_client.post(reverse(name, args=[assessment.referral_id]), data).status_code == 404
    assert not WaitingTime.objects.exists()
    with pytest.raises(PermissionDenied):
        services.record_helfo_notified(actor=officer, referral=assessment.referral, notified_on=TODAY)
    services.record_helfo_notified(
        actor=clinician, referral=assessment.referral, notified_on=timezone.localdate()
    )
    # The letter is the handlers' to make: the officer is not led to it.
    letter = reverse("referrals:breach_letter", args=[assessment.referral_id])
    detail = reverse("referrals:waiting_detail", args=[assessment.referral_id])
    assert letter in client_as(clinician).get(detail).content.decode()
    assert letter not in officer_client.get(detail).content.decode()
    assert officer_client.get(letter).status_code == 404


@pytest.mark.parametrize("persona", ["ke_officer", "coordinator", "team_member", "org_admin", "system_admin"])
def test_the_municipality_sees_no_waiting_list(world: World, persona: str) -> None:
    assessment = waiting(person=world.patient, deadline_in_days=-1)
    client = client_as(getattr(world, persona))
    for url in (
        reverse("referrals:waiting_list"),
        reverse("referrals:waiting_detail", args=[assessment.referral_id]),
        reverse("referrals:breach_letter", args=[assessment.referral_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_clerk_of_another_unit_and_the_officer_of_another_trust_see_nothing(
    world: World, trust: Organisation
) -> None:
    other_unit = OrganisationFactory(name="Rehabilitering", kind=OrganisationKind.REHABILITATION_UNIT)
    other_trust = OrganisationFactory(name="Helgelandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    other_unit.parent = other_trust
    other_unit.save()
    assessment = waiting(deadline_in_days=-1)
    theirs = waiting(deadline_in_days=-1, unit=other_unit)
    for user in (
        member(other_unit, MembershipRole.REFERRAL_CLERK),
        member(other_trust, MembershipRole.TRUST_COORDINATING_OFFICER),
    ):
        client = client_as(user)
        before = AccessRecord.objects.count()
        page = client.get(reverse("referrals:waiting_list")).content.decode()
        assert assessment.referral.named_as not in page and theirs.referral.named_as in page
        for name in ("referrals:waiting_detail", "referrals:breach_letter", "referrals:breach_letter_pdf"):
            assert client.get(reverse(name, args=[assessment.referral_id])).status_code == 404
        assert (
            client.post(
                reverse("referrals:wait_helfo_notified", args=[assessment.referral_id]),
                {"helfo_notified_on": timezone.localdate().isoformat()},
            ).status_code
            == 404
        )
        assert AccessRecord.objects.filter(person_id=assessment.referral.person_id).count() == 0
        assert AccessRecord.objects.count() == before + 1  # their own unit's one person
    with pytest.raises(PermissionDenied):
        services.record_wait_end(
            actor=member(other_unit, MembershipRole.REFERRAL_CLERK),
            referral=assessment.referral,
            ended_on=timezone.localdate(),
            end_code="1",
        )


def test_a_referral_without_a_right_has_no_wait(world: World, clerk: User) -> None:
    referral = ReferralFactory(status="assessed")
    AssessmentFactory(referral=referral, right="no_need", care_deadline=None, outcome="advice")
    client = client_as(clerk)
    assert client.get(reverse("referrals:waiting_detail", args=[referral.pk])).status_code == 404
    assert (
        reverse("referrals:waiting_detail", args=[referral.pk])
        not in client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    )


# Handling a breach.


def test_the_clerk_handles_a_breach_from_helfo_to_the_start_of_care(world: World, clerk: User) -> None:
    assessment = waiting(person=world.patient, received_days_ago=100, deadline_in_days=-2)
    referral = assessment.referral
    client = client_as(clerk)
    detail = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert reverse("referrals:waiting_detail", args=[referral.pk]) in detail
    today = timezone.localdate()
    response = client.post(
        reverse("referrals:wait_helfo_notified", args=[referral.pk]), {"helfo_notified_on": today.isoformat()}
    )
    assert response.status_code == 302
    wait = WaitingTime.objects.get(assessment=assessment)
    assert (wait.helfo_notified_on, wait.helfo_notified_by, wait.helfo_notifier_name) == (
        today,
        clerk,
        clerk.display_name,
    )
    page = client.get(reverse("referrals:waiting_detail", args=[referral.pk])).content.decode()
    assert reverse("referrals:breach_letter_pdf", args=[referral.pk]) in page
    client.post(
        reverse("referrals:wait_letter_sent", args=[referral.pk]),
        {"breach_letter_sent_on": today.isoformat()},
    )
    client.post(
        reverse("referrals:appointment", args=[referral.pk]),
        {"appointment_on": "2099-01-05", "appointment_time": "09:30"},
    )
    assessment.refresh_from_db()
    assert timezone.localtime(assessment.appointment_at).strftime("%d.%m.%Y %H:%M") == "05.01.2099 09:30"
    started = today - timedelta(days=1)
    response = client.post(
        reverse("referrals:wait_end", args=[referral.pk]), {"ended_on": started.isoformat(), "end_code": "1"}
    )
    assert response.status_code == 302
    wait.refresh_from_db()
    assert (wait.breach_letter_sent_on, wait.ended_on, wait.end_code, wait.wait_days) == (
        today,
        started,
        "1",
        99,
    )
    actions = list(
        AuditRecord.objects.filter(person_id=world.patient.pk, action__startswith="wait.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        ["wait.helfo_notified", "wait.breach_letter_sent", "wait.appointment", "wait.ended"]
    )
    # Off the list once the wait has ended, and no more forms.
    assert referral.named_as not in client.get(reverse("referrals:waiting_list")).content.decode()
    page = client.get(reverse("referrals:waiting_detail", args=[referral.pk])).content.decode()
    assert reverse("referrals:wait_end", args=[referral.pk]) not in page


def test_a_postponement_moves_the_deadline_and_is_left_out_of_the_days_waited(
    world: World, clerk: User
) -> None:
    assessment = waiting(received_days_ago=60, deadline_in_days=5)
    referral = assessment.referral
    today = timezone.localdate()
    new_date = today + timedelta(days=35)
    services.record_postponement(
        actor=clerk, referral=referral, code="22", chosen_on=today, postponed_to=new_date
    )
    wait = WaitingTime.objects.get(assessment=assessment)
    assert (wait.postponed_from, wait.postponed_to, wait.postponed_days) == (
        assessment.care_deadline,
        new_date,
        30,
    )
    assessment.refresh_from_db()
    assert state_of(assessment) == WaitState.POSTPONED
    row = client_as(clerk).get(reverse("referrals:waiting_list")).context["rows"][0]
    assert (row.deadline, row.days_left, row.state) == (new_date, 35, WaitState.POSTPONED)
    services.record_wait_end(actor=clerk, referral=referral, ended_on=today, end_code="1")
    wait.refresh_from_db()
    assert wait.wait_days == 60 - 30


def test_a_breach_is_not_undone_by_a_postponement_chosen_after_it(world: World, clerk: User) -> None:
    assessment = waiting(received_days_ago=60, deadline_in_days=-3)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.record_postponement(
            actor=clerk,
            referral=assessment.referral,
            code="22",
            chosen_on=today,
            postponed_to=today + timedelta(days=30),
        )
    assert "postponement_chosen_on" in refused.value.message_dict
    assert state_of(assessment) == WaitState.BREACH
    # Chosen before the deadline, and recorded late, it is a postponement.
    services.record_postponement(
        actor=clerk,
        referral=assessment.referral,
        code="22",
        chosen_on=today - timedelta(days=5),
        postponed_to=today + timedelta(days=30),
    )
    assessment.refresh_from_db()
    assert state_of(assessment) == WaitState.POSTPONED


def test_a_forwarded_referral_waits_from_its_seniority_date(world: World, clerk: User) -> None:
    # The patient register counts a wait from the seniority date: the time at the first unit is part of it.
    assessment = waiting(received_days_ago=40, deadline_in_days=5)
    referral = assessment.referral
    referral.seniority_date = referral.received_on - timedelta(days=12)
    referral.save(update_fields=["seniority_date"])
    services.record_wait_end(actor=clerk, referral=referral, ended_on=timezone.localdate(), end_code="1")
    assert WaitingTime.objects.get(assessment=assessment).wait_days == 40 + 12


def test_helfo_is_told_only_of_a_breach_or_an_expected_one(world: World, clerk: User) -> None:
    assessment = waiting(deadline_in_days=30, appointment_in_days=10)
    response = client_as(clerk).post(
        reverse("referrals:wait_helfo_notified", args=[assessment.referral_id]),
        {"helfo_notified_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "neither breached nor expected" in response.content.decode()
    assert not WaitingTime.objects.filter(helfo_notified_on__isnull=False).exists()


# Bad input, in each language, with nothing lost.

BAD_INPUT = {
    "nb": {
        "before": "Ventetiden kan ikke slutte før henvisningen ble mottatt",
        "future_end": "Datoen ventetiden sluttet kan ikke være fram i tid.",
        "future_helfo": "Datoen Helfo ble varslet kan ikke være fram i tid.",
        "postpone": "Den nye datoen må være etter fristen den utsetter",
    },
    "nn": {
        "before": "Ventetida kan ikkje slutte før tilvisinga vart motteken",
        "future_end": "Datoen ventetida slutta kan ikkje vere fram i tid.",
        "future_helfo": "Datoen Helfo vart varsla kan ikkje vere fram i tid.",
        "postpone": "Den nye datoen må vere etter fristen han utset",
    },
    "en": {
        "before": "The wait cannot end before the referral was received",
        "future_end": "The date the wait ended cannot be in the future.",
        "future_helfo": "The date Helfo was notified cannot be in the future.",
        "postpone": "The new date must be after the deadline it postpones",
    },
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_bad_input_is_explained_in_the_users_language_and_nothing_is_lost(
    world: World, clerk: User, language: str
) -> None:
    assessment = waiting(received_days_ago=20, deadline_in_days=-1)
    referral = assessment.referral
    client = client_as(clerk, language=language)
    expected = BAD_INPUT[language]
    today = timezone.localdate()

    def post(name: str, data: dict[str, str]) -> str:
        response = client.post(reverse(name, args=[referral.pk]), data)
        assert response.status_code == 200
        return response.content.decode().replace("&#x27;", "'")

    before_received = (referral.received_on - timedelta(days=1)).isoformat()
    page = post("referrals:wait_end", {"ended_on": before_received, "end_code": "2"})
    assert expected["before"] in page
    assert f'value="{before_received}"' in page
    assert re.search(r'value="2"[^>]*checked', page)
    tomorrow = (today + timedelta(days=1)).isoformat()
    page = post("referrals:wait_end", {"ended_on": tomorrow, "end_code": "1"})
    assert expected["future_end"] in page and f'value="{tomorrow}"' in page
    page = post("referrals:wait_helfo_notified", {"helfo_notified_on": tomorrow})
    assert expected["future_helfo"] in page and f'value="{tomorrow}"' in page
    too_early = (assessment.care_deadline - timedelta(days=3)).isoformat()
    page = post(
        "referrals:wait_postponement",
        {
            "postponement_code": "22",
            "postponement_chosen_on": (assessment.care_deadline - timedelta(days=5)).isoformat(),
            "postponed_to": too_early,
        },
    )
    assert expected["postpone"] in page and f'value="{too_early}"' in page
    assert not WaitingTime.objects.filter(ended_on__isnull=False).exists()
    assert not WaitingTime.objects.filter(helfo_notified_on__isnull=False).exists()
    assert not WaitingTime.objects.exclude(postponement_code="").exists()


def test_the_services_refuse_bad_dates_whatever_calls_them(world: World, clerk: User) -> None:
    from django.core.exceptions import ValidationError

    assessment = waiting(received_days_ago=20, deadline_in_days=-1)
    referral = assessment.referral
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.record_wait_end(
            actor=clerk, referral=referral, ended_on=referral.received_on - timedelta(days=1), end_code="1"
        )
    with pytest.raises(ValidationError):
        services.record_wait_end(
            actor=clerk, referral=referral, ended_on=today + timedelta(days=1), end_code="1"
        )
    with pytest.raises(ValidationError):
        services.record_helfo_notified(actor=clerk, referral=referral, notified_on=today + timedelta(days=1))
    assert assessment.care_deadline is not None
    with pytest.raises(ValidationError):
        services.record_postponement(
            actor=clerk, referral=referral, code="22", chosen_on=today, postponed_to=assessment.care_deadline
        )
    with pytest.raises(ValidationError):
        services.record_breach_letter_sent(actor=clerk, referral=referral, sent_on=today)
    assert not AuditRecord.objects.filter(action__startswith="wait.").exists()


# The letter «Varsel om fristbrudd».

LETTER = {
    "nb": ["Varsel om fristbrudd", "§ 2-1 b", "Helfo", "96 09 65 33", "helsenorge.no", "Statsforvalteren"],
    "nn": ["Varsel om fristbrot", "§ 2-1 b", "Helfo", "96 09 65 33", "helsenorge.no", "Statsforvaltaren"],
    "en": ["Notice of a breach of the deadline", "§ 2-1 b", "Helfo", "96 09 65 33", "helsenorge.no"],
}


def _reported(world: World, clerk: User, language: str) -> Referral:
    world.patient.preferred_language = language
    world.patient.save()
    assessment = waiting(person=world.patient, deadline_in_days=-2)
    services.record_helfo_notified(
        actor=clerk, referral=assessment.referral, notified_on=timezone.localdate()
    )
    return assessment.referral


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_letter_is_in_the_persons_language(world: World, clerk: User, language: str) -> None:
    referral = _reported(world, clerk, language)
    # The clerk works in English; the letter follows the person.
    response = client_as(clerk).get(reverse("referrals:breach_letter", args=[referral.pk]))
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    for expected in [*LETTER[language], world.patient.full_name]:
        assert expected in text, expected
    assert world.patient.national_id not in text


def test_the_letter_as_a_tagged_pdf(world: World, clerk: User) -> None:
    referral = _reported(world, clerk, "nb")
    before = AccessRecord.objects.count()
    response = client_as(clerk).get(reverse("referrals:breach_letter_pdf", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert world.patient.national_id not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ("Varsel om fristbrudd", "§ 2-1 b", "Helfo", world.patient.full_name):
        assert expected in text, expected
    [record] = AccessRecord.objects.order_by("id")[before:]
    assert (record.channel, record.purpose) == ("print", "breach-letter")


def test_no_letter_before_helfo_is_told(world: World, clerk: User) -> None:
    assessment = waiting(deadline_in_days=-2)
    response = client_as(clerk).get(reverse("referrals:breach_letter", args=[assessment.referral_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:waiting_detail", args=[assessment.referral_id])


# The reminder of expected breaches.


def test_the_clerks_hear_how_many_breaches_are_expected_once_a_day(
    world: World, clerk: User, mailoutbox: list[Any]
) -> None:
    other_unit = OrganisationFactory(kind=OrganisationKind.REHABILITATION_UNIT)
    other_clerk = member(other_unit, MembershipRole.REFERRAL_CLERK)
    clinician = member(habilitation_unit(), MembershipRole.ASSESSING_CLINICIAN)
    expected = [waiting(person=world.patient, deadline_in_days=10), waiting(deadline_in_days=3)]
    waiting(deadline_in_days=10, appointment_in_days=5)  # on track
    waiting(deadline_in_days=-1)  # already a breach: on the list, not expected
    reported = waiting(deadline_in_days=4)
    services.record_helfo_notified(actor=clerk, referral=reported.referral, notified_on=timezone.localdate())
    today = timezone.localdate()
    counts = send_reminders(today=today)
    assert counts["breach"] == 1
    [notice] = Notification.objects.filter(user=clerk)
    assert (
        notice.text == f"Forventede fristbrudd for oppstart av helsehjelp ved {habilitation_unit().name}: 2."
    )
    assert notice.url == reverse("referrals:waiting_list") + "?show=expected"
    for assessment in expected:
        assert assessment.referral.named_as not in notice.text
    assert not Notification.objects.filter(user__in=[other_clerk, clinician]).exists()
    [email] = mailoutbox
    for secret in (world.patient.family_name, expected[1].referral.named_as, habilitation_unit().name):
        assert secret not in email.subject and secret not in email.body
    # Running again the same day, nothing new; the next day, told again.
    assert send_reminders(today=today)["breach"] == 0
    assert send_reminders(today=today + timedelta(days=1))["breach"] == 1


def test_the_letter_says_whether_the_deadline_was_or_will_be_breached(world: World, clerk: User) -> None:
    breached = _reported(world, clerk, "en")
    expected = waiting(person=world.patient, deadline_in_days=10)
    services.record_helfo_notified(actor=clerk, referral=expected.referral, notified_on=timezone.localdate())
    client = client_as(clerk)
    text = client.get(reverse("referrals:breach_letter", args=[breached.pk])).content.decode()
    assert "the deadline has been breached" in text
    text = client.get(reverse("referrals:breach_letter", args=[expected.referral_id])).content.decode()
    assert "the deadline will be breached" in text
