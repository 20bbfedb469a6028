"""Reads of episodes of care, always through the access policy; every read of a person is logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.intake.models import CoordinatorAssignment, ReportStatus
from vegviser.referrals.models import Referral, RightStatus
from vegviser.registry.models import Organisation

from .models import Episode

if TYPE_CHECKING:
    from vegviser.accounts.models import User

LIST_LIMIT = 500
OPEN = "open"
DISCHARGED = "discharged"


def staff_units(*, user: User) -> QuerySet[Organisation]:
    """The units whose episodes the user works on."""
    return Organisation.objects.filter(pk__in=policy.episode_staff_units(user)).order_by("name")


def unit_episodes(*, user: User, show: str = OPEN) -> list[Episode]:
    """The episodes of the user's units: the open ones by admission, the discharged ones latest first. The
    names shown are a read of each person: logged."""
    policy.require(user, Action.EPISODE_LIST)
    episodes = Episode.objects.filter(unit_id__in=policy.episode_reader_units(user)).select_related(
        "person", "unit", "handover"
    )
    if show == DISCHARGED:
        episodes = episodes.filter(discharged_at__isnull=False).order_by("-discharged_at")
    else:
        episodes = episodes.filter(discharged_at__isnull=True).order_by("admitted_at")
    found = list(episodes[:LIST_LIMIT])
    record_access(
        actor=user,
        person_ids={episode.person_id for episode in found},
        object_type="episodes.episode",
        purpose=ReadPurpose.EPISODE_LIST,
    )
    return found


def referrals_to_admit(*, user: User) -> list[Referral]:
    """The referrals the user's units assessed with a right and have started no episode from: where the
    episode staff start one. The names shown are a read of each person: logged."""
    if not policy.can(user, Action.EPISODE_WRITE):
        return []
    referrals = list(
        Referral.objects.filter(
            receiving_unit_id__in=policy.episode_staff_units(user),
            assessment__right=RightStatus.RIGHT,
            episodes__isnull=True,
        )
        .select_related("assessment", "receiving_unit")
        .order_by("assessment__care_deadline", "seniority_date")[:LIST_LIMIT]
    )
    record_access(
        actor=user,
        person_ids={referral.person_id for referral in referrals},
        object_type="referrals.referral",
        purpose=ReadPurpose.EPISODE_LIST,
    )
    return referrals


def referral_to_admit(*, user: User, pk: uuid.UUID) -> Referral:
    """A referral the user's unit assessed with a right, to start an episode from; the read is logged."""
    referral = (
        Referral.objects.select_related("person", "receiving_unit", "assessment")
        .filter(pk=pk, assessment__right=RightStatus.RIGHT)
        .first()
    )
    if referral is None:
        raise Http404
    policy.require(user, Action.EPISODE_WRITE, referral.receiving_unit)
    record_access(actor=user, person_ids=[referral.person_id], obj=referral, purpose=ReadPurpose.EPISODE_LIST)
    return referral


def get_episode(
    *, user: User, pk: uuid.UUID, action: Action = Action.EPISODE_VIEW, channel: str = Channel.WEB
) -> Episode:
    episode = (
        Episode.objects.select_related("person__municipality", "unit", "referral", "handover")
        .filter(pk=pk)
        .first()
    )
    if episode is None:
        raise Http404
    policy.require(user, action, episode)
    record_access(
        actor=user, person_ids=[episode.person_id], obj=episode, purpose=ReadPurpose.EPISODE, channel=channel
    )
    return episode


def discharge_summary(*, user: User, pk: uuid.UUID, channel: str = Channel.WEB) -> Episode:
    """A discharged episode's summary, for whoever reads the episode and for the person's coordinator."""
    episode = Episode.objects.select_related("person", "unit", "referral").filter(pk=pk).first()
    if episode is None:
        raise Http404
    policy.require(user, Action.DISCHARGE_SUMMARY_VIEW, episode)
    record_access(
        actor=user,
        person_ids=[episode.person_id],
        obj=episode,
        purpose=ReadPurpose.DISCHARGE_SUMMARY,
        channel=channel,
    )
    return episode


@dataclass(frozen=True)
class Handover:
    """The state of the report of need sent at discharge, as both sides see it: sent, received by the
    coordinating unit, decided, a coordinator appointed."""

    sent_at: datetime
    municipality: str
    case_number: str
    status: str
    status_label: str
    decided: bool
    decision_label: str
    coordinator: str

    @property
    def steps(self) -> list[tuple[str, bool]]:
        return [
            (_("Sent from the ward"), True),
            (_("Received by the coordinating unit"), True),
            (_("Being assessed"), self.status != ReportStatus.RECEIVED),
            (_("Decided"), self.decided),
            (_("Coordinator appointed"), bool(self.coordinator)),
        ]


def handover_state(*, user: User, episode: Episode) -> Handover | None:
    """The state of the episode's report of need, for those who read the episode: its state only, never the
    unit's work on it. The whole ward sees it, not just the colleague who sent it: the one who discharged may
    be off the next day. (The report itself stays the reporter's and the unit's: NEED_REPORT_VIEW_OWN.)"""
    policy.require(user, Action.EPISODE_VIEW, episode)
    report = episode.handover
    if report is None:
        return None
    assignment = (
        CoordinatorAssignment.objects.filter(need_report=report, active=True)
        .select_related("coordinator", "organisation")
        .first()
    )
    coordinator = (
        f"{assignment.coordinator.display_name}, {assignment.organisation.name}"
        if assignment is not None
        else ""
    )
    return Handover(
        sent_at=report.received_at,
        municipality=report.municipality.name,
        case_number=report.case_number,
        status=report.status,
        status_label=report.get_status_display(),
        decided=report.is_decided,
        decision_label=report.get_decision_display() if report.decision else "",
        coordinator=coordinator,
    )


def default_handover_text(episode: Episode) -> str:
    """The report's text the ward starts from, in the ward's language: the need, and the discharge date."""
    return _(
        "%(person)s has been an inpatient at %(unit)s since %(admitted)s and is to be discharged on "
        "%(discharged)s. The person will need long-term, coordinated services after discharge."
    ) % {
        "person": episode.person.full_name,
        "unit": episode.unit.name,
        "admitted": f"{timezone.localtime(episode.admitted_at):%d.%m.%Y}",
        "discharged": f"{timezone.localdate():%d.%m.%Y}",
    }
