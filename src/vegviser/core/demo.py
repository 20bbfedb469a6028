"""Demo data for trying Vegviser: Bodø municipality and Nordlandssykehuset, with synthetic people only.

Everything is written through the same services as the UI, so the demo also leaves the audit trail a real
installation would have. The registry, users and organisations are written by the system (actor `None`);
reports, decisions and plans by the demo users whose work they are, so the policy is exercised and the pages
show who wrote what.

The people and their plans:

- Per Andersen (45), half a year after a stroke: an active plan led by the municipality with the hospital
  taking part, evaluated twice and revised once, with a responsibility group that has met through the period.
- Emil Haugen (7), cerebral palsy: a child coordinator, a plan with the school, PPT and the hospital's
  habilitation service, the individual education plan (IOP) linked, evaluated once. His mother consents.
- Ulrik Nilsen (16): a draft plan just started, with the checklist showing what is still to be done.
- Sigrid Johansen and Jonas Berg: reports of need still waiting in the coordinating unit's queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from vegviser.access.models import ConsentEvidence, ConsentGiver
from vegviser.access.services import record_consent
from vegviser.accounts.models import Profession, User
from vegviser.accounts.services import create_user
from vegviser.intake.models import CoordinatorKind, NeedReport, ReportChannel, ReportConsent
from vegviser.intake.services import appoint_coordinator, assign_report, decide_report, report_need
from vegviser.plans import notices
from vegviser.plans import services as plans
from vegviser.plans.models import (
    AccessLevel,
    Evaluation,
    Goal,
    GoalRating,
    GoalStatus,
    IndividualPlan,
    LifeArea,
    Measure,
    MeasureStatus,
    Meeting,
    ParticipantKind,
    PlanParticipant,
    PlanVersion,
    SubPlanKind,
)
from vegviser.registry import services as registry
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import (
    Language,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    RelationKind,
)

DEMO_PASSWORD = "demo"  # noqa: S105 - published in the README; demo only
BODO = "1804"
HOSPITAL = "Nordlandssykehuset HF"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    profession: str = ""
    organisation: str = ""
    role: str = ""


def _years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)


def _organisations(bodo: Municipality) -> dict[str, Organisation]:
    hospital = Organisation.objects.get(name=HOSPITAL, kind=OrganisationKind.HEALTH_TRUST)
    hospital_data = {"address": "Parkveien 95, 8005 Bodø", "phone": "75 53 40 00"}
    hospital = registry.update_organisation(
        actor=None, organisation=hospital, data=hospital_data, expected_version=hospital.version
    )
    specs = [
        ("Koordinerende enhet, Bodø kommune", OrganisationKind.COORDINATING_UNIT, "75 55 50 00"),
        ("Hjemmetjenesten, Bodø kommune", OrganisationKind.HOME_SERVICES, "75 55 60 00"),
        ("Fysioterapitjenesten, Bodø kommune", OrganisationKind.PHYSIOTHERAPY, "75 55 61 00"),
        ("Ergoterapitjenesten, Bodø kommune", OrganisationKind.OCCUPATIONAL_THERAPY, "75 55 62 00"),
        ("Bodø kommunale skole", OrganisationKind.SCHOOL, "75 55 70 00"),
        ("Bodø kommunale barnehage", OrganisationKind.KINDERGARTEN, "75 55 71 00"),
        ("PPT Bodø", OrganisationKind.PPT, "75 55 72 00"),
        ("NAV Bodø", OrganisationKind.NAV_OFFICE, "55 55 33 33"),
        ("Sentrum legekontor, Bodø", OrganisationKind.GP_OFFICE, "75 55 80 00"),
    ]
    organisations = {"hospital": hospital}
    for name, kind, phone in specs:
        organisations[kind] = registry.create_organisation(
            actor=None,
            data={"name": name, "kind": kind, "municipality": bodo, "phone": phone, "address": "8001 Bodø"},
        )
    for name, kind in [
        ("Habiliteringstjenesten, Nordlandssykehuset", OrganisationKind.HABILITATION_UNIT),
        ("Rehabiliteringsavdelingen, Nordlandssykehuset", OrganisationKind.REHABILITATION_UNIT),
    ]:
        organisations[kind] = registry.create_organisation(
            actor=None,
            data={
                "name": name,
                "kind": kind,
                "parent": hospital,
                "health_region": hospital.health_region,
                "municipality": bodo,
                "phone": "75 53 40 00",
            },
        )
    return organisations


PROFESSIONALS = [
    DemoUser("ke", "Kari", "Enge", Profession.SOCIAL_WORKER, OrganisationKind.COORDINATING_UNIT,
             MembershipRole.COORDINATING_UNIT_OFFICER),
    DemoUser("koordinator", "Kristian", "Olsen", Profession.NURSE, OrganisationKind.HOME_SERVICES,
             MembershipRole.COORDINATOR),
    DemoUser("fysio", "Frida", "Ystad", Profession.PHYSIOTHERAPIST, OrganisationKind.PHYSIOTHERAPY,
             MembershipRole.TEAM_MEMBER),
    DemoUser("lege", "Lars", "Eide", Profession.PHYSICIAN, OrganisationKind.REHABILITATION_UNIT,
             MembershipRole.TEAM_MEMBER),
    # Per's occupational therapist takes part with limited access: she sees only her own measures.
    DemoUser("ergo", "Eva", "Rønning", Profession.OCCUPATIONAL_THERAPIST,
             OrganisationKind.OCCUPATIONAL_THERAPY, MembershipRole.TEAM_MEMBER),
    # Emil's school, PPT and habilitation service: professionals take part as users of their organisation.
    DemoUser("laerer", "Line", "Solheim", Profession.TEACHER, OrganisationKind.SCHOOL,
             MembershipRole.TEAM_MEMBER),
    DemoUser("ppt", "Hanne", "Moe", Profession.SPECIAL_EDUCATOR, OrganisationKind.PPT,
             MembershipRole.TEAM_MEMBER),
    DemoUser("habilitering", "Henrik", "Dahl", Profession.PHYSICIAN, OrganisationKind.HABILITATION_UNIT,
             MembershipRole.TEAM_MEMBER),
]  # fmt: skip


def _person(bodo: Municipality, given: str, family: str, born: date, seq: int, address: str) -> Person:
    return registry.create_person(
        actor=None,
        data={
            "given_name": given,
            "family_name": family,
            "national_id": synthetic_national_id(born, seq),
            "address": address,
            "postal_code": "8006",
            "postal_town": "Bodø",
            "municipality": bodo,
            "preferred_language": Language.BOKMAL,
        },
    )


def _citizen(username: str, person: Person) -> User:
    user = create_user(
        actor=None,
        data={"username": username, "first_name": person.given_name, "last_name": person.family_name},
    )
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user
    return user


def load_demo() -> None:
    # The story happened in the past, to people who do not exist: no one is emailed about it. (The in-app
    # notices are kept: they are part of what the demo shows.)
    with notices.without_email():
        _load()


@transaction.atomic
def _load() -> None:
    today = timezone.localdate()
    bodo = Municipality.objects.get(number=BODO)
    organisations = _organisations(bodo)
    for spec in PROFESSIONALS:
        create_user(
            actor=None,
            data={
                "username": spec.username,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.vegviser.invalid",
                "profession": spec.profession,
            },
            organisation=organisations[spec.organisation],
            role=spec.role,
        )
    # The coordinating unit's officer also administers the unit's users.
    registry.add_membership(
        actor=None,
        organisation=organisations[OrganisationKind.COORDINATING_UNIT],
        user=User.objects.get(username="ke"),
        role=MembershipRole.ORGANISATION_ADMIN,
    )
    admin = create_user(
        actor=None,
        data={"username": "admin", "first_name": "Ada", "last_name": "Admin", "is_system_admin": True},
    )
    assert admin.is_system_admin

    people = {
        "per": _person(bodo, "Per", "Andersen", _years_ago(today, 45, 100), 0, "Storgata 12"),
        "anne": _person(bodo, "Anne", "Andersen", _years_ago(today, 44, 210), 4, "Storgata 12"),
        "fatima": _person(bodo, "Fatima", "Haugen", _years_ago(today, 38, 40), 1, "Sjøgata 3"),
        "emil": _person(bodo, "Emil", "Haugen", _years_ago(today, 7, 60), 2, "Sjøgata 3"),
        "ulrik": _person(bodo, "Ulrik", "Nilsen", _years_ago(today, 16, 45), 3, "Rønvikveien 7"),
        "sigrid": _person(bodo, "Sigrid", "Johansen", _years_ago(today, 81, 20), 5, "Hernesveien 4"),
        "jonas": _person(bodo, "Jonas", "Berg", _years_ago(today, 34, 150), 6, "Mørkvedveien 21"),
    }
    _citizen("pasient", people["per"])
    _citizen("forelder", people["fatima"])
    _citizen("ungdom", people["ulrik"])
    # One hash for every demo user: hashing is slow by design, and the demo password is public anyway.
    demo_users = [*(spec.username for spec in PROFESSIONALS), "admin", "pasient", "forelder", "ungdom"]
    User.objects.filter(username__in=demo_users).update(password=make_password(DEMO_PASSWORD))
    registry.add_relation(
        actor=None,
        person=people["emil"],
        data={
            "relative": people["fatima"],
            "kind": RelationKind.PARENT,
            "valid_from": people["emil"].birth_date,
        },
    )
    registry.add_relation(
        actor=None,
        person=people["per"],
        data={
            "relative": people["anne"],
            "kind": RelationKind.NEXT_OF_KIN,
            "valid_from": _years_ago(today, 20),
            "note": "Ektefelle",
        },
    )
    users = {user.username: user for user in User.objects.filter(is_system_admin=False)}
    reports = _intake(today, organisations, users, people)
    story = _Story(today)
    _per_plan(story, organisations, users, people, reports["per"])
    _emil_plan(story, organisations, users, people, reports["emil"])
    _ulrik_plan(story, users, people, reports["ulrik"])
    _backdate(story)


def _age_report(report: NeedReport, *, received_days: int, decided_days: int | None = None) -> None:
    """Date a report, and its decision if it has one, back to the days they happened in the story."""
    now = timezone.now()
    moments = {"received_at": now - timedelta(days=received_days)}
    if decided_days is not None:
        moments["decided_at"] = now - timedelta(days=decided_days)
    NeedReport.objects.filter(pk=report.pk).update(**moments)
    report.refresh_from_db()


def _consent_and_coordinator(
    organisations: dict[str, Organisation],
    users: dict[str, User],
    person: Person,
    report: NeedReport,
    *,
    consent: dict[str, Any],
    shared_with: list[str],
    kind: str,
    started_on: date,
    person_wishes: str,
) -> None:
    """The coordinating unit records the oral consent to a plan and a coordinator, shared with the named
    organisations, and appoints the coordinator from the home services."""
    officer = users["ke"]
    record_consent(
        actor=officer,
        person=person,
        data={"covers_plan": True, "covers_coordinator": True, "evidence": ConsentEvidence.ORAL, **consent},
        shared_with=[organisations[organisation] for organisation in shared_with],
    )
    appoint_coordinator(
        actor=officer,
        person=person,
        coordinator=users["koordinator"],
        organisation=organisations[OrganisationKind.HOME_SERVICES],
        kind=kind,
        started_on=started_on,
        person_wishes=person_wishes,
        need_report=report,
    )


def _intake(
    today: date, organisations: dict[str, Organisation], users: dict[str, User], people: dict[str, Person]
) -> dict[str, NeedReport]:
    """Reports of need in every state; consents and coordinators for the three who have plans."""
    stroke = report_need(
        actor=users["lege"],
        person=people["per"],
        organisation=organisations[OrganisationKind.REHABILITATION_UNIT],
        data={
            "needs_plan": True,
            "needs_coordinator": True,
            "description": "Innlagt etter hjerneslag. Trenger hjelp i hverdagen, trening og vei tilbake til "
            "arbeid. Mange tjenester involvert: hjemmetjenesten, fysioterapi, ergoterapi, fastlege og NAV.",
            "channel": ReportChannel.WRITTEN,
            "is_inpatient": True,
            "consent_to_report": ReportConsent.YES,
        },
    )
    decide_report(
        actor=users["ke"],
        report=stroke,
        data={"plan_granted": True, "coordinator_granted": True},
    )
    _age_report(stroke, received_days=190, decided_days=186)
    # Everyone who takes part in Per's plan works for an organisation he has consented to share with.
    _consent_and_coordinator(
        organisations,
        users,
        people["per"],
        stroke,
        consent={
            "given_by": ConsentGiver.PERSON,
            "valid_from": today - timedelta(days=185),
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
        started_on=today - timedelta(days=180),
        person_wishes="Ønsker en fast kontaktperson i hjemmetjenesten.",
    )

    cp = report_need(
        actor=users["fysio"],
        person=people["emil"],
        organisation=organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "needs_plan": True,
            "needs_child_coordinator": True,
            "description": "Cerebral parese. Skole, PPT, fysioterapi og habiliteringstjenesten må samordnes. "
            "Foreldrene koordinerer alt selv i dag.",
            "channel": ReportChannel.WRITTEN,
            "consent_to_report": ReportConsent.YES,
        },
    )
    decide_report(
        actor=users["ke"],
        report=cp,
        data={
            "plan_granted": True,
            "child_coordinator_granted": True,
            "serious_condition": True,
            "needs_health_services": True,
            "needs_other_welfare_services": True,
        },
    )
    _age_report(cp, received_days=130, decided_days=122)
    # Under 16 a parent with parental responsibility consents, and the child is heard.
    _consent_and_coordinator(
        organisations,
        users,
        people["emil"],
        cp,
        consent={
            "given_by": ConsentGiver.PARENT,
            "given_by_person": people["fatima"],
            "child_view": "Emil sier at han vil at læreren og fysioterapeuten skal snakke sammen, "
            "«så jeg slipper å vise alt to ganger».",
            "valid_from": today - timedelta(days=118),
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
        started_on=today - timedelta(days=115),
        person_wishes="Foreldrene ønsker én å ringe, som også kan møte på skolen.",
    )

    pain = report_need(
        actor=users["fysio"],
        person=people["ulrik"],
        organisation=organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "needs_coordinator": True,
            "description": "Langvarige smerter og mye fravær fra skolen. Trenger én å forholde seg til.",
            "channel": ReportChannel.ORAL,
            "consent_to_report": ReportConsent.YES,
        },
    )
    decide_report(actor=users["ke"], report=pain, data={"coordinator_granted": True})
    _age_report(pain, received_days=35, decided_days=12)
    # From 16 he consents himself.
    _consent_and_coordinator(
        organisations,
        users,
        people["ulrik"],
        pain,
        consent={
            "given_by": ConsentGiver.PERSON,
            "valid_from": today - timedelta(days=10),
            "journal_reference": "Journalnotat, samtale på helsestasjon for ungdom",
        },
        shared_with=[OrganisationKind.PHYSIOTHERAPY, OrganisationKind.SCHOOL, OrganisationKind.GP_OFFICE],
        kind=CoordinatorKind.COORDINATOR,
        started_on=today - timedelta(days=8),
        person_wishes="Vil helst ha møter etter skoletid, og at mamma ikke må være med på alt.",
    )

    # The queue keeps a new report and one overdue in assessment.
    fracture = report_need(
        actor=users["lege"],
        person=people["sigrid"],
        organisation=organisations[OrganisationKind.REHABILITATION_UNIT],
        data={
            "needs_coordinator": True,
            "description": "Lårhalsbrudd, operert. Bor alene, begynnende glemsomhet. Trenger hjelp hjemme "
            "etter utskrivning og én som holder trådene med datteren, som bor i Oslo.",
            "channel": ReportChannel.WRITTEN,
            "is_inpatient": True,
            "consent_to_report": ReportConsent.YES,
        },
    )
    _age_report(fracture, received_days=3)
    injury = report_need(
        actor=users["fysio"],
        person=people["jonas"],
        organisation=organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "needs_plan": True,
            "needs_coordinator": True,
            "description": "Nakkeskade etter trafikkulykke, sykmeldt i åtte måneder. Fysioterapi, fastlege, "
            "NAV og psykolog følger opp hver for seg.",
            "channel": ReportChannel.ORAL,
            "consent_to_report": ReportConsent.YES,
        },
    )
    _age_report(injury, received_days=38)
    assign_report(actor=users["ke"], report=injury, officer=users["ke"])
    return {"per": stroke, "emil": cp, "ulrik": pain}


# The fixed public holidays and the Christmas week, when no responsibility group meets. Movable holidays
# (Easter, Ascension, Whitsun) are left out: a demo meeting on one of them misleads nobody.
_DAYS_OFF = {(1, 1), (5, 1), (5, 17), *((12, day) for day in range(24, 32))}


@dataclass
class _Story:
    """Days counted from today, and the moments things happened that the pages show as history."""

    today: date
    stamps: list[tuple[models.Model | models.QuerySet[Any], dict[str, datetime]]] = field(
        default_factory=list
    )

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def workday(self, offset: int, *, forward: bool | None = None) -> date:
        """A working day: a past day off moves back to the one before, a coming one on to the one after."""
        day = self.day(offset)
        step = timedelta(days=1 if (offset > 0 if forward is None else forward) else -1)
        while day.weekday() >= 5 or (day.month, day.day) in _DAYS_OFF:
            day += step
        return day

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def stamp(self, target: models.Model | models.QuerySet[Any], **moments: datetime) -> None:
        self.stamps.append((target, moments))


def _backdate(story: _Story) -> None:
    """Move the rows the pages show as history back to the day they happened in the story.

    The services stamp every row with the moment it is written, so a plan built in one go would have its
    meetings spread over half a year but its log, versions and activation all dated today. Only timestamps
    change here, after every service has run; the audit trail keeps the true time the demo was loaded."""
    for target, moments in story.stamps:
        rows = (
            target
            if isinstance(target, models.QuerySet)
            else type(target)._default_manager.filter(pk=target.pk)
        )
        rows.update(**moments)


_Decision = tuple[str, list[Goal], list[Measure]]


def _meeting(
    story: _Story,
    plan: IndividualPlan,
    actor: User,
    *,
    offset: int,
    agenda: str,
    invited: list[PlanParticipant],
    place: str = "",
    video_link: str = "",
    minutes: str = "",
    decisions: list[_Decision] | None = None,
    hour: int = 13,
) -> Meeting:
    """A meeting of the responsibility group; a past one with its decisions and approved minutes."""
    starts = story.at(story.workday(offset), hour)
    meeting = plans.schedule_meeting(
        actor=actor,
        plan=plan,
        data={
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=90),
            "place": place,
            "video_link": video_link,
            "agenda": agenda,
            "invited": invited,
        },
    )
    story.stamp(meeting, created_at=min(starts - timedelta(days=21), timezone.now()))
    if not minutes:
        return meeting
    for text, goals, measures in decisions or []:
        decision = plans.record_decision(
            actor=actor, meeting=meeting, text=text, goals=goals, measures=measures
        )
        story.stamp(decision, created_at=starts + timedelta(minutes=80))
    meeting = plans.update_meeting(
        actor=actor, meeting=meeting, data={"minutes": minutes}, expected_version=meeting.version
    )
    meeting = plans.approve_minutes(actor=actor, meeting=meeting)
    story.stamp(meeting, minutes_approved_at=min(starts + timedelta(hours=20), timezone.now()))
    return meeting


def _note(story: _Story, plan: IndividualPlan, author: User, offset: int, hour: int, text: str) -> None:
    note = plans.add_note(actor=author, plan=plan, text=text)
    # Forward, so that no note lands before the plan it belongs to was made.
    written = story.at(story.workday(offset, forward=True), hour)
    story.stamp(note, created_at=min(written, timezone.now()))


def _evaluate(
    story: _Story,
    plan: IndividualPlan,
    actor: User,
    meeting: Meeting,
    *,
    next_revision: date,
    ratings: dict[Goal, tuple[int, str]],
    summary: str,
    measures_review: str,
    measure_statuses: dict[Measure, str] | None = None,
) -> Evaluation:
    evaluation = plans.evaluate_plan(
        actor=actor,
        plan=plan,
        evaluated_on=timezone.localdate(meeting.starts_at),
        next_revision=next_revision,
        ratings=ratings,
        summary=summary,
        measures_review=measures_review,
        measure_statuses=measure_statuses,
        meeting=meeting,
    )
    moment = meeting.ends_at + timedelta(hours=1)
    story.stamp(evaluation, created_at=moment)
    story.stamp(PlanVersion.objects.filter(pk=evaluation.plan_version_id), created_at=moment)
    story.stamp(GoalRating.objects.filter(evaluation=evaluation), created_at=moment)
    return evaluation


def _contribution(actor: User, participant: PlanParticipant, contribution: str) -> PlanParticipant:
    return plans.update_participant(
        actor=actor,
        participant=participant,
        data={"contribution": contribution},
        expected_version=participant.version,
    )


def _professional(
    plan: IndividualPlan,
    actor: User,
    user: User,
    *,
    role: str,
    contribution: str,
    joined_on: date,
    access_level: str = AccessLevel.FULL,
) -> PlanParticipant:
    membership = user.memberships.select_related("organisation").get(active=True)
    return plans.add_participant(
        actor=actor,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": user,
            "organisation": membership.organisation,
            "name": user.display_name,
            "role": role,
            "contribution": contribution,
            "access_level": access_level,
            "email": user.email,
            "phone": membership.organisation.phone,
            "joined_on": joined_on,
        },
    )


def _scale(minus_2: str, minus_1: str, expected: str, plus_1: str, plus_2: str) -> dict[str, str]:
    return {
        "level_minus_2": minus_2,
        "level_minus_1": minus_1,
        "level_0": expected,
        "level_plus_1": plus_1,
        "level_plus_2": plus_2,
    }


# A plan's goals and measures are written by its coordinator. Each plan binds the story, the coordinator and
# whose words the goals are once (functools.partial), and passes the plan with each call: activation
# replaces the plan object, and what is written after it must go to the plan as it is then.
def _goal(
    story: _Story,
    coordinator: User,
    written_by_name: str,
    plan: IndividualPlan,
    text: str,
    area: str,
    target: int,
    parent: Goal | None = None,
    *,
    scale: dict[str, str] | None = None,
    **ratings: int,
) -> Goal:
    """A goal the coordinator writes down in the words of `written_by_name`, due `target` days from today."""
    return plans.add_goal(
        actor=coordinator,
        plan=plan,
        data={
            "text": text,
            "written_by_name": written_by_name,
            "life_area": area,
            "target_date": story.day(target),
            "parent": parent,
            **(scale or {}),
            **ratings,
        },
    )


def _measure(
    story: _Story,
    coordinator: User,
    plan: IndividualPlan,
    title: str,
    scope: str,
    how: str,
    goals: list[Goal],
    start: int,
    **data: Any,
) -> Measure:
    """A measure starting `start` days from today: ongoing if it has started, planned if not."""
    return plans.add_measure(
        actor=coordinator,
        plan=plan,
        data={
            "title": title,
            "scope": scope,
            "how": how,
            "goals": goals,
            "starts_on": story.day(start),
            "status": MeasureStatus.ONGOING if start <= 0 else MeasureStatus.PLANNED,
            **data,
        },
    )


def _activate(
    story: _Story, plan: IndividualPlan, coordinator: User, *, created: datetime, start_meeting: Meeting
) -> IndividualPlan:
    """Activate the plan after its first meeting, and date the plan and its first version to then."""
    plan = plans.activate_plan(actor=coordinator, plan=plan)
    activated = start_meeting.ends_at + timedelta(hours=1)
    story.stamp(IndividualPlan.objects.filter(pk=plan.pk), created_at=created, activated_at=activated)
    story.stamp(
        PlanVersion.objects.filter(plan=plan, reason=PlanVersion.Reason.ACTIVATION), created_at=activated
    )
    return plan


def _per_plan(
    story: _Story,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    people: dict[str, Person],
    report: NeedReport,
) -> IndividualPlan:
    """Rehabilitation after a stroke, six months in: two evaluations, one revision, rising goal attainment."""
    coordinator = users["koordinator"]
    per = people["per"]
    started = story.day(-180)
    created = story.at(story.workday(-180), 10)
    plan = plans.create_plan(
        actor=coordinator,
        person=per,
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
            "period_start": started,
            "period_end": story.day(185),
            "next_revision": story.day(-90),
        },
    )
    participants = {p.kind: p for p in plan.participants.all()}
    me = _contribution(
        coordinator,
        participants[ParticipantKind.PERSON],
        "Trener etter programmet hver dag, sier fra når noe ikke fungerer, og vurderer selv hvordan det går "
        "med målene.",
    )
    kristian = _contribution(
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
            "name": people["anne"].full_name,
            "role": "Kone",
            "contribution": "Er med på møtene, støtter treningen hjemme og sier fra om hvordan hverdagen "
            "fungerer for familien.",
            "joined_on": started,
        },
    )
    frida = _professional(
        plan,
        coordinator,
        users["fysio"],
        role="Fysioterapeut",
        contribution="Gang- og balansetrening, hjemmetreningsprogram og målinger av fremgang.",
        joined_on=started,
    )
    lars = _professional(
        plan,
        coordinator,
        users["lege"],
        role="Lege, rehabiliteringsavdelingen",
        contribution="Medisinsk oppfølging og behandlingsplan i sykehuset; vurderer kjøreevne og "
        "arbeidsevne.",
        joined_on=started,
    )
    eva = _professional(
        plan,
        coordinator,
        users["ergo"],
        role="Ergoterapeut",
        contribution="Hjelpemidler og tilrettelegging hjemme og på arbeidsplassen; råd om pauser og "
        "dagsrytme.",
        joined_on=started,
        access_level=AccessLevel.LIMITED,
    )
    team = [me, kristian, anne, frida, lars, eva]

    goal = partial(_goal, story, coordinator, per.full_name)
    home = goal(
        plan,
        "Jeg vil klare meg selv hjemme og gå turer ute uten å være redd for å falle.",
        LifeArea.ACTIVITIES,
        90,
        baseline=-2,
        importance=3,
        difficulty=2,
        scale=_scale(
            "Går bare innendørs, med rullator.",
            "Går korte turer ute (under 500 m) med følge.",
            "Går til butikken og hjem igjen (1,5 km) alene, med stav.",
            "Går turer på 3 km i nærmiljøet alene, uten stav.",
            "Går opp til Keiservarden med familien.",
        ),
    )
    dressing = goal(plan, "Dusje og kle på meg uten hjelp.", LifeArea.ACTIVITIES, -100, home)
    shop = goal(plan, "Gå til butikken alene med stav.", LifeArea.ACTIVITIES, 30, home)
    work = goal(
        plan,
        "Jeg vil tilbake i jobben, først noen dager i uka.",
        LifeArea.PARTICIPATION,
        185,
        baseline=-2,
        importance=3,
        difficulty=3,
        scale=_scale(
            "Ikke i noen arbeidsrettet aktivitet.",
            "Arbeidsutprøving er avtalt, men ikke startet.",
            "Arbeidsutprøving to dager i uka, fire timer om dagen.",
            "Jobber 50 % med tilrettelagte oppgaver.",
            "Jobber 80 % eller mer.",
        ),
    )
    stamina = goal(
        plan, "Orke fire timer med aktivitet uten å måtte legge meg.", LifeArea.BODY_FUNCTIONS, -30, work
    )
    adapted = goal(plan, "Avtale tilrettelegging med arbeidsgiveren.", LifeArea.ENVIRONMENT, -40, work)
    family = goal(
        plan,
        "Jeg vil kjøre bil igjen og være med på det ungene driver med.",
        LifeArea.PARTICIPATION,
        120,
        baseline=-1,
        importance=2,
        difficulty=2,
        scale=_scale(
            "Blir kjørt overalt og er ikke med på ungenes aktiviteter.",
            "Er med på én aktivitet i måneden og blir kjørt.",
            "Er med på kamper og trening hver uke; kjørevurderingen er gjort.",
            "Har fått førerkortet tilbake og kjører korte turer.",
            "Kjører selv til bortekamper og på hytta.",
        ),
    )
    driving = goal(plan, "Få kjøreevnen vurdert.", LifeArea.ACTIVITIES, 45, family)
    goal(plan, "Være med på håndballkampene til Ida.", LifeArea.PARTICIPATION, 60, family)

    measure = partial(_measure, story, coordinator)
    everyday = measure(
        plan,
        "Hverdagsrehabilitering hjemme",
        "Tre besøk i uka i ti uker",
        "Hjemmetjenestens tverrfaglige team trener på dusj, påkledning og matlaging hjemme hos Per, med mål "
        "han har satt selv.",
        [home, dressing],
        -175,
        ends_on=story.day(-105),
        responsible_participant=kristian,
    )
    measure(
        plan,
        "Fysioterapi: gang- og balansetrening",
        "To ganger i uka, 45 minutter, og hjemmeprogram hver dag",
        "På fysioterapitjenesten og ute i nærmiljøet. Fysioterapeuten måler gangdistanse og balanse hver "
        "fjerde uke og justerer hjemmeprogrammet.",
        [home, shop, family],
        -170,
        ends_on=story.day(90),
        responsible_participant=frida,
    )
    measure(
        plan,
        "Ergoterapi: hjelpemidler og energiøkonomisering",
        "Hjemmebesøk, fire samtaler og ett besøk på arbeidsplassen",
        "Utprøving av hjelpemidler på badet, råd om pauser og dagsrytme, og vurdering av arbeidsplassen "
        "sammen med nærmeste leder før arbeidsutprøvingen.",
        [dressing, work, stamina],
        -160,
        ends_on=story.day(60),
        responsible_participant=eva,
    )
    measure(
        plan,
        "Poliklinisk oppfølging ved rehabiliteringsavdelingen",
        "Kontroll hver tredje måned; nevropsykologisk testing én gang",
        "Legekontroll med blodtrykk og medisiner, og testing av konsentrasjon og utholdenhet før "
        "arbeidsutprøvingen. Detaljene står i behandlingsplanen.",
        [work, family],
        -150,
        ends_on=story.day(185),
        responsible_participant=lars,
    )
    inpatient = measure(
        plan,
        "Døgnopphold ved rehabiliteringsinstitusjon",
        "Fire uker",
        "Henvisning fra rehabiliteringsavdelingen til regional vurderingsenhet.",
        [home, work],
        -170,
        status=MeasureStatus.PLANNED,
        responsible_participant=lars,
    )
    plans.link_sub_plan(
        actor=coordinator,
        plan=plan,
        data={
            "kind": SubPlanKind.TREATMENT,
            "title": "Behandlingsplan etter hjerneslag",
            "held_by": organisations[OrganisationKind.REHABILITATION_UNIT],
            "reference": "Sykehusets journal; kontaktperson Lars Eide",
        },
    )
    plans.link_sub_plan(
        actor=coordinator,
        plan=plan,
        data={
            "kind": SubPlanKind.TRAINING,
            "title": "Hjemmetreningsprogram",
            "held_by": organisations[OrganisationKind.PHYSIOTHERAPY],
            "reference": "Utlevert på papir; kopi hos fysioterapitjenesten",
        },
    )
    _note(
        story,
        plan,
        coordinator,
        -178,
        14,
        "Første samtale med Per og Anne hjemme. Per vil ha møtene på dagtid, og Anne deltar når hun kan. "
        "Oppstartsmøte avtalt på rådhuset.",
    )
    start_meeting = _meeting(
        story,
        plan,
        coordinator,
        offset=-174,
        place="Bodø rådhus, møterom 2",
        agenda="Oppstart: bli kjent, Pers mål, hvem gjør hva, og plan for den første perioden.",
        invited=team,
        minutes="Til stede: Per, Anne, Kristian Olsen, Frida Ystad, Eva Rønning; Lars Eide på telefon.\n"
        "Per fortalte hva som er viktigst for ham: å klare seg selv, komme tilbake i jobb og kjøre bil "
        "igjen. Målene ble formulert med hans egne ord, og skalaene for måloppnåelse ble satt sammen "
        "med ham.\n"
        "Hverdagsrehabiliteringen starter neste uke. Søknad om døgnopphold sendes fra sykehuset.",
        decisions=[
            ("Pers tre hovedmål legges til grunn for planen.", [home, work, family], []),
            ("Hverdagsrehabilitering hjemme i ti uker, tre besøk i uka.", [home, dressing], [everyday]),
            (
                "Rehabiliteringsavdelingen søker om døgnopphold ved rehabiliteringsinstitusjon.",
                [],
                [inpatient],
            ),
        ],
    )
    plan = _activate(story, plan, coordinator, created=created, start_meeting=start_meeting)
    _note(
        story,
        plan,
        users["fysio"],
        -140,
        11,
        "Per går nå 500 m ute med stav og følge. Hjemmeprogrammet er utvidet med balanseøvelser.",
    )
    refused, appealed, upheld = story.day(-150), story.day(-135), story.day(-100)
    inpatient = plans.update_measure(
        actor=coordinator,
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
    _note(
        story,
        plan,
        users["lege"],
        -99,
        15,
        "Statsforvalteren har ikke tatt klagen på døgnopphold til følge. Per er skuffet, men vil fortsette "
        "treningen hjemme. Poliklinisk kontroll som avtalt.",
    )
    first_review = _meeting(
        story,
        plan,
        coordinator,
        offset=-90,
        place="Hjemme hos Per, Storgata 12",
        video_link="https://video.demo.vegviser.invalid/m/4821",
        agenda="Evaluering etter tre måneder: målene, tiltakene, og veien mot arbeid.",
        invited=team,
        minutes="Til stede: Per, Anne, Kristian Olsen, Frida Ystad; Lars Eide på video.\n"
        "Per klarer nå dusj og påkledning selv, og går korte turer ute med følge. Han er fortsatt helt "
        "sykmeldt og blir fort sliten. Hverdagsrehabiliteringen avsluttes etter planen.\n"
        "Ergoterapeuten besøker arbeidsplassen før arbeidsutprøving planlegges med NAV.",
        decisions=[
            (
                "Hverdagsrehabiliteringen avsluttes; delmålet om dusj og påkledning er nådd.",
                [dressing],
                [everyday],
            ),
            ("Ergoterapeuten vurderer arbeidsplassen før neste møte.", [work, adapted], []),
        ],
    )
    dressing = plans.update_goal(
        actor=coordinator,
        goal=dressing,
        data={"status": GoalStatus.COMPLETED},
        expected_version=dressing.version,
    )
    _evaluate(
        story,
        plan,
        coordinator,
        first_review,
        next_revision=story.day(-3),
        ratings={
            home: (-1, "Går korte turer ute med følge. Dusj og påkledning klarer han selv."),
            work: (-2, "Fortsatt helt sykmeldt. For tidlig for arbeidsutprøving."),
            family: (-1, "Blir kjørt, men har vært på to av Idas kamper."),
        },
        summary="Tydelig fremgang i hverdagen; arbeid og bilkjøring gjenstår. Per er fornøyd med treningen.",
        measures_review="Hverdagsrehabiliteringen er fullført. Fysioterapien fortsetter. Søknaden om "
        "døgnopphold ble avslått; treningen fortsetter i kommunen.",
        measure_statuses={everyday: MeasureStatus.DONE},
    )
    cancelled = _meeting(
        story,
        plan,
        coordinator,
        offset=-58,
        place="NAV Bodø, møterom 1",
        agenda="Arbeidsutprøving: muligheter og tilrettelegging. NAV og nærmeste leder deltar.",
        invited=team,
    )
    plans.cancel_meeting(actor=coordinator, meeting=cancelled)
    _note(
        story,
        plan,
        coordinator,
        -58,
        10,
        "Møtet hos NAV ble avlyst fordi Per var syk. Nytt møte settes opp med NAV og arbeidsgiveren.",
    )
    trial_start = -28
    trial = measure(
        plan,
        "Arbeidsutprøving hos arbeidsgiveren",
        "To dager i uka, fire timer om dagen; økes etter evaluering",
        "Avtalt mellom Per, arbeidsgiveren og NAV. Sittearbeidsplass og faste pauser; NAV-veilederen følger "
        "opp hver fjortende dag.",
        [work, stamina],
        trial_start,
        ends_on=story.day(62),
        responsible_organisation=organisations[OrganisationKind.NAV_OFFICE],
    )
    trial_meeting = _meeting(
        story,
        plan,
        coordinator,
        offset=-32,
        place="NAV Bodø, møterom 1",
        agenda="Arbeidsutprøving: oppstart og tilrettelegging. NAV og nærmeste leder deltar.",
        invited=team,
        minutes="Til stede: Per, Kristian Olsen, Eva Rønning, NAV-veileder og nærmeste leder.\n"
        "Ergoterapeuten har vurdert arbeidsplassen; lageret tilrettelegges med sittearbeidsplass og faste "
        "pauser. Per starter arbeidsutprøving to dager i uka, fire timer om dagen.",
        decisions=[
            (
                f"Arbeidsutprøving starter {story.day(trial_start):%d.%m.%Y}, to dager i uka; NAV har "
                "ansvaret for oppfølgingen.",
                [work],
                [trial],
            ),
            ("Tilretteleggingsavtalen med arbeidsgiveren er signert; delmålet er nådd.", [adapted], []),
        ],
    )
    adapted = plans.update_goal(
        actor=coordinator,
        goal=adapted,
        data={"status": GoalStatus.COMPLETED},
        expected_version=adapted.version,
    )
    revision = plans.revise_plan(
        actor=coordinator,
        plan=plan,
        note="Arbeidsutprøving lagt inn som tiltak etter møtet med NAV og arbeidsgiveren; delmålet om "
        "tilrettelegging er nådd.",
    )
    story.stamp(revision, created_at=trial_meeting.ends_at + timedelta(hours=2))
    _note(
        story,
        plan,
        users["fysio"],
        -10,
        12,
        "Per gikk 3 km i dag uten stav. Hjemmeprogrammet er justert med mer balansetrening.",
    )
    driving_test = measure(
        plan,
        "Kjørevurdering",
        "Én vurdering med praktisk kjøretest",
        "Legen vurderer helsekravene til førerkort; praktisk kjøretest med trafikkskole. Resultatet tas opp "
        "på neste møte.",
        [family, driving],
        20,
        ends_on=story.day(50),
        responsible_participant=lars,
    )
    second_review = _meeting(
        story,
        plan,
        coordinator,
        offset=-3,
        place="Bodø rådhus, møterom 2",
        agenda="Evaluering etter seks måneder og revisjon av planen.",
        invited=team,
        minutes="Til stede: Per, Anne, Kristian Olsen, Frida Ystad, Lars Eide, Eva Rønning.\n"
        "Per går turer på 3 km alene og er i arbeidsutprøving to dager i uka. Han er sliten etter "
        "arbeidsdagene, men vil øke. Kjørevurdering bestilles.",
        decisions=[
            ("Arbeidsutprøvingen økes til tre dager i uka fra neste måned.", [work], [trial]),
            ("Legen bestiller kjørevurdering.", [family, driving], [driving_test]),
        ],
    )
    _evaluate(
        story,
        plan,
        coordinator,
        second_review,
        next_revision=story.day(87),
        ratings={
            home: (1, "Går 3 km alene uten stav. Bedre enn forventet."),
            work: (0, "Arbeidsutprøving to dager i uka, som planlagt."),
            family: (-1, "Er med på kampene hver uke, men kjørevurderingen er ikke gjort ennå."),
        },
        summary="God fremgang: turer alene og i gang med arbeidsutprøving. Neste steg er mer arbeid og "
        "kjørevurdering.",
        measures_review="Fysioterapi og ergoterapi fortsetter med lavere hyppighet. Arbeidsutprøvingen økes. "
        "Kjørevurdering er lagt inn som nytt tiltak.",
    )
    _meeting(
        story,
        plan,
        coordinator,
        offset=40,
        place="Bodø rådhus, møterom 2",
        agenda="Status etter kjørevurderingen, opptrapping i jobb, og dato for neste evaluering.",
        invited=team,
    )
    # Since the evaluation, Per has rated a goal himself and talked with his coordinator in the portal.
    per_user = User.objects.get(person=per)
    rating = plans.rate_progress(
        actor=per_user, goal=home, attainment=2, comment="Gikk 5 km rundt Soloppen på søndag, uten pause!"
    )
    story.stamp(rating, created_at=story.at(story.day(-1), 19, 30))
    for author, offset, hour, text in [
        (
            coordinator,
            -2,
            9,
            "Hei Per! Kjørevurderingen er bestilt hos Lars Eide. Du får innkalling i posten. Si fra hvis "
            "tidspunktet ikke passer.",
        ),
        (per_user, -2, 18, "Takk! Passer fint. Kan Anne være med på møtet i januar?"),
        (coordinator, -1, 8, "Selvsagt, hun står allerede på innkallingen."),
    ]:
        message = plans.send_message(actor=author, plan=plan, text=text)
        story.stamp(message, created_at=story.at(story.day(offset), hour, 15))
    # The last thing that happened in the story is Per's rating of his goal.
    story.stamp(IndividualPlan.objects.filter(pk=plan.pk), last_activity_at=story.at(story.day(-1), 19, 30))
    return plan


def _emil_plan(
    story: _Story,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    people: dict[str, Person],
    report: NeedReport,
) -> IndividualPlan:
    """Habilitation with a child coordinator, the school and PPT, and the IOP linked; evaluated once."""
    coordinator = users["koordinator"]
    started = story.day(-110)
    created = story.at(story.workday(-110), 10)
    plan = plans.create_plan(
        actor=coordinator,
        person=people["emil"],
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
            "period_start": started,
            "period_end": story.day(255),
            "next_revision": story.day(-14),
        },
    )
    participants = {p.kind: p for p in plan.participants.all()}
    emil = _contribution(
        coordinator,
        participants[ParticipantKind.PERSON],
        "Sier fra om hva som er lett og vanskelig, og viser frem øvelsene sine.",
    )
    kristian = _contribution(
        coordinator,
        participants[ParticipantKind.PROFESSIONAL],
        "Barnekoordinator: familiens faste kontakt, kaller inn ansvarsgruppen og følger opp avtalene.",
    )
    fatima = plans.add_participant(
        actor=coordinator,
        plan=plan,
        data={
            "kind": ParticipantKind.RELATIVE,
            "user": users["forelder"],
            "name": people["fatima"].full_name,
            "role": "Mor",
            "contribution": "Følger opp øvelsene hjemme, er med på møtene og forteller hvordan Emil har det.",
            "joined_on": started,
        },
    )
    frida = _professional(
        plan,
        coordinator,
        users["fysio"],
        role="Fysioterapeut",
        contribution="Fysioterapi på skolen og veiledning av assistenten; søker om hjelpemidler.",
        joined_on=started,
    )
    line = _professional(
        plan,
        coordinator,
        users["laerer"],
        role="Kontaktlærer",
        contribution="Spesialundervisning etter IOP og tilrettelegging i klassen og i friminuttene.",
        joined_on=started,
    )
    hanne = _professional(
        plan,
        coordinator,
        users["ppt"],
        role="PP-rådgiver",
        contribution="Sakkyndig vurdering og veiledning av skolen.",
        joined_on=started,
    )
    henrik = _professional(
        plan,
        coordinator,
        users["habilitering"],
        role="Barnelege, habiliteringstjenesten",
        contribution="Oppfølging av spastisitet og ortoser; intensiv treningsperiode sammen med kommunen.",
        joined_on=started,
    )
    team = [emil, kristian, fatima, frida, line, hanne, henrik]

    goal = partial(_goal, story, coordinator, "Emil og Fatima Haugen")
    playground = goal(
        plan,
        "Emil vil gå selv ute i friminuttene og være med på leken.",
        LifeArea.PARTICIPATION,
        150,
        baseline=-1,
        importance=3,
        difficulty=2,
        scale=_scale(
            "Blir kjørt i rullestol ute og ser på leken.",
            "Går med rullator ute, med en voksen ved siden av.",
            "Går med rullator ut og inn selv og er med på leken i hvert friminutt.",
            "Går korte strekninger ute uten rullator.",
            "Spiller fotball med klassen, med tilpasning.",
        ),
    )
    walk = goal(
        plan, "Gå selv fra klasserommet til skolegården med rullator.", LifeArea.ACTIVITIES, 30, playground
    )
    reading = goal(
        plan,
        "Emil vil lære å lese og skrive sammen med klassen.",
        LifeArea.ACTIVITIES,
        200,
        baseline=-1,
        importance=2,
        difficulty=2,
        scale=_scale(
            "Kjenner igjen få bokstaver.",
            "Kjenner alle bokstavene og leser enkle ord med hjelp.",
            "Leser korte setninger selv og skriver på nettbrett.",
            "Leser enkle bøker selv.",
            "Leser på nivå med klassen.",
        ),
    )
    tablet = goal(plan, "Skrive på nettbrett med tilpasset tastatur.", LifeArea.ACTIVITIES, 60, reading)
    everyday = goal(
        plan,
        "Familien vil ha én å ringe, og en hverdag som henger sammen.",
        LifeArea.ENVIRONMENT,
        120,
        baseline=-2,
        importance=3,
        difficulty=1,
        scale=_scale(
            "Foreldrene koordinerer alt selv, med mange møter hver måned.",
            "Barnekoordinator er oppnevnt, men tjenestene møtes hver for seg.",
            "Ett felles møte hvert kvartal; foreldrene vet hvem de skal ringe.",
            "Avtaler og hjelpemidler ordnes uten at foreldrene må purre.",
            "Foreldrene bruker ikke mer tid på koordinering enn andre foreldre.",
        ),
    )

    measure = partial(_measure, story, coordinator)
    physio = measure(
        plan,
        "Fysioterapi på skolen",
        "To ganger i uka, 30 minutter i skoletiden",
        "Gangtrening med rullator i skolegården og tøyning. Fysioterapeuten veileder assistenten, så "
        "øvelsene blir en del av skoledagen.",
        [playground, walk],
        -100,
        ends_on=story.day(200),
        responsible_participant=frida,
    )
    teaching = measure(
        plan,
        "Spesialundervisning etter IOP",
        "Fem timer i uka, delvis i liten gruppe",
        "Lesetrening i liten gruppe og med nettbrett; målene står i IOP-en, som er lenket til planen.",
        [reading, tablet],
        -95,
        ends_on=story.day(200),
        responsible_participant=line,
    )
    assessment = measure(
        plan,
        "Sakkyndig vurdering og veiledning av skolen",
        "Sakkyndig vurdering, deretter veiledning to ganger i halvåret",
        "Observasjon i klassen og samtaler med Emil, foreldrene og lærerne.",
        [reading],
        -108,
        ends_on=story.day(-70),
        responsible_participant=hanne,
    )
    measure(
        plan,
        "Oppfølging ved habiliteringstjenesten",
        "Kontroll hvert halvår og en intensiv treningsperiode på to uker",
        "Vurdering av spastisitet og behov for ortoser. Treningsperioden gjøres sammen med fysioterapeuten "
        "i kommunen, på skolen og hjemme.",
        [playground],
        -80,
        ends_on=story.day(180),
        responsible_participant=henrik,
    )
    measure(
        plan,
        "Felles møter i ansvarsgruppen",
        "Hvert kvartal, og ellers ved behov",
        "Barnekoordinatoren kaller inn, skriver referat og følger opp avtalene, så foreldrene slipper.",
        [everyday],
        -105,
        ends_on=story.day(255),
        responsible_participant=kristian,
    )
    plans.link_sub_plan(
        actor=coordinator,
        plan=plan,
        data={
            "kind": SubPlanKind.EDUCATION,
            "title": "Individuell opplæringsplan (IOP)",
            "held_by": organisations[OrganisationKind.SCHOOL],
            "reference": "Skolens arkiv; kopi hos foreldrene",
        },
    )
    _note(
        story,
        plan,
        coordinator,
        -108,
        13,
        "Hjemmebesøk hos Fatima og Emil. Familien ønsker møtene på skolen, så Emil kan være med en stund.",
    )
    # Emil's group meets at the school in the morning, so it never clashes with Per's afternoons.
    start_meeting = _meeting(
        story,
        plan,
        coordinator,
        offset=-105,
        place="Bodø kommunale skole, møterommet",
        hour=10,
        agenda="Oppstart: Emils og familiens mål, hvem gjør hva, og hvordan vi holder kontakten.",
        invited=team,
        minutes="Til stede: Fatima, Emil (første halvtime), Kristian Olsen, Frida Ystad, Line Solheim, "
        "Hanne Moe.\nEmil fortalte at han vil være ute med de andre i friminuttene. Målene ble skrevet "
        "sammen med ham og Fatima. PPT gjør sakkyndig vurdering før IOP-en skrives.",
        decisions=[
            ("Emils og familiens tre mål legges til grunn for planen.", [playground, reading, everyday], []),
            ("Fysioterapien flyttes til skoletiden.", [walk], [physio]),
            ("PPT gjør sakkyndig vurdering innen seks uker.", [reading], [assessment]),
        ],
    )
    plan = _activate(story, plan, coordinator, created=created, start_meeting=start_meeting)
    _meeting(
        story,
        plan,
        coordinator,
        offset=-60,
        place="Bodø kommunale skole, møterommet",
        hour=10,
        agenda="IOP-en, hjelpemidler, og plan for den intensive treningsperioden.",
        invited=team,
        minutes="Til stede: Fatima, Kristian Olsen, Frida Ystad, Line Solheim, Hanne Moe; Henrik Dahl på "
        "video.\nIOP-en er skrevet og lenket til planen. Nettbrett med tilpasset tastatur er søkt fra NAV "
        "hjelpemiddelsentral. Den intensive treningsperioden legges etter neste kontroll.",
        decisions=[
            ("IOP-en er vedtatt og lenket til planen.", [reading], [teaching]),
            ("Fysioterapeuten søker om nettbrett med tilpasset tastatur.", [tablet], []),
        ],
    )
    _note(
        story,
        plan,
        users["fysio"],
        -40,
        14,
        "Emil går nå med rullator fra klasserommet til skolegården selv. Assistenten gjør øvelsene med ham "
        "hver dag.",
    )
    review = _meeting(
        story,
        plan,
        coordinator,
        offset=-14,
        place="Bodø kommunale skole, møterommet",
        hour=10,
        agenda="Evaluering av planen: målene, tiltakene, og neste periode.",
        invited=team,
        minutes="Til stede: Fatima, Emil (første halvtime), Kristian Olsen, Frida Ystad, Line Solheim, "
        "Henrik Dahl.\nEmil er med på leken i friminuttene med rullator. Lesingen går fremover, men "
        "langsommere enn håpet. Fatima sier at det er første gang hun ikke har måttet ringe rundt selv.",
        decisions=[
            ("Delmålet om å gå til skolegården selv er nådd.", [walk], [physio]),
            ("Leseopplæringen får en time mer i uka.", [reading], [teaching]),
        ],
    )
    walk = plans.update_goal(
        actor=coordinator, goal=walk, data={"status": GoalStatus.COMPLETED}, expected_version=walk.version
    )
    _evaluate(
        story,
        plan,
        coordinator,
        review,
        next_revision=story.day(76),
        ratings={
            playground: (0, "Går med rullator ut og inn selv og er med på leken."),
            reading: (-1, "Leser enkle ord; nettbrettet er nettopp kommet."),
            everyday: (1, "Foreldrene slipper å purre; barnekoordinatoren følger opp."),
        },
        summary="Emil er med på leken ute, og familien har fått én å forholde seg til. Lesingen trenger "
        "mer tid.",
        measures_review="PPTs sakkyndige vurdering er ferdig. Fysioterapi og spesialundervisning fortsetter; "
        "leseopplæringen økes.",
        measure_statuses={assessment: MeasureStatus.DONE},
    )
    _meeting(
        story,
        plan,
        coordinator,
        offset=35,
        place="Bodø kommunale skole, møterommet",
        hour=10,
        agenda="Etter den intensive treningsperioden: ortoser, rullator ute, og lesingen.",
        invited=team,
    )
    story.stamp(
        IndividualPlan.objects.filter(pk=plan.pk), last_activity_at=review.ends_at + timedelta(hours=2)
    )
    return plan


def _ulrik_plan(
    story: _Story, users: dict[str, User], people: dict[str, Person], report: NeedReport
) -> IndividualPlan:
    """A draft just started: his own words and one goal, with most of the checklist still to do."""
    coordinator = users["koordinator"]
    plan = plans.create_plan(
        actor=coordinator,
        person=people["ulrik"],
        need_report=report,
        data={
            "what_matters": "Jeg vil klare å være på skolen hele dager igjen og begynne på fotballtreningen. "
            "Og jeg vil slippe å forklare alt på nytt til alle.",
        },
    )
    plans.add_goal(
        actor=coordinator,
        plan=plan,
        data={
            "text": "Være på skolen minst fire dager i uka.",
            "written_by_name": people["ulrik"].full_name,
            "life_area": LifeArea.PARTICIPATION,
        },
    )
    created = story.at(story.workday(-5), 15)
    story.stamp(IndividualPlan.objects.filter(pk=plan.pk), created_at=created, last_activity_at=created)
    return plan


def database_is_empty() -> bool:
    return not User.objects.exists()
