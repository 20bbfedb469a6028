"""Reports of need, the coordinating unit's decisions, and coordinator appointments.

Every write: keyword-only, checks the policy, one transaction, audit record included.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.models import Consent
from vegviser.access.policy import Action, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign
from vegviser.plans import notices
from vegviser.registry.models import Municipality, Organisation, Person

from .models import (
    CoordinatorAssignment,
    CoordinatorKind,
    Decision,
    InterimReply,
    NeedReport,
    ReportChannel,
    ReportConsent,
    ReportStatus,
)

if TYPE_CHECKING:
    from vegviser.accounts.models import User

REPORT_FIELDS = [
    "needs_plan",
    "needs_coordinator",
    "needs_child_coordinator",
    "description",
    "channel",
    "is_inpatient",
    "consent_to_report",
    "child_expected",
    "named_as",
]
DECISION_FIELDS = [
    "decision",
    "plan_granted",
    "coordinator_granted",
    "child_coordinator_granted",
    "decision_reasons",
]
ASSIGNMENT_FIELDS = [
    "person",
    "kind",
    "coordinator",
    "organisation",
    "person_wishes",
    "started_on",
    "ended_on",
]


@transaction.atomic
def report_need(
    *,
    actor: User | None,
    person: Person,
    data: dict[str, Any],
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
) -> NeedReport:
    """The report goes to the municipality the reporter names, or else to the person's registered one."""
    authorise(actor, Action.NEED_REPORT_CREATE)
    municipality_id = municipality.pk if municipality is not None else person.municipality_id
    if municipality_id is None:
        raise ValidationError(_("The person's municipality is not known, so the report cannot be sent."))
    report = NeedReport(person=person, municipality_id=municipality_id, reporter_organisation=organisation)
    return _save_new_report(actor, report, data, fields=REPORT_FIELDS, action=AuditAction.NEED_REPORT_CREATE)


def _save_new_report(
    actor: User | None, report: NeedReport, data: dict[str, Any], *, fields: list[str], action: AuditAction
) -> NeedReport:
    """The report with its reporter and the fields the data holds, saved and recorded; in the caller's
    transaction."""
    report.reported_by = actor
    report.reporter_name, _role, _organisation = describe_actor(actor)
    assign(report, fields, data)
    return save_new(report, actor=actor, action=action, fields=fields, person_id=report.person_id)


HELP_FIELDS = ["needs_plan", "needs_coordinator", "needs_child_coordinator", "description"]


@transaction.atomic
def ask_for_help(*, actor: User | None, person: Person, data: dict[str, Any]) -> NeedReport:
    """The person, or a parent or guardian for them, asks the coordinating unit themselves (in the portal).
    Asking is consenting to the report; it goes to the person's registered municipality."""
    authorise(actor, Action.PORTAL_ASK_HELP, person)
    if person.municipality_id is None:
        raise ValidationError(
            _(
                "We do not know which municipality you live in. Call the coordinating unit of your "
                "municipality."
            )
        )
    age = person.age_on(timezone.localdate())
    if data.get("needs_child_coordinator") and age is not None and age >= 18:
        raise ValidationError({"needs_child_coordinator": _("A child coordinator is for children under 18.")})
    report = NeedReport(
        person=person,
        municipality_id=person.municipality_id,
        channel=ReportChannel.WRITTEN,
        consent_to_report=ReportConsent.YES,
    )
    return _save_new_report(
        actor, report, data, fields=HELP_FIELDS, action=AuditAction.NEED_REPORT_ASK_FOR_HELP
    )


def _locked(report: NeedReport) -> NeedReport:
    """The report as stored now, locked till the transaction ends: two officers never overwrite each other."""
    return NeedReport.objects.select_for_update().select_related("person").get(pk=report.pk)


@transaction.atomic
def assign_report(*, actor: User | None, report: NeedReport, officer: User | None) -> NeedReport:
    authorise(actor, Action.NEED_REPORT_ASSESS, report)
    report = _locked(report)
    if not report.is_open:
        raise ValidationError(_("This report has already been decided."))

    def assign_officer(report: NeedReport) -> None:
        report.assigned_to = officer
        if report.status == ReportStatus.RECEIVED:
            report.status = ReportStatus.ASSESSING

    return save_change(
        report,
        actor=actor,
        action=AuditAction.NEED_REPORT_ASSIGN,
        fields=["assigned_to", "status"],
        apply=assign_officer,
        person_id=report.person_id,
        locked=True,
        validate=False,
    )


def child_coordinator_conditions(
    report: NeedReport, *, serious_condition: bool, health_services: bool, other_welfare_services: bool
) -> list[str]:
    """What is missing for a child coordinator (helse- og omsorgstjenesteloven § 7-2 a), in plain words."""
    missing = []
    age = report.person.age_on(timezone.localdate())
    if not report.child_expected and (age is None or age >= 18):
        missing.append(str(_("The child must be under 18, or expected.")))
    if not serious_condition:
        missing.append(str(_("The child must have a serious illness, injury or disability.")))
    if not (health_services and other_welfare_services):
        missing.append(
            str(_("The family must need long-term, complex services from health and other welfare services."))
        )
    return missing


@transaction.atomic
def decide_report(*, actor: User | None, report: NeedReport, data: dict[str, Any]) -> NeedReport:
    authorise(actor, Action.NEED_REPORT_ASSESS, report)
    report = _locked(report)
    if not report.is_open:
        raise ValidationError(_("This report has already been decided."))
    return save_change(
        report,
        actor=actor,
        action=AuditAction.NEED_REPORT_DECIDE,
        fields=[*DECISION_FIELDS, "status"],
        data=data,
        apply=lambda report: _decide(report, actor=actor, data=data),
        person_id=report.person_id,
        locked=True,
    )


def _decide(report: NeedReport, *, actor: User | None, data: dict[str, Any]) -> None:
    """The decision that follows from what was granted of what was asked for, with its reasons."""
    report.decision = report.decision_for(
        plan=report.plan_granted,
        coordinator=report.coordinator_granted,
        child_coordinator=report.child_coordinator_granted,
    )
    if report.decision != Decision.GRANTED and not report.decision_reasons.strip():
        raise ValidationError({"decision_reasons": _("Give the reasons when anything is declined.")})
    if report.child_coordinator_granted:
        missing = child_coordinator_conditions(
            report,
            serious_condition=bool(data.get("serious_condition")),
            health_services=bool(data.get("needs_health_services")),
            other_welfare_services=bool(data.get("needs_other_welfare_services")),
        )
        if missing:
            raise ValidationError({"child_coordinator_granted": missing})
    report.status = ReportStatus.DECIDED
    report.decided_at = timezone.now()
    report.decided_by = actor


@transaction.atomic
def close_report(*, actor: User | None, report: NeedReport) -> NeedReport:
    authorise(actor, Action.NEED_REPORT_ASSESS, report)
    report = _locked(report)
    # Only a decided report is closed: an open one would otherwise leave the queue undecided.
    if report.status != ReportStatus.DECIDED:
        raise ValidationError(_("Only a decided report can be closed."))
    return save_change(
        report,
        actor=actor,
        action=AuditAction.NEED_REPORT_CLOSE,
        fields=["status"],
        data={"status": ReportStatus.CLOSED},
        person_id=report.person_id,
        locked=True,
        validate=False,
    )


INTERIM_REPLY_FIELDS = ["report", "reason", "decision_expected_on"]


@transaction.atomic
def send_interim_reply(
    *, actor: User | None, report: NeedReport, reason: str, decision_expected_on: date
) -> InterimReply:
    """Tell the person why the decision takes time and when it is expected (forvaltningsloven § 11 a). Only
    for a report still undecided after 30 days: before that the unit decides."""
    authorise(actor, Action.NEED_REPORT_ASSESS, report)
    report = _locked(report)
    if not report.is_open:
        raise ValidationError(_("This report has already been decided."))
    if not report.is_overdue():
        raise ValidationError(_("An interim reply is sent when a report has waited more than 30 days."))
    if decision_expected_on <= timezone.localdate():
        raise ValidationError({"decision_expected_on": _("The decision must be expected after today.")})
    reply = InterimReply(
        report=report, reason=reason, decision_expected_on=decision_expected_on, sent_by=actor
    )
    reply.sender_name, _role, _organisation = describe_actor(actor)
    return save_new(
        reply,
        actor=actor,
        action=AuditAction.NEED_REPORT_INTERIM_REPLY,
        fields=INTERIM_REPLY_FIELDS,
        person_id=report.person_id,
    )


@transaction.atomic
def appoint_coordinator(
    *,
    actor: User | None,
    person: Person,
    coordinator: User,
    organisation: Organisation,
    kind: str,
    started_on: date,
    person_wishes: str = "",
    need_report: NeedReport | None = None,
) -> CoordinatorAssignment:
    """Appoint a coordinator, with or without a plan. Needs consent in force; replaces the active one."""
    authorise(actor, Action.COORDINATOR_APPOINT, person)
    if Consent.objects.in_force_for(person, covering="coordinator") is None:
        raise ValidationError(
            _("A coordinator can only be appointed when consent is in force. Record the consent first.")
        )
    if not coordinator.memberships.filter(organisation=organisation, active=True).exists():
        raise ValidationError(
            {"coordinator": _("The coordinator must be a member of the organisation chosen.")}
        )
    if kind == CoordinatorKind.CHILD_COORDINATOR:
        age = person.age_on(started_on)
        if age is not None and age >= 18:
            raise ValidationError({"kind": _("A child coordinator ends when the child turns 18.")})
    previous = (
        CoordinatorAssignment.objects.select_for_update()
        .filter(person=person, kind=kind, active=True)
        .first()
    )
    if previous is not None:
        end_coordinator(
            actor=actor,
            assignment=previous,
            ended_on=max(previous.started_on, started_on - timedelta(days=1)),
            reason=str(_("Replaced by a new coordinator")),
        )
    assignment = CoordinatorAssignment(
        person=person,
        kind=kind,
        coordinator=coordinator,
        organisation=organisation,
        started_on=started_on,
        person_wishes=person_wishes,
        need_report=need_report,
        appointed_by=actor,
    )
    save_new(
        assignment,
        actor=actor,
        action=AuditAction.COORDINATOR_APPOINT,
        fields=ASSIGNMENT_FIELDS,
        person_id=person.pk,
    )
    notices.tell(
        users=[coordinator] if coordinator != actor else [],
        key=f"coordinator-appointed-{assignment.pk}",
        message=_("You have been appointed coordinator for %(person)s."),
        params={"person": person.full_name},
        url=reverse("plans:mine"),
        email=True,
        announce="notice",
    )
    return assignment


@transaction.atomic
def end_coordinator(
    *, actor: User | None, assignment: CoordinatorAssignment, ended_on: date, reason: str
) -> CoordinatorAssignment:
    authorise(actor, Action.COORDINATOR_APPOINT, assignment.person)
    return save_change(
        assignment,
        actor=actor,
        action=AuditAction.COORDINATOR_END,
        fields=["ended_on", "active", "end_reason"],
        data={"ended_on": ended_on, "active": False, "end_reason": reason},
        person_id=assignment.person_id,
    )
