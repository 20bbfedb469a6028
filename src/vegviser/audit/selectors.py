"""Searching the logs: who read and who changed the data of persons in the searcher's municipalities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import Profession
from vegviser.registry.models import MembershipRole, Person

from .models import AccessRecord, AuditRecord, Channel
from .services import SYSTEM_ADMIN_ROLE, record_access

if TYPE_CHECKING:
    from vegviser.accounts.models import User

RESULT_LIMIT = 2000
AUDIT_SEARCH_PURPOSE = "audit-search"
# An actor who reads more different persons than this in one day is listed for review.
ANOMALY_PERSONS_PER_DAY = getattr(settings, "AUDIT_ANOMALY_PERSONS_PER_DAY", 20)


# What a read was for and what a change did, in words; the codes are what services and selectors record.
PURPOSES = {
    "registry": _("Person page"),
    "registry-edit": _("Editing the person"),
    "search": _("Search in the person registry"),
    "need-report": _("Report of need"),
    "need-report-queue": _("The coordinating unit's queue"),
    "consent": _("Consent"),
    "consent-evidence": _("Signed consent"),
    "coordinator": _("Appointing a coordinator"),
    AUDIT_SEARCH_PURPOSE: _("Log search"),
    "own-data": _("The person's own copy"),
    "plan": _("Individual plan"),
    "plan-print": _("The plan printed or as PDF"),
    "plan-timeline": _("Who does what by when"),
    "my-plans": _("A professional's list of plans"),
    "record-notice": _("Notice for the patient record"),
    "plan-overview": _("The coordinating unit's overview"),
    "meeting": _("Meeting of the responsibility group"),
    "meeting-invitation": _("Meeting invitation"),
    "plan-evaluation": _("Evaluation of the plan"),
    "plan-versions": _("Versions of the plan"),
    "plan-version": _("A version of the plan"),
    "plan-version-compare": _("Versions of the plan compared"),
    "plan-access-log": _("Who has seen the plan"),
    "emergency-review": _("Review of emergency access"),
}
ACTIONS = {
    "person.create": _("Person registered"),
    "person.update": _("Person changed"),
    "relation.create": _("Relative added"),
    "relation.end": _("Relation ended"),
    "need_report.create": _("Need reported"),
    "need_report.assign": _("Report assigned"),
    "need_report.decide": _("Decision made"),
    "need_report.close": _("Report closed"),
    "consent.record": _("Consent recorded"),
    "consent.withdraw": _("Consent withdrawn"),
    "coordinator.appoint": _("Coordinator appointed"),
    "coordinator.end": _("Coordinator ended"),
    "plan.create": _("Plan started"),
    "plan.update": _("Plan changed"),
    "plan.active": _("Plan made active"),
    "plan.paused": _("Plan paused"),
    "plan.closed": _("Plan closed"),
    "plan.version": _("Version of the plan saved"),
    "plan.participant.add": _("Participant added"),
    "plan.participant.update": _("Participant changed"),
    "plan.participant.end": _("Participation ended"),
    "plan.goal.add": _("Goal added"),
    "plan.goal.update": _("Goal changed"),
    "plan.measure.add": _("Measure added"),
    "plan.measure.update": _("Measure changed"),
    "plan.measure.goals": _("Goals of a measure changed"),
    "plan.subplan.link": _("Plan linked"),
    "plan.subplan.unlink": _("Linked plan removed"),
    "plan.note.add": _("Note written in the plan log"),
    "plan.meeting.schedule": _("Meeting scheduled"),
    "plan.meeting.update": _("Meeting changed"),
    "plan.meeting.approve_minutes": _("Minutes approved"),
    "plan.meeting.cancel": _("Meeting cancelled"),
    "plan.meeting.decision": _("Decision recorded"),
    "plan.evaluate": _("Plan evaluated"),
    "emergency.open": _("Emergency access opened"),
    "emergency.review": _("Emergency access reviewed"),
}


def role_label(code: str) -> str:
    """The stored role code (see audit.services.describe_actor) in the reader's language."""
    labels = {
        **dict(MembershipRole.choices),
        **dict(Profession.choices),
        SYSTEM_ADMIN_ROLE: _("System administrator"),
        # The role in the plan that allowed a read of it (plans.selectors.plan_reader_role).
        "plan:coordinator": _("Coordinator of the plan"),
        "plan:full": _("Participant in the plan"),
        "plan:limited": _("Participant in the plan, limited access"),
        "plan:person": _("The person themselves"),
        "plan:representative": _("Parent, guardian or power of attorney"),
        "plan:parent_of_youth": _("Parent of a young person aged 12 to 15"),
        "plan:emergency": _("Emergency access"),
    }
    return str(labels.get(code, code))


@dataclass(frozen=True)
class LogLine:
    at: datetime
    kind: str  # "read" or "change"
    actor_name: str
    actor_role: str
    actor_organisation: str
    person: Person | None
    what: str
    channel: str


@dataclass(frozen=True)
class Anomaly:
    actor_name: str
    day: date
    persons: int


def search(
    *,
    user: User,
    national_id: str = "",
    actor: User | None = None,
    date_from: date,
    date_to: date,
    channel: str = Channel.WEB,
) -> list[LogLine]:
    policy.require(user, Action.AUDIT_SEARCH)
    persons = Person.objects.filter(municipality_id__in=policy.audit_municipalities(user))
    if national_id:
        persons = persons.filter(national_id=national_id)
    # The scope as a subquery: a municipality's persons are never all loaded to find a few log lines.
    window = {"at__date__gte": date_from, "at__date__lte": date_to, "person_id__in": persons.values("pk")}
    reads = AccessRecord.objects.filter(**window)
    changes = AuditRecord.objects.filter(**window)
    if actor is not None:
        reads = reads.filter(actor=actor)
        changes = changes.filter(actor=actor)
    read_rows = list(reads.order_by("-at")[:RESULT_LIMIT])
    change_rows = list(changes.order_by("-at")[:RESULT_LIMIT])
    person_ids = {row.person_id for row in read_rows}
    person_ids |= {row.person_id for row in change_rows if row.person_id}
    by_id = Person.objects.in_bulk(person_ids)
    lines = [
        LogLine(
            at=r.at,
            kind="read",
            actor_name=r.actor_name,
            actor_role=role_label(r.actor_role),
            actor_organisation=r.actor_organisation,
            person=by_id.get(r.person_id),
            what=str(PURPOSES.get(r.purpose, r.purpose)),
            channel=r.get_channel_display(),
        )
        for r in read_rows
    ]
    lines += [
        LogLine(
            at=c.at,
            kind="change",
            actor_name=c.actor_name,
            actor_role=role_label(c.actor_role),
            actor_organisation="",
            person=by_id.get(c.person_id) if c.person_id else None,
            what=str(ACTIONS.get(c.action, c.action)),
            channel="",
        )
        for c in change_rows
    ]
    lines.sort(key=lambda line: line.at, reverse=True)
    lines = lines[:RESULT_LIMIT]
    # Who read whom is itself about the person: the search is logged like any other read.
    shown = {line.person.pk for line in lines if line.person is not None}
    record_access(
        actor=user,
        person_ids=shown,
        object_type="audit.accessrecord",
        purpose=AUDIT_SEARCH_PURPOSE,
        channel=channel,
    )
    return lines


def anomalies(*, user: User, date_from: date, date_to: date) -> list[Anomaly]:
    """Actors who read more than ANOMALY_PERSONS_PER_DAY different persons in a day.

    Reviews of the logs themselves are left out: reviewing is what the searcher is there to do."""
    policy.require(user, Action.AUDIT_SEARCH)
    reads = AccessRecord.objects.exclude(purpose=AUDIT_SEARCH_PURPOSE).filter(
        at__date__gte=date_from,
        at__date__lte=date_to,
        person_id__in=Person.objects.filter(municipality_id__in=policy.audit_municipalities(user)).values(
            "pk"
        ),
    )
    rows = (
        reads.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("actor_name", "actor", "day")
        .annotate(persons=Count("person_id", distinct=True))
        .filter(persons__gt=ANOMALY_PERSONS_PER_DAY)
        .order_by("-day", "-persons")
    )
    return [Anomaly(actor_name=row["actor_name"], day=row["day"], persons=row["persons"]) for row in rows]


def reads_of_person(person_id: uuid.UUID, *, limit: int = 500) -> list[LogLine]:
    """Every read of the person's data, newest first, as the person is shown it: who, in what role and
    organisation, what, and how. The caller has checked that the reader may see this."""
    rows = AccessRecord.objects.filter(person_id=person_id).order_by("-at")[:limit]
    return [
        LogLine(
            at=r.at,
            kind="read",
            actor_name=r.actor_name,
            actor_role=role_label(r.actor_role),
            actor_organisation=r.actor_organisation,
            person=None,
            what=str(PURPOSES.get(r.purpose, r.purpose)),
            channel=r.get_channel_display(),
        )
        for r in rows
    ]
