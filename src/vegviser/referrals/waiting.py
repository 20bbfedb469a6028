"""Where a person stands against the deadline for the start of care (pasient- og brukerrettighetsloven
§ 2-1 b second paragraph): pure functions of dates, so the waiting list, the handling page and the reminders
agree on every state.

The deadline is a date and is counted in calendar days: a holiday or weekend moves it nowhere. A
postponement the person chose (NPR code list 8446) moves the date a breach is counted from, and while it
runs the wait is not flagged at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Assessment, WaitingTime


class WaitState(models.TextChoices):
    BREACH = "breach", _("Deadline breached")
    EXPECTED_BREACH = "expected_breach", _("Breach expected")
    POSTPONED = "postponed", _("Postponed at the person's wish")
    ON_TRACK = "on_track", _("On track")
    ENDED = "ended", _("Wait ended")


# The states the unit has to act on: tell Helfo and the person.
BREACH_STATES = frozenset({WaitState.BREACH, WaitState.EXPECTED_BREACH})


def deadline_in_force(care_deadline: date, postponed_to: date | None) -> date:
    """The date a breach is counted from: the deadline, or the later date the person postponed it to."""
    return postponed_to if postponed_to and postponed_to > care_deadline else care_deadline


def wait_state(
    *,
    care_deadline: date,
    today: date,
    appointment_on: date | None = None,
    postponed_to: date | None = None,
    ended_on: date | None = None,
) -> WaitState:
    """ENDED once care has started (or the wait ended otherwise); POSTPONED while a postponement the person
    chose runs; BREACH the day after the deadline in force with no start of care; EXPECTED_BREACH when no
    appointment falls on or before it; ON_TRACK otherwise."""
    if ended_on is not None:
        return WaitState.ENDED
    deadline = deadline_in_force(care_deadline, postponed_to)
    if postponed_to is not None and today <= deadline:
        return WaitState.POSTPONED
    if today > deadline:
        return WaitState.BREACH
    if appointment_on is None or appointment_on > deadline:
        return WaitState.EXPECTED_BREACH
    return WaitState.ON_TRACK


def appointment_date(appointment_at: datetime | None) -> date | None:
    """The day of the appointment in Norway, where the deadline is a date."""
    return timezone.localtime(appointment_at).date() if appointment_at is not None else None


def wait_of(assessment: Assessment) -> WaitingTime | None:
    try:
        return assessment.wait
    except ObjectDoesNotExist:
        return None


def state_of(assessment: Assessment, today: date | None = None) -> WaitState:
    """The state of the wait the assessment's deadline started."""
    assert assessment.care_deadline is not None
    wait = wait_of(assessment)
    return wait_state(
        care_deadline=assessment.care_deadline,
        today=today or timezone.localdate(),
        appointment_on=appointment_date(assessment.appointment_at),
        postponed_to=wait.postponed_to if wait else None,
        ended_on=wait.ended_on if wait else None,
    )


def days_left(assessment: Assessment, today: date | None = None) -> int:
    """Calendar days to the deadline in force: 0 on the day, below 0 once it has passed."""
    assert assessment.care_deadline is not None
    wait = wait_of(assessment)
    deadline = deadline_in_force(assessment.care_deadline, wait.postponed_to if wait else None)
    return (deadline - (today or timezone.localdate())).days
