"""Telling the invitees of a meeting: they are invited, the meeting was changed or cancelled, they are no
longer invited, the minutes are approved.

Each invitee who can open the meeting gets a notice in the app, which may name the person, since it is read
behind login, and an email after the change is committed, which names no one and says nothing of the plan:
only that there is a meeting and when, with the event for their calendar. The one who made the change is told
nothing. A failed email is logged and leaves the change and the notices as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.mime.text import MIMEText
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import User
from vegviser.core.formats import clock, day

from . import notices
from .calendar import CANCEL, REQUEST, emailed_invitation
from .models import Meeting, PlanParticipant
from .reminders import email_body, language_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """What happened to a meeting, as each side is told it."""

    key: str
    notice: Any  # a lazy translation: the notice in the app, which may name the person
    subject: Any  # the email's subject and first line: no name, no health information
    first_line: Any
    method: str | None  # the calendar method sent along; None: no calendar event


INVITED = Event(
    key="meeting-invited",
    notice=gettext_lazy(
        "You are invited to a meeting of the responsibility group for %(name)s on %(date)s at %(time)s."
    ),
    subject=gettext_lazy("Invitation to a meeting in Vegviser"),
    first_line=gettext_lazy("You are invited to a meeting on %(date)s at %(time)s."),
    method=REQUEST,
)
CHANGED = Event(
    key="meeting-changed",
    notice=gettext_lazy(
        "The meeting of the responsibility group for %(name)s was changed: it is on %(date)s at %(time)s."
    ),
    subject=gettext_lazy("A meeting in Vegviser was changed"),
    first_line=gettext_lazy("A meeting you are invited to was changed: it is on %(date)s at %(time)s."),
    method=REQUEST,
)
CANCELLED = Event(
    key="meeting-cancelled",
    notice=gettext_lazy(
        "The meeting of the responsibility group for %(name)s on %(date)s at %(time)s is cancelled."
    ),
    subject=gettext_lazy("A meeting in Vegviser was cancelled"),
    first_line=gettext_lazy("The meeting on %(date)s at %(time)s is cancelled."),
    method=CANCEL,
)
UNINVITED = Event(
    key="meeting-uninvited",
    notice=gettext_lazy(
        "You are no longer invited to the meeting of the responsibility group for %(name)s on %(date)s at "
        "%(time)s."
    ),
    subject=gettext_lazy("A meeting in Vegviser was cancelled"),
    first_line=gettext_lazy("You are no longer invited to the meeting on %(date)s at %(time)s."),
    method=CANCEL,
)
MINUTES_APPROVED = Event(
    key="meeting-minutes",
    notice=gettext_lazy(
        "The minutes of the meeting of the responsibility group for %(name)s on %(date)s are approved."
    ),
    subject=gettext_lazy("Minutes approved in Vegviser"),
    first_line=gettext_lazy("The minutes of a meeting you were invited to on %(date)s are approved."),
    method=None,
)


@dataclass(frozen=True)
class _Email:
    user_pk: Any
    address: str
    subject: str
    body: str
    calendar: str | None
    method: str | None


def _recipients(
    participants: Iterable[PlanParticipant], actor: User | None, may_open: Callable[[User], bool]
) -> list[User]:
    """The invitees' users who are still in the plan and active, and may open what they are told of; never
    the one who made the change."""
    users: list[User] = []
    for participant in participants:
        user = participant.user
        if user is None or not participant.active or not user.is_active or user in users:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        if may_open(user):
            users.append(user)
    return users


def tell(
    event: Event, *, meeting: Meeting, participants: Iterable[PlanParticipant], actor: User | None
) -> None:
    """A notice for each invitee in `participants` who is told (see `_recipients`), and after the commit an
    email to each of them who has an address. Call inside the transaction that makes the change."""
    if event is UNINVITED:
        # No longer invited, they may not open the meeting: the notice leads to the plan, if they read it.
        url = reverse("plans:plan_detail", kwargs={"pk": meeting.plan_id})
        users = _recipients(
            participants, actor, lambda user: policy.plan_role(user, meeting.plan) is not None
        )
    else:
        url = reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
        users = _recipients(participants, actor, lambda user: policy.can(user, Action.MEETING_VIEW, meeting))
    if not users:
        return
    starts = timezone.localtime(meeting.starts_at)
    when = {"date": day(starts), "time": clock(starts)}
    notices.tell(
        users=users,
        key=f"{event.key}:{meeting.pk}:{meeting.version}",
        message=event.notice,
        params={"name": meeting.plan.person.full_name, **when},
        url=url,
        email=False,
    )
    if not notices.emailing():
        return
    emails = [_email(event, meeting, user, when) for user in users if user.email]
    if emails:
        transaction.on_commit(partial(_send, emails))


def _email(event: Event, meeting: Meeting, user: User, when: dict[str, str]) -> _Email:
    """Made now, in the recipient's language, from the meeting as this change left it."""
    site = settings.VEGVISER_SITE_URL
    meeting_url = site + reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}) if site else ""
    with translation.override(language_of(user)):
        calendar = None
        if event.method is not None:
            calendar = emailed_invitation(meeting, method=event.method, attendee=user.email, url=meeting_url)
        return _Email(
            user_pk=user.pk,
            address=user.email,
            subject=str(event.subject),
            body=email_body(str(event.first_line) % when),
            calendar=calendar,
            method=event.method,
        )


def _send(emails: list[_Email]) -> None:
    connection = get_connection()
    for email in emails:
        message = EmailMessage(
            email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.address], connection=connection
        )
        if email.calendar is not None and email.method is not None:
            part = MIMEText(email.calendar, "calendar", "utf-8")
            part.set_param("method", email.method)
            part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
            message.attach(part)
        try:
            message.send()
        except Exception:
            # The change and the notices are saved; one failed address must not stop the others.
            logger.exception("Meeting email to user %s failed", email.user_pk)
