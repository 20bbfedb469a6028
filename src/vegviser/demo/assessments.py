"""The habilitation unit's physician (`vurdering`) has assessed three of its referrals.

Emil Haugen's referral, forwarded from the rehabilitation unit, gives him a right to necessary specialist
health care, with a deadline and a first appointment in the letter. Jonas Berg's GP is answered with advice:
there is no need for specialist health care now. Sigrid Johansen's referral belongs to the rehabilitation
unit and is forwarded there, where it is received as a new referral with the date it was first received.
The conditions come from the priority guides where they are loaded; without them the deadline is set
without a guide's suggestion. Tor Hansen's referral, past its deadline, is left unassessed.
"""

from __future__ import annotations

from datetime import date, timedelta

from vegviser.demo.referrals import GP
from vegviser.demo.story import Story
from vegviser.demo.world import World
from vegviser.referrals import services as referrals
from vegviser.referrals.models import (
    AssessmentOutcome,
    CareType,
    CriterionGrade,
    PriorityGuide,
    PriorityGuideCondition,
    Referral,
    ReferralConsent,
    RightStatus,
)
from vegviser.registry.models import OrganisationKind, Person


def assessed(world: World, story: Story) -> None:
    _right(world, story)
    _no_need(world, story)
    _forwarded(world, story)


def _condition(guide: str, word: str) -> PriorityGuideCondition | None:
    """A condition of the guide whose title has the word, if the guides are loaded."""
    return (
        PriorityGuideCondition.objects.filter(guide=guide, withdrawn=False, title__icontains=word)
        .order_by("title")
        .first()
    )


def _register(
    world: World, story: Story, person: Person, received_on: date, data: dict[str, object]
) -> Referral:
    referral = referrals.register_referral(
        actor=world.users["henvisning"],
        person=person,
        unit=world.organisations[OrganisationKind.HABILITATION_UNIT],
        data={
            "named_as": person.full_name,
            "received_on": received_on,
            "consent": ReferralConsent.YES,
            **GP,
            **data,
        },
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=story.at(received_on, 10))
    return referral


def _right(world: World, story: Story) -> None:
    referral = Referral.objects.get(person=world.people["emil"])
    condition = _condition(PriorityGuide.HABILITATION_CHILDREN, "cerebral")
    suggested = condition.deadline_from(referral.received_on) if condition else None
    deadline = suggested or referral.received_on + timedelta(weeks=12)
    referrals.assess_referral(
        actor=world.users["vurdering"],
        referral=referral,
        data={
            "right": RightStatus.RIGHT,
            "benefit": CriterionGrade.CLEARLY_MET,
            "severity": CriterionGrade.MET,
            "cost_effectiveness": CriterionGrade.MET,
            "condition": condition,
            "care_deadline": deadline,
            "care_type": (condition.care_type if condition and condition.care_type else CareType.TREATMENT),
            "outcome": AssessmentOutcome.CALLED_IN,
            "to_referrer": "Emil kalles inn til tverrfaglig vurdering av intensiv habilitering.",
            "appointment_at": story.at(story.workday(21), 10),
        },
    )


def _no_need(world: World, story: Story) -> None:
    referral = _register(
        world,
        story,
        world.people["jonas"],
        story.workday(-8),
        {
            "reason": "Spørsmål om utredning for ADHD. Konsentrasjonsvansker i jobb som lagerarbeider.",
            "diagnosis_codes": ["R41.8"],
            "tried_in_municipality": "Samtaler hos fastlegen.",
        },
    )
    referrals.assess_referral(
        actor=world.users["vurdering"],
        referral=referral,
        data={
            "right": RightStatus.NO_NEED,
            "outcome": AssessmentOutcome.ADVICE,
            "to_referrer": "Utredning for ADHD hos voksne gjøres av distriktspsykiatrisk senter, ikke "
            "habiliteringstjenesten. Vi anbefaler henvisning til DPS Bodø.",
        },
    )


def _forwarded(world: World, story: Story) -> None:
    referral = _register(
        world,
        story,
        world.people["sigrid"],
        story.workday(-6),
        {
            "reason": "Rehabilitering etter operert hoftebrudd. Bor alene, trenger trening for å klare seg "
            "hjemme.",
            "diagnosis_codes": ["S72.0"],
            "function_description": "Går med rollator innendørs, trenger hjelp til personlig stell.",
        },
    )
    referrals.assess_referral(
        actor=world.users["vurdering"],
        referral=referral,
        data={
            "right": RightStatus.NOT_SUBJECT,
            "outcome": AssessmentOutcome.FORWARDED,
            "forwarded_to": world.organisations[OrganisationKind.REHABILITATION_UNIT],
            "to_referrer": "Henvisningen gjelder rehabilitering etter hoftebrudd og er sendt videre til "
            "rehabiliteringsavdelingen, som vurderer den.",
        },
    )
