"""Users of Vegviser: professionals, citizens (the person and their family) and system administrators."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.core import deferred


class Profession(models.TextChoices):
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    NURSE = "nurse", _("Nurse")
    PHYSICIAN = "physician", _("Physician")
    SPEECH_THERAPIST = "speech_therapist", _("Speech therapist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SPECIAL_EDUCATOR = "special_educator", _("Special educator")
    TEACHER = "teacher", _("Teacher")
    NAV_ADVISER = "nav_adviser", _("NAV adviser")
    OTHER = "other", _("Other")


hpr_validator = RegexValidator(r"^\d{4,9}$", _("An HPR number has 4 to 9 digits."))


class User(AbstractUser):
    """One login. A professional has a profession and memberships; a system administrator manages
    organisations and users and is never shown health data."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices, blank=True)
    hpr_number = models.CharField(
        _("HPR number"),
        max_length=9,
        blank=True,
        validators=[hpr_validator],
        help_text=_("Number in the Health Personnel Register, if the person has one."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # The language last chosen with the switcher: the pages at the next sign-in, and notices and emails.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    is_system_admin = models.BooleanField(_("system administrator"), default=False)
    # Two administrators saving the same account, or a form opened before a deactivation, must not overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["hpr_number"],
                condition=~models.Q(hpr_number=""),
                name="accounts_user_unique_hpr_number",
                violation_error_code="duplicate_hpr_number",
                violation_error_message=_("Another user already has this HPR number."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_professional(self) -> bool:
        """Professionals and administrators sign in with two factors; citizens do not (ID-porten later)."""
        return bool(self.is_system_admin or self.profession or self.memberships.filter(active=True).exists())


class Notification(models.Model):
    """A notice in the app for one user: a reminder or an event. It may name the person it is about, since it
    is read behind login; the email that announces it never does."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    # What the notice is about, e.g. "revision:<plan>:<date>": the same reminder is never sent twice.
    key = models.CharField(_("key"), max_length=200)
    # The message untranslated and the values that fill it (see core.deferred), translated when shown, in
    # the reader's language of the day. `text` is the notice as written to the recipient, kept for notices
    # from before messages were kept, and for any message that cannot be translated again.
    message = models.JSONField(_("message"), default=dict, blank=True)
    params = models.JSONField(_("values"), default=dict, blank=True)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_notice_user_recent")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="accounts_notification_unique_key_per_user")
        ]

    def __str__(self) -> str:
        return self.shown_text

    @property
    def shown_text(self) -> str:
        """The notice in the active language; as written, if its message was not kept."""
        return deferred.shown(self.message, self.params) if self.message.get("id") else self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=self.read_at)


class ResetRequest(models.Model):
    """One request for a password-reset link, kept for as long as it counts against the limits: by the
    address asked for and by the client asking, each as a keyed hash, never as written."""

    key = models.CharField(_("key"), max_length=64)
    made_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["key", "made_at"], name="accounts_reset_key_made"),
            models.Index(fields=["made_at"], name="accounts_reset_made"),
        ]

    def __str__(self) -> str:
        return self.key
