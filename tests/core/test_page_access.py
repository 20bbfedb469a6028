"""Who may and who may not open each page: one declared table, checked for every persona, with the reads it
logs: an allowed read writes one access record per person read (tests/audit/reads.py), a refused one none.

The personas are the fifteen of tests/personas.py. Every URL is checked for every persona, with the
objects its entry builds.

A URL pattern without an entry in the table fails `test_every_url_is_in_the_table`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from vegviser.access.models import Consent
from vegviser.access.services import open_emergency_access
from vegviser.accounts.models import Notification
from vegviser.assessments import services as assessment_services
from vegviser.audit.models import AccessRecord
from vegviser.intake.models import CoordinatorAssignment, NeedReport
from vegviser.intake.services import send_interim_reply
from vegviser.plans import services
from vegviser.plans.models import Evaluation
from vegviser.portal.models import PreparedCopy
from vegviser.referrals.models import Assessment, PriorityGuide, PriorityGuideCondition, WaitingTime
from vegviser.registry.models import Membership, MembershipRole, RelationKind

from ..audit.reads import reads
from ..conftest import World, client_as
from ..factories import (
    AssessmentFactory,
    CollaborationAgreementFactory,
    ConsentFactory,
    EpisodeFactory,
    MembershipFactory,
    NeedReportFactory,
    PersonFactory,
    PersonRelationFactory,
    ReferralAttachmentFactory,
    ReferralFactory,
    habilitation_unit,
)
from ..personas import (
    ADMINS,
    CITIZENS,
    CLERK,
    CLINICIAN,
    COORDINATOR,
    EPISODE_STAFF,
    KE,
    KE_BOTH,
    LIMITED,
    MATRIX_PERSONAS,
    PARENT,
    PARENT_OF_16,
    PATIENT,
    PROFESSIONALS,
    REFERRAL_READERS,
    SIGNED_IN,
    user_and_objects,
)
from ..plans.helpers import appoint, plan_for
from ..portal.helpers import goal_written_by
from ..referrals.helpers import assessed

PLAN_READERS = COORDINATOR | {"team_member"} | PATIENT
# The plan page and the timeline show a limited participant their own goals and measures.
PLAN_PAGE_READERS = PLAN_READERS | {LIMITED}
# A citizen with pages of their own is taken to them (the portal's index: a parent of a child under 12 chooses
# whose).
CITIZEN_HOME = {"patient_user": 302, PARENT: 302, PARENT_OF_16: 302, "*": 200}


def _relation(world: World) -> dict[str, Any]:
    relative = PersonFactory(given_name="Rita")
    relation = PersonRelationFactory(person=world.patient, relative=relative, kind=RelationKind.NEXT_OF_KIN)
    return {"pk": relation.pk}


def _membership(world: World) -> dict[str, Any]:
    return {"pk": Membership.objects.get(user=world.coordinator, organisation=world.physio).pk}


def _report(world: World, decided: bool = False, overdue: bool = False) -> dict[str, Any]:
    report = NeedReportFactory(person=world.patient, reported_by=world.coordinator, decided=decided)
    if overdue:
        report.received_at = timezone.now() - timedelta(days=31)
        report.save(update_fields=["received_at"])
    return {"pk": report.pk}


def _interim_reply(world: World) -> dict[str, Any]:
    report = NeedReport.objects.get(pk=_report(world, overdue=True)["pk"])
    reply = send_interim_reply(
        actor=world.ke_officer,
        report=report,
        reason="Vi venter på opplysninger fra sykehuset.",
        decision_expected_on=timezone.localdate() + timedelta(days=14),
    )
    return {"pk": reply.pk}


def _consent(world: World) -> dict[str, Any]:
    """A consent with a signed paper, and the coordinator appointed on it."""
    consent = ConsentFactory(person=world.patient, signed_on_paper=True)
    appoint(world)
    return {"pk": consent.pk}


def _assignment(world: World) -> dict[str, Any]:
    _consent(world)
    return {"pk": CoordinatorAssignment.objects.get(person=world.patient).pk}


def _patient_with_coordinator(world: World) -> dict[str, Any]:
    _consent(world)
    return {"pk": world.patient.pk}


def _plan(world: World) -> dict[str, Any]:
    return {"pk": plan_for(world).pk}


def _instrument_form(world: World) -> dict[str, Any]:
    return {"pk": plan_for(world).pk, "code": "barthel"}


def _sent_questionnaire(world: World) -> dict[str, Any]:
    """A questionnaire sent to the patient's portal from `_plan`'s plan."""
    sent = assessment_services.send_questionnaire(
        actor=None, plan=plan_for(world), instrument="psfs", due_on=timezone.localdate() + timedelta(days=7)
    )
    return {"pk": sent.pk}


def _questionnaire_schedule(world: World) -> dict[str, Any]:
    schedule = assessment_services.set_schedule(
        actor=world.coordinator,
        plan=plan_for(world),
        instrument="psfs",
        every_weeks=4,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(weeks=12),
    )
    return {"pk": schedule.pk}


def _plan_item(kind: str) -> Callable[[World], dict[str, Any]]:
    """A participant (the teacher), goal, measure (the teacher's) or linked plan of `_plan`'s plan."""

    def make(world: World) -> dict[str, Any]:
        plan = plan_for(world)
        if kind == "participant":
            return {"pk": plan.participants.get(user=world.team_member).pk}
        if kind == "sub_plan":
            return {
                "pk": services.link_sub_plan(
                    actor=None, plan=plan, data={"kind": "education", "title": "IOP"}
                ).pk
            }
        return {"pk": getattr(plan, f"{kind}s").get().pk}

    return make


def _emergency(world: World) -> dict[str, Any]:
    access = open_emergency_access(
        actor=world.org_admin, plan=plan_for(world), reason="Akutt innlagt, trenger planen", hours=2
    )
    return {"pk": access.pk}


def _portal(world: World) -> dict[str, Any]:
    """The patient's own pages, with a plan in them."""
    _plan(world)
    return {"pk": world.patient.pk}


def _active_portal(world: World) -> dict[str, Any]:
    """The patient's own pages, with an active plan in them: one that can be agreed to."""
    plan_for(world, active=True)
    return {"pk": world.patient.pk}


def _prepared_copy(world: World) -> dict[str, Any]:
    """The patient's own copy, prepared by the job and ready to download."""
    copy = PreparedCopy.objects.create(
        person=world.patient, requested_by=world.patient_user, language="nb", finished_at=timezone.now()
    )
    copy.pdf.save("data.pdf", ContentFile(b"%PDF-1.7"), save=False)
    copy.json.save("data.json", ContentFile(b"{}"), save=False)
    copy.status = PreparedCopy.Status.READY
    copy.save()
    return {"pk": copy.pk}


def _own_goal(world: World) -> dict[str, Any]:
    """A goal written by the person's side: the person, or the parent of a child."""
    plan = plan_for(world)
    parent = world.patient.relations.filter(kind=RelationKind.PARENT).select_related("relative").first()
    writer = world.patient.user or (parent.relative.user if parent else None)
    return {"pk": goal_written_by(plan, writer).pk}


def _patients_consent(world: World) -> dict[str, Any]:
    _plan(world)
    return {"pk": Consent.objects.get(person=world.patient).pk}


def _patients_narrowed_consent(world: World) -> dict[str, Any]:
    """The person's consent in force after they withdrew the sharing with the physiotherapy service."""
    _plan(world)
    consent = world.patient.consents.get(withdrawn_at__isnull=True)
    consent.shared_with.remove(world.physio)
    consent.withdrawn_for.add(world.physio)
    return {"pk": consent.pk, "organisation": world.physio.pk}


def _notification(world: World) -> dict[str, Any]:
    notice = Notification.objects.create(user=world.coordinator, key="test", text="A notice", url="/")
    return {"pk": notice.pk}


def _meeting(world: World) -> dict[str, Any]:
    """A meeting of the responsibility group next week, in an active plan."""
    starts = timezone.now() + timedelta(days=7)
    meeting = services.schedule_meeting(
        actor=None,
        plan=plan_for(world, active=True),
        data={"starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "Rådhuset"},
    )
    return {"pk": meeting.pk}


def _evaluation(world: World) -> dict[str, Any]:
    """An evaluation of an active plan, its one goal rated as expected; it freezes version 2."""
    plan = plan_for(world, active=True)
    today = timezone.localdate()
    evaluation = services.evaluate_plan(
        actor=None,
        plan=plan,
        evaluated_on=today,
        next_revision=today + timedelta(days=180),
        ratings={plan.goals.get(): (0, "")},
    )
    return {"pk": evaluation.pk}


def _evaluated_plan(world: World) -> dict[str, Any]:
    return {"pk": Evaluation.objects.get(pk=_evaluation(world)["pk"]).plan_id}


def _plan_version(world: World) -> dict[str, Any]:
    return {"pk": Evaluation.objects.get(pk=_evaluation(world)["pk"]).plan_version_id}


def _referral(world: World, status: str = "received") -> dict[str, Any]:
    return {"pk": ReferralFactory(person=world.patient, status=status).pk}


def _assessed_referral(world: World) -> dict[str, Any]:
    """A referral assessed with a right, its deadline and the first appointment: both letters can be made."""
    return {"pk": assessed(ReferralFactory(person=world.patient)).referral_id}


def _referral_attachment(world: World) -> dict[str, Any]:
    attachment = ReferralAttachmentFactory(referral=ReferralFactory(person=world.patient))
    return {"referral_pk": attachment.referral_id, "pk": attachment.pk}


def _guide_condition(world: World) -> dict[str, Any]:
    condition = PriorityGuideCondition.objects.create(
        guide=PriorityGuide.HABILITATION_CHILDREN, source_id="page-access", title="Tilstand", url=""
    )
    return {"pk": condition.pk}


def _waiting(world: World) -> dict[str, Any]:
    """A referral with a right and a deadline, and no appointment yet: a breach is expected."""
    return {
        "pk": AssessmentFactory(referral=ReferralFactory(person=world.patient, status="assessed")).referral_id
    }


def _waiting_reported(world: World) -> dict[str, Any]:
    """As `_waiting`, with Helfo told: the letter to the person can be made."""
    kwargs = _waiting(world)
    WaitingTime.objects.create(
        assessment=Assessment.objects.get(referral_id=kwargs["pk"]),
        helfo_notified_on=timezone.localdate(),
        helfo_notifier_name="Kontormedarbeider",
    )
    return kwargs


def _episode(world: World) -> dict[str, Any]:
    return {"pk": EpisodeFactory(person=world.patient).pk}


def _discharged_episode(world: World) -> dict[str, Any]:
    """A discharged episode of the patient, whose coordinator reads its summary and nothing else of it."""
    appoint(world)
    return {"pk": EpisodeFactory(person=world.patient, discharged=True).pk}


def _plan_with_referral(world: World) -> dict[str, Any]:
    """The patient's plan, and a referral of theirs at the trust's habilitation unit (the clerk's)."""
    ReferralFactory(person=world.patient)
    return {"pk": plan_for(world, active=True).pk}


def _join_request(world: World) -> dict[str, Any]:
    plan = plan_for(world, active=True)
    ReferralFactory(person=world.patient)
    asker = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.EPISODE_STAFF).user
    asked = services.ask_to_join(actor=asker, plan=plan, organisation=habilitation_unit(), message="")
    return {"pk": asked.pk}


def _agreement(world: World) -> dict[str, Any]:
    """An agreement between Bodø and a health trust that is none of the personas'."""
    return {"pk": CollaborationAgreementFactory(municipality=world.bodo).pk}


# url name: (method, kwargs for the URL, personas allowed, status when allowed)
# The status the allowed personas get: one for all, or per persona (a default under "*").
Entry = tuple[str, Callable[[World], dict[str, Any]], set[str], int | dict[str, int]]
NO_ARGS: Callable[[World], dict[str, Any]] = lambda world: {}  # noqa: E731
PUBLIC = "public"
# The FHIR API and its authorisation server answer bearer tokens and OAuth clients, not the session: who may
# and may not call them is tested in tests/fhir, for each interaction and persona it offers.
API = "bearer token (tests/fhir)"
# Published statistics: no login, suppressed aggregates only; refused to the system administrator, as all that
# is drawn from health data (test_published_statistics).
STATISTICS = "statistics"

TABLE: dict[str, Entry | str] = {
    # A citizen's home is their own pages in the portal.
    "home": ("get", NO_ARGS, SIGNED_IN, CITIZEN_HOME),
    "core:healthz": PUBLIC,
    "fhir:base": API,
    "fhir:metadata": API,
    "fhir:smart_configuration": API,
    "fhir:search-Patient": API,
    "fhir:search-post-Patient": API,
    "fhir:read-Patient": API,
    "fhir:search-Organization": API,
    "fhir:search-post-Organization": API,
    "fhir:read-Organization": API,
    "fhir:search-CarePlan": API,
    "fhir:search-post-CarePlan": API,
    "fhir:read-CarePlan": API,
    "fhir:search-Goal": API,
    "fhir:search-post-Goal": API,
    "fhir:read-Goal": API,
    "fhir:search-CareTeam": API,
    "fhir:search-post-CareTeam": API,
    "fhir:read-CareTeam": API,
    "fhir:search-EpisodeOfCare": API,
    "fhir:search-post-EpisodeOfCare": API,
    "fhir:read-EpisodeOfCare": API,
    "fhir:unknown": API,
    "oauth2_provider:authorize": API,
    "oauth2_provider:token": API,
    "oauth2_provider:revoke-token": API,
    "oauth2_provider:introspect": API,
    "set_language": PUBLIC,
    "public:index": PUBLIC,
    "public:page": PUBLIC,
    "public:directory": PUBLIC,
    "public:municipality": PUBLIC,
    "indicators:public": STATISTICS,
    "indicators:public_download": STATISTICS,
    "indicators:definitions": STATISTICS,
    "indicators:national_export": STATISTICS,
    # A leader's or analyst's dashboard (tests/indicators/test_pages.py): none of the personas holds the role,
    # so here the coordinating units, each for its own municipality.
    "indicators:dashboard": ("get", NO_ARGS, KE_BOTH, 200),
    "indicators:dashboard_download": ("get", lambda w: {"table": "ages", "kind": "xlsx"}, KE_BOTH, 200),
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    # The way in through ID-porten, for anyone not signed in; tested against a real provider in
    # tests/accounts/test_idporten.py (404 where no provider is configured).
    "accounts:idporten_login": PUBLIC,
    "accounts:idporten_callback": PUBLIC,
    # The way in through HelseID, likewise; tested in tests/accounts/test_helseid.py.
    "accounts:helseid_login": PUBLIC,
    "accounts:helseid_callback": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_change": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:password_change_done": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:two_factor_setup": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:keepalive": ("get", NO_ARGS, SIGNED_IN, 204),
    "accounts:two_factor_verify": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:user_list": ("get", NO_ARGS, ADMINS, 200),
    "accounts:user_create": ("get", NO_ARGS, ADMINS, 200),
    "accounts:user_edit": ("get", lambda w: {"pk": w.coordinator.pk}, ADMINS, 200),
    "registry:person_search": ("get", NO_ARGS, KE_BOTH, 200),
    "registry:person_create": ("get", NO_ARGS, KE_BOTH, 200),
    "registry:person_detail": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "registry:person_edit": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "registry:relation_create": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "registry:relation_end": ("post", _relation, KE, 302),
    "portal:my_data": ("get", NO_ARGS, CITIZENS, 200),
    "portal:my_data_json": ("get", NO_ARGS, CITIZENS, 200),
    "portal:my_data_pdf": ("get", NO_ARGS, CITIZENS, 200),
    "portal:my_data_prepare": ("post", NO_ARGS, CITIZENS, 302),
    "portal:my_data_prepared_pdf": ("get", _prepared_copy, {"patient_user"}, 200),
    "portal:my_data_prepared_json": ("get", _prepared_copy, {"patient_user"}, 200),
    "registry:organisation_list": ("get", NO_ARGS, ADMINS, 200),
    "registry:organisation_create": ("get", NO_ARGS, {"system_admin"}, 200),
    "registry:organisation_edit": ("get", lambda w: {"pk": w.physio.pk}, {"system_admin"}, 200),
    "registry:organisation_members": ("get", lambda w: {"pk": w.physio.pk}, ADMINS, 200),
    "registry:membership_end": ("post", _membership, ADMINS, 302),
    # The national code lists: no personal data, any professional (the referral form's suggestions).
    "registry:code_search": ("get", NO_ARGS, PROFESSIONALS, 200),
    "intake:report_create": ("get", NO_ARGS, PROFESSIONALS, 200),
    "intake:my_reports": ("get", NO_ARGS, PROFESSIONALS, 200),
    "intake:queue": ("get", NO_ARGS, KE_BOTH, 200),
    "intake:report_detail": ("get", _report, KE | COORDINATOR, 200),
    "intake:report_assign": ("post", _report, KE, 302),
    "intake:report_decide": ("get", _report, KE, 200),
    "intake:decision_letter": ("get", lambda w: _report(w, decided=True), KE, 200),
    "intake:decision_letter_pdf": ("get", lambda w: _report(w, decided=True), KE, 200),
    "intake:report_close": ("post", lambda w: _report(w, decided=True), KE, 302),
    "intake:interim_reply": ("get", lambda w: _report(w, overdue=True), KE, 200),
    "intake:interim_letter": ("get", _interim_reply, KE, 200),
    "intake:interim_letter_pdf": ("get", _interim_reply, KE, 200),
    "intake:coordinator_appoint": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "intake:coordinator_end": ("get", _assignment, KE, 200),
    "audit:search": ("get", NO_ARGS, KE_BOTH, 200),
    "access:consent_create": ("get", _patient_with_coordinator, KE, 200),
    "access:consent_detail": ("get", _consent, KE | COORDINATOR, 200),
    "access:consent_evidence": ("get", _consent, KE | COORDINATOR, 200),
    "access:consent_withdraw": ("get", _consent, KE, 200),
    "plans:mine": ("get", NO_ARGS, PROFESSIONALS, 200),
    "access:emergency_open": ("get", NO_ARGS, PROFESSIONALS, 200),
    "access:emergency_review": ("get", NO_ARGS, KE_BOTH, 200),
    "access:emergency_reviewed": ("post", _emergency, KE, 302),
    "referrals:work_list": ("get", NO_ARGS, REFERRAL_READERS, 200),
    "referrals:referral_register": ("get", NO_ARGS, {CLERK}, 200),
    "referrals:referral_detail": ("get", _referral, REFERRAL_READERS, 200),
    "referrals:ask_referrer": ("get", _referral, {CLERK}, 200),
    "referrals:attachment_add": ("get", _referral, {CLERK}, 200),
    "referrals:attachment_file": ("get", _referral_attachment, REFERRAL_READERS, 200),
    "referrals:referrer_answered": ("post", lambda w: _referral(w, "awaiting_referrer"), {CLERK}, 302),
    # The priority guides: anyone working in a habilitation or rehabilitation unit; the municipality never.
    "referrals:priority_guide_list": ("get", NO_ARGS, {CLERK, CLINICIAN, EPISODE_STAFF}, 200),
    "referrals:priority_guide_detail": ("get", _guide_condition, {CLERK, CLINICIAN, EPISODE_STAFF}, 200),
    "referrals:assess": ("get", _referral, {CLINICIAN}, 200),
    "referrals:appointment": ("get", _assessed_referral, REFERRAL_READERS, 200),
    "referrals:letter_person": ("get", _assessed_referral, REFERRAL_READERS, 200),
    "referrals:letter_person_pdf": ("get", _assessed_referral, REFERRAL_READERS, 200),
    "referrals:letter_referrer": ("get", _assessed_referral, REFERRAL_READERS, 200),
    "referrals:letter_referrer_pdf": ("get", _assessed_referral, REFERRAL_READERS, 200),
    "referrals:waiting_list": ("get", NO_ARGS, REFERRAL_READERS, 200),
    "referrals:waiting_detail": ("get", _waiting, REFERRAL_READERS, 200),
    # Posted empty, each form comes back with what is missing.
    "referrals:wait_helfo_notified": ("post", _waiting, REFERRAL_READERS, 200),
    "referrals:wait_letter_sent": ("post", _waiting_reported, REFERRAL_READERS, 200),
    "referrals:wait_postponement": ("post", _waiting, REFERRAL_READERS, 200),
    "referrals:wait_end": ("post", _waiting, REFERRAL_READERS, 200),
    "referrals:breach_letter": ("get", _waiting_reported, REFERRAL_READERS, 200),
    "referrals:breach_letter_pdf": ("get", _waiting_reported, REFERRAL_READERS, 200),
    "episodes:episode_list": ("get", NO_ARGS, {EPISODE_STAFF, CLINICIAN}, 200),
    "episodes:episode_create": ("get", NO_ARGS, {EPISODE_STAFF}, 200),
    "episodes:episode_detail": ("get", _episode, {EPISODE_STAFF, CLINICIAN}, 200),
    "episodes:episode_edit": ("get", _episode, {EPISODE_STAFF}, 200),
    "episodes:episode_discharge": ("get", _episode, {EPISODE_STAFF}, 200),
    "episodes:discharge_summary": ("get", _discharged_episode, COORDINATOR | {EPISODE_STAFF, CLINICIAN}, 200),
    "episodes:discharge_summary_pdf": (
        "get",
        _discharged_episode,
        COORDINATOR | {EPISODE_STAFF, CLINICIAN},
        200,
    ),
    # Posted empty, the form comes back with what is missing; only the unit's episode staff record it.
    "episodes:summary_sent": ("post", _discharged_episode, {EPISODE_STAFF}, 200),
    # The trust's coordinating unit: none of the personas is its officer (tests/referrals/test_trust.py).
    "referrals:trust": ("get", NO_ARGS, set(), 200),
    # The unit's staff who have the person in a referral see that there is a plan, and ask to take part.
    "plans:join_request": ("get", _plan_with_referral, {CLERK, CLINICIAN, EPISODE_STAFF}, 200),
    "plans:join_accept": ("get", _join_request, COORDINATOR, 200),
    "plans:join_decline": ("post", _join_request, COORDINATOR, 302),
    # Collaboration agreements: kept by the system administrator, read by the professionals of either party
    # (the specialist personas' unit belongs to no trust here) and by no citizen.
    "registry:agreement_list": (
        "get",
        NO_ARGS,
        (PROFESSIONALS - {CLERK, CLINICIAN, EPISODE_STAFF}) | {"system_admin"},
        200,
    ),
    "registry:agreement_create": ("get", NO_ARGS, {"system_admin"}, 200),
    "registry:agreement_edit": ("get", _agreement, {"system_admin"}, 200),
    "registry:agreement_document": (
        "get",
        _agreement,
        (PROFESSIONALS - {CLERK, CLINICIAN, EPISODE_STAFF, "ke_officer_tromso"}) | {"system_admin"},
        200,
    ),
    "plans:plan_create": ("get", _patient_with_coordinator, COORDINATOR, 200),
    "plans:plan_detail": ("get", _plan, PLAN_PAGE_READERS, 200),
    "plans:plan_edit": ("get", _plan, COORDINATOR, 200),
    "plans:plan_status": ("post", _plan, COORDINATOR, 302),
    "plans:plan_activate": ("get", _plan, COORDINATOR, 200),
    "plans:plan_close": ("get", _plan, COORDINATOR, 200),
    "plans:plan_revise": ("get", _plan, COORDINATOR, 200),
    "plans:plan_timeline": ("get", _plan, PLAN_PAGE_READERS, 200),
    "plans:plan_access_log": ("get", _plan, COORDINATOR | PATIENT, 200),
    "plans:plan_print": ("get", _plan, PLAN_READERS, 200),
    "plans:plan_pdf": ("get", _plan, PLAN_READERS, 200),
    "plans:record_notice": ("get", _plan, KE | {"coordinator", "team_member", LIMITED}, 200),
    "plans:record_notice_json": ("get", _plan, KE | {"coordinator", "team_member", LIMITED}, 200),
    "plans:participant_add": ("get", _plan, COORDINATOR, 200),
    "plans:participant_edit": ("get", _plan_item("participant"), COORDINATOR, 200),
    "plans:participant_end": ("post", _plan_item("participant"), COORDINATOR, 302),
    "plans:goal_add": ("get", _plan, COORDINATOR, 200),
    "plans:goal_edit": ("get", _plan_item("goal"), COORDINATOR, 200),
    "plans:measure_add": ("get", _plan, COORDINATOR, 200),
    "plans:measure_edit": ("get", _plan_item("measure"), COORDINATOR | {"team_member"}, 200),
    "plans:sub_plan_add": ("get", _plan, COORDINATOR, 200),
    "plans:sub_plan_remove": ("post", _plan_item("sub_plan"), COORDINATOR, 302),
    "plans:note_add": ("post", _plan, COORDINATOR | {"team_member"}, 400),
    "plans:overview": ("get", NO_ARGS, KE_BOTH, 200),
    "plans:overview_csv": ("get", NO_ARGS, KE_BOTH, 200),
    "accounts:notifications": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:notification_read": ("post", _notification, COORDINATOR, 302),
    "plans:meeting_create": ("get", _plan, COORDINATOR, 200),
    # A limited participant opens the meetings they are invited to (the persona is invited to the plan's).
    "plans:meeting_detail": ("get", _meeting, PLAN_READERS | {LIMITED}, 200),
    "plans:meeting_edit": ("get", _meeting, COORDINATOR, 200),
    "plans:meeting_approve": ("post", _meeting, COORDINATOR, 302),
    "plans:meeting_cancel": ("post", _meeting, COORDINATOR, 302),
    "plans:meeting_decision_add": ("get", _meeting, COORDINATOR, 200),
    "plans:meeting_ics": ("get", _meeting, PLAN_READERS | {LIMITED}, 200),
    "plans:evaluation_create": ("get", _evaluated_plan, COORDINATOR, 200),
    "plans:evaluation_detail": ("get", _evaluation, PLAN_READERS, 200),
    "plans:version_list": ("get", _evaluated_plan, PLAN_READERS, 200),
    "plans:version_detail": ("get", _plan_version, PLAN_READERS, 200),
    "plans:version_compare": ("get", _evaluated_plan, PLAN_READERS, 200),
    "plans:messages": ("get", _plan, PLAN_READERS, 200),
    # The portal: the person's own pages (guardians, attorneys, the parent of a 12–15-year-old: tests/portal).
    "portal:index": ("get", NO_ARGS, SIGNED_IN, {**CITIZEN_HOME, PARENT: 200}),
    "portal:home": ("get", _portal, PATIENT, 200),
    "portal:plan": ("get", _portal, PATIENT, 200),
    "portal:results": ("get", _portal, PATIENT, 200),
    "portal:plan_agree": ("post", _active_portal, PATIENT, 302),
    "portal:what_matters": ("get", _portal, PATIENT, 200),
    "portal:goal_add": ("get", _portal, PATIENT, 200),
    "portal:goal_edit": ("get", _own_goal, PATIENT, 200),
    "portal:goal_rate": ("get", _plan_item("goal"), PATIENT, 200),
    "portal:messages": ("get", _portal, PATIENT, 200),
    "portal:consents": ("get", _portal, PATIENT, 200),
    "portal:consent_withdraw": ("get", _patients_consent, PATIENT, 200),
    "portal:consent_renew": ("post", _patients_consent, PATIENT, 302),
    "portal:consent_share_again": ("post", _patients_narrowed_consent, PATIENT, 302),
    "portal:access_log": ("get", _portal, PATIENT, 200),
    "portal:ask_for_help": ("get", _portal, PATIENT, 200),
    # Instruments recorded in the plan: read by whoever reads the whole plan and by a participant with
    # limited access (only the results tied to their own measures: tests/assessments/test_recording.py);
    # recorded by the coordinator and the professional participants. The limited participant here is
    # responsible for no measure, so has nothing to record for.
    "assessments:plan_results": ("get", _plan, PLAN_PAGE_READERS, 200),
    "assessments:record_choose": ("get", _plan, COORDINATOR | {"team_member"}, 200),
    "assessments:record": ("get", _instrument_form, COORDINATOR | {"team_member"}, 200),
    # Questionnaires to the person's portal: sent, and scheduled, by the coordinator and the participants
    # with full access (tests/assessments/test_portal_questionnaires.py); answered by the person's side.
    "assessments:send": ("get", _plan, COORDINATOR | {"team_member"}, 200),
    "assessments:schedule": ("get", _plan, COORDINATOR | {"team_member"}, 200),
    "assessments:schedule_stop": ("post", _questionnaire_schedule, COORDINATOR | {"team_member"}, 302),
    "portal:questionnaires": ("get", _portal, PATIENT, 200),
    "portal:questionnaire": ("get", _sent_questionnaire, PATIENT, 200),
    # The follow-up list: any professional, for the plans they coordinate or take part in with full access.
    "assessments:follow_up": ("get", NO_ARGS, PROFESSIONALS, 200),
}
# Where an anonymous visitor is sent instead of the login page: the home page shows the public front page.
ANONYMOUS_REDIRECTS = {"home": "public:index"}
PROTECTED = sorted(name for name, entry in TABLE.items() if not isinstance(entry, str))
STATISTICS_ARGS = {"indicators:public_download": {"table": "municipalities", "kind": "xlsx"}}


def url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    """Every URL name under the resolver, with its namespaces (`plans:plan_detail`)."""
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"every URL needs a name: {pattern.pattern}"
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_table() -> None:
    names = url_names(get_resolver())
    assert names - set(TABLE) == set(), "new URLs need an entry in the access table"
    assert set(TABLE) - names == set(), "the table names URLs that no longer exist"


# Refused objects answer 404, so a refused user cannot tell whether they exist; a parent who acted for the
# child until their 16th birthday is told why on the child's own pages, opened by the child's id or a consent
# of theirs (the child and the parent know both). A goal's pages answer 404 like any refused object.
TOLD_WHY = {PARENT_OF_16: 403}
TOLD_WHY_PAGES = {
    name
    for name in TABLE
    if name.startswith("portal:")
    and name
    not in {
        "portal:index",
        "portal:goal_edit",
        "portal:goal_rate",
        "portal:questionnaire",
        # A copy the patient asked for: not the child's page, so no one else is told it is there.
        "portal:my_data_prepared_pdf",
        "portal:my_data_prepared_json",
    }
}
# The plan's pages, where a read allowed by a role in the plan (PLAN_PAGE_READERS) is recorded with that role
# ("plan:…").
PLAN_PAGES = {
    name
    for name, entry in TABLE.items()
    if name.startswith("plans:") and entry[1] not in (NO_ARGS, _patient_with_coordinator)
}


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("name", PROTECTED)
def test_page_access(world: World, name: str, persona: str) -> None:
    entry = TABLE[name]
    assert not isinstance(entry, str)
    method, make_kwargs, allowed, status = entry
    user, kwargs = user_and_objects(world, persona, lambda: make_kwargs(world))
    client = client_as(user)
    before = AccessRecord.objects.count()
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    written = list(AccessRecord.objects.order_by("id")[before:])
    if persona == "anonymous":
        assert response.status_code == 302
        if name in ANONYMOUS_REDIRECTS:
            assert response["Location"] == reverse(ANONYMOUS_REDIRECTS[name])
        else:
            assert response["Location"].startswith(reverse("accounts:login"))
    elif persona in allowed:
        expected = status.get(persona, status["*"]) if isinstance(status, dict) else status
        assert response.status_code == expected, f"{persona} should open {name}"
    else:
        refused = TOLD_WHY.get(persona, 404) if name in TOLD_WHY_PAGES else 404
        assert response.status_code == refused, f"{persona} must not open {name} ({response.status_code})"
    if persona == "anonymous" or persona not in allowed:
        assert written == [], f"{persona} was refused {name} yet {len(written)} read(s) were logged"
        return
    # An allowed read is logged once for each person read.
    persons = Counter(record.person_id for record in written)
    assert all(count == 1 for count in persons.values()), f"{name} logged a person twice: {persons}"
    if method == "get":
        assert len(written) == reads(name), f"{name} as {persona}: {[r.purpose for r in written]}"
        # The record names the one who read, and the way they read.
        assert all(record.actor_id == user.pk for record in written)
        assert all(record.purpose and record.channel for record in written)
        if name in PLAN_PAGES and persona in PLAN_PAGE_READERS:
            assert all(record.actor_role.startswith("plan:") for record in written), name


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("name", sorted(name for name, entry in TABLE.items() if entry == STATISTICS))
def test_published_statistics(world: World, name: str, persona: str) -> None:
    user, kwargs = user_and_objects(world, persona, lambda: STATISTICS_ARGS.get(name, {}))
    before = AccessRecord.objects.count()
    response = client_as(user).get(reverse(name, kwargs=kwargs))
    if persona == "system_admin":
        assert response.status_code == 404, f"the system administrator must not open {name}"
    else:
        assert response.status_code == 200, f"{persona} should open {name}"
    assert AccessRecord.objects.count() == before, "aggregates read no person"


def test_healthz_and_login_are_public(client: Any, db: None) -> None:
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("accounts:password_reset")).status_code == 200
