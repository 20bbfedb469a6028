"""Every write to users. Keyword-only, checks the policy, one transaction, audit record included."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegviser.access.policy import Action, authorise, can
from vegviser.audit.models import AuditAction
from vegviser.audit.services import record_change, save_change, save_new
from vegviser.registry.models import Organisation
from vegviser.registry.services import add_membership

from .emails import tell_account_changed
from .forms import SIGN_IN_FIELDS, SIGN_IN_REFUSED, WelcomeForm
from .models import User

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "profession",
    "hpr_number",
    "is_active",
]


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    data: dict[str, Any],
    organisation: Organisation | None = None,
    role: str = "",
    password: str | None = None,
) -> User:
    """A new user. Without a password the user sets one through the emailed link (see `send_welcome`)."""
    authorise(actor, Action.USER_CREATE)
    user = User(**{name: data[name] for name in USER_FIELDS if name in data})
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.is_system_admin = bool(data.get("is_system_admin")) and (actor is None or actor.is_system_admin)
    save_new(user, actor=actor, action=AuditAction.USER_CREATE, fields=USER_FIELDS)
    if organisation is not None and role:
        add_membership(actor=actor, organisation=organisation, user=user, role=role)
    return user


@transaction.atomic
def update_user(
    *, actor: User | None, user: User, data: dict[str, Any], expected_version: int | None = None
) -> User:
    """Change a user's details. Their user name, email address and whether the account is active only where
    the policy lets the actor change how the account signs in; the old address is told of a new one."""
    # A bound ModelForm has already written its data onto `user`: the policy asks about the user as stored.
    current = User.objects.select_for_update().get(pk=user.pk)
    authorise(actor, Action.USER_EDIT, current)
    changed = [name for name in SIGN_IN_FIELDS if name in data and data[name] != getattr(current, name)]
    if changed and actor is not None and not can(actor, Action.USER_SIGN_IN_EDIT, current):
        raise ValidationError(dict.fromkeys(changed, SIGN_IN_REFUSED))
    told = current.email if {"email", "username"} & set(changed) and actor != current else ""
    saved = save_change(
        current,
        actor=actor,
        action=AuditAction.USER_UPDATE,
        fields=USER_FIELDS,
        data=data,
        expected_version=expected_version,
        locked=True,
    )
    if told:
        transaction.on_commit(
            partial(tell_account_changed, address=told, language=saved.language, template="sign_in_changed")
        )
    return saved


@transaction.atomic
def choose_language(*, actor: User | None, user: User, language: str) -> User:
    """The language chosen with the switcher, kept with the account: the pages at the next sign-in on any
    device, and the notices and emails the user is sent, are in it."""
    authorise(actor, Action.OWN_ACCOUNT, user)
    # Only the choice is checked, not the whole row: switching the language must work for any account.
    User._meta.get_field("language").clean(language, user)
    return save_change(
        user,
        actor=actor,
        action=AuditAction.USER_LANGUAGE,
        fields=["language"],
        data={"language": language},
        validate=False,
    )


def send_welcome(*, request: HttpRequest, user: User) -> None:
    """The password-reset email doubles as the invitation to choose a first password."""
    if not user.email:
        return
    form = WelcomeForm({"email": user.email}, user=user)
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/email/welcome_subject.txt",
            email_template_name="accounts/email/welcome.txt",
        )


@transaction.atomic
def add_totp_device(*, actor: User | None, user: User) -> TOTPDevice:
    """The authenticator the user is setting up: the one not yet confirmed, or a new one with its own secret.
    The oldest one waiting is kept, so two setup pages opened at once do not leave the user between two."""
    authorise(actor, Action.OWN_ACCOUNT, user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="app")
        record_change(
            actor=actor, action=AuditAction.USER_TWO_FACTOR_ADD, obj=user, after={"device": device.pk}
        )
    return device


@transaction.atomic
def confirm_totp_device(*, actor: User | None, device: TOTPDevice) -> None:
    """The device gave a valid code: from now on the user signs in with it."""
    user = device.user
    authorise(actor, Action.OWN_ACCOUNT, user)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Only one authenticator per user: a new one replaces the old.
    TOTPDevice.objects.devices_for_user(user).exclude(pk=device.pk).delete()
    record_change(
        actor=actor, action=AuditAction.USER_TWO_FACTOR_ENABLE, obj=user, after={"two_factor": True}
    )
