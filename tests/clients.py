"""Signing in without the login form, for the tests and for the benchmarks (bench/), which run without
pytest."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegviser.accounts.models import User


def sign_in(client: Client, user: User) -> None:
    """Log in as the user, with the second factor already given, as production requires of professionals."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
