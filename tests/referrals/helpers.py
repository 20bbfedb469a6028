"""Priority-guide conditions, assessing clinicians and assessed referrals for the tests of the specialist
side."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from vegviser.accounts.models import User
from vegviser.referrals.models import (
    Assessment,
    AssessmentOutcome,
    CareType,
    CriterionGrade,
    PriorityGuide,
    PriorityGuideCondition,
    Referral,
    ReferralStatus,
    RightStatus,
)
from vegviser.registry.models import MembershipRole, Organisation

from ..factories import MembershipFactory, habilitation_unit


def condition(
    title: str = "Utviklingshemning, utredning",
    *,
    guide: str = PriorityGuide.HABILITATION_ADULTS,
    weeks: int | None = 16,
    care_type: str = CareType.ASSESSMENT,
    suggests_right: bool | None = True,
    withdrawn: bool = False,
) -> PriorityGuideCondition:
    found, _created = PriorityGuideCondition.objects.get_or_create(
        source_id=f"test:{guide}:{title}",
        defaults={
            "guide": guide,
            "title": title,
            "suggested_weeks": weeks,
            "care_type": care_type,
            "suggests_right": suggests_right,
            "withdrawn": withdrawn,
        },
    )
    return found


def clinician_of(unit: Organisation | None = None) -> User:
    return MembershipFactory(
        organisation=unit or habilitation_unit(), role=MembershipRole.ASSESSING_CLINICIAN
    ).user


def appointment(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def assessed(referral: Referral, **fields: Any) -> Assessment:
    """An assessment written directly (as a test of the letters needs it): a right, its deadline 12 weeks
    from the date received, for assessment, with the first appointment a week before the deadline."""
    deadline = fields.pop("care_deadline", referral.received_on + timedelta(weeks=12))
    values: dict[str, Any] = {
        "right": RightStatus.RIGHT,
        "benefit": CriterionGrade.MET,
        "cost_effectiveness": CriterionGrade.MET,
        "severity": CriterionGrade.CLEARLY_MET,
        "care_deadline": deadline,
        "care_type": CareType.ASSESSMENT,
        "outcome": AssessmentOutcome.CALLED_IN,
        "assessor_name": "Vera Lie",
        "appointment_at": appointment(deadline - timedelta(days=7)) if deadline else None,
        **fields,
    }
    assessment = Assessment.objects.create(referral=referral, **values)
    forwarded = values["outcome"] == AssessmentOutcome.FORWARDED
    status = ReferralStatus.FORWARDED if forwarded else ReferralStatus.ASSESSED
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.status = status
    return assessment
