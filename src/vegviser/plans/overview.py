"""The coordinating unit's overview of the plans its municipality leads: who has a plan or a coordinator, the
plan's status and dates, and the reports of need that wait too long.

Never the plan's content: the unit keeps the overview without reading the plans (it reads a plan only when it
also takes part in it). Only the fields the overview shows are loaded, so no content can slip into the page
or the export.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.dates import start_of_day
from vegviser.intake.models import (
    OVERDUE_AFTER_DAYS,
    CoordinatorAssignment,
    CoordinatorKind,
    NeedReport,
    ReportStatus,
)
from vegviser.registry.models import Person

from .models import OPEN_STATUSES, IndividualPlan, PlanStatus

if TYPE_CHECKING:
    from vegviser.accounts.models import User

OVERVIEW_PURPOSE = ReadPurpose.PLAN_OVERVIEW
PERSON_FIELDS = ("given_name", "family_name", "birth_date", "municipality")
PLAN_FIELDS = (
    "status",
    "created_at",
    "next_revision",
    "last_activity_at",
    "municipality",
    "person",
    *(f"person__{name}" for name in PERSON_FIELDS),
)
ASSIGNMENT_FIELDS = (
    "kind",
    "person",
    "coordinator",
    "organisation",
    "coordinator__username",
    "coordinator__first_name",
    "coordinator__last_name",
    "organisation__name",
    *(f"person__{name}" for name in PERSON_FIELDS),
)


@dataclass(frozen=True)
class CoordinatorLine:
    name: str
    organisation: str
    kind: str
    child: bool


@dataclass
class OverviewRow:
    """One person: their coordinators and, if any, their plan's status and dates."""

    person_id: uuid.UUID
    name: str
    sort_key: tuple[str, str]
    birth_year: int | None
    # The unit keeps the registry of its own residents only: a link to anyone else's page would answer 404.
    in_registry: bool
    coordinators: list[CoordinatorLine] = field(default_factory=list)
    plan_status: str = ""
    plan_status_label: str = ""
    plan_started: date | None = None
    next_revision: date | None = None
    revision_overdue: bool = False
    idle: bool = False
    last_activity: date | None = None


@dataclass(frozen=True)
class WaitingReport:
    report_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    received: date
    age_in_days: int


@dataclass
class MunicipalityOverview:
    today: date
    status: str
    counts: dict[str, int]
    rows: list[OverviewRow]
    waiting: list[WaitingReport]

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.counts.get(value, 0)) for value, label in PlanStatus.choices]


def waiting_reports(*, today: date, municipalities: Collection[str] | None = None) -> QuerySet[NeedReport]:
    """Reports still undecided after the deadline (more than 30 days old), oldest first."""
    # A report is overdue when its local receipt date is more than 30 days back: received before midnight
    # at the start of the 30th day before today.
    cutoff = start_of_day(today - timedelta(days=OVERDUE_AFTER_DAYS))
    reports = NeedReport.objects.filter(
        status__in=[ReportStatus.RECEIVED, ReportStatus.ASSESSING], received_at__lt=cutoff
    )
    if municipalities is not None:
        reports = reports.filter(municipality_id__in=municipalities)
    return reports.order_by("received_at")


def _row_for(person: Person, municipalities: Collection[str]) -> OverviewRow:
    return OverviewRow(
        person_id=person.pk,
        name=person.full_name,
        sort_key=(person.family_name.casefold(), person.given_name.casefold()),
        birth_year=person.birth_date.year if person.birth_date else None,
        in_registry=person.municipality_id in municipalities,
    )


def municipality_overview(
    *, user: User, today: date | None = None, status: str = "", channel: str = Channel.WEB
) -> MunicipalityOverview:
    """The overview for the user's municipalities, in a fixed number of queries however many plans there are.

    Without `status`: everyone with an open plan led by the municipality or an active coordinator among its
    residents. With a plan status: the persons whose plan (the latest, for closed plans) has that status.
    Every person listed is a read, logged with the purpose "plan-overview"."""
    policy.require(user, Action.PLAN_OVERVIEW)
    today = today or timezone.localdate()
    status = status if status in PlanStatus.values else ""
    municipalities = policy.coordinating_unit_municipalities(user)
    led_here = IndividualPlan.objects.filter(municipality_id__in=municipalities)

    counts = {
        entry["status"]: entry["count"]
        for entry in led_here.order_by().values("status").annotate(count=Count("id"))
    }

    plans = led_here.filter(status=status) if status else led_here.filter(status__in=OPEN_STATUSES)
    rows: dict[uuid.UUID, OverviewRow] = {}
    for plan in plans.select_related("person").only(*PLAN_FIELDS).order_by("person_id", "-created_at"):
        if plan.person_id in rows:
            continue  # an earlier closed plan of someone already listed with a later one
        row = rows[plan.person_id] = _row_for(plan.person, municipalities)
        row.plan_status = plan.status
        row.plan_status_label = str(plan.get_status_display())
        row.plan_started = timezone.localdate(plan.created_at)
        row.next_revision = plan.next_revision
        row.revision_overdue = plan.revision_overdue(today)
        row.idle = plan.is_idle(today)
        row.last_activity = timezone.localdate(plan.last_activity_at)

    planned = Q(person_id__in=plans.values("person_id"))
    assignments = CoordinatorAssignment.objects.filter(
        planned if status else planned | Q(person__municipality_id__in=municipalities), active=True
    )
    for assignment in (
        assignments.select_related("person", "coordinator", "organisation")
        .only(*ASSIGNMENT_FIELDS)
        .order_by("kind", "started_on")
    ):
        if assignment.person_id not in rows:
            rows[assignment.person_id] = _row_for(assignment.person, municipalities)
        rows[assignment.person_id].coordinators.append(
            CoordinatorLine(
                name=assignment.coordinator.display_name,
                organisation=assignment.organisation.name,
                kind=str(assignment.get_kind_display()),
                child=assignment.kind == CoordinatorKind.CHILD_COORDINATOR,
            )
        )

    waiting = [
        WaitingReport(
            report_id=report.pk,
            person_id=report.person_id,
            name=report.person.full_name,
            received=timezone.localdate(report.received_at),
            age_in_days=report.age_in_days(today),
        )
        for report in waiting_reports(today=today, municipalities=municipalities)
        .select_related("person")
        .only("received_at", "status", "person", "person__given_name", "person__family_name")
    ]

    listed = sorted(rows.values(), key=lambda row: row.sort_key)
    record_access(
        actor=user,
        person_ids={row.person_id for row in listed} | {report.person_id for report in waiting},
        object_type="plans.individualplan",
        purpose=OVERVIEW_PURPOSE,
        channel=channel,
    )
    return MunicipalityOverview(today=today, status=status, counts=counts, rows=listed, waiting=waiting)
