"""Emails that tell a user something happened to their account. They say nothing about the person or their
health: an email may be read by others and travels outside the service."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task

logger = logging.getLogger(__name__)


def tell_account_changed(*, address: str, language: str, template: str) -> None:
    """Send `accounts/email/<template>.txt` (and its `_subject`) to the address in the user's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/email/{template}_subject.txt").strip()
        body = render_to_string(f"accounts/email/{template}.txt")
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        # The change is saved; a failed email must not undo it.
        logger.exception("Account email %s failed", template)


@db_task()
def send_reset_link(*, address: str, language: str, domain: str, use_https: bool) -> None:
    """The job behind "Forgot your password?": the link to each active account with the address, in the
    language the page was asked in. The page only puts this job on the queue, the same for any address, so
    the time of its answer does not tell whether an account has the address."""
    from .forms import ResetForm

    with translation.override(language or settings.LANGUAGE_CODE):
        form = ResetForm({"email": address})
        if not form.is_valid():
            return
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="accounts/email/password_reset_subject.txt",
            email_template_name="accounts/email/password_reset.txt",
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    try:
        if form.outgoing:
            get_connection().send_messages(form.outgoing)
    except Exception:
        logger.exception("Password reset email failed")
