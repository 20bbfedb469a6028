"""Episodes of care at Nordlandssykehuset's rehabilitation and habilitation units.

Per Andersen was an inpatient on the rehabilitation ward (`avdeling`) for four weeks after his stroke, before
his plan began; at discharge the ward reported his need for a plan and a coordinator to Bodø's coordinating
unit in the same step, and that report is the one the unit decided on (`per.report`). Since then he comes to
the ward's outpatient clinic for follow-up. Emil Haugen's habilitation team (`habilitering`, who also works on
the habilitation unit's episodes) visited him at school three weeks ago.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from vegviser.demo.story import Story
from vegviser.demo.world import World
from vegviser.episodes import services as episodes
from vegviser.episodes.models import (
    CarePlace,
    ContactType,
    Episode,
    IndividualPlanStatus,
    LevelOfCare,
    Specialty,
)
from vegviser.intake.models import NeedReport, ReportConsent
from vegviser.registry import services as registry
from vegviser.registry.models import MembershipRole, OrganisationKind

GP = "Sofie Strand, Sentrum legekontor, Bodø"
# The stroke stay: admitted 218 days ago, discharged 190 days ago, when the report of need was sent.
_ADMITTED, _DISCHARGED = -218, -190


def _at(today: date, offset: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(today + timedelta(days=offset), datetime.min.time())).replace(
        hour=hour, minute=minute
    )


def rehabilitation_stay(world: World) -> NeedReport:
    """Per's four weeks on the rehabilitation ward, ending in the report of need to Bodø's coordinating unit:
    returns the report, which the unit then decides."""
    nurse = world.users["avdeling"]
    stay = episodes.start_episode(
        actor=nurse,
        person=world.people["per"],
        unit=world.organisations[OrganisationKind.REHABILITATION_UNIT],
        data={
            "level_of_care": LevelOfCare.INPATIENT,
            "contact_type": ContactType.TREATMENT,
            "place": CarePlace.HOSPITAL,
            "specialty": Specialty.PHYSICAL_MEDICINE,
            "professions": [
                "physician",
                "nurse",
                "physiotherapist",
                "occupational_therapist",
                "speech_therapist",
            ],
            "admitted_at": _at(world.today, _ADMITTED, 13),
            "main_diagnosis": "Z50.80",
            "secondary_diagnoses": ["I63.5"],
            "procedure_codes": ["WMAA00"],
        },
    )
    stay = episodes.discharge(
        actor=nurse,
        episode=stay,
        expected_version=stay.version,
        data={
            "discharged_at": _at(world.today, _DISCHARGED, 11),
            "plan_status": IndividualPlanStatus.BEING_MADE,
            "course": "Innlagt for kompleks rehabilitering etter hjerneinfarkt med venstresidig lammelse og "
            "lette språkvansker. Daglig gangtrening, trening i påkledning og matlaging, logopedi. Går nå "
            "innendørs med stokk, trenger hjelp til påkledning av overkroppen.",
            "recommendations": "Fortsatt fysioterapi og ergoterapi i kommunen, hjemmetjenester morgen og "
            "kveld. Poliklinisk kontroll hos oss om tre måneder. Vurdering av arbeidsutprøving sammen med "
            "NAV.",
        },
        handover={
            "needs_plan": True,
            "needs_coordinator": True,
            "needs_child_coordinator": False,
            "description": "Innlagt etter hjerneslag. Trenger hjelp i hverdagen, trening og vei tilbake til "
            "arbeid. Mange tjenester involvert: hjemmetjenesten, fysioterapi, ergoterapi, fastlege og NAV.",
            "consent_to_report": ReportConsent.YES,
        },
    )
    # The summary sent to the GP the day he went home; the episode started on the day of admission.
    episodes.record_summary_sent(
        actor=nurse, episode=stay, sent_to=GP, sent_on=world.today + timedelta(days=_DISCHARGED)
    )
    Episode.objects.filter(pk=stay.pk).update(created_at=_at(world.today, _ADMITTED, 13, 30))
    assert stay.handover is not None
    return stay.handover


def stories(world: World, story: Story) -> None:
    _follow_up(world, story)
    _school_visit(world, story)


def _follow_up(world: World, story: Story) -> None:
    """Per's outpatient follow-up at the rehabilitation clinic, begun three months after discharge."""
    follow_up = episodes.start_episode(
        actor=world.users["avdeling"],
        person=world.people["per"],
        unit=world.organisations[OrganisationKind.REHABILITATION_UNIT],
        data={
            "level_of_care": LevelOfCare.OUTPATIENT,
            "contact_type": ContactType.FOLLOW_UP,
            "place": CarePlace.HOSPITAL,
            "specialty": Specialty.PHYSICAL_MEDICINE,
            "professions": ["physician", "physiotherapist"],
            "admitted_at": _at(world.today, -95, 9, 30),
            "main_diagnosis": "I69.3",
            "plan_status": IndividualPlanStatus.HAS_PLAN,
        },
    )
    Episode.objects.filter(pk=follow_up.pk).update(created_at=_at(world.today, -95, 9, 45))


def _school_visit(world: World, story: Story) -> None:
    """The habilitation team at Emil's school: how the classroom and the breaks work for him."""
    physician = world.users["habilitering"]
    unit = world.organisations[OrganisationKind.HABILITATION_UNIT]
    # He works on the unit's episodes as well as taking part in Emil's plan.
    registry.add_membership(actor=None, organisation=unit, user=physician, role=MembershipRole.EPISODE_STAFF)
    school = world.organisations[OrganisationKind.SCHOOL]
    visit_day = story.workday(-21)
    visit = episodes.start_episode(
        actor=physician,
        person=world.people["emil"],
        unit=unit,
        data={
            "level_of_care": LevelOfCare.OUTPATIENT,
            "contact_type": ContactType.ASSESSMENT,
            "place": CarePlace.ELSEWHERE,
            "place_detail": school.name,
            "specialty": Specialty.HABILITATION_CHILDREN,
            "professions": ["physician", "physiotherapist", "special_educator"],
            "admitted_at": _at(visit_day, 0, 9),
            "main_diagnosis": "G80.1",
            "procedure_codes": ["WMAA00"],
            "plan_status": IndividualPlanStatus.HAS_PLAN,
        },
    )
    visit = episodes.discharge(
        actor=physician,
        episode=visit,
        expected_version=visit.version,
        data={
            "discharged_at": _at(visit_day, 0, 11, 30),
            "plan_status": IndividualPlanStatus.HAS_PLAN,
            "course": "Ambulant besøk på skolen sammen med fysioterapeut og spesialpedagog. Emil deltar i "
            "friminuttene med rollator ute, men blir sliten mot slutten av dagen.",
            "recommendations": "Hvilepause etter lunsj. Tilpasset gymtime. Ny vurdering etter "
            "botulinumtoksinbehandlingen.",
        },
    )
    episodes.record_summary_sent(actor=physician, episode=visit, sent_to=GP, sent_on=visit_day)
    Episode.objects.filter(pk=visit.pk).update(created_at=_at(visit_day, 0, 12))
