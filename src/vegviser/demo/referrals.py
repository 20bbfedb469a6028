"""The habilitation unit's referrals at Nordlandssykehuset, kept by its clerk (`henvisning`).

Maja Lund (23) was referred by her GP two working days ago. Tor Hansen (52) was referred three weeks ago: the
clerk asked the GP for more, the answer has not come, and the assessment is past its deadline. Emil Haugen's
referral was forwarded from the rehabilitation unit and keeps the date it was first received there.
"""

from __future__ import annotations

from datetime import date, timedelta

from vegviser.demo.story import Story
from vegviser.demo.world import World
from vegviser.referrals import services as referrals
from vegviser.referrals.models import DiagnosisSystem, Referral, ReferralConsent, ReferrerRequest
from vegviser.registry.models import OrganisationKind, Person

GP = {"referrer_name": "Sofie Strand", "referrer_organisation": "Sentrum legekontor, Bodø"}


def received(world: World, story: Story) -> None:
    _new(world, story)
    _overdue(world, story)
    _forwarded(world, story)


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
    # Registered the day it came.
    Referral.objects.filter(pk=referral.pk).update(created_at=story.at(received_on, 10))
    return referral


def _new(world: World, story: Story) -> None:
    _register(
        world,
        story,
        world.people["maja"],
        story.workday(-2),
        {
            "reason": "Spørsmål om autismespekterforstyrrelse. Strever med overgangen fra videregående til "
            "arbeid, sosial tilbaketrekning.",
            "diagnosis_codes": ["F84.9"],
            "tried_in_municipality": "Oppfølging hos helsesykepleier og NAV-veileder det siste året.",
            "function_description": "Klarer seg selv i egen leilighet med noe praktisk hjelp.",
        },
    )


def _overdue(world: World, story: Story) -> None:
    referral = _register(
        world,
        story,
        world.people["tor"],
        story.workday(-21),
        {
            "reason": "Utviklingshemning. Økende utfordrende atferd i bolig det siste halvåret; ber om "
            "utredning og veiledning til personalet.",
            # From the GP, in the GP's code list.
            "diagnosis_system": DiagnosisSystem.ICPC2,
            "diagnosis_codes": ["P85"],
            "tried_in_municipality": "Miljøterapeutiske tiltak i boligen, gjennomgang av medisiner hos "
            "fastlegen.",
            "function_description": "Trenger tilsyn hele døgnet. Kommuniserer med enkle setninger.",
        },
    )
    request = referrals.ask_referrer(
        actor=world.users["henvisning"],
        referral=referral,
        asked_for="Oppdatert medisinliste og atferdsregistrering fra boligen for de siste fire ukene.",
    )
    ReferrerRequest.objects.filter(pk=request.pk).update(asked_at=story.at(story.workday(-18), 14))


def _forwarded(world: World, story: Story) -> None:
    received_on = story.workday(-1)
    _register(
        world,
        story,
        world.people["emil"],
        received_on,
        {
            "seniority_date": received_on - timedelta(days=9),
            "referrer_name": "Lars Eide",
            "referrer_organisation": "Rehabiliteringsavdelingen, Nordlandssykehuset (videresendt)",
            "reason": "Vurdering av behov for intensiv habilitering etter botulinumtoksinbehandling.",
            "diagnosis_codes": ["G80.1"],
            "tried_in_municipality": "Fysioterapi to ganger i uken, tilrettelegging på skolen.",
            "function_description": "Går med rollator ute, uten hjelpemidler inne.",
        },
    )
