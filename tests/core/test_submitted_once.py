"""Every create form is processed once, however often it arrives (vegviser/core/once.py): the same body
posted twice (a double click, a request sent again) stores one row, and the second arrival is led to where
the first one led, with no error.

Every view that creates from a form is marked `@submitted_once` and has an entry in `CREATES`;
`test_every_create_view_is_marked_and_listed` fails for a create view that is not.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from vegviser.access.models import Consent, EmergencyAccess
from vegviser.access.services import withdraw_own_consent
from vegviser.accounts.models import User
from vegviser.assessments.models import Administration, Schedule, SentQuestionnaire
from vegviser.audit.models import AuditRecord
from vegviser.core.models import Submission
from vegviser.core.once import SUBMISSIONS_KEPT, submitted_once
from vegviser.episodes.models import Episode
from vegviser.intake.models import CoordinatorAssignment, InterimReply, NeedReport
from vegviser.plans import services
from vegviser.plans.models import (
    AccessLevel,
    Evaluation,
    Goal,
    GoalRating,
    IndividualPlan,
    JoinRequest,
    Measure,
    Meeting,
    MeetingDecision,
    MeetingMessage,
    PlanMessage,
    PlanNote,
    PlanParticipant,
    PlanVersion,
    SubPlan,
)
from vegviser.referrals.models import Assessment, Referral, ReferralAttachment, ReferrerRequest
from vegviser.referrals.services import record_helfo_notified
from vegviser.registry.models import (
    CollaborationAgreement,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    PersonRelation,
    RelationKind,
)

from ..conftest import World, client_as
from ..factories import (
    AssessmentFactory,
    ConsentFactory,
    EpisodeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    UserFactory,
    habilitation_unit,
    rehabilitation_unit,
)
from ..plans.helpers import plan_for
from ..portal.helpers import goal_of
from .test_page_access import _meeting, _patient_with_coordinator, _plan, _portal, _report

Kwargs = dict[str, Any]


@dataclass(frozen=True)
class Create:
    """Who sends the form, the objects its URL needs, what is posted, and the rows it creates."""

    persona: str
    setup: Callable[[World], Kwargs]
    body: Callable[[World, Kwargs], dict[str, Any]]
    model: type[Model]
    # The page the form is on, where it is not the form's own address.
    page: Callable[[Kwargs], str] | None = None


NO_ARGS: Callable[[World], Kwargs] = lambda world: {}  # noqa: E731
TODAY = timezone.localdate


def _questionnaire_in_the_portal(world: World) -> Kwargs:
    """A PSFS sent to the person's portal from their plan, to be answered within a week."""
    plan = plan_for(world)
    sent = SentQuestionnaire.objects.create(
        person=plan.person, plan=plan, instrument="psfs", sent_on=TODAY(), due_on=TODAY() + timedelta(days=7)
    )
    return {"pk": sent.pk}


def _plan_of(kwargs: Kwargs) -> IndividualPlan:
    return IndividualPlan.objects.get(pk=kwargs["pk"])


def _active_plan(world: World) -> Kwargs:
    return {"pk": plan_for(world, active=True).pk}


def _overdue_report(world: World) -> Kwargs:
    return _report(world, overdue=True)


def _rated_goal(world: World) -> Kwargs:
    return {"pk": goal_of(plan_for(world, active=True)).pk}


def _patients_consent(world: World) -> Kwargs:
    """A consent that runs out: the person may renew it."""
    _active_plan(world)
    consent = Consent.objects.get(person=world.patient)
    Consent.objects.filter(pk=consent.pk).update(valid_to=TODAY() + timedelta(days=30))
    return {"pk": consent.pk}


def _sharing_withdrawn(world: World) -> Kwargs:
    """The person withdrew the sharing with the school: they may give it again."""
    _active_plan(world)
    narrowed = withdraw_own_consent(
        actor=world.patient_user, consent=Consent.objects.get(person=world.patient), organisation=world.school
    )
    assert narrowed is not None
    return {"pk": narrowed.pk, "organisation": world.school.pk}


def _clerk(world: World) -> Kwargs:
    """A clerk of the health trust's habilitation unit, where referrals are registered."""
    world.referral_clerk = MembershipFactory(  # type: ignore[attr-defined]
        organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK
    ).user
    return {}


def _referral(world: World) -> Kwargs:
    _clerk(world)
    return {"pk": ReferralFactory(person=world.patient).pk}


def _referral_to_assess(world: World) -> Kwargs:
    """A referral and an assessing clinician of the unit that received it."""
    world.assessing_clinician = MembershipFactory(  # type: ignore[attr-defined]
        organisation=habilitation_unit(), role=MembershipRole.ASSESSING_CLINICIAN
    ).user
    return {"pk": ReferralFactory(person=world.patient).pk}


def _breached_wait(world: World) -> Kwargs:
    """A right whose deadline for care passed yesterday, and a clerk of the unit that gave it."""
    _clerk(world)
    referral = ReferralFactory(
        person=world.patient, status="assessed", received_on=TODAY() - timedelta(days=60)
    )
    AssessmentFactory(referral=referral, care_deadline=TODAY() - timedelta(days=1))
    return {"pk": referral.pk}


def _breach_told_helfo(world: World) -> Kwargs:
    """The breach above, Helfo told: the letter to the person is next."""
    kwargs = _breached_wait(world)
    referral = Referral.objects.get(pk=kwargs["pk"])
    record_helfo_notified(actor=world.referral_clerk, referral=referral, notified_on=TODAY())  # type: ignore[attr-defined]
    return kwargs


def _wait_page(kwargs: Kwargs) -> str:
    return reverse("referrals:waiting_detail", kwargs=kwargs)


def _episode_staff(world: World) -> Kwargs:
    """A nurse on the health trust's rehabilitation ward, where episodes of care are started."""
    world.episode_staff = MembershipFactory(  # type: ignore[attr-defined]
        organisation=rehabilitation_unit(), role=MembershipRole.EPISODE_STAFF
    ).user
    return {}


def _inpatient_stay(world: World) -> Kwargs:
    """The patient's stay on the ward, to discharge with a report of need to the municipality."""
    _episode_staff(world)
    episode = EpisodeFactory(
        person=world.patient,
        unit=rehabilitation_unit(),
        level_of_care="inpatient",
        specialty="230",
        main_diagnosis="Z50.89",
        secondary_diagnoses=["I63.5"],
        procedure_codes=[],
    )
    return {"pk": episode.pk}


def _discharged_stay(world: World) -> Kwargs:
    """The patient's stay on the ward, discharged yesterday: its summary is to be recorded as sent."""
    _episode_staff(world)
    episode = EpisodeFactory(
        person=world.patient,
        unit=rehabilitation_unit(),
        level_of_care="inpatient",
        specialty="230",
        main_diagnosis="Z50.89",
        secondary_diagnoses=["I63.5"],
        procedure_codes=[],
        admitted_at=timezone.now() - timedelta(days=10),
        discharged_at=timezone.now() - timedelta(days=1),
        course="Gangtrening hver dag.",
    )
    return {"pk": episode.pk}


def _episode_page(kwargs: Kwargs) -> str:
    return reverse("episodes:episode_detail", kwargs=kwargs)


def _stay_body(world: World, kwargs: Kwargs) -> dict[str, Any]:
    return {
        "level_of_care": "inpatient",
        "contact_type": "treatment",
        "place": "hospital",
        "specialty": "230",
        "admitted_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "main_diagnosis": "Z50.89",
        "secondary_diagnoses": "I63.5",
        "national_id": world.patient.national_id,
        "given_name": "Per",
        "family_name": "Andersen",
        "municipality": "1804",
        "unit": str(rehabilitation_unit().pk),
    }


def _discharge_body(world: World, kwargs: Kwargs) -> dict[str, Any]:
    return {
        "version": "1",
        "discharged_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "course": "Gangtrening.",
        "plan_status": "being_made",
        "report_need": "on",
        "needs_plan": "on",
        "needs_coordinator": "on",
        "description": "Trenger koordinerte tjenester etter utskrivning.",
        "consent_to_report": "yes",
    }


def _plan_the_clerk_may_ask_to_join(world: World) -> Kwargs:
    """The patient's plan, and their referral at the clerk's unit: the clerk may ask to take part."""
    _referral(world)
    return {"pk": plan_for(world, active=True).pk}


def _system_admin(world: World) -> Kwargs:
    world.trust = OrganisationFactory(  # type: ignore[attr-defined]
        name="Nordlandssykehuset HF", kind="health_trust"
    )
    return {}


def _meeting_with_a_limited_invitee(world: World) -> Kwargs:
    """A meeting the school's teacher, a limited participant, is invited to: they may write to the
    coordinator about it."""
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    starts = timezone.now() + timedelta(days=7)
    meeting = services.schedule_meeting(
        actor=None,
        plan=plan,
        data={
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1),
            "place": "Rådhuset",
            "invited": list(plan.participants.filter(user=world.team_member)),
        },
    )
    return {"pk": meeting.pk}


def _person_without_a_report(world: World) -> Kwargs:
    return {"pk": world.patient.pk}


def _plan_without_address(world: World) -> Kwargs:
    plan_for(world)
    return {}


def _consenting_patient(world: World) -> Kwargs:
    ConsentFactory(person=world.patient)
    return {"pk": world.patient.pk}


def _new_user(world: World) -> Kwargs:
    UserFactory(username="ny")
    return {"pk": world.physio.pk}


def _next_of_kin(world: World, kwargs: Kwargs) -> dict[str, Any]:
    relative = Person.objects.filter(given_name="Mor").first() or PersonFactory(given_name="Mor")
    return {
        "relative_national_id": relative.national_id,
        "kind": RelationKind.NEXT_OF_KIN,
        "valid_from": "2020-01-01",
    }


def _meeting_body(world: World, kwargs: Kwargs) -> dict[str, Any]:
    starts = (timezone.localtime() + timedelta(days=10)).replace(hour=10, minute=0)
    return {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Helsehuset",
        "agenda": "Status",
        "invited": [str(p.pk) for p in _plan_of(kwargs).participants.filter(active=True)],
    }


def _evaluation_body(world: World, kwargs: Kwargs) -> dict[str, Any]:
    plan = _plan_of(kwargs)
    data = {
        "evaluated_on": TODAY().isoformat(),
        "next_revision": (TODAY() + timedelta(days=180)).isoformat(),
        "summary": "Godt i gang",
        "measures_review": "Treningen virker",
    }
    data.update({f"goal_{goal.pk.hex}": "1" for goal in plan.goals.all()})
    for measure in plan.measures.all():
        data[f"measure_{measure.pk.hex}"] = data[f"measure_{measure.pk.hex}_shown"] = measure.status
    return data


def _consent_with_a_signed_paper(world: World, kwargs: Kwargs) -> dict[str, Any]:
    return {
        "given_by": "person",
        "covers_plan": "on",
        "covers_coordinator": "on",
        "shared_with": [str(world.physio.pk), str(world.school.pk)],
        "valid_from": TODAY().isoformat(),
        "evidence": "paper",
        "evidence_file": SimpleUploadedFile("samtykke.pdf", b"%PDF-1.4 signed", "application/pdf"),
    }


CREATES: dict[str, Create] = {
    "intake:report_create": Create(
        "coordinator",
        NO_ARGS,
        lambda world, kwargs: {
            "national_id": world.patient.national_id,
            "given_name": "Per",
            "family_name": "Andersen",
            "municipality": "1804",
            "organisation": str(world.physio.pk),
            "needs_plan": "on",
            "description": "Trenger hjelp i hverdagen etter hjerneslag.",
            "channel": "written",
            "consent_to_report": "yes",
        },
        NeedReport,
    ),
    "intake:interim_reply": Create(
        "ke_officer",
        _overdue_report,
        lambda world, kwargs: {
            "reason": "Vi venter på opplysninger fra sykehuset.",
            "decision_expected_on": (TODAY() + timedelta(days=14)).isoformat(),
        },
        InterimReply,
    ),
    "intake:coordinator_appoint": Create(
        "ke_officer",
        _consenting_patient,
        lambda world, kwargs: {
            "kind": "coordinator",
            "coordinator": str(world.coordinator.pk),
            "organisation": str(world.physio.pk),
            "started_on": TODAY().isoformat(),
            "person_wishes": "",
        },
        CoordinatorAssignment,
    ),
    "registry:person_create": Create(
        "ke_officer",
        NO_ARGS,
        lambda world, kwargs: {
            "given_name": "Ingrid",
            "family_name": "Hansen",
            "birth_date": "1990-03-04",
            "municipality": "1804",
            "preferred_language": "nb",
        },
        Person,
    ),
    "registry:relation_create": Create("ke_officer", _person_without_a_report, _next_of_kin, PersonRelation),
    "registry:organisation_create": Create(
        "system_admin",
        NO_ARGS,
        lambda world, kwargs: {
            "name": "Bodø læringssenter",
            "kind": "learning_coping_centre",
            "municipality": "1804",
            "active": "on",
        },
        Organisation,
    ),
    "registry:organisation_members": Create(
        "org_admin", _new_user, lambda world, kwargs: {"username": "ny", "role": "team_member"}, Membership
    ),
    "accounts:user_create": Create(
        "org_admin",
        NO_ARGS,
        lambda world, kwargs: {
            "username": "nyansatt",
            "first_name": "Nora",
            "last_name": "Nilsen",
            "email": "nora@example.no",
            "profession": "physiotherapist",
            "organisation": str(world.physio.pk),
            "role": "team_member",
        },
        User,
    ),
    "plans:plan_create": Create(
        "coordinator", _patient_with_coordinator, lambda world, kwargs: {}, IndividualPlan
    ),
    "plans:participant_add": Create(
        "coordinator",
        _plan,
        lambda world, kwargs: {
            "kind": "relative",
            "name": "Kari Nordmann",
            "role": "Mor",
            "access_level": "full",
        },
        PlanParticipant,
    ),
    "plans:goal_add": Create(
        "coordinator",
        _plan,
        lambda world, kwargs: {"text": "Sykle til skolen", "status": "active", "baseline": "-1"},
        Goal,
    ),
    "plans:measure_add": Create(
        "coordinator",
        _plan,
        lambda world, kwargs: {
            "title": "Svømming",
            "scope": "En gang i uka",
            "status": "planned",
            "responsible_organisation": str(world.physio.pk),
        },
        Measure,
    ),
    "plans:sub_plan_add": Create(
        "coordinator", _plan, lambda world, kwargs: {"kind": "education", "title": "IOP"}, SubPlan
    ),
    "plans:note_add": Create(
        "coordinator",
        _plan,
        lambda world, kwargs: {"text": "Ringte skolen."},
        PlanNote,
        page=lambda kwargs: reverse("plans:plan_detail", kwargs=kwargs),
    ),
    "plans:messages": Create(
        "coordinator", _plan, lambda world, kwargs: {"text": "Hei, møtet er flyttet."}, PlanMessage
    ),
    "plans:plan_revise": Create(
        "coordinator", _active_plan, lambda world, kwargs: {"note": "Ny skole fra høsten"}, PlanVersion
    ),
    "plans:meeting_create": Create("coordinator", _active_plan, _meeting_body, Meeting),
    "plans:meeting_detail": Create(
        "team_member",
        _meeting_with_a_limited_invitee,
        lambda world, kwargs: {"text": "Jeg kan komme etter klokka tolv."},
        MeetingMessage,
    ),
    "plans:meeting_decision_add": Create(
        "coordinator",
        _meeting,
        lambda world, kwargs: {"text": "Skolen tar over svømmingen."},
        MeetingDecision,
    ),
    "plans:evaluation_create": Create("coordinator", _active_plan, _evaluation_body, Evaluation),
    # An instrument answered twice (a double click on Save) is recorded once.
    "assessments:record": Create(
        "coordinator",
        lambda world: {"pk": plan_for(world).pk, "code": "mrs"},
        lambda world, kwargs: {"administered_on": TODAY().isoformat(), "grade": "3"},
        Administration,
    ),
    # A questionnaire sent to the portal, a schedule set, and the person's answers, each sent twice.
    "assessments:send": Create(
        "coordinator",
        lambda world: {"pk": plan_for(world).pk},
        lambda world, kwargs: {"instrument": "psfs", "due_on": (TODAY() + timedelta(days=7)).isoformat()},
        SentQuestionnaire,
    ),
    "assessments:schedule": Create(
        "coordinator",
        lambda world: {"pk": plan_for(world).pk},
        lambda world, kwargs: {
            "instrument": "psfs",
            "every_weeks": "4",
            "starts_on": (TODAY() + timedelta(days=1)).isoformat(),
            "ends_on": (TODAY() + timedelta(days=90)).isoformat(),
        },
        Schedule,
    ),
    "portal:questionnaire": Create(
        "patient_user",
        _questionnaire_in_the_portal,
        lambda world, kwargs: {
            key: value
            for index in range(3)
            for key, value in (
                (f"activities__{index}__activity", f"Gå i trapper {index}"),
                (f"activities__{index}__rating", "6"),
            )
        },
        Administration,
    ),
    # A document upload: the signed consent's PDF.
    "access:consent_create": Create(
        "ke_officer", _person_without_a_report, _consent_with_a_signed_paper, Consent
    ),
    "access:emergency_open": Create(
        "org_admin",
        _plan_without_address,
        lambda world, kwargs: {
            "national_id": world.patient.national_id,
            "reason": "Akutt innlagt, trenger planen",
            "hours": "2",
        },
        EmergencyAccess,
    ),
    "portal:goal_add": Create(
        "patient_user", _portal, lambda world, kwargs: {"text": "Sykle til butikken"}, Goal
    ),
    "portal:goal_rate": Create(
        "patient_user", _rated_goal, lambda world, kwargs: {"attainment": "1", "comment": "Bedre"}, GoalRating
    ),
    "portal:messages": Create("patient_user", _portal, lambda world, kwargs: {"text": "Hei!"}, PlanMessage),
    "portal:ask_for_help": Create(
        "patient_user",
        _person_without_a_report,
        lambda world, kwargs: {"needs_coordinator": "on", "description": "Jeg trenger hjelp."},
        NeedReport,
    ),
    "portal:consent_renew": Create(
        "patient_user",
        _patients_consent,
        lambda world, kwargs: {},
        Consent,
        page=lambda kwargs: reverse(
            "portal:consents", kwargs={"pk": Consent.objects.get(pk=kwargs["pk"]).person_id}
        ),
    ),
    "portal:consent_share_again": Create(
        "patient_user",
        _sharing_withdrawn,
        lambda world, kwargs: {},
        Consent,
        page=lambda kwargs: reverse(
            "portal:consents", kwargs={"pk": Consent.objects.get(pk=kwargs["pk"]).person_id}
        ),
    ),
    "referrals:referral_register": Create(
        "referral_clerk",
        _clerk,
        lambda world, kwargs: {
            "national_id": world.patient.national_id,
            "given_name": "Per",
            "family_name": "Andersen",
            "municipality": "1804",
            "receiving_unit": str(habilitation_unit().pk),
            "received_on": TODAY().isoformat(),
            "referrer_name": "Kari Lege",
            "referrer_organisation": "Sentrum legekontor",
            "reason": "Vurdering av habiliteringsbehov.",
            "consent": "yes",
        },
        Referral,
    ),
    "episodes:episode_create": Create("episode_staff", _episode_staff, _stay_body, Episode),
    # The discharge sends the report of need to the municipality: one report, however often it arrives.
    "episodes:episode_discharge": Create("episode_staff", _inpatient_stay, _discharge_body, NeedReport),
    # Recording that the discharge summary was sent: one record in the audit trail.
    "episodes:summary_sent": Create(
        "episode_staff",
        _discharged_stay,
        lambda world, kwargs: {"summary_sent_to": "Kari Lege", "summary_sent_on": TODAY().isoformat()},
        AuditRecord,
        page=_episode_page,
    ),
    "referrals:ask_referrer": Create(
        "referral_clerk",
        _referral,
        lambda world, kwargs: {"asked_for": "Epikrise fra sykehuset."},
        ReferrerRequest,
    ),
    "referrals:attachment_add": Create(
        "referral_clerk",
        _referral,
        lambda world, kwargs: {
            "title": "Epikrise fra barneavdelingen",
            "file": SimpleUploadedFile("epikrise.pdf", b"%PDF-1.4 epikrise", "application/pdf"),
        },
        ReferralAttachment,
        page=lambda kwargs: reverse("referrals:referral_detail", kwargs=kwargs),
    ),
    "referrals:assess": Create(
        "assessing_clinician",
        _referral_to_assess,
        lambda world, kwargs: {
            "right": "no_need",
            "outcome": "advice",
            "to_referrer": "Fysioterapi i kommunen anbefales.",
            "step": "save",
        },
        Assessment,
    ),
    # Handling a wait changes the wait, and each change is recorded once in the audit trail.
    "referrals:wait_helfo_notified": Create(
        "referral_clerk",
        _breached_wait,
        lambda world, kwargs: {"helfo_notified_on": TODAY().isoformat()},
        AuditRecord,
        page=_wait_page,
    ),
    "referrals:wait_letter_sent": Create(
        "referral_clerk",
        _breach_told_helfo,
        lambda world, kwargs: {"breach_letter_sent_on": TODAY().isoformat()},
        AuditRecord,
        page=_wait_page,
    ),
    "referrals:wait_postponement": Create(
        "referral_clerk",
        _breached_wait,
        lambda world, kwargs: {
            "postponement_code": "22",
            # Chosen before the deadline passed: one chosen after it would not undo the breach.
            "postponement_chosen_on": (TODAY() - timedelta(days=5)).isoformat(),
            "postponed_to": (TODAY() + timedelta(days=30)).isoformat(),
        },
        AuditRecord,
        page=_wait_page,
    ),
    "referrals:wait_end": Create(
        "referral_clerk",
        _breached_wait,
        lambda world, kwargs: {"ended_on": TODAY().isoformat(), "end_code": "1"},
        AuditRecord,
        page=_wait_page,
    ),
    "plans:join_request": Create(
        "referral_clerk",
        _plan_the_clerk_may_ask_to_join,
        lambda world, kwargs: {"organisation": str(habilitation_unit().pk), "message": "Vi vil delta."},
        JoinRequest,
    ),
    "registry:agreement_create": Create(
        "system_admin",
        _system_admin,
        lambda world, kwargs: {
            "title": "Samarbeidsavtale",
            "municipality": "1804",
            "health_trust": str(world.trust.pk),  # type: ignore[attr-defined]
            "covers_habilitation": "on",
            "valid_from": TODAY().isoformat(),
            "document": SimpleUploadedFile("avtale.pdf", b"%PDF-1.4 avtale", "application/pdf"),
        },
        CollaborationAgreement,
    ),
}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
TOKEN = re.compile(r'<input type="hidden" name="submission" value="([0-9a-f-]{36})">')


def token_of(page: str, url: str) -> str:
    """The one-time token of the form on the page that posts to `url` (an empty action posts to the page)."""
    for attributes, content in FORM.findall(page):
        action = re.search(r'action="([^"]*)"', attributes)
        if action is None or action.group(1) in ("", url):
            found = TOKEN.search(content)
            if found and (action is not None or 'method="post"' in attributes):
                return found.group(1)
    raise AssertionError(f"no form posting to {url} carries a submission token")


def _named_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += [
                (name, f"{pattern.pattern}{route}", p) for name, route, p in _named_patterns(pattern, inner)
            ]
        elif pattern.name:
            found.append((f"{namespace}{pattern.name}", str(pattern.pattern), pattern))
    return found


def test_every_create_view_is_marked_and_listed() -> None:
    patterns = _named_patterns(get_resolver())
    marked = {name for name, _route, p in patterns if getattr(p.callback, "submitted_once", False)}
    assert marked == set(CREATES)
    # A new page that adds something must be marked too: its address says so.
    creating = {
        name
        for name, route, _p in patterns
        if route.endswith("/new/") or name.endswith(("_add", "_create")) or name == "plans:messages"
    }
    assert creating <= marked, creating - marked


@pytest.mark.parametrize("name", sorted(CREATES))
def test_a_create_form_sent_twice_stores_once(world: World, name: str) -> None:
    case = CREATES[name]
    kwargs = case.setup(world)
    url = reverse(name, kwargs=kwargs)
    client = client_as(getattr(world, case.persona))
    page = client.get(case.page(kwargs) if case.page else url)
    assert page.status_code == 200
    token = token_of(page.content.decode(), url)
    rows = case.model.objects.count()

    first = client.post(url, {**case.body(world, kwargs), "submission": token})
    assert first.status_code == 302, (
        first.context and first.context.get("form") and first.context["form"].errors
    )
    assert case.model.objects.count() == rows + 1
    second = client.post(url, {**case.body(world, kwargs), "submission": token})
    # Led, with no error, to where the first one led, and told that it was stored once.
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    levels = [m.level for m in get_messages(second.wsgi_request)]
    assert levels[-1] == messages.INFO and messages.ERROR not in levels
    assert client.get(second["Location"]).status_code == 200
    assert case.model.objects.count() == rows + 1


def _report_body(world: World) -> dict[str, Any]:
    return CREATES["intake:report_create"].body(world, {})


def test_a_form_shown_again_with_errors_keeps_its_token_and_the_correction_is_stored_once(
    world: World,
) -> None:
    client = client_as(world.coordinator)
    url = reverse("intake:report_create")
    token = token_of(client.get(url).content.decode(), url)
    wrong = client.post(url, {**_report_body(world), "description": "", "submission": token})
    assert wrong.status_code == 200 and wrong.context["form"].errors["description"]
    assert token_of(wrong.content.decode(), url) == token
    assert not NeedReport.objects.exists() and not Submission.objects.exists()
    for _ in range(2):
        assert client.post(url, {**_report_body(world), "submission": token}).status_code == 302
    assert NeedReport.objects.count() == 1
    # The form opened anew is a new submission.
    assert token_of(client.get(url).content.decode(), url) != token


def test_a_token_counts_for_its_own_form_only(world: World) -> None:
    client = client_as(world.coordinator)
    url = reverse("intake:report_create")
    token = token_of(client.get(url).content.decode(), url)
    assert client.post(url, {**_report_body(world), "submission": token}).status_code == 302
    plan = plan_for(world)
    other = client.post(
        reverse("plans:note_add", kwargs={"pk": plan.pk}), {"text": "Hei", "submission": token}
    )
    assert other.status_code == 400
    assert not PlanNote.objects.exists()


def test_a_token_counts_for_its_own_user_only(world: World) -> None:
    """Another user sending the same token to the same form is not led to what the first one stored."""
    url = reverse("intake:report_create")
    first = client_as(world.coordinator)
    token = token_of(first.get(url).content.decode(), url)
    stored = first.post(url, {**_report_body(world), "submission": token})
    assert stored.status_code == 302
    other = client_as(world.team_member).post(url, {**_report_body(world), "submission": token})
    assert other.status_code == 400
    assert NeedReport.objects.count() == 1


def test_a_submission_refused_with_a_reason_is_tried_again_when_sent_again(world: World) -> None:
    """Led away with an error (the goal is no longer active, say): the same token sent again is processed
    again, not answered with "dealt with once"."""
    calls = []

    @submitted_once
    def refuse(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        messages.error(request, "Kan ikke gjøres nå.")
        return HttpResponseRedirect("/")

    token = "00000000-0000-4000-8000-00000000000b"
    for _ in range(2):
        request = RequestFactory().post("/registry/organisations/new/", {"submission": token})
        request.user = world.coordinator
        request._messages = CookieStorage(request)  # type: ignore[attr-defined]
        response = refuse(request)
        assert response.status_code == 302
        # The reason is still there to be shown.
        assert [m.message for m in get_messages(request)] == ["Kan ikke gjøres nå."]
    assert len(calls) == 2
    assert not Submission.objects.filter(token=token).exists()


def test_old_submissions_are_forgotten(world: World) -> None:
    old = Submission.objects.create(token="00000000-0000-4000-8000-000000000001", path="/", url="/")
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - SUBMISSIONS_KEPT - timedelta(hours=1)
    )
    recent = Submission.objects.create(token="00000000-0000-4000-8000-000000000002", path="/", url="/")
    client = client_as(world.coordinator)
    url = reverse("intake:report_create")
    token = token_of(client.get(url).content.decode(), url)
    client.post(url, {**_report_body(world), "submission": token})
    assert set(Submission.objects.values_list("pk", flat=True)) == {
        recent.pk,
        Submission.objects.get(token=token).pk,
    }


@pytest.mark.postgresql
# Serialized rollback, as every transactional test here: the flush after a transactional test without it
# makes the content types again under new keys, and a later test that restores the migrations' rows then
# clashes with them (the tests run in parallel processes, in no fixed order between files).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_arrivals_at_the_same_moment_store_once_on_postgresql() -> None:
    """The second arrival's claim waits for the first's transaction, and then finds it: the unique
    constraint decides, not a read made before either had stored anything."""
    inside = threading.Event()
    token = "00000000-0000-4000-8000-00000000000a"

    @submitted_once
    def create(request: HttpRequest) -> HttpResponse:
        inside.set()
        # Hold the transaction open while the second arrival comes.
        threading.Event().wait(0.5)
        # No municipality: a test with transactions of its own may follow another that emptied the tables
        # the migrations filled.
        organisation = Organisation.objects.create(name="Ny enhet", kind="physiotherapy")
        return HttpResponseRedirect(f"/registry/organisations/{organisation.pk}/")

    responses: dict[str, HttpResponse] = {}

    def arrive(which: str) -> None:
        request = RequestFactory().post("/registry/organisations/new/", {"submission": token})
        request._messages = CookieStorage(request)  # type: ignore[attr-defined]
        try:
            responses[which] = create(request)
        finally:
            connection.close()

    first = threading.Thread(target=arrive, args=("first",))
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=arrive, args=("second",))
    second.start()
    first.join(10)
    second.join(10)
    assert Organisation.objects.filter(name="Ny enhet").count() == 1
    assert responses["first"]["Location"] == responses["second"]["Location"]
