"""Per Andersen (45), half a year after a stroke.

An active plan led by the municipality with the hospital taking part, evaluated twice and revised once, with a
responsibility group that has met through the period. A stay at a rehabilitation institution was refused and
the appeal upheld; a work trial has begun. Since the last evaluation Per has rated a goal himself and talked
with his coordinator in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from vegviser.access.models import ConsentGiver
from vegviser.accounts.models import User
from vegviser.demo import episodes
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
from vegviser.intake.models import CoordinatorKind, NeedReport
from vegviser.plans import services as plans
from vegviser.plans.models import (
    AccessLevel,
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

# The plan was made half a year ago, the period runs as long again.
_STARTED = -180


@dataclass(frozen=True)
class _Team:
    per: PlanParticipant
    kristian: PlanParticipant
    anne: PlanParticipant
    frida: PlanParticipant
    lars: PlanParticipant
    eva: PlanParticipant

    @property
    def everyone(self) -> list[PlanParticipant]:
        return [self.per, self.kristian, self.anne, self.frida, self.lars, self.eva]


@dataclass(frozen=True)
class _Goals:
    home: Goal
    dressing: Goal
    shop: Goal
    work: Goal
    stamina: Goal
    adapted: Goal
    family: Goal
    driving: Goal


@dataclass(frozen=True)
class _Measures:
    everyday: Measure
    inpatient: Measure


def report(world: World) -> NeedReport:
    """The rehabilitation ward reports Per's need at his discharge; the coordinating unit grants a plan and a
    coordinator."""
    # The ward reported it when Per was discharged, in the same step (demo/episodes.py).
    stroke = episodes.rehabilitation_stay(world)
    intake.decide_report(
        actor=world.users["ke"],
        report=stroke,
        data={"plan_granted": True, "coordinator_granted": True},
    )
    age_report(stroke, received_days=190, decided_days=186)
    _consent(world, stroke)
    return stroke


def _consent(world: World, report: NeedReport) -> None:
    # Everyone who takes part in Per's plan works for an organisation he has consented to share with.
    consent_and_coordinator(
        world,
        world.people["per"],
        report,
        consent={
            "given_by": ConsentGiver.PERSON,
            "valid_from": world.today - timedelta(days=185),
            "journal_reference": "Journalnotat, samtale med koordinerende enhet",
        },
        shared_with=[
            OrganisationKind.HOME_SERVICES,
            OrganisationKind.PHYSIOTHERAPY,
            OrganisationKind.OCCUPATIONAL_THERAPY,
            OrganisationKind.GP_OFFICE,
            OrganisationKind.NAV_OFFICE,
            OrganisationKind.REHABILITATION_UNIT,
        ],
        kind=CoordinatorKind.COORDINATOR,
        started_on=world.today - timedelta(days=180),
        person_wishes="Ønsker en fast kontaktperson i hjemmetjenesten.",
    )


def plan(world: World, story: Story, report: NeedReport) -> IndividualPlan:
    """Rehabilitation after a stroke, six months in: two evaluations, one revision, rising goal attainment."""
    coordinator = world.users["koordinator"]
    draft = _draft(world, story, report)
    team = _team(world, story, draft)
    goals = _goals(world, story, draft)
    measures = _measures(story, coordinator, draft, team, goals)
    _sub_plans(world, draft)
    active = _start(world, story, draft, team, goals, measures)
    _first_months(world, story, active, measures)
    _first_evaluation(world, story, active, team, goals, measures)
    trial = _work_trial(world, story, active, team, goals)
    _second_evaluation(world, story, active, team, goals, trial)
    _since_the_evaluation(world, story, active, goals)
    return active


def _draft(world: World, story: Story, report: NeedReport) -> IndividualPlan:
    return plans.create_plan(
        actor=world.users["koordinator"],
        person=world.people["per"],
        need_report=report,
        data={
            "what_matters": "Jeg vil klare meg selv og ikke være en belastning for Anne og ungene. "
            "Jobben betyr mye for meg – jeg savner kollegene og å ha noe å gå til hver dag. Og jeg vil kjøre "
            "bil igjen, så jeg kan være med på kampene til Ida.",
            "resources": "Sta og motivert, trener gjerne hver dag. Har vært fysisk aktiv hele livet. "
            "Anne og to tenåringsbarn som stiller opp. God kontakt med arbeidsgiveren, som vil ha ham "
            "tilbake.",
            "needs": "Hjerneslag i høyre hjernehalvdel: nedsatt kraft og styring i venstre arm og bein, "
            "dårlig balanse, rask utmattelse og konsentrasjonsvansker. Trenger trening, tilrettelegging "
            "hjemme og på jobb, oppfølging fra spesialisthelsetjenesten og en plan for veien tilbake til "
            "arbeid.",
            "collaboration": "NAV Bodø: arbeidsavklaringspenger og arbeidsutprøving; veilederen deltar på "
            "møter om arbeid.\nArbeidsgiveren (byggevarehandel, nærmeste leder): tilrettelegging og gradvis "
            "opptrapping.\nFastlegen, Sentrum legekontor: sykmelding, medisiner og blodtrykk.\n"
            "Rehabiliteringsavdelingen, Nordlandssykehuset: poliklinisk oppfølging; behandlingsplanen er "
            "lenket til planen.",
            "period_start": story.day(_STARTED),
            "period_end": story.day(185),
            "next_revision": story.day(-90),
        },
    )


def _team(world: World, story: Story, plan: IndividualPlan) -> _Team:
    coordinator = world.users["koordinator"]
    started = story.day(_STARTED)
    participants = {p.kind: p for p in plan.participants.all()}
    per = contribution(
        coordinator,
        participants[ParticipantKind.PERSON],
        "Trener etter programmet hver dag, sier fra når noe ikke fungerer, og vurderer selv hvordan det går "
        "med målene.",
    )
    kristian = contribution(
        coordinator,
        participants[ParticipantKind.PROFESSIONAL],
        "Koordinator: kaller inn til møter, skriver referat, holder planen oppdatert og er fast "
        "kontaktperson for Per og Anne. Hjemmetjenestens team står for hverdagsrehabiliteringen.",
    )
    anne = plans.add_participant(
        actor=coordinator,
        plan=plan,
        data={
            "kind": ParticipantKind.RELATIVE,
            "name": world.people["anne"].full_name,
            "role": "Kone",
            "contribution": "Er med på møtene, støtter treningen hjemme og sier fra om hvordan hverdagen "
            "fungerer for familien.",
            "joined_on": started,
        },
    )
    frida = professional(
        plan,
        coordinator,
        world.users["fysio"],
        role="Fysioterapeut",
        contribution="Gang- og balansetrening, hjemmetreningsprogram og målinger av fremgang.",
        joined_on=started,
    )
    lars = professional(
        plan,
        coordinator,
        world.users["lege"],
        role="Lege, rehabiliteringsavdelingen",
        contribution="Medisinsk oppfølging og behandlingsplan i sykehuset; vurderer kjøreevne og "
        "arbeidsevne.",
        joined_on=started,
    )
    eva = professional(
        plan,
        coordinator,
        world.users["ergo"],
        role="Ergoterapeut",
        contribution="Hjelpemidler og tilrettelegging hjemme og på arbeidsplassen; råd om pauser og "
        "dagsrytme.",
        joined_on=started,
        access_level=AccessLevel.LIMITED,
    )
    return _Team(per=per, kristian=kristian, anne=anne, frida=frida, lars=lars, eva=eva)


def _goals(world: World, story: Story, plan: IndividualPlan) -> _Goals:
    """Per's three goals in his own words, each with its scale of attainment and its sub-goals."""
    per_goal = partial(goal, story, world.users["koordinator"], world.people["per"].full_name)
    home = per_goal(
        plan,
        "Jeg vil klare meg selv hjemme og gå turer ute uten å være redd for å falle.",
        LifeArea.ACTIVITIES,
        90,
        baseline=-2,
        importance=3,
        difficulty=2,
        scale=scale(
            "Går bare innendørs, med rullator.",
            "Går korte turer ute (under 500 m) med følge.",
            "Går til butikken og hjem igjen (1,5 km) alene, med stav.",
            "Går turer på 3 km i nærmiljøet alene, uten stav.",
            "Går opp til Keiservarden med familien.",
        ),
    )
    dressing = per_goal(plan, "Dusje og kle på meg uten hjelp.", LifeArea.ACTIVITIES, -100, home)
    shop = per_goal(plan, "Gå til butikken alene med stav.", LifeArea.ACTIVITIES, 30, home)
    work = per_goal(
        plan,
        "Jeg vil tilbake i jobben, først noen dager i uka.",
        LifeArea.PARTICIPATION,
        185,
        baseline=-2,
        importance=3,
        difficulty=3,
        scale=scale(
            "Ikke i noen arbeidsrettet aktivitet.",
            "Arbeidsutprøving er avtalt, men ikke startet.",
            "Arbeidsutprøving to dager i uka, fire timer om dagen.",
            "Jobber 50 % med tilrettelagte oppgaver.",
            "Jobber 80 % eller mer.",
        ),
    )
    stamina = per_goal(
        plan, "Orke fire timer med aktivitet uten å måtte legge meg.", LifeArea.BODY_FUNCTIONS, -30, work
    )
    adapted = per_goal(plan, "Avtale tilrettelegging med arbeidsgiveren.", LifeArea.ENVIRONMENT, -40, work)
    family = per_goal(
        plan,
        "Jeg vil kjøre bil igjen og være med på det ungene driver med.",
        LifeArea.PARTICIPATION,
        120,
        baseline=-1,
        importance=2,
        difficulty=2,
        scale=scale(
            "Blir kjørt overalt og er ikke med på ungenes aktiviteter.",
            "Er med på én aktivitet i måneden og blir kjørt.",
            "Er med på kamper og trening hver uke; kjørevurderingen er gjort.",
            "Har fått førerkortet tilbake og kjører korte turer.",
            "Kjører selv til bortekamper og på hytta.",
        ),
    )
    driving = per_goal(plan, "Få kjøreevnen vurdert.", LifeArea.ACTIVITIES, 45, family)
    per_goal(plan, "Være med på håndballkampene til Ida.", LifeArea.PARTICIPATION, 60, family)
    return _Goals(
        home=home,
        dressing=dressing,
        shop=shop,
        work=work,
        stamina=stamina,
        adapted=adapted,
        family=family,
        driving=driving,
    )


def _measures(story: Story, coordinator: User, plan: IndividualPlan, team: _Team, goals: _Goals) -> _Measures:
    """The measures planned at the start; the work trial and the driving assessment come later."""
    add = partial(measure, story, coordinator, plan)
    everyday = add(
        "Hverdagsrehabilitering hjemme",
        "Tre besøk i uka i ti uker",
        "Hjemmetjenestens tverrfaglige team trener på dusj, påkledning og matlaging hjemme hos Per, med mål "
        "han har satt selv.",
        [goals.home, goals.dressing],
        -175,
        ends_on=story.day(-105),
        responsible_participant=team.kristian,
    )
    add(
        "Fysioterapi: gang- og balansetrening",
        "To ganger i uka, 45 minutter, og hjemmeprogram hver dag",
        "På fysioterapitjenesten og ute i nærmiljøet. Fysioterapeuten måler gangdistanse og balanse hver "
        "fjerde uke og justerer hjemmeprogrammet.",
        [goals.home, goals.shop, goals.family],
        -170,
        ends_on=story.day(90),
        responsible_participant=team.frida,
    )
    add(
        "Ergoterapi: hjelpemidler og energiøkonomisering",
        "Hjemmebesøk, fire samtaler og ett besøk på arbeidsplassen",
        "Utprøving av hjelpemidler på badet, råd om pauser og dagsrytme, og vurdering av arbeidsplassen "
        "sammen med nærmeste leder før arbeidsutprøvingen.",
        [goals.dressing, goals.work, goals.stamina],
        -160,
        ends_on=story.day(60),
        responsible_participant=team.eva,
    )
    add(
        "Poliklinisk oppfølging ved rehabiliteringsavdelingen",
        "Kontroll hver tredje måned; nevropsykologisk testing én gang",
        "Legekontroll med blodtrykk og medisiner, og testing av konsentrasjon og utholdenhet før "
        "arbeidsutprøvingen. Detaljene står i behandlingsplanen.",
        [goals.work, goals.family],
        -150,
        ends_on=story.day(185),
        responsible_participant=team.lars,
    )
    inpatient = add(
        "Døgnopphold ved rehabiliteringsinstitusjon",
        "Fire uker",
        "Henvisning fra rehabiliteringsavdelingen til regional vurderingsenhet.",
        [goals.home, goals.work],
        -170,
        status=MeasureStatus.PLANNED,
        responsible_participant=team.lars,
    )
    return _Measures(everyday=everyday, inpatient=inpatient)


def _sub_plans(world: World, plan: IndividualPlan) -> None:
    coordinator = world.users["koordinator"]
    plans.link_sub_plan(
        actor=coordinator,
        plan=plan,
        data={
            "kind": SubPlanKind.TREATMENT,
            "title": "Behandlingsplan etter hjerneslag",
            "held_by": world.organisations[OrganisationKind.REHABILITATION_UNIT],
            "reference": "Sykehusets journal; kontaktperson Lars Eide",
        },
    )
    plans.link_sub_plan(
        actor=coordinator,
        plan=plan,
        data={
            "kind": SubPlanKind.TRAINING,
            "title": "Hjemmetreningsprogram",
            "held_by": world.organisations[OrganisationKind.PHYSIOTHERAPY],
            "reference": "Utlevert på papir; kopi hos fysioterapitjenesten",
        },
    )


def _start(
    world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals, measures: _Measures
) -> IndividualPlan:
    """The first talk at home and the start meeting, after which the plan is active."""
    coordinator = world.users["koordinator"]
    note(
        story,
        plan,
        coordinator,
        -178,
        14,
        "Første samtale med Per og Anne hjemme. Per vil ha møtene på dagtid, og Anne deltar når hun kan. "
        "Oppstartsmøte avtalt på rådhuset.",
    )
    start_meeting = meeting(
        story,
        plan,
        coordinator,
        offset=-174,
        place="Bodø rådhus, møterom 2",
        agenda="Oppstart: bli kjent, Pers mål, hvem gjør hva, og plan for den første perioden.",
        invited=team.everyone,
        minutes="Til stede: Per, Anne, Kristian Olsen, Frida Ystad, Eva Rønning; Lars Eide på telefon.\n"
        "Per fortalte hva som er viktigst for ham: å klare seg selv, komme tilbake i jobb og kjøre bil "
        "igjen. Målene ble formulert med hans egne ord, og skalaene for måloppnåelse ble satt sammen "
        "med ham.\n"
        "Hverdagsrehabiliteringen starter neste uke. Søknad om døgnopphold sendes fra sykehuset.",
        decisions=[
            ("Pers tre hovedmål legges til grunn for planen.", [goals.home, goals.work, goals.family], []),
            (
                "Hverdagsrehabilitering hjemme i ti uker, tre besøk i uka.",
                [goals.home, goals.dressing],
                [measures.everyday],
            ),
            (
                "Rehabiliteringsavdelingen søker om døgnopphold ved rehabiliteringsinstitusjon.",
                [],
                [measures.inpatient],
            ),
        ],
    )
    created = story.at(story.workday(_STARTED), 10)
    return activate(story, plan, coordinator, created=created, start_meeting=start_meeting)


def _first_months(world: World, story: Story, plan: IndividualPlan, measures: _Measures) -> None:
    """Training at home, and the stay at a rehabilitation institution refused and the appeal upheld."""
    note(
        story,
        plan,
        world.users["fysio"],
        -140,
        11,
        "Per går nå 500 m ute med stav og følge. Hjemmeprogrammet er utvidet med balanseøvelser.",
    )
    refused, appealed, upheld = story.day(-150), story.day(-135), story.day(-100)
    inpatient = measures.inpatient
    plans.update_measure(
        actor=world.users["koordinator"],
        measure=inpatient,
        data={
            "status": MeasureStatus.STOPPED,
            "refusal_note": f"Henvisningen ble vurdert {refused:%d.%m.%Y}: ikke rett til nødvendig "
            f"helsehjelp i spesialisthelsetjenesten. Per klaget til Statsforvalteren {appealed:%d.%m.%Y}; "
            f"klagen ble ikke tatt til følge {upheld:%d.%m.%Y}. Treningen fortsetter i kommunen og "
            "poliklinisk.",
        },
        expected_version=inpatient.version,
    )
    note(
        story,
        plan,
        world.users["lege"],
        -99,
        15,
        "Statsforvalteren har ikke tatt klagen på døgnopphold til følge. Per er skuffet, men vil fortsette "
        "treningen hjemme. Poliklinisk kontroll som avtalt.",
    )


def _first_evaluation(
    world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals, measures: _Measures
) -> None:
    """After three months: everyday rehabilitation done, the sub-goal of dressing reached."""
    coordinator = world.users["koordinator"]
    review = meeting(
        story,
        plan,
        coordinator,
        offset=-90,
        place="Hjemme hos Per, Storgata 12",
        video_link="https://video.demo.vegviser.invalid/m/4821",
        agenda="Evaluering etter tre måneder: målene, tiltakene, og veien mot arbeid.",
        invited=team.everyone,
        minutes="Til stede: Per, Anne, Kristian Olsen, Frida Ystad; Lars Eide på video.\n"
        "Per klarer nå dusj og påkledning selv, og går korte turer ute med følge. Han er fortsatt helt "
        "sykmeldt og blir fort sliten. Hverdagsrehabiliteringen avsluttes etter planen.\n"
        "Ergoterapeuten besøker arbeidsplassen før arbeidsutprøving planlegges med NAV.",
        decisions=[
            (
                "Hverdagsrehabiliteringen avsluttes; delmålet om dusj og påkledning er nådd.",
                [goals.dressing],
                [measures.everyday],
            ),
            ("Ergoterapeuten vurderer arbeidsplassen før neste møte.", [goals.work, goals.adapted], []),
        ],
    )
    complete_goal(coordinator, goals.dressing)
    evaluate(
        story,
        plan,
        coordinator,
        review,
        next_revision=story.day(-3),
        ratings={
            goals.home: (-1, "Går korte turer ute med følge. Dusj og påkledning klarer han selv."),
            goals.work: (-2, "Fortsatt helt sykmeldt. For tidlig for arbeidsutprøving."),
            goals.family: (-1, "Blir kjørt, men har vært på to av Idas kamper."),
        },
        summary="Tydelig fremgang i hverdagen; arbeid og bilkjøring gjenstår. Per er fornøyd med treningen.",
        measures_review="Hverdagsrehabiliteringen er fullført. Fysioterapien fortsetter. Søknaden om "
        "døgnopphold ble avslått; treningen fortsetter i kommunen.",
        measure_statuses={measures.everyday: MeasureStatus.DONE},
    )


def _work_trial(world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals) -> Measure:
    """A meeting at NAV cancelled, then held: the work trial begins and the plan is revised."""
    coordinator = world.users["koordinator"]
    cancelled = meeting(
        story,
        plan,
        coordinator,
        offset=-58,
        place="NAV Bodø, møterom 1",
        agenda="Arbeidsutprøving: muligheter og tilrettelegging. NAV og nærmeste leder deltar.",
        invited=team.everyone,
    )
    plans.cancel_meeting(actor=coordinator, meeting=cancelled)
    note(
        story,
        plan,
        coordinator,
        -58,
        10,
        "Møtet hos NAV ble avlyst fordi Per var syk. Nytt møte settes opp med NAV og arbeidsgiveren.",
    )
    trial_start = -28
    trial = measure(
        story,
        coordinator,
        plan,
        "Arbeidsutprøving hos arbeidsgiveren",
        "To dager i uka, fire timer om dagen; økes etter evaluering",
        "Avtalt mellom Per, arbeidsgiveren og NAV. Sittearbeidsplass og faste pauser; NAV-veilederen følger "
        "opp hver fjortende dag.",
        [goals.work, goals.stamina],
        trial_start,
        ends_on=story.day(62),
        responsible_organisation=world.organisations[OrganisationKind.NAV_OFFICE],
    )
    trial_meeting = meeting(
        story,
        plan,
        coordinator,
        offset=-32,
        place="NAV Bodø, møterom 1",
        agenda="Arbeidsutprøving: oppstart og tilrettelegging. NAV og nærmeste leder deltar.",
        invited=team.everyone,
        minutes="Til stede: Per, Kristian Olsen, Eva Rønning, NAV-veileder og nærmeste leder.\n"
        "Ergoterapeuten har vurdert arbeidsplassen; lageret tilrettelegges med sittearbeidsplass og faste "
        "pauser. Per starter arbeidsutprøving to dager i uka, fire timer om dagen.",
        decisions=[
            (
                f"Arbeidsutprøving starter {story.day(trial_start):%d.%m.%Y}, to dager i uka; NAV har "
                "ansvaret for oppfølgingen.",
                [goals.work],
                [trial],
            ),
            ("Tilretteleggingsavtalen med arbeidsgiveren er signert; delmålet er nådd.", [goals.adapted], []),
        ],
    )
    complete_goal(coordinator, goals.adapted)
    revision = plans.revise_plan(
        actor=coordinator,
        plan=plan,
        note="Arbeidsutprøving lagt inn som tiltak etter møtet med NAV og arbeidsgiveren; delmålet om "
        "tilrettelegging er nådd.",
    )
    story.stamp(revision, created_at=trial_meeting.ends_at + timedelta(hours=2))
    return trial


def _second_evaluation(
    world: World, story: Story, plan: IndividualPlan, team: _Team, goals: _Goals, trial: Measure
) -> None:
    """After six months: walks alone, the work trial to grow, a driving assessment ordered; and the next
    meeting set."""
    coordinator = world.users["koordinator"]
    note(
        story,
        plan,
        world.users["fysio"],
        -10,
        12,
        "Per gikk 3 km i dag uten stav. Hjemmeprogrammet er justert med mer balansetrening.",
    )
    driving_test = measure(
        story,
        coordinator,
        plan,
        "Kjørevurdering",
        "Én vurdering med praktisk kjøretest",
        "Legen vurderer helsekravene til førerkort; praktisk kjøretest med trafikkskole. Resultatet tas opp "
        "på neste møte.",
        [goals.family, goals.driving],
        20,
        ends_on=story.day(50),
        responsible_participant=team.lars,
    )
    review = meeting(
        story,
        plan,
        coordinator,
        offset=-3,
        place="Bodø rådhus, møterom 2",
        agenda="Evaluering etter seks måneder og revisjon av planen.",
        invited=team.everyone,
        minutes="Til stede: Per, Anne, Kristian Olsen, Frida Ystad, Lars Eide, Eva Rønning.\n"
        "Per går turer på 3 km alene og er i arbeidsutprøving to dager i uka. Han er sliten etter "
        "arbeidsdagene, men vil øke. Kjørevurdering bestilles.",
        decisions=[
            ("Arbeidsutprøvingen økes til tre dager i uka fra neste måned.", [goals.work], [trial]),
            ("Legen bestiller kjørevurdering.", [goals.family, goals.driving], [driving_test]),
        ],
    )
    evaluate(
        story,
        plan,
        coordinator,
        review,
        next_revision=story.day(87),
        ratings={
            goals.home: (1, "Går 3 km alene uten stav. Bedre enn forventet."),
            goals.work: (0, "Arbeidsutprøving to dager i uka, som planlagt."),
            goals.family: (-1, "Er med på kampene hver uke, men kjørevurderingen er ikke gjort ennå."),
        },
        summary="God fremgang: turer alene og i gang med arbeidsutprøving. Neste steg er mer arbeid og "
        "kjørevurdering.",
        measures_review="Fysioterapi og ergoterapi fortsetter med lavere hyppighet. Arbeidsutprøvingen økes. "
        "Kjørevurdering er lagt inn som nytt tiltak.",
    )
    meeting(
        story,
        plan,
        coordinator,
        offset=40,
        place="Bodø rådhus, møterom 2",
        agenda="Status etter kjørevurderingen, opptrapping i jobb, og dato for neste evaluering.",
        invited=team.everyone,
    )


def _since_the_evaluation(world: World, story: Story, plan: IndividualPlan, goals: _Goals) -> None:
    """Per has rated a goal himself and talked with his coordinator in the portal."""
    coordinator = world.users["koordinator"]
    per = User.objects.get(person=world.people["per"])
    rating = plans.rate_progress(
        actor=per, goal=goals.home, attainment=2, comment="Gikk 5 km rundt Soloppen på søndag, uten pause!"
    )
    rated_at = story.at(story.day(-1), 19, 30)
    story.stamp(rating, created_at=rated_at)
    conversation: list[tuple[User, int, int, str]] = [
        (
            coordinator,
            -2,
            9,
            "Hei Per! Kjørevurderingen er bestilt hos Lars Eide. Du får innkalling i posten. Si fra hvis "
            "tidspunktet ikke passer.",
        ),
        (per, -2, 18, "Takk! Passer fint. Kan Anne være med på møtet i januar?"),
        (coordinator, -1, 8, "Selvsagt, hun står allerede på innkallingen."),
    ]
    for author, offset, hour, text in conversation:
        message = plans.send_message(actor=author, plan=plan, text=text)
        story.stamp(message, created_at=story.at(story.day(offset), hour, 15))
    # The last thing that happened in the story is Per's rating of his goal.
    last_activity(story, plan, rated_at)
