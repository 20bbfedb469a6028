"""Emil Haugen (7), cerebral palsy.

A child coordinator, and a plan with the school, PPT and the hospital's habilitation service, the individual
education plan (IOP) linked, evaluated once. He is under 16, so his mother consents and he is heard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from vegviser.access.models import ConsentGiver
from vegviser.accounts.models import User
from vegviser.demo.story import (
    Story,
    activate,
    age_report,
    complete_goal,
    consent_and_coordinator,
    contribution,
    evaluate,
    goal,
    last_activity,
    measure,
    meeting,
    note,
    professional,
    scale,
)
from vegviser.demo.world import World
from vegviser.intake import services as intake
from vegviser.intake.models import CoordinatorKind, NeedReport, ReportChannel, ReportConsent
from vegviser.plans import services as plans
from vegviser.plans.models import (
    Goal,
    IndividualPlan,
    LifeArea,
    Measure,
    MeasureStatus,
    ParticipantKind,
    PlanParticipant,
    SubPlanKind,
)
from vegviser.registry.models import OrganisationKind

# The plan was made a hundred and ten days ago.
_STARTED = -110
# Emil's group meets at the school in the morning, so it never clashes with Per's afternoons.
_SCHOOL = "Bodø kommunale skole, møterommet"
_MORNING = 10


@dataclass(frozen=True)
class _Team:
    emil: PlanParticipant
    kristian: PlanParticipant
    fatima: PlanParticipant
    frida: PlanParticipant
    line: PlanParticipant
    hanne: PlanParticipant
    henrik: PlanParticipant

    @property
    def everyone(self) -> list[PlanParticipant]:
        return [self.emil, self.kristian, self.fatima, self.frida, self.line, self.hanne, self.henrik]


@dataclass(frozen=True)
class _Goals:
    playground: Goal
    walk: Goal
    reading: Goal
    tablet: Goal
    everyday: Goal


@dataclass(frozen=True)
class _Measures:
    physio: Measure
    teaching: Measure
    assessment: Measure


def report(world: World) -> NeedReport:
    """The physiotherapist reports the family's need; the coordinating unit grants a plan and a child
    coordinator."""
    cp = intake.report_need(
        actor=world.users["fysio"],
        person=world.people["emil"],
        organisation=world.organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "named_as": world.people["emil"].full_name,
            "needs_plan": True,
            "needs_child_coordinator": True,
            "description": "Cerebral parese. Skole, PPT, fysioterapi og habiliteringstjenesten må samordnes. "
            "Foreldrene koordinerer alt selv i dag.",
            "channel": ReportChannel.WRITTEN,
            "consent_to_report": ReportConsent.YES,
        },
    )
    intake.decide_report(
        actor=world.users["ke"],
        report=cp,
        data={
            "plan_granted": True,
            "child_coordinator_granted": True,
            "serious_condition": True,
            "needs_health_services": True,
            "needs_other_welfare_services": True,
        },
    )
    age_report(cp, received_days=130, decided_days=122)
    _consent(world, cp)
    return cp


def _consent(world: World, report: NeedReport) -> None:
    # Under 16 a parent with parental responsibility consents, and the child is heard.
    consent_and_coordinator(
        world,
        world.people["emil"],
        report,
        consent={
            "given_by": ConsentGiver.PARENT,
            "given_by_person": world.people["fatima"],
            "child_view": "Emil sier at han vil at læreren og fysioterapeuten skal snakke sammen, "
            "«så jeg slipper å vise alt to ganger».",
            "valid_from": world.today - timedelta(days=118),
            "journal_reference": "Journalnotat, hjemmebesøk med koordinerende enhet",
        },
        shared_with=[
            OrganisationKind.HOME_SERVICES,
            OrganisationKind.PHYSIOTHERAPY,
            OrganisationKind.SCHOOL,
            OrganisationKind.PPT,
            OrganisationKind.HABILITATION_UNIT,
        ],
        kind=CoordinatorKind.CHILD_COORDINATOR,
        started_on=world.today - timedelta(days=115),
        person_wishes="Foreldrene ønsker én å ringe, som også kan møte på skolen.",
    )


def plan(world: World, story: Story, report: NeedReport) -> IndividualPlan:
    """Habilitation with a child coordinator, the school and PPT, and the IOP linked; evaluated once."""
    coordinator = world.users["koordinator"]
    draft = _draft(world, story, report)
    team = _team(world, story, draft)
    goals = _goals(story, coordinator, draft)
    measures = _measures(story, coordinator, draft, team, goals)
    _education_plan(world, draft)
    active = _start(world, story, draft, team, goals, measures)
    _first_term(world, story, active, team, goals, measures)
    _evaluation(world, story, active, team, goals, measures)
    return active


def _draft(world: World, story: Story, report: NeedReport) -> IndividualPlan:
    return plans.create_plan(
        actor=world.users["koordinator"],
        person=world.people["emil"],
        need_report=report,
        data={
            "what_matters": "Emil: «Jeg vil være ute med de andre i friminuttet og spille fotball.»\n"
            "Fatima: Vi vil at Emil skal ha det godt på skolen, og at vi slipper å være bindeleddet mellom "
            "alle.",
            "resources": "Emil er nysgjerrig, glad i musikk og fotball, og har gode venner i klassen. "
            "Foreldrene kjenner behovene hans godt, og storesøster er en viktig hjelper.",
            "needs": "Cerebral parese (spastisk diplegi): trenger fysioterapi, tilrettelegging og "
            "spesialundervisning på skolen, hjelpemidler som vokser med ham, og tjenester som snakker "
            "sammen.",
            "collaboration": "Skolen og SFO: tilrettelegging og spesialundervisning etter IOP.\n"
            "PPT Bodø: sakkyndig vurdering og veiledning av skolen.\n"
            "Habiliteringstjenesten, Nordlandssykehuset: spastisitet, ortoser og intensiv treningsperiode.\n"
            "NAV hjelpemiddelsentral: hjelpemidler, søkt av fysioterapeuten.",
            "period_start": story.day(_STARTED),
            "period_end": story.day(255),
            "next_revision": story.day(-14),
        },
    )


def _team(world: World, story: Story, plan: IndividualPlan) -> _Team:
    coordinator = world.users["koordinator"]
    started = story.day(_STARTED)
    participants = {p.kind: p for p in plan.participants.all()}
    emil = contribution(
        coordinator,
        participants[ParticipantKind.PERSON],
        "Sier fra om hva som er lett og vanskelig, og viser frem øvelsene sine.",
    )
    kristian = contribution(
        coordinator,
        participants[ParticipantKind.PROFESSIONAL],
        "Barnekoordinator: familiens faste kontakt, kaller inn ansvarsgruppen og følger opp avtalene.",
    )
    fatima = plans.add_participant(
        actor=coordinator,
        plan=plan,
        data={
            "kind": ParticipantKind.RELATIVE,
            "user": world.users["forelder"],
            "name": world.people["fatima"].full_name,
            "role": "Mor",
            "contribution": "Følger opp øvelsene hjemme, er med på møtene og forteller hvordan Emil har det.",
            "joined_on": started,
        },
    )
    frida = professional(
        plan,
        coordinator,
        world.users["fysio"],
        role="Fysioterapeut",
        contribution="Fysioterapi på skolen og veiledning av assistenten; søker om hjelpemidler.",
        joined_on=started,
    )
    line = professional(
        plan,
        coordinator,
        world.users["laerer"],
        role="Kontaktlærer",
        contribution="Spesialundervisning etter IOP og tilrettelegging i klassen og i friminuttene.",
        joined_on=started,
    )
    hanne = professional(
        plan,
        coordinator,
        world.users["ppt"],
        role="PP-rådgiver",
        contribution="Sakkyndig vurdering og veiledning av skolen.",
        joined_on=started,
    )
    henrik = professional(
        plan,
        coordinator,
        world.users["habilitering"],
        role="Barnelege, habiliteringstjenesten",
        contribution="Oppfølging av spastisitet og ortoser; intensiv treningsperiode sammen med kommunen.",
        joined_on=started,
    )
    return _Team(
        emil=emil, kristian=kristian, fatima=fatima, frida=frida, line=line, hanne=hanne, henrik=henrik
    )


def _goals(story: Story, coordinator: User, plan: IndividualPlan) -> _Goals:
    """Emil's and the family's three goals in their words, each with its scale and a sub-goal for two."""
    family_goal = partial(goal, story, coordinator, "Emil og Fatima Haugen")
    playground = family_goal(
        plan,
        "Emil vil gå selv ute i friminuttene og være med på leken.",
        LifeArea.PARTICIPATION,
        150,
        baseline=-1,
        importance=3,
        difficulty=2,
        scale=scale(
            "Blir kjørt i rullestol ute og ser på leken.",
            "Går med rullator ute, med en voksen ved siden av.",
            "Går med rullator ut og inn selv og er med på leken i hvert friminutt.",
            "Går korte strekninger ute uten rullator.",
            "Spiller fotball med klassen, med tilpasning.",
        ),
    )
    walk = family_goal(
        plan, "Gå selv fra klasserommet til skolegården med rullator.", LifeArea.ACTIVITIES, 30, playground
    )
    reading = family_goal(
        plan,
        "Emil vil lære å lese og skrive sammen med klassen.",
        LifeArea.ACTIVITIES,
        200,
        baseline=-1,
        importance=2,
        difficulty=2,
        scale=scale(
            "Kjenner igjen få bokstaver.",
            "Kjenner alle bokstavene og leser enkle ord med hjelp.",
            "Leser korte setninger selv og skriver på nettbrett.",
            "Leser enkle bøker selv.",
            "Leser på nivå med klassen.",
        ),
    )
    tablet = family_goal(
        plan, "Skrive på nettbrett med tilpasset tastatur.", LifeArea.ACTIVITIES, 60, reading
    )
    everyday = family_goal(
        plan,
        "Familien vil ha én å ringe, og en hverdag som henger sammen.",
        LifeArea.ENVIRONMENT,
        120,
        baseline=-2,
        importance=3,
        difficulty=1,
        scale=scale(
            "Foreldrene koordinerer alt selv, med mange møter hver måned.",
            "Barnekoordinator er oppnevnt, men tjenestene møtes hver for seg.",
            "Ett felles møte hvert kvartal; foreldrene vet hvem de skal ringe.",
            "Avtaler og hjelpemidler ordnes uten at foreldrene må purre.",
            "Foreldrene bruker ikke mer tid på koordinering enn andre foreldre.",
        ),
    )
    return _Goals(playground=playground, walk=walk, reading=reading, tablet=tablet, everyday=everyday)


def _measures(story: Story, coordinator: User, plan: IndividualPlan, team: _Team, goals: _Goals) -> _Measures:
    add = partial(measure, story, coordinator, plan)
    physio = add(
        "Fysioterapi på skolen",
        "To ganger i uka, 30 minutter i skoletiden",
        "Gangtrening med rullator i skolegården og tøyning. Fysioterapeuten veileder assistenten, så "
        "øvelsene blir en del av skoledagen.",
        [goals.playground, goals.walk],
        -100,
        ends_on=story.day(200),
        responsible_participant=team.frida,
    )
    teaching = add(
        "Spesialundervisning etter IOP",
        "Fem timer i uka, delvis i liten gruppe",
        "Lesetrening i liten gruppe og med nettbrett; målene står i IOP-en, som er lenket til planen.",
        [goals.reading, goals.tablet],
        -95,
        ends_on=story.day(200),
        responsible_participant=team.line,
    )
    assessment = add(
        "Sakkyndig vurdering og veiledning av skolen",
        "Sakkyndig vurdering, deretter veiledning to ganger i halvåret",
        "Observasjon i klassen og samtaler med Emil, foreldrene og lærerne.",
        [goals.reading],
        -108,
        ends_on=story.day(-70),
        responsible_participant=team.hanne,
    )
    add(
        "Oppfølging ved habiliteringstjenesten",
        "Kontroll hvert halvår og en intensiv treningsperiode på to uker",
        "Vurdering av spastisitet og behov for ortoser. Treningsperioden gjøres sammen med fysioterapeuten "
        "i kommunen, på skolen og hjemme.",
        [goals.playground],
        -80,
        ends_on=story.day(180),
        responsible_participant=team.henrik,
    )
    add(
        "Felles møter i ansvarsgruppen",
        "Hvert kvartal, og ellers ved behov",
        "Barnekoordinatoren kaller inn, skriver referat og følger opp avtalene, så foreldrene slipper.",
        [goals.everyday],
        -105,
        ends_on=story.day(255),
        responsible_participant=team.kristian,
    )
    return _Measures(physio=physio, teaching=teaching, assessment=assessment)


def _education_plan(world: World, plan: IndividualPlan) -> None:
    plans.link_sub_plan(
        actor=world.users["koordinator"],
        plan=plan,
        data={
            "kind": SubPlanKind.EDUCATION,
            "title": "Individuell opplæringsplan (IOP)",
            "held_by": world.organisations[OrganisationKind.SCHOOL],
            "reference": "Skolens arkiv; kopi hos foreldrene",
        },
    )


def _start(
    world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals, measures: _Measures
) -> IndividualPlan:
    """A visit at home and the start meeting at the school, after which the plan is active."""
    coordinator = world.users["koordinator"]
    note(
        story,
        plan,
        coordinator,
        -108,
        13,
        "Hjemmebesøk hos Fatima og Emil. Familien ønsker møtene på skolen, så Emil kan være med en stund.",
    )
    start_meeting = meeting(
        story,
        plan,
        coordinator,
        offset=-105,
        place=_SCHOOL,
        hour=_MORNING,
        agenda="Oppstart: Emils og familiens mål, hvem gjør hva, og hvordan vi holder kontakten.",
        invited=team.everyone,
        minutes="Til stede: Fatima, Emil (første halvtime), Kristian Olsen, Frida Ystad, Line Solheim, "
        "Hanne Moe.\nEmil fortalte at han vil være ute med de andre i friminuttene. Målene ble skrevet "
        "sammen med ham og Fatima. PPT gjør sakkyndig vurdering før IOP-en skrives.",
        decisions=[
            (
                "Emils og familiens tre mål legges til grunn for planen.",
                [goals.playground, goals.reading, goals.everyday],
                [],
            ),
            ("Fysioterapien flyttes til skoletiden.", [goals.walk], [measures.physio]),
            ("PPT gjør sakkyndig vurdering innen seks uker.", [goals.reading], [measures.assessment]),
        ],
    )
    created = story.at(story.workday(_STARTED), 10)
    return activate(story, plan, coordinator, created=created, start_meeting=start_meeting)


def _first_term(
    world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals, measures: _Measures
) -> None:
    """The IOP written and linked, a tablet applied for, and Emil walking to the schoolyard himself."""
    meeting(
        story,
        plan,
        world.users["koordinator"],
        offset=-60,
        place=_SCHOOL,
        hour=_MORNING,
        agenda="IOP-en, hjelpemidler, og plan for den intensive treningsperioden.",
        invited=team.everyone,
        minutes="Til stede: Fatima, Kristian Olsen, Frida Ystad, Line Solheim, Hanne Moe; Henrik Dahl på "
        "video.\nIOP-en er skrevet og lenket til planen. Nettbrett med tilpasset tastatur er søkt fra NAV "
        "hjelpemiddelsentral. Den intensive treningsperioden legges etter neste kontroll.",
        decisions=[
            ("IOP-en er vedtatt og lenket til planen.", [goals.reading], [measures.teaching]),
            ("Fysioterapeuten søker om nettbrett med tilpasset tastatur.", [goals.tablet], []),
        ],
    )
    note(
        story,
        plan,
        world.users["fysio"],
        -40,
        14,
        "Emil går nå med rullator fra klasserommet til skolegården selv. Assistenten gjør øvelsene med ham "
        "hver dag.",
    )


def _evaluation(
    world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals, measures: _Measures
) -> None:
    """Two weeks ago: Emil plays outside with the others, reading needs more time. The next meeting is set."""
    coordinator = world.users["koordinator"]
    review = meeting(
        story,
        plan,
        coordinator,
        offset=-14,
        place=_SCHOOL,
        hour=_MORNING,
        agenda="Evaluering av planen: målene, tiltakene, og neste periode.",
        invited=team.everyone,
        minutes="Til stede: Fatima, Emil (første halvtime), Kristian Olsen, Frida Ystad, Line Solheim, "
        "Henrik Dahl.\nEmil er med på leken i friminuttene med rullator. Lesingen går fremover, men "
        "langsommere enn håpet. Fatima sier at det er første gang hun ikke har måttet ringe rundt selv.",
        decisions=[
            ("Delmålet om å gå til skolegården selv er nådd.", [goals.walk], [measures.physio]),
            ("Leseopplæringen får en time mer i uka.", [goals.reading], [measures.teaching]),
        ],
    )
    complete_goal(coordinator, goals.walk)
    evaluate(
        story,
        plan,
        coordinator,
        review,
        next_revision=story.day(76),
        ratings={
            goals.playground: (0, "Går med rullator ut og inn selv og er med på leken."),
            goals.reading: (-1, "Leser enkle ord; nettbrettet er nettopp kommet."),
            goals.everyday: (1, "Foreldrene slipper å purre; barnekoordinatoren følger opp."),
        },
        summary="Emil er med på leken ute, og familien har fått én å forholde seg til. Lesingen trenger "
        "mer tid.",
        measures_review="PPTs sakkyndige vurdering er ferdig. Fysioterapi og spesialundervisning fortsetter; "
        "leseopplæringen økes.",
        measure_statuses={measures.assessment: MeasureStatus.DONE},
    )
    meeting(
        story,
        plan,
        coordinator,
        offset=35,
        place=_SCHOOL,
        hour=_MORNING,
        agenda="Etter den intensive treningsperioden: ortoser, rullator ute, og lesingen.",
        invited=team.everyone,
    )
    last_activity(story, plan, review.ends_at + timedelta(hours=2))
