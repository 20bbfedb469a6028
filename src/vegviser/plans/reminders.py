"""Reminders, sent by `vegviser remind` from cron once a day: plan revisions coming up, meetings tomorrow,
reports of need the coordinating unit has left undecided too long, referrals a specialist unit must assess
by the next working day, and the unit's expected breaches of the deadline for the start of care.

Each reminder is an in-app notice, announced by an email that says only that there is a notice: an email may
be read by others and travels outside the service, so it carries no name and no health information. The notice
key makes a run idempotent: running again the same day sends nothing new.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vegviser.access import policy
from vegviser.accounts.models import Notification, User
from vegviser.core import deferred
from vegviser.core.working_days import add_working_days
from vegviser.referrals.models import RECEIVING_KINDS, Referral, ReferralStatus
from vegviser.referrals.selectors import waiting_to_report
from vegviser.registry.models import Membership, MembershipRole, OrganisationKind

from .models import OPEN_STATUSES, IndividualPlan, Meeting, PlanParticipant, PlanStatus
from .overview import waiting_reports

logger = logging.getLogger(__name__)

# The coordinator hears of a revision this many days ahead, so there is time to call the meeting.
REVISION_NOTICE_DAYS = 14
KINDS = ("revision", "meeting", "report", "assessment", "breach")


@dataclass(frozen=True)
class Notice:
    kind: str
    user: User
    key: str
    url: str
    message: Any  # a lazy translation, kept untranslated and translated when the notice is read
    params: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        return notice_fields(self.user, self.message, self.params)


def notice_fields(user: User, message: Any, params: dict[str, Any]) -> dict[str, Any]:
    """What a notice stores: the message untranslated and its values, to be translated in the language the
    reader has when reading it; and the text as written to the recipient today, cut to what the notice
    holds, for a message that is not a lazy translation and so cannot be translated again."""
    kept, values = deferred.keep(message), deferred.keep_values(params)
    with translation.override(language_of(user)):
        text = deferred.shown(kept, values) if kept else str(message) % params
    return {"message": kept or {}, "params": values if kept else {}, "text": text[:300]}


def email_body(first_line: str) -> str:
    """An email announcing a notice: that there is something to read, and where. Nothing about whom or what.
    Call in the recipient's language."""
    lines = [first_line]
    if settings.VEGVISER_SITE_URL:
        lines += [_("Log in to read it:"), settings.VEGVISER_SITE_URL + reverse("accounts:notifications")]
    else:
        lines.append(_("Log in to Vegviser to read it."))
    lines += ["", _("This email was sent automatically. Please do not reply to it.")]
    return "\n".join(lines) + "\n"


def language_of(user: User) -> str:
    """The language the user last chose in the switcher; else a citizen's preferred language in the registry;
    else Bokmål, the service's default."""
    person = getattr(user, "person", None)
    language = user.language or (person.preferred_language if person is not None else settings.LANGUAGE_CODE)
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _revision_notices(today: date) -> Iterator[Notice]:
    plans = (
        IndividualPlan.objects.filter(
            status=PlanStatus.ACTIVE,
            next_revision__isnull=False,
            next_revision__lte=today + timedelta(days=REVISION_NOTICE_DAYS),
        )
        .select_related("person")
        .only("status", "next_revision", "person", "person__given_name", "person__family_name")
    )
    coordinators = policy.coordinators_in_office(plans.values("person_id"))
    for plan in plans:
        assert plan.next_revision is not None
        message = (
            gettext_lazy("The revision of the plan for %(name)s was due on %(date)s.")
            if plan.next_revision < today
            else gettext_lazy("The plan for %(name)s is due for revision on %(date)s.")
        )
        for user in coordinators.get(plan.person_id, []):
            yield Notice(
                kind="revision",
                user=user,
                # A new revision date is a new reminder; the same date is reminded of once.
                key=f"revision:{plan.pk}:{plan.next_revision.isoformat()}",
                url=reverse("plans:plan_detail", kwargs={"pk": plan.pk}),
                message=message,
                params={"name": plan.person.full_name, "date": plan.next_revision},
            )


def _meeting_notices(today: date) -> Iterator[Notice]:
    tomorrow = today + timedelta(days=1)
    invited = PlanParticipant.objects.filter(active=True, user__is_active=True).select_related("user__person")
    meetings = (
        Meeting.objects.filter(
            cancelled=False,
            starts_at__gte=_local_midnight(tomorrow),
            starts_at__lt=_local_midnight(tomorrow + timedelta(days=1)),
            plan__status__in=OPEN_STATUSES,
        )
        .select_related("plan__person")
        .only(
            "starts_at",
            "plan",
            "plan__status",
            "plan__person",
            "plan__person__given_name",
            "plan__person__family_name",
        )
        .prefetch_related(Prefetch("invited", queryset=invited))
    )
    coordinators = policy.coordinators_in_office(meetings.values("plan__person_id"))
    for meeting in meetings:
        starts = timezone.localtime(meeting.starts_at)
        users = [participant.user for participant in meeting.invited.all() if participant.user is not None]
        for user in [*coordinators.get(meeting.plan.person_id, []), *users]:
            yield Notice(
                kind="meeting",
                user=user,
                # A meeting moved to another time is reminded of again.
                key=f"meeting:{meeting.pk}:{starts:%Y-%m-%dT%H:%M}",
                url=reverse("plans:plan_detail", kwargs={"pk": meeting.plan_id}),
                message=gettext_lazy(
                    "The responsibility group for %(name)s meets tomorrow, %(date)s at %(time)s."
                ),
                params={
                    "name": meeting.plan.person.full_name,
                    "date": starts.date(),
                    "time": starts.time(),
                },
            )


def _report_notices(today: date) -> Iterator[Notice]:
    reports = waiting_reports(today=today).select_related("person")
    officers: dict[str, list[User]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=MembershipRole.COORDINATING_UNIT_OFFICER,
        active=True,
        user__is_active=True,
        organisation__active=True,
        organisation__kind=OrganisationKind.COORDINATING_UNIT,
        organisation__municipality_id__in=reports.values("municipality_id"),
    ).select_related("user__person", "organisation")
    for membership in memberships:
        municipality = membership.organisation.municipality_id
        if municipality is not None and membership.user not in officers[municipality]:
            officers[municipality].append(membership.user)
    for report in reports:
        for user in officers.get(report.municipality_id, []):
            yield Notice(
                kind="report",
                user=user,
                key=f"report-waiting:{report.pk}",
                url=reverse("intake:report_detail", kwargs={"pk": report.pk}),
                message=gettext_lazy(
                    "The report of need for %(name)s has waited %(days)s days for a decision."
                ),
                params={"name": report.person.full_name, "days": report.age_in_days(today)},
            )


def _assessment_notices(today: date) -> Iterator[Notice]:
    """The unit's referral clerks hear of each referral whose assessment is due the next working day (on a
    Friday, of Monday's), while it is still unassessed."""
    due = add_working_days(today, 1)
    referrals = Referral.objects.filter(
        assessment_due_on=due, status__in=[ReferralStatus.RECEIVED, ReferralStatus.AWAITING_REFERRER]
    )
    clerks: dict[Any, list[User]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=MembershipRole.REFERRAL_CLERK,
        active=True,
        user__is_active=True,
        organisation__active=True,
        organisation__kind__in=RECEIVING_KINDS,
        organisation_id__in=referrals.values("receiving_unit_id"),
    ).select_related("user__person")
    for membership in memberships:
        if membership.user not in clerks[membership.organisation_id]:
            clerks[membership.organisation_id].append(membership.user)
    for referral in referrals:
        for user in clerks.get(referral.receiving_unit_id, []):
            yield Notice(
                kind="assessment",
                user=user,
                key=f"referral-due:{referral.pk}",
                url=reverse("referrals:referral_detail", kwargs={"pk": referral.pk}),
                message=gettext_lazy("The referral for %(name)s must be assessed by %(date)s."),
                params={"name": referral.named_as, "date": referral.assessment_due_on},
            )


def _expected_breach_notices(today: date) -> Iterator[Notice]:
    """Each clerk of a unit hears, once a day, how many of the unit's waits are expected to breach their
    deadline and are not yet reported to Helfo: a count, never a name, so each referral is told of at most
    once a day."""
    counts: dict[Any, int] = defaultdict(int)
    for row in waiting_to_report(today=today):
        counts[row.referral.receiving_unit_id] += 1
    if not counts:
        return
    memberships = Membership.objects.filter(
        role=MembershipRole.REFERRAL_CLERK,
        active=True,
        user__is_active=True,
        organisation__active=True,
        organisation__kind__in=RECEIVING_KINDS,
        organisation_id__in=list(counts),
    ).select_related("user__person", "organisation")
    for membership in memberships:
        yield Notice(
            kind="breach",
            user=membership.user,
            key=f"expected-breaches:{membership.organisation_id}:{today.isoformat()}",
            url=reverse("referrals:waiting_list") + "?show=expected",
            message=gettext_lazy("Expected breaches of the deadline for care at %(unit)s: %(count)s."),
            params={"unit": membership.organisation.name, "count": counts[membership.organisation_id]},
        )


def _new_only(notices: Iterable[Notice]) -> list[Notice]:
    notices = list(notices)
    seen = set(
        Notification.objects.filter(key__in={notice.key for notice in notices}).values_list("user_id", "key")
    )
    fresh = []
    for notice in notices:
        if (notice.user.pk, notice.key) not in seen:
            seen.add((notice.user.pk, notice.key))
            fresh.append(notice)
    return fresh


def _email(user: User, count: int) -> tuple[str, str]:
    """Subject and body: that there is something to read, and where. Nothing about whom or what."""
    with translation.override(language_of(user)):
        first = ngettext(
            "You have a new notice in Vegviser.", "You have %(count)d new notices in Vegviser.", count
        ) % {"count": count}
        return _("New notice in Vegviser"), email_body(first)


def send_reminders(*, today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Create today's notices and announce them by email; returns how many of each were (or, in a dry run,
    would be) sent: one count per kind of reminder, then "notifications" and "emails"."""
    today = today or timezone.localdate()
    notices = _new_only(
        [
            *_revision_notices(today),
            *_meeting_notices(today),
            *_report_notices(today),
            *_assessment_notices(today),
            *_expected_breach_notices(today),
        ]
    )
    counts = dict.fromkeys([*KINDS, "notifications", "emails"], 0)
    new_per_user: dict[uuid.UUID, int] = defaultdict(int)
    recipients: dict[uuid.UUID, User] = {}
    for notice in notices:
        if not dry_run:
            _notification, created = Notification.objects.get_or_create(
                user=notice.user, key=notice.key, defaults={**notice.fields(), "url": notice.url}
            )
            if not created:  # another run got there first
                continue
        counts[notice.kind] += 1
        counts["notifications"] += 1
        new_per_user[notice.user.pk] += 1
        recipients[notice.user.pk] = notice.user

    connection = None if dry_run else get_connection()
    for pk, user in recipients.items():
        if not user.email:
            continue
        if not dry_run:
            subject, body = _email(user, new_per_user[pk])
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection)
            except Exception:
                # The notice is saved and shows in the app; one failed address must not stop the others.
                logger.exception("Reminder email to user %s failed", user.pk)
                continue
        counts["emails"] += 1
    return counts
