"""The health trust's coordinating unit's overview: for each of the trust's habilitation and rehabilitation
units, how many referrals wait and how many are late; and which individual plans the trust's professionals
take part in.

Mirrors the municipal coordinating unit's overview of plans (plans/overview.py): the person's name, the plan's
municipality, status and dates, and who takes part for which unit; never the plan's content, and only the
fields shown are loaded. Each name shown is a read of the person, logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import ReadPurpose
from vegviser.audit.services import record_access
from vegviser.plans.models import OPEN_STATUSES, ParticipantKind, PlanParticipant
from vegviser.registry.models import Organisation

from .models import Assessment, AssessmentQuerySet, ReferralStatus

if TYPE_CHECKING:
    from vegviser.accounts.models import User

OPEN_REFERRALS = [ReferralStatus.RECEIVED, ReferralStatus.AWAITING_REFERRER]


@dataclass
class UnitCounts:
    unit: Organisation
    # Waiting for assessment, or for the referrer's answer.
    open: int
    # Open, and past the ten working days for the assessment.
    overdue: int
    # Waiting for the start of care, with a right and a deadline: counted as the waiting list counts them.
    waiting: int
    # Of those, past the deadline in force, and expected to pass it (no appointment before it).
    breached: int
    breach_expected: int


@dataclass
class Participation:
    person_name: str
    birth_year: int | None
    municipality: str
    plan_status: str
    plan_started: date
    next_revision: date | None
    professional: str
    unit: str
    joined_on: date


@dataclass
class TrustOverview:
    today: date
    units: list[UnitCounts]
    participations: list[Participation]


def _per_unit(assessments: AssessmentQuerySet) -> dict[Any, int]:
    """How many of the waits each unit has, by the unit's key: one query."""
    return dict(assessments.values_list("referral__receiving_unit").annotate(count=Count("pk")).order_by())


def trust_overview(*, user: User, today: date | None = None) -> TrustOverview:
    policy.require(user, Action.TRUST_OVERVIEW)
    today = today or timezone.localdate()
    trusts = policy.trust_ids(user)
    units = Organisation.objects.filter(pk__in=policy.trust_units(user)).order_by("name")
    received = "referrals_received"
    still_open = Q(**{f"{received}__status__in": OPEN_REFERRALS})
    counted = units.annotate(
        open_count=Count(received, filter=still_open),
        overdue_count=Count(received, filter=still_open & Q(**{f"{received}__assessment_due_on__lt": today})),
    )
    waits = Assessment.objects.still_waiting().filter(referral__receiving_unit__in=units)
    waiting = _per_unit(waits)
    breached = _per_unit(waits.breached(today))
    expected = _per_unit(waits.breach_expected(today))
    unit_rows = [
        UnitCounts(
            unit=unit,
            open=unit.open_count,
            overdue=unit.overdue_count,
            waiting=waiting.get(unit.pk, 0),
            breached=breached.get(unit.pk, 0),
            breach_expected=expected.get(unit.pk, 0),
        )
        for unit in counted
    ]
    taking_part = (
        PlanParticipant.objects.filter(
            Q(organisation_id__in=trusts) | Q(organisation_id__in=[row.unit.pk for row in unit_rows]),
            kind=ParticipantKind.PROFESSIONAL,
            active=True,
            plan__status__in=OPEN_STATUSES,
        )
        .select_related("plan__person", "plan__municipality", "organisation")
        .only(
            "plan",
            "organisation",
            "plan__person",
            "plan__municipality",
            "name",
            "joined_on",
            "organisation__name",
            "plan__status",
            "plan__created_at",
            "plan__next_revision",
            "plan__municipality__name",
            "plan__person__given_name",
            "plan__person__family_name",
            "plan__person__birth_date",
        )
        .order_by("plan__person__family_name", "plan__person__given_name", "name")
    )
    participations = []
    person_ids: set[Any] = set()
    for participant in taking_part:
        plan = participant.plan
        person_ids.add(plan.person_id)
        participations.append(
            Participation(
                person_name=plan.person.full_name,
                birth_year=plan.person.birth_date.year if plan.person.birth_date else None,
                municipality=plan.municipality.name,
                plan_status=plan.get_status_display(),
                plan_started=timezone.localdate(plan.created_at),
                next_revision=plan.next_revision,
                professional=participant.name,
                unit=participant.organisation.name if participant.organisation else "",
                joined_on=participant.joined_on,
            )
        )
    record_access(
        actor=user,
        person_ids=sorted(person_ids),
        object_type="plans.individualplan",
        purpose=ReadPurpose.TRUST_OVERVIEW,
    )
    return TrustOverview(today=today, units=unit_rows, participations=participations)
