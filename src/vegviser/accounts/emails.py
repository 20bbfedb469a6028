"""Emails that tell a user something happened to their account. They say nothing about the person or their
health: an email may be read by others and travels outside the service."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

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
