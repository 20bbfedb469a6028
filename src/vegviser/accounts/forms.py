from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import RegexValidator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import grantable_roles
from vegviser.core.forms import VersionedForm
from vegviser.registry.models import MembershipRole, Organisation

from .models import User


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No autofocus: keyboard and screen reader users start at the top, with the skip link and the heading.
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def confirm_login_allowed(self, user: User) -> None:
        """Where the settings turn local passwords off for citizens or professionals, they log in through
        their provider instead; the system administrator keeps the password, to reach the system at all."""
        super().confirm_login_allowed(user)
        if user.is_system_admin:
            return
        if user.is_professional and not settings.LOCAL_LOGIN_FOR_PROFESSIONALS:
            raise ValidationError(
                _("Health and care personnel log in with HelseID here, not with a password."),
                code="password_off",
            )
        if not user.is_professional and not settings.LOCAL_LOGIN_FOR_CITIZENS:
            raise ValidationError(
                _("Log in with ID-porten here, not with a password."),
                code="password_off",
            )


class ResetForm(PasswordResetForm):
    """Also for users who have not chosen a first password yet (their welcome link may have expired).

    The emails are written, not sent: the job that runs the form sends them (`outgoing`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outgoing: list[EmailMessage] = []

    def get_users(self, email: str) -> Iterable[User]:
        users = list(User.objects.filter(email__iexact=email, is_active=True).exclude(email=""))
        # Without an account the same email is written for a stand-in, and dropped: the answer does the same
        # work either way, so the time it takes does not tell whether the address has an account.
        return users or [User(email=email)]

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = EmailMessage(
            subject, render_to_string(email_template_name, context), from_email, [to_email]
        )
        if not context["user"]._state.adding:
            self.outgoing.append(message)


class WelcomeForm(PasswordResetForm):
    """The reset email to one named user, who has no usable password yet."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._user = user

    def get_users(self, email: str) -> Iterable[User]:
        return [self._user] if self._user.is_active else []


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        help_text=_("Six digits."),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("The code has six digits."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


# How the account signs in: whoever may change these can take the account over (see `services.update_user`).
SIGN_IN_FIELDS = ("username", "email", "is_active")
SIGN_IN_REFUSED = _("Only the user can change how they sign in to this account.")


class UserForm(VersionedForm):
    constraint_fields = {"duplicate_hpr_number": "hpr_number"}

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "profession",
            "hpr_number",
            "is_active",
        ]

    def __init__(self, *args: Any, sign_in_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].required = True
        if self.instance._state.adding:
            del self.fields["is_active"]
        self.sign_in_locked = sign_in_locked
        if sign_in_locked:
            # Read-only rather than disabled where it can be: a disabled field's description is too faint to
            # read. A checkbox cannot be read-only; the notice above the form says why it is disabled.
            for name in ("username", "email"):
                self.fields[name].widget.attrs["readonly"] = True
                self.fields[name].help_text = SIGN_IN_REFUSED
            self.fields["is_active"].disabled = True
            self.fields["is_active"].help_text = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.sign_in_locked:
            # A page that posts another value all the same (an old copy of the form) is told so.
            for name in ("username", "email"):
                posted = self.data.get(self.add_prefix(name))
                initial = self.get_initial_for_field(self.fields[name], name)
                if posted is not None and posted.strip() != str(initial):
                    self.add_error(name, SIGN_IN_REFUSED)
        return cleaned


class NewUserForm(UserForm):
    """A new user, placed in an organisation the acting administrator manages."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)

    def __init__(self, *args: Any, organisations: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(forms.ChoiceField, self.fields["role"]).choices = grantable_roles(actor)
