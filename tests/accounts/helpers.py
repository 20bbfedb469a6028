"""Helpers shared by the accounts tests: a real password login and codes from an authenticator."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegviser.accounts.models import User


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


def user_form_data(user: User, **changes: Any) -> dict[str, Any]:
    """The user page's form as the browser posts it for the account as stored, with `changes`."""
    user = User.objects.get(pk=user.pk)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "profession": user.profession,
        "hpr_number": user.hpr_number,
        "is_active": "on" if user.is_active else "",
        "version": str(user.version),
    }
    data.update(changes)
    # An unticked checkbox is not posted at all.
    return {key: value for key, value in data.items() if value != "" or key != "is_active"}
