"""Searching the logs: who read and who changed the data of persons in the searcher's municipalities."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import Profession
from vegviser.core.dates import start_of_day
from vegviser.registry.models import (
    Membership,
    MembershipRole,
    OrganisationKind,
    Person,
    PersonRelation,
    RelationKind,
)

from .models import AccessRecord, AuditAction, AuditRecord, Channel, ReadPurpose, RefusalRecord, label_of
from .services import SYSTEM_ADMIN_ROLE, record_access

if TYPE_CHECKING:
    from vegviser.accounts.models import User

RESULT_LIMIT = 2000
# An actor who reads more different persons than this in one day is listed for review.
ANOMALY_PERSONS_PER_DAY = getattr(settings, "AUDIT_ANOMALY_PERSONS_PER_DAY", 20)
# A user refused more often than this in one day is listed for review: a stale link or a mistyped address
# explains a few refusals, not many.
ANOMALY_REFUSALS_PER_DAY = getattr(settings, "AUDIT_ANOMALY_REFUSALS_PER_DAY", 10)


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
    kind: str  # "read", "change" or "refusal"
    actor_name: str
    actor_role: str
    actor_organisation: str
    person: Person | None
    what: str
    channel: str
    # How the reader logged in, for a read whose record keeps it.
    login: str = ""


@dataclass(frozen=True)
class Anomaly:
    """An actor who read many different persons in one day."""

    actor_name: str
    actor_username: str
    day: date
    persons: int

    @property
    def log_query(self) -> str:
        """The log search for this actor on this day, as a query string."""
        return _log_query(actor=self.actor_username, day=self.day)


@dataclass(frozen=True)
class ManyRefusals:
    """A user the policy refused many times in one day."""

    actor_name: str
    actor_username: str
    day: date
    refusals: int

    @property
    def log_query(self) -> str:
        return _log_query(actor=self.actor_username, day=self.day)


@dataclass(frozen=True)
class ReadWithoutRole:
    """An actor's reads of one person on one day that no participation, coordination, emergency access or
    work of the coordinating unit explains."""

    actor_name: str
    actor_username: str
    person: Person | None
    day: date
    reads: int

    @property
    def log_query(self) -> str:
        """The log search for this actor's reads and changes of this person on this day, as a query string."""
        return _log_query(actor=self.actor_username, day=self.day, person=self.person)


def _log_query(*, actor: str, day: date, person: Person | None = None) -> str:
    # The person by id: an identity number never goes in a URL.
    query = {"actor": actor, "date_from": day.isoformat(), "date_to": day.isoformat()}
    if person is not None:
        query["person"] = str(person.pk)
    return urlencode({key: value for key, value in query.items() if value})


@dataclass(frozen=True)
class Review:
    """What the log search page shows: the lines found and what is listed for review."""

    lines: list[LogLine]
    many_persons: list[Anomaly]
    many_refusals: list[ManyRefusals]
    without_role: list[ReadWithoutRole]
    more_without_role: bool


# At most this many (actor, person, day) groups of reads without a role are listed: more means the period
# should be narrowed, not that the page should grow without bound.
READS_WITHOUT_ROLE_LIMIT = 200

# Every purpose a read is logged with, and the policy's action that allowed the read (access.policy.RULES).
# Reads for an action that the policy grants the coordinating unit on the persons of its municipality (its
# officers keep the person registry, receive and assess reports of need, keep consents, appoint coordinators,
# see the overview of plans, fetch the notice for the patient record, review emergency access and search the
# logs; a privacy officer does only the last two) need no role in a plan: they are the unit's own work. Reads
# of plan content are not: the unit sees no plan content unless an officer also takes part in the plan, so an
# officer's read of a plan is checked against participation like anyone else's. tests/audit/
# test_reads_without_role.py asks the policy, for each purpose and unit role, and fails when the two disagree.
RULE_OF_PURPOSE: dict[ReadPurpose, Action] = {
    ReadPurpose.REGISTRY: Action.PERSON_VIEW,
    ReadPurpose.REGISTRY_EDIT: Action.PERSON_EDIT,
    ReadPurpose.SEARCH: Action.PERSON_SEARCH,
    ReadPurpose.NEED_REPORT: Action.NEED_REPORT_ASSESS,
    ReadPurpose.NEED_REPORT_QUEUE: Action.NEED_REPORT_QUEUE,
    ReadPurpose.CONSENT: Action.CONSENT_VIEW,
    ReadPurpose.CONSENT_EVIDENCE: Action.CONSENT_VIEW,
    ReadPurpose.COORDINATOR: Action.COORDINATOR_APPOINT,
    ReadPurpose.AUDIT_SEARCH: Action.AUDIT_SEARCH,
    ReadPurpose.OWN_DATA: Action.OWN_DATA_EXPORT,
    ReadPurpose.PLAN: Action.PLAN_VIEW,
    ReadPurpose.PLAN_PRINT: Action.PLAN_VIEW,
    ReadPurpose.PLAN_TIMELINE: Action.PLAN_VIEW,
    # The list shows the plans the professional has a role in: each read of it is a read of such a plan.
    ReadPurpose.MY_PLANS: Action.PLAN_VIEW,
    ReadPurpose.RECORD_NOTICE: Action.RECORD_NOTICE,
    ReadPurpose.PLAN_OVERVIEW: Action.PLAN_OVERVIEW,
    ReadPurpose.MEETING: Action.PLAN_VIEW,
    ReadPurpose.MEETING_INVITATION: Action.PLAN_VIEW,
    ReadPurpose.PLAN_EVALUATION: Action.PLAN_VIEW_FULL,
    ReadPurpose.PLAN_VERSIONS: Action.PLAN_VIEW_FULL,
    ReadPurpose.PLAN_VERSION: Action.PLAN_VIEW_FULL,
    ReadPurpose.PLAN_VERSION_COMPARE: Action.PLAN_VIEW_FULL,
    ReadPurpose.PLAN_ACCESS_LOG: Action.PLAN_ACCESS_LOG,
    ReadPurpose.EMERGENCY_REVIEW: Action.EMERGENCY_REVIEW,
    ReadPurpose.PLAN_MESSAGES: Action.PLAN_MESSAGES,
    ReadPurpose.PORTAL: Action.PORTAL_VIEW,
    ReadPurpose.PORTAL_PLAN: Action.PORTAL_VIEW,
    ReadPurpose.PORTAL_CONSENT: Action.PORTAL_CONSENT,
    ReadPurpose.PORTAL_MESSAGES: Action.PLAN_MESSAGES,
    ReadPurpose.REFERRAL: Action.REFERRAL_VIEW,
    ReadPurpose.REFERRAL_WORK_LIST: Action.REFERRAL_WORK_LIST,
    ReadPurpose.REFERRAL_ATTACHMENT: Action.REFERRAL_VIEW,
    ReadPurpose.REFERRAL_WAITING_LIST: Action.REFERRAL_WAITING_LIST,
    ReadPurpose.BREACH_LETTER: Action.REFERRAL_WAIT_HANDLE,
    ReadPurpose.EPISODE: Action.EPISODE_VIEW,
    ReadPurpose.EPISODE_LIST: Action.EPISODE_LIST,
    ReadPurpose.DISCHARGE_SUMMARY: Action.DISCHARGE_SUMMARY_VIEW,
    ReadPurpose.PLAN_STATUS_FOR_SPECIALIST: Action.PLAN_STATUS_FOR_SPECIALIST,
    ReadPurpose.TRUST_OVERVIEW: Action.TRUST_OVERVIEW,
    ReadPurpose.ASSESSMENT_RECORD: Action.ASSESSMENT_RECORD,
    ReadPurpose.ASSESSMENT_RESULTS: Action.ASSESSMENT_RESULTS,
    ReadPurpose.QUESTIONNAIRE_SEND: Action.ASSESSMENT_SEND,
    ReadPurpose.PORTAL_QUESTIONNAIRE: Action.PORTAL_QUESTIONNAIRE,
    # The follow-up list shows results of the plans the reader coordinates or takes part in fully.
    ReadPurpose.FOLLOW_UP: Action.ASSESSMENT_RESULTS,
    # A person read through the FHIR API: by the unit as its registry (the person's page), by anyone else
    # through a role in the person's plan, checked against participation like a read of the plan.
    ReadPurpose.API_READ: Action.PERSON_VIEW,
    ReadPurpose.API_SEARCH: Action.PERSON_VIEW,
}
UNIT_ACTIONS: dict[MembershipRole, frozenset[Action]] = {
    MembershipRole.COORDINATING_UNIT_OFFICER: frozenset(
        {
            Action.PERSON_VIEW,
            Action.PERSON_EDIT,
            Action.PERSON_SEARCH,
            Action.NEED_REPORT_ASSESS,
            Action.NEED_REPORT_QUEUE,
            Action.CONSENT_VIEW,
            Action.COORDINATOR_APPOINT,
            Action.PLAN_OVERVIEW,
            Action.RECORD_NOTICE,
            Action.EMERGENCY_REVIEW,
            Action.AUDIT_SEARCH,
        }
    ),
    MembershipRole.PRIVACY_OFFICER: frozenset({Action.EMERGENCY_REVIEW, Action.AUDIT_SEARCH}),
}
# The purposes of the unit's own work, by the membership role that does it.
UNIT_WORK: dict[MembershipRole, frozenset[ReadPurpose]] = {
    role: frozenset(purpose for purpose, action in RULE_OF_PURPOSE.items() if action in actions)
    for role, actions in UNIT_ACTIONS.items()
}
# The professional who reported a need reads their own report of it (intake.selectors.reports_by, get_report):
# the policy's rule for NEED_REPORT_VIEW_OWN.
REPORTER_PURPOSES = frozenset({ReadPurpose.NEED_REPORT})
# A specialist unit's referral clerks and assessing clinicians, and the trust's coordinating unit, read the
# referrals the unit received (referrals.selectors): the policy's rule for REFERRAL_VIEW, REFERRAL_WORK_LIST
# and REFERRAL_WAITING_LIST; the letter on a breach is made by the unit's clerks and clinicians
# (REFERRAL_WAIT_HANDLE).
CLERK_PURPOSES = frozenset(
    {
        ReadPurpose.REFERRAL,
        ReadPurpose.REFERRAL_WORK_LIST,
        ReadPurpose.REFERRAL_ATTACHMENT,
        ReadPurpose.REFERRAL_WAITING_LIST,
        ReadPurpose.BREACH_LETTER,
    }
)
# A unit's episode staff and assessing clinicians, and the trust's coordinating unit, read the unit's
# episodes of care (episodes.selectors); its episode staff also the referrals with a right they start
# episodes from: the policy's rules for EPISODE_VIEW, EPISODE_LIST, EPISODE_WRITE and
# DISCHARGE_SUMMARY_VIEW. (The person's coordinator reads the discharge summary as coordinator: explained
# like any coordinator's read.)
EPISODE_PURPOSES = frozenset({ReadPurpose.EPISODE, ReadPurpose.EPISODE_LIST, ReadPurpose.DISCHARGE_SUMMARY})
# The unit's staff (clerks, assessing clinicians, episode staff) see whether a person the unit has a referral
# (not forwarded, rejected or refused consent) or an episode of care for has a plan
# (plans.selectors.plan_status_for_person): the policy's PLAN_STATUS_FOR_SPECIALIST.
PLAN_STATUS_PURPOSES = frozenset({ReadPurpose.PLAN_STATUS_FOR_SPECIALIST})
# The trust's coordinating unit sees the plans its professionals take part in (referrals.trust).
TRUST_OVERVIEW_PURPOSES = frozenset({ReadPurpose.TRUST_OVERVIEW})


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL plans the anomaly queries over a year of the log at a cost far above `jit_above_cost`, and
    then spends longer compiling them than running them (2 million reads on a busy two-core machine: of 7.8 s
    for 30 days, 5.8 s went to compiling; a year took 16 s with JIT and 5-9 s without). Off for these queries
    only: SET LOCAL ends with the transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def _instants(date_from: date, date_to: date) -> dict[str, datetime]:
    """The days as a range of instants in the local time zone: a plain range on `at` can use its index,
    where `at__date` would compute a date for every row of the log."""
    return {
        "at__gte": start_of_day(date_from),
        "at__lt": start_of_day(date_to + timedelta(days=1)),
    }


def _persons_of(user: User) -> QuerySet[Person]:
    # Used as a subquery: a municipality's persons are never all loaded to find a few log lines.
    return Person.objects.filter(municipality_id__in=policy.audit_municipalities(user))


def _reads_in_scope(user: User, date_from: date, date_to: date) -> QuerySet[AccessRecord]:
    """Reads of persons in the user's municipalities on the days given."""
    return AccessRecord.objects.filter(
        person_id__in=_persons_of(user).values("pk"), **_instants(date_from, date_to)
    )


def _found(
    *,
    user: User,
    national_id: str,
    person_pk: uuid.UUID | None,
    actor: User | None,
    date_from: date,
    date_to: date,
) -> tuple[list[AccessRecord], list[AuditRecord], list[RefusalRecord]]:
    persons = _persons_of(user)
    if national_id:
        persons = persons.filter(national_id=national_id)
    elif person_pk is not None:
        persons = persons.filter(pk=person_pk)
    window = {"person_id__in": persons.values("pk"), **_instants(date_from, date_to)}
    reads = AccessRecord.objects.filter(**window)
    changes = AuditRecord.objects.filter(**window)
    refusals = RefusalRecord.objects.filter(**window)
    if actor is not None:
        reads = reads.filter(actor=actor)
        changes = changes.filter(actor=actor)
        refusals = refusals.filter(actor=actor)
    return (
        list(reads.order_by("-at")[:RESULT_LIMIT]),
        list(changes.order_by("-at")[:RESULT_LIMIT]),
        list(refusals.order_by("-at")[:RESULT_LIMIT]),
    )


def _person_ids(
    read_rows: list[AccessRecord], change_rows: list[AuditRecord], refusal_rows: list[RefusalRecord]
) -> set[uuid.UUID]:
    found = {row.person_id for row in read_rows}
    found |= {row.person_id for row in change_rows if row.person_id is not None}
    return found | {row.person_id for row in refusal_rows if row.person_id is not None}


def _object_label(object_type: str) -> str:
    """What kind of object a record names, in the reader's language; a type no longer known as it is."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _as_lines(
    read_rows: list[AccessRecord],
    change_rows: list[AuditRecord],
    refusal_rows: list[RefusalRecord],
    by_id: dict[Any, Person],
) -> list[LogLine]:
    lines = [
        LogLine(
            at=r.at,
            kind="read",
            actor_name=r.actor_name,
            actor_role=role_label(r.actor_role),
            actor_organisation=r.actor_organisation,
            person=by_id.get(r.person_id),
            what=_read_for(r),
            channel=r.get_channel_display(),
            login=r.get_login_method_display() if r.login_method else "",
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
            what=label_of(AuditAction, c.action),
            channel="",
        )
        for c in change_rows
    ]
    lines += [
        LogLine(
            at=r.at,
            kind="refusal",
            actor_name=r.actor_name,
            actor_role=role_label(r.actor_role),
            actor_organisation="",
            person=by_id.get(r.person_id) if r.person_id else None,
            what=_object_label(r.object_type),
            channel="",
        )
        for r in refusal_rows
    ]
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:RESULT_LIMIT]


def _read_for(record: AccessRecord) -> str:
    """What a read was for, and through which application when another system read through the API: the
    person sees which system looked, not only who signed in to it."""
    what = label_of(ReadPurpose, record.purpose)
    return f"{what}: {record.client}" if record.client else what


def _log_review(user: User, person_ids: set[Any], channel: str) -> None:
    # Who read whom is itself about the person: the search is logged like any other read, once for each
    # person named on the page.
    record_access(
        actor=user,
        person_ids=person_ids,
        object_type="audit.accessrecord",
        purpose=ReadPurpose.AUDIT_SEARCH,
        channel=channel,
    )


def search(
    *,
    user: User,
    national_id: str = "",
    person_pk: uuid.UUID | None = None,
    actor: User | None = None,
    date_from: date,
    date_to: date,
    channel: str = Channel.WEB,
) -> list[LogLine]:
    """The reads and changes found, newest first. `person_pk` narrows to one person, as the list to review
    links to them (an identity number never goes in a URL); a typed identity number wins over it."""
    policy.require(user, Action.AUDIT_SEARCH)
    found = _found(
        user=user,
        national_id=national_id,
        person_pk=person_pk,
        actor=actor,
        date_from=date_from,
        date_to=date_to,
    )
    lines = _as_lines(*found, Person.objects.in_bulk(_person_ids(*found)))
    _log_review(user, {line.person.pk for line in lines if line.person is not None}, channel)
    return lines


def review(
    *,
    user: User,
    national_id: str = "",
    person_pk: uuid.UUID | None = None,
    actor: User | None = None,
    date_from: date,
    date_to: date,
) -> Review:
    """The search page: the lines found, and both kinds of anomaly in the period. Every person named on the
    page is loaded in one query and logged once."""
    policy.require(user, Action.AUDIT_SEARCH)
    found = _found(
        user=user,
        national_id=national_id,
        person_pk=person_pk,
        actor=actor,
        date_from=date_from,
        date_to=date_to,
    )
    with _without_jit():
        rows = _reads_without_role(user=user, date_from=date_from, date_to=date_to)
        many_persons = _many_persons(user=user, date_from=date_from, date_to=date_to)
        many_refusals = _many_refusals(user=user, date_from=date_from, date_to=date_to)
    by_id = Person.objects.in_bulk(
        _person_ids(*found) | {row["person_id"] for row in rows[:READS_WITHOUT_ROLE_LIMIT]}
    )
    lines = _as_lines(*found, by_id)
    without_role = _without_role(rows, by_id)
    shown = {line.person.pk for line in lines if line.person is not None}
    shown |= {read.person.pk for read in without_role if read.person is not None}
    _log_review(user, shown, Channel.WEB)
    return Review(
        lines=lines,
        many_persons=many_persons,
        many_refusals=many_refusals,
        without_role=without_role,
        more_without_role=len(rows) > READS_WITHOUT_ROLE_LIMIT,
    )


def _busy_days(records: QuerySet[Any], counted: Count, threshold: int) -> list[dict[str, Any]]:
    """Each actor's days on which `counted` over their records is above `threshold`, busiest last day first:
    rows of the actor's name and user name, the day and the count `n`."""
    rows = (
        records.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("actor", "day")
        .annotate(n=counted, name=Max("actor_name"))
        .filter(n__gt=threshold)
        .values("actor", "actor__username", "day", "n", "name")
        .order_by("-day", "-n")
    )
    return [{**row, "actor__username": row["actor__username"] or ""} for row in rows]


def _many_persons(*, user: User, date_from: date, date_to: date) -> list[Anomaly]:
    """Actors who read more than ANOMALY_PERSONS_PER_DAY different persons in a day.

    Reviews of the logs themselves are left out: reviewing is what the searcher is there to do."""
    reads = _reads_in_scope(user, date_from, date_to).exclude(purpose=ReadPurpose.AUDIT_SEARCH)
    return [
        Anomaly(
            actor_name=row["name"], actor_username=row["actor__username"], day=row["day"], persons=row["n"]
        )
        for row in _busy_days(reads, Count("person_id", distinct=True), ANOMALY_PERSONS_PER_DAY)
    ]


def _many_refusals(*, user: User, date_from: date, date_to: date) -> list[ManyRefusals]:
    """Users the policy refused more than ANOMALY_REFUSALS_PER_DAY times in a day, counting the refusals of
    objects about persons in the searcher's municipalities."""
    refusals = RefusalRecord.objects.filter(
        person_id__in=_persons_of(user).values("pk"), **_instants(date_from, date_to)
    )
    return [
        ManyRefusals(
            actor_name=row["name"], actor_username=row["actor__username"], day=row["day"], refusals=row["n"]
        )
        for row in _busy_days(refusals, Count("pk"), ANOMALY_REFUSALS_PER_DAY)
    ]


def _without_role(rows: list[dict[str, Any]], by_id: dict[Any, Person]) -> list[ReadWithoutRole]:
    return [
        ReadWithoutRole(
            actor_name=row["name"],
            actor_username=row["actor__username"],
            person=by_id.get(row["person_id"]),
            day=row["day"],
            reads=row["reads"],
        )
        for row in rows[:READS_WITHOUT_ROLE_LIMIT]
    ]


def _reads_without_role(*, user: User, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Reads by a user who, at the time of the read, was not the person's coordinator, took no part in the
    person's plan as a professional, had no emergency access to it open, was neither the person nor someone
    acting for them, and was not doing the coordinating unit's work on a person of its municipality
    (UNIT_WORK); a professional's reads of a need they reported themselves are explained too, and a referral
    clerk's reads of a referral of the person that their unit had received.

    One query, set-based: every reason is a NOT EXISTS against the table that holds its period (coordinator
    assignments, participation, emergency windows, relations, memberships), which PostgreSQL plans as an anti
    join against those tables (small next to the log), never a loop over the log in Python. Periods kept in
    days (participation, coordination, relations) are compared with the local day of the read, so the day a
    participant leaves still counts as taking part; an emergency window is compared with the instant.

    Left out: reads without a user (the system, or a user since deleted: nothing to check them against)."""
    from vegviser.access.models import EmergencyAccess
    from vegviser.episodes.models import Episode
    from vegviser.intake.models import CoordinatorAssignment, NeedReport
    from vegviser.plans.models import ParticipantKind, PlanParticipant
    from vegviser.referrals.models import Referral

    person, actor, at, day = OuterRef("person_id"), OuterRef("actor"), OuterRef("at"), OuterRef("day")
    coordinated = CoordinatorAssignment.objects.filter(
        Q(ended_on__isnull=True, active=True) | Q(ended_on__gte=day),
        person_id=person,
        coordinator=actor,
        started_on__lte=day,
    )
    took_part = PlanParticipant.objects.filter(
        Q(left_on__isnull=True, active=True) | Q(left_on__gte=day),
        plan__person_id=person,
        user=actor,
        kind=ParticipantKind.PROFESSIONAL,
        joined_on__lte=day,
    )
    emergency = EmergencyAccess.objects.filter(
        plan__person_id=person, user=actor, granted_at__lte=at, expires_at__gt=at
    )
    themselves = Person.objects.filter(pk=person, user=actor)
    acting_for = PersonRelation.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        person_id=person,
        relative__user=actor,
        kind__in=[RelationKind.PARENT, RelationKind.GUARDIAN, RelationKind.POWER_OF_ATTORNEY],
        valid_from__lte=day,
    )
    reported = NeedReport.objects.filter(person_id=person, reported_by=actor, created_at__lte=at)
    # As for unit work below, a membership that has since ended still explains the reads made in it.
    received = Referral.objects.filter(
        person_id=person,
        created_at__lte=at,
        receiving_unit__memberships__user=actor,
        receiving_unit__memberships__role__in=[
            MembershipRole.REFERRAL_CLERK,
            MembershipRole.ASSESSING_CLINICIAN,
        ],
        receiving_unit__memberships__created_at__lte=at,
    )
    overseen = Referral.objects.filter(
        person_id=person,
        created_at__lte=at,
        receiving_unit__parent__memberships__user=actor,
        receiving_unit__parent__memberships__role=MembershipRole.TRUST_COORDINATING_OFFICER,
        receiving_unit__parent__memberships__created_at__lte=at,
    )
    episode_roles = [MembershipRole.EPISODE_STAFF, MembershipRole.ASSESSING_CLINICIAN]
    cared_for = Episode.objects.filter(
        person_id=person,
        created_at__lte=at,
        unit__memberships__user=actor,
        unit__memberships__role__in=episode_roles,
        unit__memberships__created_at__lte=at,
    )
    episode_overseen = Episode.objects.filter(
        person_id=person,
        created_at__lte=at,
        unit__parent__memberships__user=actor,
        unit__parent__memberships__role=MembershipRole.TRUST_COORDINATING_OFFICER,
        unit__parent__memberships__created_at__lte=at,
    )
    to_admit = Referral.objects.filter(
        person_id=person,
        created_at__lte=at,
        receiving_unit__memberships__user=actor,
        receiving_unit__memberships__role=MembershipRole.EPISODE_STAFF,
        receiving_unit__memberships__created_at__lte=at,
    )
    received_by_staff = Referral.objects.filter(
        person_id=person,
        created_at__lte=at,
        receiving_unit__memberships__user=actor,
        receiving_unit__memberships__role__in=[
            MembershipRole.REFERRAL_CLERK,
            MembershipRole.ASSESSING_CLINICIAN,
            MembershipRole.EPISODE_STAFF,
        ],
        receiving_unit__memberships__created_at__lte=at,
    )
    trust_takes_part = PlanParticipant.objects.filter(
        Q(
            organisation__parent__memberships__user=actor,
            organisation__parent__memberships__role=MembershipRole.TRUST_COORDINATING_OFFICER,
        )
        | Q(
            organisation__memberships__user=actor,
            organisation__memberships__role=MembershipRole.TRUST_COORDINATING_OFFICER,
        ),
        plan__person_id=person,
        kind=ParticipantKind.PROFESSIONAL,
        joined_on__lte=day,
    )
    reads = (
        _reads_in_scope(user, date_from, date_to)
        .filter(actor__isnull=False)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .exclude(Exists(coordinated))
        .exclude(Exists(took_part))
        .exclude(Exists(emergency))
        .exclude(Exists(themselves))
        .exclude(Exists(acting_for))
        .exclude(Q(purpose__in=REPORTER_PURPOSES) & Exists(reported))
        .exclude(Q(purpose__in=CLERK_PURPOSES) & (Exists(received) | Exists(overseen)))
        .exclude(
            Q(purpose__in=EPISODE_PURPOSES)
            & (Exists(cared_for) | Exists(episode_overseen) | Exists(to_admit))
        )
        .exclude(Q(purpose__in=PLAN_STATUS_PURPOSES) & Exists(received_by_staff))
        .exclude(Q(purpose__in=TRUST_OVERVIEW_PURPOSES) & Exists(trust_takes_part))
    )
    for role, purposes in UNIT_WORK.items():
        # Memberships keep no end date: one that has since ended still counts for the reads made after it
        # began. The policy refused unit work once it ended, so a read under a unit purpose by a former
        # officer was made while they were one; counting only active memberships would list every past read
        # of everyone who has since left the unit.
        officer = Membership.objects.filter(
            user=actor, role=role, organisation__kind=OrganisationKind.COORDINATING_UNIT, created_at__lte=at
        )
        # The unit's municipality is the person's, or the one that leads the person's plan (the overview, the
        # record notice, emergency review), or the one a need was reported to: as in the policy. One EXISTS
        # for each, so that each is an index lookup by the person.
        of_person = (
            officer.filter(organisation__municipality__persons=person),
            officer.filter(organisation__municipality__plans__person_id=person),
            officer.filter(organisation__municipality__need_reports__person_id=person),
        )
        unit_work = Exists(of_person[0]) | Exists(of_person[1]) | Exists(of_person[2])
        reads = reads.exclude(Q(purpose__in=purposes) & unit_work)
    rows = (
        reads.values("actor", "actor__username", "person_id", "day")
        .annotate(reads=Count("pk"), name=Max("actor_name"))
        .order_by("-day", "actor__username", "person_id")
    )
    return list(rows[: READS_WITHOUT_ROLE_LIMIT + 1])


READS_PER_PAGE = 50


@dataclass(frozen=True)
class ReadsPage:
    """One page of "who has seen": the lines, the page for links, and whether own reads are shown."""

    lines: list[LogLine]
    page: Page[AccessRecord]
    show_own: bool
    own_hidden: int


def reads_of_person(
    person_id: uuid.UUID, *, own: Iterable[Any], show_own: bool = False, page: Any = 1
) -> ReadsPage:
    """The reads of the person's data as the person is shown them: others' reads first, newest first, then,
    if asked for, `own` reads (by the person and by whoever is looking), which would otherwise drown the
    others'. Paged. The caller has checked that the reader may see this."""
    own_ids = [pk for pk in own if pk is not None]
    reads = AccessRecord.objects.filter(person_id=person_id)
    own_reads = Q(actor_id__in=own_ids)
    own_hidden = 0
    if show_own:
        reads = reads.annotate(own=Case(When(own_reads, then=Value(1)), default=Value(0))).order_by(
            "own", "-at"
        )
    else:
        own_hidden = reads.filter(own_reads).count() if own_ids else 0
        reads = reads.exclude(own_reads).order_by("-at")
    shown = Paginator(reads, READS_PER_PAGE).get_page(page)
    lines = [
        LogLine(
            at=r.at,
            kind="read",
            actor_name=r.actor_name,
            actor_role=role_label(r.actor_role),
            actor_organisation=r.actor_organisation,
            person=None,
            what=_read_for(r),
            channel=r.get_channel_display(),
            login=r.get_login_method_display() if r.login_method else "",
        )
        for r in shown.object_list
    ]
    return ReadsPage(lines=lines, page=shown, show_own=show_own, own_hidden=own_hidden)
