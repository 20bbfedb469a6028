"""Who may and who may not make each change: one declared table of the write services, checked for every
persona, as tests/core/test_page_access.py does for the pages.

A service refuses through the policy inside it, whichever view, command or API calls it: a refused persona
gets PermissionDenied and leaves the database as it was (no row added or removed, none saved, no audit
record); an allowed one makes the change, and every audit record it leaves names them. The personas are the
fifteen of tests/personas.py; "anonymous" calls with Django's anonymous user, which a service must
refuse like anyone else, not take for the system (`actor=None`).

Every public function of every `services` module under `vegviser` is either in the table or in
`NOT_USER_WRITES` with the reason; a new one in neither fails `test_every_service_is_in_the_table`.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

import vegviser
from vegviser.access import services as access_services
from vegviser.assessments.models import Schedule, SentQuestionnaire
from vegviser.audit.models import AuditRecord
from vegviser.plans import services as plan_services
from vegviser.plans.models import AccessLevel, Meeting, ParticipantKind
from vegviser.referrals.models import WaitingTime
from vegviser.registry.models import OrganisationKind, RelationKind

from ..conftest import World
from ..factories import (
    AssessmentFactory,
    CollaborationAgreementFactory,
    ConsentFactory,
    EpisodeFactory,
    MembershipFactory,
    NeedReportFactory,
    OrganisationFactory,
    PersonFactory,
    PersonRelationFactory,
    ReferralFactory,
    UserFactory,
    habilitation_unit,
)
from ..personas import (
    ADMINS,
    ALL,
    CLERK,
    CLINICIAN,
    COORDINATOR,
    EPISODE_STAFF,
    KE,
    KE_BOTH,
    LIMITED,
    MATRIX_PERSONAS,
    PATIENT,
    PROFESSIONALS,
    user_and_objects,
)
from ..plans.helpers import appoint, give_consent, plan_for
from ..portal.helpers import goal_written_by

Arguments = dict[str, Any]
Make = Callable[[World], Arguments]


@functools.cache
def services() -> dict[str, Callable[..., Any]]:
    """Every public function defined in a `services` module (or a module of a `services` package) under
    `vegviser`, by "<app>.<name>": what it imports or re-exports is counted where it is defined."""
    found: dict[str, Callable[..., Any]] = {}
    for module_info in pkgutil.walk_packages(vegviser.__path__, "vegviser."):
        parts = module_info.name.split(".")
        if len(parts) < 3 or parts[2] != "services":
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            key = f"{parts[1]}.{name}"
            assert key not in found, f"two services are called {key}: name them apart"
            found[key] = value
    return found


# Public functions of the services modules that are not a user's write: no actor to refuse.
NOT_USER_WRITES = {
    "plans.consent_covers": "whether the consent in force names the organisation; reads only",
    "plans.join_page": "the address of the page where one asks to take part in the plan; reads only",
    # The audit writer: called by every service inside its transaction, after the service's policy check.
    "audit.describe_actor": "the actor as the records name them; reads only",
    "audit.snapshot": "a row's fields as JSON; reads only",
    "audit.record_change": "the audit writer itself",
    "audit.record_access": "the audit writer itself",
    "audit.record_refusal": "the audit writer itself: records what the policy refused, after the refusal",
    "audit.save_new": "the audit writer's insert, inside the calling service's transaction",
    # What every service shares.
    "core.assign": "copies form data onto an unsaved row",
    "audit.save_change": "the audit writer's change of a stored row, in the calling service's transaction",
    # Reads and sums the pages and services share.
    "intake.child_coordinator_conditions": "a read: what a child coordinator still lacks",
    "plans.activation_problems": "a read: what keeps a plan from being made active",
    "plans.plan_t_score": "a sum: the plan's goal attainment T-score",
    "plans.active_goals": "a read: the plan's active and completed goals",
    "plans.missing_in_words": "words: the missing elements as the regulation names them",
    # The signed-in user's own acts, with no one else's to refuse.
    "accounts.send_welcome": "emails the invitation to a user the caller has just created; writes nothing",
    # The person's own copy: what the page shows of it, and the hourly deletion of copies that ran out.
    "portal.latest_copy": "a read: the newest copy the user asked for",
    "portal.delete_copy": "deletes a copy that ran out, for the hourly job; no user's act",
    "portal.delete_expired_copies": "the hourly job's deletion of copies that ran out; no user's act",
    # Questionnaires in the portal: when a schedule is due, and the reminders' job that sends what is due.
    "assessments.occurrence_due": "a read: the schedule's latest occurrence that has fallen due",
    "assessments.send_due": "the reminders' job: sends due occurrences and reminders; no user's act",
}


def _person(world: World) -> Arguments:
    """A person not yet registered, as the unit types them in."""
    new = PersonFactory.build()
    fields = ["given_name", "family_name", "national_id", "birth_date", "municipality", "address"]
    return {"data": {name: getattr(new, name) for name in fields}}


def _register_for_report(world: World) -> Arguments:
    new = PersonFactory.build()
    return {
        "national_id": new.national_id,
        "given_name": new.given_name,
        "family_name": new.family_name,
        "municipality": world.bodo,
    }


def _patient(world: World) -> Arguments:
    return {
        "person": world.patient,
        "data": {"phone": "99 88 77 66"},
        "expected_version": world.patient.version,
    }


def _new_relation(world: World) -> Arguments:
    data = {"relative": PersonFactory(), "kind": RelationKind.NEXT_OF_KIN, "valid_from": timezone.localdate()}
    return {"person": world.patient, "data": data}


def _relation(world: World) -> Arguments:
    relation = PersonRelationFactory(person=world.patient, kind=RelationKind.NEXT_OF_KIN)
    return {"relation": relation, "valid_to": timezone.localdate()}


def _organisation(world: World) -> Arguments:
    data = {"name": "Ergoterapitjenesten Bodø", "kind": OrganisationKind.OCCUPATIONAL_THERAPY}
    return {"data": {**data, "municipality": world.bodo}}


def _school(world: World) -> Arguments:
    return {
        "organisation": world.school,
        "data": {"phone": "75 55 00 00"},
        "expected_version": world.school.version,
    }


def _new_member(world: World) -> Arguments:
    return {"organisation": world.physio, "user": UserFactory(), "role": "team_member"}


def _membership(world: World) -> Arguments:
    return {"membership": MembershipFactory(organisation=world.physio, role="team_member")}


def _user(world: World) -> Arguments:
    return {"data": {"username": "nyansatt", "first_name": "Nora", "last_name": "Berg"}}


def _physiotherapist(world: World) -> Arguments:
    user = MembershipFactory(organisation=world.physio, role="team_member").user
    return {"user": user, "data": {"phone": "99 88 77 66"}}


def _new_consent(world: World) -> Arguments:
    data = {
        "given_by": "person",
        "valid_from": timezone.localdate(),
        "evidence": "oral",
        "journal_reference": "J",
    }
    return {"person": world.patient, "data": data, "shared_with": [world.physio]}


def _consent(world: World) -> Arguments:
    return {"consent": ConsentFactory(person=world.patient, shared_with=[world.physio])}


def _narrowed_consent(world: World) -> Arguments:
    """A consent in force from which the person withdrew the sharing with the school."""
    consent = ConsentFactory(person=world.patient, shared_with=[world.physio])
    consent.withdrawn_for.set([world.school])
    return {"consent": consent, "organisation": world.school}


def _emergency(world: World) -> Arguments:
    return {"plan": plan_for(world), "reason": "Akutt innlagt, trenger planen", "hours": 2}


def _emergency_access(world: World) -> Arguments:
    access = access_services.open_emergency_access(actor=world.org_admin, **_emergency(world))
    return {"access": access, "note": "Begrunnet"}


def _report_need(world: World) -> Arguments:
    data = {
        "needs_plan": True,
        "description": "Trenger plan",
        "channel": "written",
        "consent_to_report": "yes",
    }
    return {"person": world.patient, "data": data}


def _ask_for_help(world: World) -> Arguments:
    return {"person": world.patient, "data": {"needs_plan": True, "description": "Vi trenger hjelp"}}


def _report(world: World) -> Arguments:
    return {"report": NeedReportFactory(person=world.patient)}


def _interim_reply(world: World) -> Arguments:
    """A report undecided for 31 days, and what the letter tells the person."""
    return {
        "report": NeedReportFactory(person=world.patient, received_at=timezone.now() - timedelta(days=31)),
        "reason": "Vi venter på opplysninger fra sykehuset.",
        "decision_expected_on": timezone.localdate() + timedelta(days=14),
    }


def _appointment(world: World) -> Arguments:
    give_consent(world)
    return {
        "person": world.patient,
        "coordinator": world.coordinator,
        "organisation": world.physio,
        "kind": "coordinator",
        "started_on": timezone.localdate(),
    }


def _assignment(world: World) -> Arguments:
    return {"assignment": appoint(world), "ended_on": timezone.localdate(), "reason": "Flyttet"}


def _patient_with_coordinator(world: World) -> Arguments:
    give_consent(world)
    appoint(world)
    return {"person": world.patient}


def _in_plan(**arguments: Any) -> Make:
    """The plan of `plan_for` and the arguments given; `active=True` makes the plan active first."""
    active = arguments.pop("active", False)

    def make(world: World) -> Arguments:
        return {"plan": plan_for(world, active=active), **arguments}

    return make


def _versioned(kind: str, data: Arguments) -> Make:
    """The school's participation in the plan of `plan_for`, or the plan's one goal or measure, with the data
    for it and the version it was read at."""

    def make(world: World) -> Arguments:
        plan = plan_for(world)
        items = {
            "participant": plan.participants.filter(user=world.team_member),
            "goal": plan.goals.all(),
            "measure": plan.measures.all(),
        }
        item = items[kind].get()
        return {kind: item, "data": data, "expected_version": item.version}

    return make


def _plan_version(world: World) -> Arguments:
    plan = plan_for(world)
    return {"plan": plan, "data": {"resources": "Familien"}, "expected_version": plan.version}


def _what_matters(world: World) -> Arguments:
    plan = plan_for(world)
    return {"plan": plan, "text": "Å gå tur med hunden", "expected_version": plan.version}


def _instrument_answers(world: World) -> Arguments:
    """A modified Rankin Scale grade, as the recording form sends it, for the plan of `plan_for`."""
    return {
        "plan": plan_for(world),
        "instrument": "mrs",
        "administered_on": timezone.localdate(),
        "response": {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": "Questionnaire/mrs",
            "status": "completed",
            "item": [{"linkId": "grade", "answer": [{"valueCoding": {"code": "2"}}]}],
        },
    }


def _sent_questionnaire(world: World) -> SentQuestionnaire:
    """A PSFS sent to the portal from the plan of `plan_for`, to be answered within a week."""
    plan = plan_for(world)
    today = timezone.localdate()
    return SentQuestionnaire.objects.create(
        person=plan.person, plan=plan, instrument="psfs", sent_on=today, due_on=today + timedelta(days=7)
    )


def _questionnaire_schedule(world: World) -> Schedule:
    today = timezone.localdate()
    return Schedule.objects.create(
        plan=plan_for(world),
        instrument="psfs",
        every_weeks=4,
        starts_on=today,
        ends_on=today + timedelta(days=90),
        created_by=world.coordinator,
    )


def _psfs_answers(world: World) -> Arguments:
    return {
        "sent": _sent_questionnaire(world),
        "response": {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": "Questionnaire/psfs",
            "status": "completed",
            "item": [
                {
                    "linkId": "activities",
                    "item": [
                        {"linkId": "activity", "answer": [{"valueString": activity}]},
                        {"linkId": "rating", "answer": [{"valueInteger": 6}]},
                    ],
                }
                for activity in ("Gå i trapper", "Bære handleposer", "Gå tur med hunden")
            ],
        },
    }


def _new_measure(world: World) -> Arguments:
    return {"plan": plan_for(world), "data": {"title": "Svømming", "responsible_organisation": world.physio}}


def _participant(world: World) -> Arguments:
    return {
        "participant": plan_for(world).participants.get(user=world.team_member),
        "left_on": timezone.localdate(),
    }


def _sub_plan(world: World) -> Arguments:
    data = {"kind": "education", "title": "IOP"}
    return {"sub_plan": plan_services.link_sub_plan(actor=None, plan=plan_for(world), data=data)}


def _meeting(world: World, *, held: bool = False) -> Meeting:
    """A meeting of the responsibility group next week; `held`: one that began two hours ago, with minutes."""
    starts = timezone.now() + (timedelta(hours=-2) if held else timedelta(days=7))
    meeting = plan_services.schedule_meeting(
        actor=None,
        plan=plan_for(world),
        data={"starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "Rådhuset"},
    )
    if held:
        meeting = plan_services.update_meeting(
            actor=None, meeting=meeting, data={"minutes": "Vi fortsetter."}, expected_version=meeting.version
        )
    return meeting


def _schedule(world: World) -> Arguments:
    starts = timezone.now() + timedelta(days=7)
    data = {"starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "Rådhuset"}
    return {"plan": plan_for(world), "data": data}


def _meeting_update(world: World) -> Arguments:
    meeting = _meeting(world)
    return {"meeting": meeting, "data": {"place": "Helsehuset"}, "expected_version": meeting.version}


def _invitee_wrote(world: World) -> Arguments:
    """A meeting a limited participant is invited to and wrote to the coordinator about."""
    meeting = _meeting(world)
    limited = MembershipFactory(organisation=world.school, role="team_member").user
    participant = plan_services.add_participant(
        actor=None,
        plan=meeting.plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": limited,
            "organisation": world.school,
            "name": limited.display_name,
            "role": "Assistent",
            "access_level": AccessLevel.LIMITED,
        },
    )
    meeting.invited.add(participant)
    plan_services.write_to_coordinator(actor=limited, meeting=meeting, text="Jeg kommer senere")
    return {"meeting": meeting, "invitee": limited, "text": "Det går fint"}


def _evaluation(world: World) -> Arguments:
    plan = plan_for(world, active=True)
    today = timezone.localdate()
    return {
        "plan": plan,
        "evaluated_on": today,
        "next_revision": today + timedelta(days=180),
        "ratings": {plan.goals.get(): (0, "")},
    }


def _own_goal(world: World) -> Arguments:
    """A goal written by the person's side: the person, or the parent of a child."""
    plan = plan_for(world)
    parent = world.patient.relations.filter(kind=RelationKind.PARENT).select_related("relative").first()
    goal = goal_written_by(plan, world.patient.user or (parent.relative.user if parent else None))
    return {"goal": goal, "data": {"text": "Sykle til butikken"}, "expected_version": goal.version}


# Messages about the plan: the coordinator, a participant reading the whole plan, and the person's side.
MESSAGE_WRITERS = COORDINATOR | {"team_member"} | PATIENT


def _referral_to_register(world: World) -> Arguments:
    return {
        "person": world.patient,
        "unit": habilitation_unit(),
        "data": {
            "named_as": world.patient.full_name,
            "referrer_name": "Kari Lege",
            "referrer_organisation": "Sentrum legekontor",
            "received_on": timezone.localdate(),
            "reason": "Utredning av autismespekterforstyrrelse",
            "consent": "yes",
        },
    }


def _referral_to_assess(world: World) -> Arguments:
    """A referral answered with advice to the referrer: no right, no deadline."""
    return {
        "referral": ReferralFactory(person=world.patient),
        "data": {
            "right": "no_need",
            "outcome": "advice",
            "to_referrer": "Fysioterapi i kommunen anbefales før ny henvisning.",
        },
    }


def _referral_awaiting_referrer(world: World) -> Arguments:
    return {"referral": ReferralFactory(person=world.patient, status="awaiting_referrer")}


def _plan_to_join(world: World) -> Arguments:
    """The patient's plan, and their referral at the personas' habilitation unit."""
    ReferralFactory(person=world.patient)
    return {"plan": plan_for(world, active=True), "organisation": habilitation_unit(), "message": ""}


def _join_request(world: World) -> Arguments:
    """A request from the habilitation unit's staff to take part, which the consent in force covers."""
    arguments = _plan_to_join(world)
    give_consent(world, shared_with=(world.physio, world.school, habilitation_unit()))
    asker = MembershipFactory(organisation=habilitation_unit(), role="episode_staff").user
    return {"join_request": plan_services.ask_to_join(actor=asker, **arguments)}


def _agreement_data(world: World) -> dict[str, Any]:
    trust = OrganisationFactory(kind=OrganisationKind.HEALTH_TRUST, municipality=None)
    return {
        "title": "Samarbeidsavtale",
        "municipality": world.bodo,
        "health_trust": trust,
        "covers_habilitation": True,
        "covers_rehabilitation": True,
        "valid_from": timezone.localdate(),
        "valid_to": None,
    }


def _agreement_to_register(world: World) -> Arguments:
    return {
        "data": _agreement_data(world),
        "document": SimpleUploadedFile("avtale.pdf", b"%PDF-1.4 avtale", "application/pdf"),
    }


def _agreement(world: World) -> Arguments:
    agreement = CollaborationAgreementFactory(municipality=world.bodo)
    data = {**_agreement_data(world), "health_trust": agreement.health_trust, "title": "Ny tittel"}
    return {"agreement": agreement, "data": data, "expected_version": agreement.version}


def _waiting_referral(world: World, *, breached: bool = False, reported: bool = False) -> Any:
    """A referral with a right and a deadline; past the deadline if `breached`, with Helfo told if
    `reported`."""
    today = timezone.localdate()
    received = today - timedelta(days=100) if breached else today
    referral = ReferralFactory(person=world.patient, status="assessed", received_on=received)
    assessment = AssessmentFactory(referral=referral)
    if reported:
        WaitingTime.objects.create(
            assessment=assessment, helfo_notified_on=today, helfo_notifier_name="Kontormedarbeider"
        )
    return referral


# service: (personas allowed, arguments besides `actor`)
TABLE: dict[str, tuple[set[str], Make]] = {
    "registry.create_person": (KE_BOTH, _person),
    "registry.find_or_register_person": (PROFESSIONALS, _register_for_report),
    "registry.update_person": (KE, _patient),
    "registry.add_relation": (KE, _new_relation),
    "registry.end_relation": (KE, _relation),
    "registry.create_organisation": ({"system_admin"}, _organisation),
    "registry.update_organisation": ({"system_admin"}, _school),
    "registry.register_agreement": ({"system_admin"}, _agreement_to_register),
    "registry.update_agreement": ({"system_admin"}, _agreement),
    # The specialist unit's staff with the person in a referral ask; the coordinator answers.
    "plans.ask_to_join": ({CLERK, CLINICIAN, EPISODE_STAFF}, _plan_to_join),
    "plans.accept_join_request": (
        COORDINATOR,
        lambda w: {**_join_request(w), "role": "Lege", "access_level": AccessLevel.FULL},
    ),
    "plans.decline_join_request": (COORDINATOR, _join_request),
    "registry.add_membership": (ADMINS, _new_member),
    "registry.end_membership": (ADMINS, _membership),
    "accounts.create_user": (ADMINS, _user),
    "accounts.update_user": (ADMINS, _physiotherapist),
    # The user's own account: the coordinator's, which no one else may change this way.
    "accounts.choose_language": ({"coordinator"}, lambda w: {"user": w.coordinator, "language": "nn"}),
    "accounts.add_totp_device": ({"coordinator"}, lambda w: {"user": w.coordinator}),
    "accounts.confirm_totp_device": (
        {"coordinator"},
        lambda w: {"device": TOTPDevice.objects.create(user=w.coordinator, confirmed=False, name="app")},
    ),
    "access.record_consent": (KE, _new_consent),
    "access.withdraw_consent": (KE, _consent),
    "access.withdraw_own_consent": (PATIENT, _consent),
    "access.renew_own_consent": (PATIENT, _consent),
    "access.give_sharing_again": (PATIENT, _narrowed_consent),
    "access.open_emergency_access": (PROFESSIONALS, _emergency),
    "access.review_emergency_access": (KE, _emergency_access),
    "intake.report_need": (PROFESSIONALS, _report_need),
    "intake.ask_for_help": (PATIENT, _ask_for_help),
    "portal.ask_for_copy": (
        {"patient_user"},
        lambda w: {"person": w.patient, "language": "nb"},
    ),
    "intake.assign_report": (KE, lambda w: {**_report(w), "officer": w.ke_officer}),
    "intake.decide_report": (KE, lambda w: {**_report(w), "data": {"plan_granted": True}}),
    "intake.close_report": (KE, lambda w: {"report": NeedReportFactory(person=w.patient, decided=True)}),
    "intake.send_interim_reply": (KE, _interim_reply),
    "intake.appoint_coordinator": (KE, _appointment),
    "intake.end_coordinator": (KE, _assignment),
    # The specialist side: only the clerk of the receiving unit.
    "referrals.register_referral": ({CLERK}, _referral_to_register),
    "referrals.ask_referrer": (
        {CLERK},
        lambda w: {"referral": ReferralFactory(person=w.patient), "asked_for": "Epikrise fra sykehuset"},
    ),
    "referrals.record_referrer_answer": ({CLERK}, _referral_awaiting_referrer),
    # The right and its deadline: only a clinician of the receiving unit.
    "referrals.assess_referral": ({CLINICIAN}, _referral_to_assess),
    # The wait for care: the unit's clerks and assessing clinicians.
    "referrals.record_helfo_notified": (
        {CLERK, CLINICIAN},
        lambda w: {"referral": _waiting_referral(w, breached=True), "notified_on": timezone.localdate()},
    ),
    "referrals.record_breach_letter_sent": (
        {CLERK, CLINICIAN},
        lambda w: {
            "referral": _waiting_referral(w, breached=True, reported=True),
            "sent_on": timezone.localdate(),
        },
    ),
    "referrals.set_appointment": (
        {CLERK, CLINICIAN},
        lambda w: {
            "referral": _waiting_referral(w),
            "appointment_at": timezone.now() + timedelta(days=14),
        },
    ),
    "referrals.record_postponement": (
        {CLERK, CLINICIAN},
        lambda w: {
            "referral": _waiting_referral(w),
            "code": "22",
            "chosen_on": timezone.localdate(),
            "postponed_to": timezone.localdate() + timedelta(weeks=20),
        },
    ),
    "referrals.record_wait_end": (
        {CLERK, CLINICIAN},
        lambda w: {"referral": _waiting_referral(w), "ended_on": timezone.localdate(), "end_code": "1"},
    ),
    "referrals.attach_document": (
        {CLERK},
        lambda w: {
            "referral": ReferralFactory(person=w.patient),
            "title": "Epikrise fra sykehuset",
            "file": SimpleUploadedFile("epikrise.pdf", b"%PDF-1.4 epikrise", "application/pdf"),
        },
    ),
    # Episodes of care: only the episode staff of the unit.
    "episodes.start_episode": (
        {EPISODE_STAFF},
        lambda w: {
            "person": w.patient,
            "unit": habilitation_unit(),
            "data": {
                "level_of_care": "outpatient",
                "contact_type": "assessment",
                "place": "hospital",
                "specialty": "234",
                "admitted_at": timezone.now(),
                "main_diagnosis": "F84.0",
            },
        },
    ),
    "episodes.update_episode": (
        {EPISODE_STAFF},
        lambda w: {
            "episode": EpisodeFactory(person=w.patient),
            "data": {"contact_type": "video"},
            "expected_version": 1,
        },
    ),
    "episodes.discharge": (
        {EPISODE_STAFF},
        lambda w: {
            "episode": EpisodeFactory(person=w.patient),
            "data": {
                "discharged_at": timezone.now(),
                "course": "Utredning gjennomført.",
                "plan_status": "no_plan",
            },
            "expected_version": 1,
        },
    ),
    "episodes.record_summary_sent": (
        {EPISODE_STAFF},
        lambda w: {
            "episode": EpisodeFactory(person=w.patient, discharged=True),
            "sent_to": "Kari Lege, Sentrum legekontor",
            "sent_on": timezone.localdate(),
        },
    ),
    "plans.create_plan": (COORDINATOR, _patient_with_coordinator),
    "plans.update_plan": (COORDINATOR, _plan_version),
    "plans.activate_plan": (COORDINATOR, _in_plan(reason="Resten skrives på første møte")),
    "plans.pause_plan": (COORDINATOR, _in_plan(active=True)),
    "plans.close_plan": (COORDINATOR, _in_plan(reason="Målene er nådd")),
    "plans.revise_plan": (COORDINATOR, _in_plan(note="Nye tiltak etter innleggelsen")),
    "plans.add_participant": (
        COORDINATOR,
        _in_plan(data={"kind": ParticipantKind.RELATIVE, "name": "Rita", "role": "Kone"}),
    ),
    "plans.update_participant": (COORDINATOR, _versioned("participant", {"contribution": "Leksehjelp"})),
    "plans.end_participation": (COORDINATOR, _participant),
    "plans.add_goal": (COORDINATOR, _in_plan(data={"text": "Sykle til butikken", "baseline": -1})),
    "plans.update_goal": (COORDINATOR, _versioned("goal", {"text": "Gå 2 km uten hjelp"})),
    "plans.add_measure": (COORDINATOR, _new_measure),
    # A participant who reads the whole plan edits the measures they are responsible for: the teacher's.
    "plans.update_measure": (COORDINATOR | {"team_member"}, _versioned("measure", {"scope": "Hver dag"})),
    "plans.link_sub_plan": (COORDINATOR, _in_plan(data={"kind": "education", "title": "IOP"})),
    "plans.unlink_sub_plan": (COORDINATOR, _sub_plan),
    "plans.add_note": (COORDINATOR | {"team_member"}, _in_plan(text="Notat fra skolen")),
    "plans.schedule_meeting": (COORDINATOR, _schedule),
    "plans.update_meeting": (COORDINATOR, _meeting_update),
    "plans.approve_minutes": (COORDINATOR, lambda w: {"meeting": _meeting(w, held=True)}),
    "plans.cancel_meeting": (COORDINATOR, lambda w: {"meeting": _meeting(w)}),
    "plans.record_decision": (
        COORDINATOR,
        lambda w: {"meeting": _meeting(w, held=True), "text": "Vi fortsetter"},
    ),
    # A limited participant cannot read the plan's conversation; invited to a meeting, they write to the
    # coordinator about it (the persona is invited to the plan's meetings).
    "plans.write_to_coordinator": (
        {LIMITED},
        lambda w: {"meeting": _meeting(w), "text": "Jeg kommer senere"},
    ),
    "plans.answer_invitee": (COORDINATOR, _invitee_wrote),
    "plans.evaluate_plan": (COORDINATOR, _evaluation),
    # The plan's professionals record instruments (the limited participant here is responsible for no
    # measure); the person's side answers in the portal, the unit outside the plan not at all.
    "assessments.record_instrument": (COORDINATOR | {"team_member"}, _instrument_answers),
    # They send questionnaires to the portal and set schedules as they write notes in the plan; the person's
    # side answers them.
    "assessments.send_questionnaire": (
        COORDINATOR | {"team_member"},
        lambda w: {
            "plan": plan_for(w),
            "instrument": "psfs",
            "due_on": timezone.localdate() + timedelta(days=7),
        },
    ),
    "assessments.set_schedule": (
        COORDINATOR | {"team_member"},
        lambda w: {
            "plan": plan_for(w),
            "instrument": "psfs",
            "every_weeks": 4,
            "starts_on": timezone.localdate() + timedelta(days=1),
            "ends_on": timezone.localdate() + timedelta(days=90),
        },
    ),
    "assessments.stop_schedule": (
        COORDINATOR | {"team_member"},
        lambda w: {"schedule": _questionnaire_schedule(w)},
    ),
    "assessments.save_draft": (
        PATIENT,
        lambda w: {"sent": _sent_questionnaire(w), "draft": {"activity-0": "Gå i trapper"}},
    ),
    "assessments.answer_questionnaire": (PATIENT, _psfs_answers),
    # The person's own side, in the portal.
    "plans.update_what_matters": (PATIENT, _what_matters),
    "plans.propose_goal": (PATIENT, _in_plan(data={"text": "Sykle til skolen"})),
    "plans.update_own_goal": (PATIENT, _own_goal),
    "plans.rate_progress": (PATIENT, lambda w: {"goal": plan_for(w).goals.get(), "attainment": 0}),
    "plans.agree_to_plan": (PATIENT, _in_plan(active=True)),
    "plans.send_message": (MESSAGE_WRITERS, _in_plan(text="Hei, når er neste møte?")),
}


def test_every_service_is_in_the_table() -> None:
    found = set(services())
    assert found - set(TABLE) - set(NOT_USER_WRITES) == set(), "new services need an entry in the table"
    assert (set(TABLE) | set(NOT_USER_WRITES)) - found == set(), (
        "the table names services that no longer exist"
    )
    assert set(TABLE) & set(NOT_USER_WRITES) == set(), "a service is either a write in the table or not"
    unknown = {service for service, (allowed, _make) in TABLE.items() if not allowed or allowed - ALL}
    assert unknown == set(), "each service allows some of the personas, and only those there are"


@functools.cache
def _state_query() -> str:
    """For every table: its label, its rows, and when a row of it was last saved, if it keeps that."""
    quote = connection.ops.quote_name
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        saved = {field.column for field in model._meta.concrete_fields} & {"updated_at"}
        last_saved = f"CAST(MAX({quote('updated_at')}) AS TEXT)" if saved else "NULL"
        table = quote(model._meta.db_table)
        # Names from the models, not from input.
        parts.append(f"SELECT '{model._meta.label}', COUNT(*), {last_saved} FROM {table}")  # noqa: S608
    return " UNION ALL ".join(parts)


def _state() -> set[tuple[Any, ...]]:
    """Every table's row count and last save, in one query: a refused call must change neither."""
    with connection.cursor() as cursor:
        cursor.execute(_state_query())
        return set(cursor.fetchall())


def _cases() -> list[Any]:
    return [
        pytest.param(service, persona, id=f"{service}-{persona}")
        for service in sorted(TABLE)
        for persona in MATRIX_PERSONAS
    ]


@pytest.mark.parametrize(("service", "persona"), _cases())
def test_service_access(world: World, service: str, persona: str) -> None:
    allowed, make_arguments = TABLE[service]
    user, arguments = user_and_objects(world, persona, lambda: make_arguments(world))
    call = services()[service]
    actor = AnonymousUser() if user is None else user
    if persona not in allowed:
        before = _state()
        with pytest.raises(PermissionDenied):
            call(actor=actor, **arguments)
        assert _state() == before, f"{persona} was refused {service} yet something changed"
        return
    before_records = set(AuditRecord.objects.values_list("pk", flat=True))
    call(actor=actor, **arguments)
    written = AuditRecord.objects.exclude(pk__in=before_records)
    assert written.exists(), f"{service} as {persona} left no audit record"
    assert {record.actor_id for record in written} == {actor.pk}, f"{service} recorded another actor"
