"""The letters about an assessment: to the person, in their language, with the right, the deadline and
what it is for, the appointment when the deadline is near, how to complain and where to turn; and to the
referrer, with the outcome, the deadline and the advice. As HTML and as tagged PDF; each opening logged."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.referrals.models import AssessmentOutcome, Referral, RightStatus
from vegviser.registry.models import MembershipRole

from ..conftest import World, client_as
from ..factories import MembershipFactory, ReferralFactory, habilitation_unit
from .helpers import appointment, assessed, clinician_of

UNIT = ["Postboks 319, 8001 Bodø", "75 53 40 00", "habilitering@example.no"]
# What the letter to the person says, in each language.
PERSON = {
    "nb": [
        "Svar på henvisning til spesialisthelsetjenesten",
        "Du har rett til nødvendig helsehjelp",
        "Fristen gjelder start av utredning.",
        "Timen din",
        "pasient- og brukerrettighetsloven § 7-2",
        "Statsforvalteren",
        "fire uker",
        "Velg behandlingssted",
        "Helsenorge",
        "Helfo",
    ],
    "nn": [
        "Svar på tilvising til spesialisthelsetenesta",
        "Du har rett til naudsynt helsehjelp",
        "Fristen gjeld start av utgreiing.",
        "Timen din",
        "pasient- og brukarrettslova § 7-2",
        "Statsforvaltaren",
        "fire veker",
        "Velg behandlingssted",
        "Helsenorge",
        "Helfo",
    ],
    "en": [
        "Answer to the referral to the specialist health service",
        "You have a right to necessary health care",
        "The deadline is for the start of assessment (utredning).",
        "Your appointment",
        "pasient- og brukerrettighetsloven § 7-2",
        "Statsforvalteren",
        "four weeks",
        "Velg behandlingssted",
        "Helsenorge",
        "Helfo",
    ],
}


@pytest.fixture
def unit_contact(db: None) -> None:
    unit = habilitation_unit()
    unit.address, unit.phone, unit.email = UNIT
    unit.save()


@pytest.fixture
def clerk(world: World) -> User:
    return MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user


def referral_for(world: World, language: str = "nb") -> Referral:
    world.patient.preferred_language = language
    world.patient.save()
    return ReferralFactory(person=world.patient, received_on=timezone.localdate() - timedelta(days=5))


def url(name: str, referral: Referral) -> str:
    return reverse(f"referrals:{name}", kwargs={"pk": referral.pk})


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_letter_to_the_person_in_their_language(
    world: World, clerk: User, unit_contact: None, language: str
) -> None:
    referral = referral_for(world, language)
    assessment = assessed(referral)
    page = client_as(clerk).get(url("letter_person", referral)).content.decode()
    assert f'<html lang="{language}">' in page
    assert assessment.care_deadline is not None and assessment.appointment_at is not None
    shown = timezone.localtime(assessment.appointment_at)
    for expected in [
        *PERSON[language],
        *UNIT,
        f"{assessment.care_deadline:%d.%m.%Y}",
        f"{shown:%d.%m.%Y}",
        f"{shown:%H:%M}",
        world.patient.full_name,
    ]:
        assert expected in page, expected
    assert world.patient.national_id not in page


def test_a_language_the_ui_does_not_have_gets_bokmal(world: World, clerk: User) -> None:
    referral = referral_for(world, "se")
    assessed(referral)
    page = client_as(clerk).get(url("letter_person", referral)).content.decode()
    assert '<html lang="nb">' in page and "Du har rett til nødvendig helsehjelp" in page


def test_no_appointment_no_letter_when_the_deadline_is_under_four_months(world: World, clerk: User) -> None:
    referral = referral_for(world)
    assessed(referral, care_deadline=timezone.localdate() + timedelta(weeks=10), appointment_at=None)
    client = client_as(clerk)
    for name in ["letter_person", "letter_person_pdf"]:
        response = client.get(url(name, referral))
        assert response.status_code == 302
        assert response["Location"] == url("referral_detail", referral)
        assert "Set the appointment first." in [str(m) for m in get_messages(response.wsgi_request)][-1]
    # The referrer's letter needs no appointment.
    assert client.get(url("letter_referrer", referral)).status_code == 200
    # The referral page says so before anyone tries.
    detail = client.get(url("referral_detail", referral)).content.decode()
    assert "cannot be made until it is set" in detail


def test_a_deadline_four_months_away_or_more_needs_no_appointment_in_the_letter(
    world: World, clerk: User
) -> None:
    referral = referral_for(world, "en")
    today = timezone.localdate()
    far = today.replace(year=today.year + 1)
    assessed(referral, care_deadline=far, appointment_at=None)
    page = client_as(clerk).get(url("letter_person", referral)).content.decode()
    assert f"{far:%d.%m.%Y}" in page and "Your appointment" not in page


def test_no_right_says_so_and_how_to_complain(world: World, clerk: User) -> None:
    referral = referral_for(world, "en")
    assessed(
        referral,
        right=RightStatus.NO_NEED,
        benefit="",
        cost_effectiveness="",
        severity="",
        care_deadline=None,
        care_type="",
        appointment_at=None,
        outcome=AssessmentOutcome.ADVICE,
        to_referrer="Fysioterapi i kommunen anbefales.",
    )
    page = client_as(clerk).get(url("letter_person", referral)).content.decode()
    assert "You do not have a right to necessary health care from the specialist health service" in page
    assert "Statsforvalteren" in page and "four weeks" in page
    assert "Velg behandlingssted" not in page


def test_the_letter_to_the_referrer(world: World, clerk: User) -> None:
    referral = referral_for(world, "en")
    assessment = assessed(referral, to_referrer="Kontroll hos fastlegen om et halvt år.")
    page = client_as(clerk).get(url("letter_referrer", referral)).content.decode()
    for expected in [
        f"Answer to your referral for {referral.named_as}",
        referral.referrer_name,
        "Called in",
        f"{assessment.care_deadline:%d.%m.%Y}",
        "Kontroll hos fastlegen om et halvt år.",
    ]:
        assert expected in page, expected
    assert world.patient.national_id not in page


@pytest.mark.parametrize("name", ["letter_person_pdf", "letter_referrer_pdf"])
def test_the_letters_are_tagged_pdfs_logged_as_print(world: World, clerk: User, name: str) -> None:
    referral = referral_for(world, "nn")
    assessed(referral)
    before = AccessRecord.objects.count()
    response = client_as(clerk).get(url(name, referral))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.patient.national_id not in response["Content-Disposition"]
    assert world.patient.family_name not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    # PDF/UA: a structure tree, marked content, and the document's language.
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nn"
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Frist for start av helsehjelp" in text or "Helsehjelpa skal starte seinast" in text
    record = AccessRecord.objects.order_by("id")[before:].get()
    assert (record.actor_id, record.person_id, record.purpose, record.channel) == (
        clerk.pk,
        world.patient.pk,
        "referral",
        "print",
    )


@pytest.mark.parametrize("name", ["letter_person", "letter_referrer"])
def test_each_opening_is_a_logged_read(world: World, name: str) -> None:
    referral = referral_for(world)
    assessed(referral)
    clinician = clinician_of()
    client = client_as(clinician)
    before = AccessRecord.objects.count()
    for _ in range(2):
        assert client.get(url(name, referral)).status_code == 200
    records = list(AccessRecord.objects.order_by("id")[before:])
    assert [(r.person_id, r.channel) for r in records] == [(world.patient.pk, "web")] * 2


def test_no_letter_before_the_assessment(world: World, clerk: User) -> None:
    referral = referral_for(world)
    for name in ["letter_person", "letter_person_pdf", "letter_referrer", "letter_referrer_pdf"]:
        response = client_as(clerk).get(url(name, referral))
        assert (response.status_code, response["Location"]) == (302, url("referral_detail", referral))


@pytest.mark.parametrize("persona", ["ke_officer", "coordinator", "patient_user", "system_admin"])
def test_the_letters_are_the_units_not_the_municipalitys(world: World, persona: str) -> None:
    referral = referral_for(world)
    assessed(referral, appointment_at=appointment(timezone.localdate() + timedelta(days=20)))
    client = client_as(getattr(world, persona))
    before = AccessRecord.objects.count()
    for name in ["letter_person", "letter_person_pdf", "letter_referrer", "letter_referrer_pdf"]:
        assert client.get(url(name, referral)).status_code == 404
    assert AccessRecord.objects.count() == before


def test_the_clinician_sets_the_appointment_and_the_letter_can_be_made(world: World, clerk: User) -> None:
    referral = referral_for(world, "en")
    assessed(referral, care_deadline=timezone.localdate() + timedelta(weeks=10), appointment_at=None)
    clinician = clinician_of()
    client = client_as(clinician)
    page = url("appointment", referral)
    assert page in client.get(url("referral_detail", referral)).content.decode()
    # Bad input: a day in the past, or a date without its time, is told and kept.
    past = timezone.localdate() - timedelta(days=1)
    wrong = client.post(page, {"appointment_on": past.isoformat(), "appointment_time": "10:00"})
    assert wrong.status_code == 200 and "The appointment cannot be in the past." in wrong.content.decode()
    assert past.isoformat() in wrong.content.decode()
    day = timezone.localdate() + timedelta(days=30)
    response = client.post(page, {"appointment_on": day.isoformat(), "appointment_time": "13:15"})
    assert response.status_code == 302
    letter = client_as(clerk).get(url("letter_person", referral)).content.decode()
    assert f"{day:%d.%m.%Y}" in letter and "13:15" in letter
    # The clerk may give it too; a forwarded referral has none.
    assert client_as(clerk).get(page).status_code == 200
    forwarded = referral_for(world)
    assessed(
        forwarded, right=RightStatus.NOT_SUBJECT, outcome=AssessmentOutcome.FORWARDED, care_deadline=None
    )
    assert client.get(url("appointment", forwarded)).status_code == 404
