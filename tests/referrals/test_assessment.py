"""The unit's clinician assesses a referral: the right, the criteria, the priority-guide condition and the
deadline it suggests, the deadline for the start of care, the outcome; forwarding to another unit; who may
assess (the unit's clinician) and who may not (404); bad input in each language, with nothing lost."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from vegviser.accounts.models import Notification, User
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.referrals import services
from vegviser.referrals.models import (
    Assessment,
    PriorityGuide,
    Referral,
    ReferralAttachment,
    ReferralStatus,
    guide_for,
    months_after,
)
from vegviser.registry.models import MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralAttachmentFactory,
    ReferralFactory,
    habilitation_unit,
)
from .helpers import assessed, clinician_of, condition


@pytest.fixture
def clinician(world: World) -> User:
    return clinician_of()


@pytest.fixture
def rehabilitation_unit(db: None) -> Organisation:
    return OrganisationFactory(name="Rehabiliteringsavdelingen", kind=OrganisationKind.REHABILITATION_UNIT)


def received(days_ago: int = 3, **fields: Any) -> Referral:
    return ReferralFactory(received_on=timezone.localdate() - timedelta(days=days_ago), **fields)


def right(**overrides: Any) -> dict[str, Any]:
    """A right with all three criteria met, the deadline the guide's."""
    data: dict[str, Any] = {
        "right": "right",
        "benefit": "met",
        "severity": "clearly_met",
        "cost_effectiveness": "met",
        "care_type": "assessment",
        "outcome": "called_in",
    }
    data.update(overrides)
    return data


# The service


def test_a_right_with_the_guides_deadline(world: World, clinician: User) -> None:
    referral = received(10, person=world.patient)
    adults = condition(weeks=16)
    deadline = referral.received_on + timedelta(weeks=16)
    assessment = services.assess_referral(
        actor=clinician,
        referral=referral,
        data=right(condition=adults, care_deadline=deadline),
    )
    assert assessment.suggested_deadline == deadline
    assert assessment.assessed_on == timezone.localdate()
    assert assessment.assessor_name == clinician.display_name
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSESSED
    record = AuditRecord.objects.filter(action="referral.assess", object_id=str(assessment.pk)).get()
    assert (record.actor, record.person_id) == (clinician, world.patient.pk)
    assert record.after["care_deadline"] == deadline.isoformat()
    assert AuditRecord.objects.filter(action="referral.assess", object_id=str(referral.pk)).exists()


def test_the_suggestion_is_the_services_whatever_is_posted(world: World, clinician: User) -> None:
    referral = received(person=world.patient)
    guide = condition(weeks=12)
    assessment = services.assess_referral(
        actor=clinician,
        referral=referral,
        data=right(
            condition=guide,
            care_deadline=referral.received_on + timedelta(weeks=12),
            suggested_deadline=date(2099, 1, 1),
        ),
    )
    assert assessment.suggested_deadline == referral.received_on + timedelta(weeks=12)


@pytest.mark.parametrize("outcome", ["rejected", "advice", "forwarded"])
def test_a_right_is_followed_by_a_call_in_or_a_deadline_only(
    world: World, clinician: User, rehabilitation_unit: Organisation, outcome: str
) -> None:
    # A rejected or forwarded referral with a right would wait on no one's list, or on two.
    referral = received(10, person=world.patient)
    data = right(
        care_deadline=referral.received_on + timedelta(weeks=10),
        outcome=outcome,
        to_referrer="Se vedlagt.",
        forwarded_to=rehabilitation_unit if outcome == "forwarded" else None,
    )
    with pytest.raises(ValidationError) as refused:
        services.assess_referral(actor=clinician, referral=referral, data=data)
    assert "outcome" in refused.value.message_dict
    assert not Assessment.objects.filter(referral=referral).exists()


def test_no_need_with_advice_to_the_referrer(world: World, clinician: User) -> None:
    referral = received(person=world.patient)
    assessment = services.assess_referral(
        actor=clinician,
        referral=referral,
        data={"right": "no_need", "outcome": "advice", "to_referrer": "Fysioterapi i kommunen først."},
    )
    assert assessment.care_deadline is None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSESSED


def test_forwarding_makes_a_new_referral_at_the_other_unit_with_the_seniority_date(
    world: World, clinician: User, rehabilitation_unit: Organisation
) -> None:
    referral = received(6, person=world.patient, seniority_date=timezone.localdate() - timedelta(days=20))
    attachment = ReferralAttachmentFactory(referral=referral)
    their_clerk = MembershipFactory(organisation=rehabilitation_unit, role=MembershipRole.REFERRAL_CLERK).user
    our_clerk = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user
    services.assess_referral(
        actor=clinician,
        referral=referral,
        data={
            "right": "not_subject",
            "outcome": "forwarded",
            "forwarded_to": rehabilitation_unit,
            "to_referrer": "Sendt videre til rehabilitering.",
        },
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FORWARDED
    new = Referral.objects.get(forwarded_from=referral)
    assert new.receiving_unit == rehabilitation_unit
    assert new.person == world.patient
    assert new.received_on == timezone.localdate()
    assert new.seniority_date == referral.seniority_date
    assert new.status == ReferralStatus.RECEIVED
    for field in ["named_as", "referrer_name", "reason", "diagnosis_codes", "consent"]:
        assert getattr(new, field) == getattr(referral, field), field
    # The attachments come as copies of their own.
    copy = ReferralAttachment.objects.get(referral=new)
    assert copy.pk != attachment.pk and copy.file.name != attachment.file.name
    assert copy.title == attachment.title and copy.file.read() == b"%PDF-1.4 epikrise"
    # The other unit's clerks are told; ours are not.
    notice = Notification.objects.get(user=their_clerk)
    assert notice.url == reverse("referrals:referral_detail", kwargs={"pk": new.pk})
    assert referral.named_as in notice.shown_text
    assert not Notification.objects.filter(user=our_clerk).exists()
    assert AuditRecord.objects.filter(action="referral.assess", object_id=str(new.pk)).exists()
    # The other unit sees it in its work list; the forwarding unit's clinician does not assess it.
    assert client_as(their_clerk).get(reverse("referrals:referral_detail", args=[new.pk])).status_code == 200
    assert client_as(clinician).get(reverse("referrals:assess", args=[new.pk])).status_code == 404


def test_a_referral_is_assessed_once(world: World, clinician: User) -> None:
    referral = received(person=world.patient)
    data = {"right": "no_need", "outcome": "rejected", "to_referrer": "Ikke behov."}
    services.assess_referral(actor=clinician, referral=referral, data=data)
    referral.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.assess_referral(actor=clinician, referral=referral, data=data)
    client = client_as(clinician)
    url = reverse("referrals:assess", args=[referral.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**data, "step": "save"}).status_code == 404
    assert Assessment.objects.count() == 1


# The guide that fits


def test_the_guide_follows_the_unit_and_the_persons_age(
    world: World, rehabilitation_unit: Organisation
) -> None:
    today = date(2026, 12, 7)
    child = PersonFactory(birth_date=date(2009, 12, 8))  # 17 today
    adult = PersonFactory(birth_date=date(2008, 12, 7))  # 18 today
    assert guide_for(habilitation_unit(), child, today) == PriorityGuide.HABILITATION_CHILDREN
    assert guide_for(habilitation_unit(), adult, today) == PriorityGuide.HABILITATION_ADULTS
    assert guide_for(rehabilitation_unit, child, today) == PriorityGuide.PHYSICAL_MEDICINE


def test_the_form_offers_the_fitting_guide_first_and_no_withdrawn_condition(
    world: World, clinician: User
) -> None:
    child = PersonFactory(birth_date=timezone.localdate() - timedelta(days=365 * 7))
    referral = received(person=child)
    condition("Cerebral parese", guide=PriorityGuide.HABILITATION_CHILDREN, weeks=12)
    condition("Utviklingshemning, utredning", guide=PriorityGuide.HABILITATION_ADULTS)
    condition("Gammel tilstand", guide=PriorityGuide.HABILITATION_CHILDREN, withdrawn=True)
    page = client_as(clinician).get(reverse("referrals:assess", args=[referral.pk])).content.decode()
    children = page.index('label="Habilitation of children and young people"')
    adults = page.index('label="Habilitation of adults"')
    assert children < page.index("Cerebral parese") < adults < page.index("Utviklingshemning")
    assert "Gammel tilstand" not in page


def test_the_search_narrows_the_conditions_and_keeps_what_was_entered(world: World, clinician: User) -> None:
    referral = received(person=world.patient)
    condition("Utviklingshemning, utredning")
    condition("Autismespekterforstyrrelse, utredning", weeks=16)
    url = reverse("referrals:assess", args=[referral.pk])
    client = client_as(clinician)
    posted = {"condition_filter": "autisme", "to_referrer": "Råd til fastlegen", "step": "filter"}
    page = client.post(url, posted).content.decode()
    assert "Autismespekterforstyrrelse" in page and "Utviklingshemning" not in page
    assert "Råd til fastlegen" in page
    assert "Please correct" not in page
    assert not Assessment.objects.exists()
    # With htmx, the part alone: the same narrowing.
    part = client.post(url, posted, HTTP_HX_REQUEST="true").content.decode()
    assert part.lstrip().startswith('<div class="stack-sm" id="assessment-guide">')
    assert "Autismespekterforstyrrelse" in part and "Utviklingshemning" not in part
    nothing = client.post(url, {**posted, "condition_filter": "finnes ikke"}).content.decode()
    assert "No condition matches «finnes ikke»." in nothing


def test_choosing_a_condition_shows_the_guides_deadline_and_prefills_it(
    world: World, clinician: User
) -> None:
    referral = received(5, person=world.patient)
    guide = condition("Autismespekterforstyrrelse, utredning", weeks=16)
    suggested = referral.received_on + timedelta(weeks=16)
    client = client_as(clinician)
    url = reverse("referrals:assess", args=[referral.pk])
    for extra in [{"step": "suggest"}, {"HTTP_HX_REQUEST": "true"}]:
        headers = {key: value for key, value in extra.items() if key.startswith("HTTP_")}
        body = {
            "condition": str(guide.pk),
            "right": "right",
            **{k: v for k, v in extra.items() if k == "step"},
        }
        page = client.post(url, body, **headers).content.decode()
        assert f"The guide suggests care to start by {suggested:%d.%m.%Y}" in page
        assert f'name="care_deadline" value="{suggested.isoformat()}"' in page
        assert re.search(r'<input type="radio" name="care_type" value="assessment"[^>]*checked', page)
    # A deadline of the clinician's own is not replaced; the last suggestion is.
    own = suggested - timedelta(days=14)
    body = {"condition": str(guide.pk), "care_deadline": own.isoformat(), "step": "suggest"}
    assert f'value="{own.isoformat()}"' in client.post(url, body).content.decode()
    other = condition("Cerebral parese", weeks=8)
    body = {
        "condition": str(other.pk),
        "care_deadline": suggested.isoformat(),
        "shown_suggestion": suggested.isoformat(),
        "step": "suggest",
    }
    later = referral.received_on + timedelta(weeks=8)
    assert f'name="care_deadline" value="{later.isoformat()}"' in client.post(url, body).content.decode()


def test_the_clinician_saves_the_assessment_from_the_page(world: World, clinician: User) -> None:
    referral = received(5, person=world.patient)
    guide = condition(weeks=16)
    deadline = referral.received_on + timedelta(weeks=16)
    first = deadline - timedelta(days=10)
    response = client_as(clinician).post(
        reverse("referrals:assess", args=[referral.pk]),
        right(
            condition=str(guide.pk),
            care_deadline=deadline.isoformat(),
            appointment_on=first.isoformat(),
            appointment_time="09:30",
            step="save",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral_detail", args=[referral.pk])
    assessment = Assessment.objects.get(referral=referral)
    assert assessment.care_deadline == deadline and assessment.suggested_deadline == deadline
    assert timezone.localtime(assessment.appointment_at).strftime("%d.%m.%Y %H:%M") == (
        f"{first:%d.%m.%Y} 09:30"
    )


# Bad input, in each language: a clear message, and nothing lost

BAD = {
    "a deadline before the date received": (
        lambda referral, guide: right(care_deadline=(referral.received_on - timedelta(days=1)).isoformat()),
        "The deadline must be after the date the referral was received.",
    ),
    "a departure without reasons": (
        lambda referral, guide: right(
            condition=str(guide.pk),
            care_deadline=(referral.received_on + timedelta(weeks=20)).isoformat(),
        ),
        "The deadline departs from the guide's (%(date)s): give the individual reasons.",
    ),
    "a right with a criterion not met": (
        lambda referral, guide: right(
            benefit="not_met", care_deadline=(referral.received_on + timedelta(weeks=16)).isoformat()
        ),
        "A right needs all three criteria met.",
    ),
    "forwarding without a unit": (
        lambda referral, guide: {"right": "not_subject", "outcome": "forwarded"},
        "Choose the unit the referral is forwarded to.",
    ),
    "a date of the appointment without its time": (
        lambda referral, guide: right(
            care_deadline=(referral.received_on + timedelta(weeks=16)).isoformat(),
            appointment_on=(referral.received_on + timedelta(weeks=4)).isoformat(),
        ),
        "Give the time of the appointment too.",
    ),
    "an appointment in the past": (
        lambda referral, guide: right(
            care_deadline=(referral.received_on + timedelta(weeks=16)).isoformat(),
            appointment_on=(timezone.localdate() - timedelta(days=1)).isoformat(),
            appointment_time="09:30",
        ),
        "The appointment cannot be in the past.",
    ),
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_told_in_the_users_language_and_nothing_is_lost(
    world: World, clinician: User, case: str, language: str
) -> None:
    referral = received(5, person=world.patient)
    guide = condition(weeks=16)
    make, message = BAD[case]
    data = {**make(referral, guide), "to_referrer": "Råd: «prøv fysioterapi»", "step": "save"}
    response = client_as(clinician, language=language).post(
        reverse("referrals:assess", args=[referral.pk]), data
    )
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override(language):
        expected = gettext(message)
    if language != "en":
        assert expected != message, f"not translated to {language}: {message}"
    if "%(date)s" in expected:
        expected = expected % {"date": f"{referral.received_on + timedelta(weeks=16):%d.%m.%Y}"}
    from django.utils.html import escape

    assert escape(expected) in page, expected
    assert "ds-error-summary" in page
    assert escape("Råd: «prøv fysioterapi»") in page
    for name, value in data.items():
        if name not in ("step", "to_referrer") and value:
            assert f'value="{value}"' in page, (name, value)
    assert not Assessment.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


# Who may assess


def test_the_clinician_is_offered_the_assessment_on_the_referral(world: World, clinician: User) -> None:
    referral = received(person=world.patient)
    url = reverse("referrals:assess", args=[referral.pk])
    assert (
        url
        in client_as(clinician).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    )
    before = AccessRecord.objects.count()
    assert client_as(clinician).get(url).status_code == 200
    record = AccessRecord.objects.order_by("id")[before:].get()
    assert (record.actor_id, record.person_id, record.purpose) == (clinician.pk, world.patient.pk, "referral")


def test_the_clerk_sees_the_referral_but_does_not_assess(world: World) -> None:
    clerk = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user
    referral = received(person=world.patient)
    url = reverse("referrals:assess", args=[referral.pk])
    client = client_as(clerk)
    assert url not in client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url, right(step="save")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.assess_referral(actor=clerk, referral=referral, data=right())


def trust_officer() -> User:
    trust = OrganisationFactory(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    unit = habilitation_unit()
    unit.parent = trust
    unit.save()
    return MembershipFactory(organisation=trust, role=MembershipRole.TRUST_COORDINATING_OFFICER).user


def test_the_trusts_coordinating_unit_reads_but_does_not_assess(world: World) -> None:
    officer = trust_officer()
    referral = received(person=world.patient)
    client = client_as(officer)
    detail = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert detail.status_code == 200
    assert reverse("referrals:assess", args=[referral.pk]) not in detail.content.decode()
    assert client.get(reverse("referrals:assess", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["ke_officer", "coordinator", "team_member", "org_admin", "system_admin"])
def test_the_municipality_does_not_assess(world: World, persona: str) -> None:
    referral = received(person=world.patient)
    before = AccessRecord.objects.count()
    assert (
        client_as(getattr(world, persona)).get(reverse("referrals:assess", args=[referral.pk])).status_code
        == 404
    )
    assert AccessRecord.objects.count() == before


def test_a_clinician_of_another_unit_does_not_assess(world: World, rehabilitation_unit: Organisation) -> None:
    other = clinician_of(rehabilitation_unit)
    referral = received(person=world.patient)
    assert client_as(other).get(reverse("referrals:assess", args=[referral.pk])).status_code == 404
    assert client_as(other).get(reverse("referrals:referral_detail", args=[referral.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.assess_referral(actor=other, referral=referral, data=right())


# The assessment on the referral, for every reader


def test_every_reader_sees_the_assessment(world: World, clinician: User) -> None:
    referral = received(person=world.patient)
    guide = condition("Autismespekterforstyrrelse, utredning", weeks=16)
    suggested = referral.received_on + timedelta(weeks=16)
    set_deadline = suggested - timedelta(weeks=4)
    assessed(
        referral,
        condition=guide,
        suggested_deadline=suggested,
        care_deadline=set_deadline,
        individual_reasons="Skolestart til høsten.",
    )
    clerk = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user
    for reader in [clerk, clinician, trust_officer()]:
        page = (
            client_as(reader).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
        )
        for expected in [
            "Autismespekterforstyrrelse, utredning",
            f"{suggested:%d.%m.%Y}",
            f"{set_deadline:%d.%m.%Y}",
            "Skolestart til høsten.",
            "Called in",
            reverse("referrals:letter_person", args=[referral.pk]),
        ]:
            assert expected in page, (reader, expected)
        assert reverse("referrals:assess", args=[referral.pk]) not in page


def test_months_after_keeps_to_the_end_of_a_short_month() -> None:
    assert months_after(date(2026, 10, 31), 4) == date(2027, 2, 28)
    assert months_after(date(2027, 10, 31), 4) == date(2028, 2, 29)
    assert months_after(date(2026, 12, 7), 4) == date(2027, 4, 7)
