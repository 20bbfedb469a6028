"""The habilitation unit's waiting list: four people with a right to necessary specialist health care and a
deadline for the start of care, each at another point of the wait.

Ingrid Solbakken (31) has a deadline in three weeks and no appointment before it: a breach is expected. Knut
Aasen (58) waited past his deadline; the clerk told Helfo and sent him the letter «Varsel om fristbrudd», in
Nynorsk, his language. Sara Mikkelsen (27) asked to wait until after her exams: a postponement at her wish,
which moves her deadline and is no breach. Ola Pedersen (44) started his assessment last week, within the
deadline; the days he waited are kept for the statistics.

The assessments are written directly: the rights assessment has a story of its own. What happened after it
goes through the services, as the clerk did it.
"""

from __future__ import annotations

from datetime import date, timedelta

from vegviser.demo.story import Story
from vegviser.demo.world import World
from vegviser.referrals import services as referrals
from vegviser.referrals.models import (
    Assessment,
    AssessmentOutcome,
    CareType,
    CriterionGrade,
    PostponementCode,
    Referral,
    ReferralConsent,
    RightStatus,
    WaitEndCode,
)
from vegviser.registry import services as registry
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Language, OrganisationKind, Person

GP = {"referrer_name": "Sofie Strand", "referrer_organisation": "Sentrum legekontor, Bodø"}


def waiting_list(world: World, story: Story) -> None:
    _expected_breach(world, story)
    _breach(world, story)
    _postponed(world, story)
    _started(world, story)


def _person(
    world: World, given: str, family: str, born: date, seq: int, address: str, language: str
) -> Person:
    return registry.create_person(
        actor=None,
        data={
            "given_name": given,
            "family_name": family,
            "national_id": synthetic_national_id(born, seq),
            "address": address,
            "postal_code": "8006",
            "postal_town": "Bodø",
            "municipality": world.people["per"].municipality,
            "preferred_language": language,
        },
    )


def _with_right(
    world: World,
    story: Story,
    person: Person,
    *,
    received_on: date,
    care_deadline: date,
    reason: str,
    diagnosis: str,
) -> Referral:
    """A referral the unit received and a physician assessed, ten days later, to a right with a deadline."""
    clerk = world.users["henvisning"]
    referral = referrals.register_referral(
        actor=clerk,
        person=person,
        unit=world.organisations[OrganisationKind.HABILITATION_UNIT],
        data={
            "named_as": person.full_name,
            "received_on": received_on,
            "consent": ReferralConsent.YES,
            "reason": reason,
            "diagnosis_codes": [diagnosis],
            **GP,
        },
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=story.at(received_on, 10))
    assessment = referrals.assess_referral(
        actor=world.users["vurdering"],
        referral=referral,
        data={
            "right": RightStatus.RIGHT,
            "benefit": CriterionGrade.MET,
            "cost_effectiveness": CriterionGrade.MET,
            "severity": CriterionGrade.CLEARLY_MET,
            "care_deadline": care_deadline,
            "care_type": CareType.ASSESSMENT,
            "outcome": AssessmentOutcome.RIGHT_WAITING,
        },
    )
    # Assessed ten days after it came, as the story tells: the service dates it today.
    Assessment.objects.filter(pk=assessment.pk).update(assessed_on=received_on + timedelta(days=10))
    referral.refresh_from_db()
    return referral


def _expected_breach(world: World, story: Story) -> None:
    person = _person(
        world, "Ingrid", "Solbakken", story.day(-31 * 365), 21, "Hunstadveien 14", Language.BOKMAL
    )
    _with_right(
        world,
        story,
        person,
        received_on=story.workday(-60),
        care_deadline=story.day(21),
        reason="Spørsmål om ADHD og lærevansker hos voksen. Faller ut av arbeid.",
        diagnosis="F90.0",
    )


def _breach(world: World, story: Story) -> None:
    person = _person(world, "Knut", "Aasen", story.day(-58 * 365), 22, "Løpsmarka 2", Language.NYNORSK)
    referral = _with_right(
        world,
        story,
        person,
        received_on=story.workday(-120),
        care_deadline=story.day(-6),
        reason="Ervervet hjerneskade etter hjerneinfarkt for to år siden; ber om utredning av kognitiv "
        "funksjon.",
        diagnosis="I69.3",
    )
    clerk = world.users["henvisning"]
    notified = story.workday(-5)
    referrals.record_helfo_notified(actor=clerk, referral=referral, notified_on=notified)
    referrals.record_breach_letter_sent(actor=clerk, referral=referral, sent_on=notified)


def _postponed(world: World, story: Story) -> None:
    person = _person(world, "Sara", "Mikkelsen", story.day(-27 * 365), 23, "Bodøsjøen 5", Language.BOKMAL)
    referral = _with_right(
        world,
        story,
        person,
        received_on=story.workday(-70),
        care_deadline=story.day(10),
        reason="Cerebral parese; økende smerter og redusert gangfunksjon. Ber om tverrfaglig vurdering.",
        diagnosis="G80.1",
    )
    referrals.record_postponement(
        actor=world.users["henvisning"],
        referral=referral,
        code=PostponementCode.OWN_WELFARE,
        chosen_on=story.workday(-3),
        postponed_to=story.day(45),
    )


def _started(world: World, story: Story) -> None:
    person = _person(world, "Ola", "Pedersen", story.day(-44 * 365), 24, "Rønvikveien 40", Language.BOKMAL)
    referral = _with_right(
        world,
        story,
        person,
        received_on=story.workday(-90),
        care_deadline=story.day(5),
        reason="Lett utviklingshemning; ber om vurdering av boevne og behov for tjenester.",
        diagnosis="F70.9",
    )
    referrals.record_wait_end(
        actor=world.users["henvisning"],
        referral=referral,
        ended_on=story.workday(-6),
        end_code=WaitEndCode.CARE_STARTED,
    )
