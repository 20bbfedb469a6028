"""Reads for the coordinating unit, always through the access policy; reads of a person's data are logged."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.registry.models import Organisation, OrganisationKind

from .models import (
    LIKELY_DUPLICATE_WITHIN,
    NEEDS,
    CoordinatorAssignment,
    InterimReply,
    NeedReport,
    ReportStatus,
)

if TYPE_CHECKING:
    from vegviser.accounts.models import User
    from vegviser.registry.models import Person


QUEUE_LIMIT = 500


def queue(*, user: User, status: str = "open") -> list[NeedReport]:
    """The unit's reports, oldest first. The names shown are a read of each person: logged."""
    policy.require(user, Action.NEED_REPORT_QUEUE)
    reports = NeedReport.objects.filter(
        municipality_id__in=policy.coordinating_unit_municipalities(user)
    ).select_related("person", "assigned_to", "reporter_organisation", "from_episode__unit")
    if status == "open":
        reports = reports.filter(status__in=[ReportStatus.RECEIVED, ReportStatus.ASSESSING])
    elif status in ReportStatus.values:
        reports = reports.filter(status=status)
    # Another report for the same person and a need in common, received within the window before or after:
    # the unit sees the likely duplicate; the reporters are not told of each other's reports.
    same_need = Q()
    for need in NEEDS:
        same_need |= Q(**{need: True}) & Q(**{f"{need}": OuterRef(need)})
    reports = reports.annotate(
        likely_duplicate=Exists(
            NeedReport.objects.filter(
                same_need,
                person_id=OuterRef("person_id"),
                received_at__gte=OuterRef("received_at") - LIKELY_DUPLICATE_WITHIN,
                received_at__lte=OuterRef("received_at") + LIKELY_DUPLICATE_WITHIN,
            ).exclude(pk=OuterRef("pk"))
        )
    )
    found: list[NeedReport] = list(reports.order_by("received_at")[:QUEUE_LIMIT])
    record_access(
        actor=user,
        person_ids={report.person_id for report in found},
        object_type="intake.needreport",
        purpose=ReadPurpose.NEED_REPORT_QUEUE,
    )
    return found


def reports_by(*, user: User) -> list[NeedReport]:
    """The reporter's own reports. They show the name the reporter gave, yet are logged as reads."""
    mine = NeedReport.objects.filter(reported_by=user).select_related("municipality")
    reports = list(mine.order_by("-received_at"))
    record_access(
        actor=user,
        person_ids={report.person_id for report in reports},
        object_type="intake.needreport",
        purpose=ReadPurpose.NEED_REPORT,
    )
    return reports


def likely_duplicate(*, user: User, national_id: str, data: dict[str, Any]) -> NeedReport | None:
    """The reporter's own latest report received within `LIKELY_DUPLICATE_WITHIN` for the person with this
    identity number, asking for any of the needs `data` asks for. Only their own: that someone else reported
    a need for the person is not the reporter's to learn (the unit's queue marks such reports instead)."""
    policy.require(user, Action.NEED_REPORT_CREATE)
    asked = Q()
    for need in NEEDS:
        if data.get(need):
            asked |= Q(**{need: True})
    if not asked:
        return None
    earlier = (
        NeedReport.objects.filter(
            asked,
            reported_by=user,
            person__national_id=national_id,
            received_at__gte=timezone.now() - LIKELY_DUPLICATE_WITHIN,
        )
        .order_by("-received_at")
        .first()
    )
    if earlier is not None:
        record_access(
            actor=user, person_ids=[earlier.person_id], obj=earlier, purpose=ReadPurpose.NEED_REPORT
        )
    return earlier


def get_report(
    *, user: User, pk: uuid.UUID, action: Action = Action.NEED_REPORT_ASSESS, channel: str = Channel.WEB
) -> NeedReport:
    report = (
        NeedReport.objects.select_related("person", "municipality", "assigned_to", "from_episode__unit")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    policy.require(user, action, report)
    record_access(
        actor=user,
        person_ids=[report.person_id],
        obj=report,
        purpose=ReadPurpose.NEED_REPORT,
        channel=channel,
    )
    return report


def coordinators_of(person: Person) -> list[CoordinatorAssignment]:
    return list(
        person.coordinator_assignments.select_related("coordinator", "organisation").order_by(
            "-active", "-started_on"
        )
    )


def coordinating_unit_of(report: NeedReport) -> Organisation | None:
    """The unit that answers for the report: its contact details go on every letter."""
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.COORDINATING_UNIT, municipality_id=report.municipality_id, active=True
        )
        .order_by("name")
        .first()
    )


def get_interim_reply(*, user: User, pk: uuid.UUID, channel: str = Channel.WEB) -> InterimReply:
    """An interim reply, for those who may open its report; the read is logged as one of the report."""
    reply = InterimReply.objects.filter(pk=pk).first()
    if reply is None:
        raise Http404
    reply.report = get_report(user=user, pk=reply.report_id, channel=channel)
    return reply
