"""Telling the other side of a plan that something happened: the person wrote, or a professional answered.

An in-app notice names what happened, since it is read behind login; the email that announces it says only
that something is waiting, because an email may be read by others and travels outside the service.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vegviser.accounts.models import Notification, User

from .reminders import email_body, language_of, notice_fields

logger = logging.getLogger(__name__)
# Set while loading a story of things past (the demo): notices are made, but no one is emailed.
_without_email: ContextVar[bool] = ContextVar("without_email", default=False)


@contextmanager
def without_email() -> Iterator[None]:
    token = _without_email.set(True)
    try:
        yield
    finally:
        _without_email.reset(token)


def emailing() -> bool:
    """Whether notices are announced by email now (not while loading a story of things past)."""
    return not _without_email.get()


def tell(
    *,
    users: Iterable[User],
    key: str,
    message: Any,
    params: dict[str, Any],
    url: str,
    email: bool,
    announce: str = "message",
) -> None:
    """A notice for each user (once per key), and, if `email`, an email after the transaction commits: that
    there is a new message, or (`announce="notice"`) a new notice. The notice is read in the language the
    reader has when reading it: give `message` as a lazy translation, and dates and times in `params` as
    values (they are formatted when shown)."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    for user in recipients.values():
        _notification, created = Notification.objects.get_or_create(
            user=user, key=key, defaults={**notice_fields(user, message, params), "url": url}
        )
        if created and email and user.email and not _without_email.get():
            transaction.on_commit(partial(_send_message_email, user, announce))


def _send_message_email(user: User, announce: str = "message") -> None:
    with translation.override(language_of(user)):
        if announce == "notice":
            first = ngettext(
                "You have a new notice in Vegviser.", "You have %(count)d new notices in Vegviser.", 1
            ) % {"count": 1}
            subject, body = _("New notice in Vegviser"), email_body(first)
        else:
            subject, body = _("New message in Vegviser"), email_body(_("You have a new message in Vegviser."))
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:
        # The message is saved and the notice shows in the app; a failed email must not undo either.
        logger.exception("Message email to user %s failed", user.pk)


def mark_read(*, user: User, url: str) -> None:
    """Opening a page reads the notices that lead to it (a conversation: every message's notice)."""
    Notification.objects.filter(user=user, url=url, read_at__isnull=True).update(read_at=timezone.now())


def unread(*, user: User, url: str) -> int:
    return Notification.objects.filter(user=user, url=url, read_at__isnull=True).count()
