"""Limits on password-reset requests, per address asked for and per client asking. Kept in the database,
so that every process of the web tier counts the same requests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ResetRequest

RESET_WINDOW = timedelta(hours=1)
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 20


def _key(kind: str, value: str) -> str:
    return salted_hmac("vegviser.accounts.reset", f"{kind}:{value}", algorithm="sha256").hexdigest()


def allow_reset(*, address: str, client: str) -> bool:
    """Whether a reset link may be sent to `address` for `client` now; an allowed request counts against
    both. The address counts whether or not an account has it, so the answer tells nothing about accounts."""
    now = timezone.now()
    ResetRequest.objects.filter(made_at__lt=now - RESET_WINDOW).delete()
    by_address, by_client = _key("address", address.strip().lower()), _key("client", client)
    recent = ResetRequest.objects.filter(made_at__gte=now - RESET_WINDOW)
    if (
        recent.filter(key=by_address).count() >= RESETS_PER_ADDRESS
        or recent.filter(key=by_client).count() >= RESETS_PER_CLIENT
    ):
        return False
    ResetRequest.objects.bulk_create(
        [ResetRequest(key=by_address, made_at=now), ResetRequest(key=by_client, made_at=now)]
    )
    return True
