"""Helpers shared by the accounts tests: a real password login and codes from an authenticator."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def password_login(client: Client, username: str, password: str, **extra: Any) -> Any:
    """Log in through the login page, as a browser does, so that Axes and the middleware take part."""
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def token_at(device: TOTPDevice, offset: int = 0) -> str:
    """The code the authenticator app shows, `offset` time steps from now."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset
    )
    return f"{value:0{device.digits}d}"


def wrong_token(device: TOTPDevice) -> str:
    """A six-digit code that the device does not accept now, allowing for its tolerance."""
    accepted = {token_at(device, offset) for offset in range(-device.tolerance - 1, device.tolerance + 2)}
    candidate = 0
    while f"{candidate:06d}" in accepted:
        candidate += 1
    return f"{candidate:06d}"


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
