"""Referrals (henvisninger) to a habilitation or rehabilitation unit of a health trust, and what the unit asks
the referrer for while it assesses them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.accounts.models import hpr_validator
from vegviser.core.models import PersonalDataModel
from vegviser.core.uploads import (
    DOCUMENT_EXTENSIONS,
    anonymous_name,
    validate_document_content,
    validate_document_size,
)
from vegviser.core.working_days import add_working_days, working_days_between
from vegviser.registry.codes import Code, CodeSystem, named, validate_codes
from vegviser.registry.models import Organisation, OrganisationKind, Person

# Pasient- og brukerrettighetsloven § 2-2: a referral is assessed within 10 working days of its receipt.
ASSESSMENT_WORKING_DAYS = 10
# The units of a health trust that receive referrals for habilitation or rehabilitation.
RECEIVING_KINDS = (OrganisationKind.HABILITATION_UNIT, OrganisationKind.REHABILITATION_UNIT)
MAX_DIAGNOSES = 20


class DiagnosisSystem(models.TextChoices):
    """The code list a referral's diagnoses are from: a GP codes in ICPC-2, the specialist service in
    ICD-10."""

    ICD10 = CodeSystem.ICD10.value, _("ICD-10")
    ICPC2 = CodeSystem.ICPC2.value, _("ICPC-2 (from a GP)")


def checked_diagnoses(text: str | list[str], system: str) -> list[str]:
    """The codes in `text` (separated by commas, semicolons or blanks) as the code list writes them (F840 is
    F84.0), each once. Raises ValidationError naming every code the list does not have."""
    codes = validate_codes(system, text)
    if len(codes) > MAX_DIAGNOSES:
        raise ValidationError(
            _("Give at most %(count)d diagnoses."), params={"count": MAX_DIAGNOSES}, code="diagnoses"
        )
    return codes


class ReferralConsent(models.TextChoices):
    YES = "yes", _("Yes, the person (or whoever consents for them) agrees to the referral")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Awaiting assessment")
    # The unit has asked the referrer for more; the assessment deadline still runs.
    AWAITING_REFERRER = "awaiting_referrer", _("Waiting for the referrer")


class Referral(PersonalDataModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="referrals"
    )
    # The name as the referral gives it: what the unit is shown, so a referral never reveals the registry.
    named_as = models.CharField(_("name given in the referral"), max_length=200)
    receiving_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
        limit_choices_to={"kind__in": RECEIVING_KINDS},
    )
    referrer_name = models.CharField(_("referrer"), max_length=200)
    referrer_hpr_number = models.CharField(
        _("referrer's HPR number"),
        max_length=9,
        blank=True,
        validators=[hpr_validator],
        help_text=_("The number in the Health Personnel Register, if the referral gives it."),
    )
    referrer_organisation = models.CharField(
        _("referrer's organisation"),
        max_length=200,
        help_text=_("Such as the GP office, the hospital ward or the municipal service that referred."),
    )
    received_on = models.DateField(_("received"))
    # Ansiennitetsdato: where the person stands in the queue. A referral forwarded from another unit keeps the
    # date the first unit received it.
    seniority_date = models.DateField(_("seniority date"))
    assessment_due_on = models.DateField(_("assessment deadline"), editable=False)
    reason = models.TextField(_("the question or reason"), validators=[MaxLengthValidator(5000)])
    diagnosis_system = models.CharField(
        _("diagnosis codes from"),
        max_length=8,
        choices=DiagnosisSystem.choices,
        default=DiagnosisSystem.ICD10,
    )
    diagnosis_codes = models.JSONField(_("diagnoses"), default=list, blank=True)
    tried_in_municipality = models.TextField(
        _("what has been tried in the municipality"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    function_description = models.TextField(
        _("function description"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    consent = models.CharField(_("consent to the referral"), max_length=8, choices=ReferralConsent.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by_name = models.CharField(_("registered by"), max_length=200)
    # The diagnoses as read from the database (from_db): None for a referral not yet stored.
    _stored_diagnoses: tuple[Any, Any] | None = None

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["assessment_due_on", "seniority_date"]
        indexes = [models.Index(fields=["receiving_unit", "status", "assessment_due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seniority_date__lte=models.F("received_on")),
                name="referrals_seniority_not_after_receipt",
                violation_error_message=_("The seniority date cannot be after the date received."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.named_as} {self.received_on:%d.%m.%Y}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = _("The date received cannot be in the future.")
        if self.seniority_date and self.received_on and self.seniority_date > self.received_on:
            errors["seniority_date"] = _("The seniority date cannot be after the date received.")
        if not isinstance(self.diagnosis_codes, list) or not all(
            isinstance(code, str) for code in self.diagnosis_codes
        ):
            errors["diagnosis_codes"] = _("Give the diagnoses as a list of codes.")
        elif self.diagnosis_system in DiagnosisSystem.values and self._diagnoses_changed():
            try:
                self.diagnosis_codes = checked_diagnoses(self.diagnosis_codes, self.diagnosis_system)
            except ValidationError as error:
                errors["diagnosis_codes"] = error.messages
        if self.receiving_unit_id is not None and self.receiving_unit.kind not in RECEIVING_KINDS:
            errors["receiving_unit"] = _("Referrals go to a habilitation or rehabilitation unit.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The deadline is set when the referral is registered, by the calendar of that day: an operator who
        # starts counting Saturdays later moves no deadline already given.
        if self._state.adding:
            self.assessment_due_on = add_working_days(self.received_on, ASSESSMENT_WORKING_DAYS)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Referral:
        referral = super().from_db(db, field_names, values)
        # The diagnoses as stored: checked against the code list only when they change, so that a code a later
        # edition of the list drops stays on the referrals that carry it.
        stored = referral.__dict__.get("diagnosis_codes")
        referral._stored_diagnoses = (
            referral.__dict__.get("diagnosis_system"),
            # A copy: a list changed in place is a change.
            list(stored) if isinstance(stored, list) else stored,
        )
        return referral

    def _diagnoses_changed(self) -> bool:
        return self._stored_diagnoses != (self.diagnosis_system, self.diagnosis_codes)

    @property
    def diagnosis_code_system(self) -> CodeSystem:
        return CodeSystem(self.diagnosis_system)

    def diagnoses(self) -> list[Code]:
        """The diagnoses with their names in the code list (F84.0 Barneautisme), for showing."""
        return named(self.diagnosis_system, self.diagnosis_codes)

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.RECEIVED, ReferralStatus.AWAITING_REFERRER)

    def working_days_left(self, today: date | None = None) -> int:
        """Working days left to the assessment deadline: 0 on the day, below 0 once it has passed, also on
        the weekend or holiday just after it."""
        today = today or timezone.localdate()
        left = working_days_between(today, self.assessment_due_on)
        return min(left, -1) if today > self.assessment_due_on else left

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.assessment_due_on


class ReferrerRequest(PersonalDataModel):
    """What the unit asked the referrer for: an incomplete referral is not sent back unassessed, and the
    deadline runs on while the unit waits."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="referrer_requests"
    )
    asked_for = models.TextField(_("what is asked for"), validators=[MaxLengthValidator(2000)])
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asker_name = models.CharField(_("asked by"), max_length=200)
    answered_on = models.DateField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to the referrer")
        verbose_name_plural = _("requests to the referrer")
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"{self.referral} {self.asked_at:%d.%m.%Y}"


def attachment_path(instance: ReferralAttachment, filename: str) -> str:
    return anonymous_name("referrals", instance.pk, filename)


class ReferralAttachment(PersonalDataModel):
    """A document that came with the referral or after it (an epicrisis, a test report), as PDF or image."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(
        _("what the document is"),
        max_length=200,
        help_text=_("Such as «Epicrisis from the children's ward» or «Speech therapist's report»."),
    )
    file = models.FileField(
        _("file (PDF or image)"),
        upload_to=attachment_path,
        validators=[
            FileExtensionValidator(DOCUMENT_EXTENSIONS),
            validate_document_size,
            validate_document_content,
        ],
    )
    # What the browser said the file was, kept as given; the file is served by its checked extension.
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploader_name = models.CharField(_("uploaded by"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment to a referral")
        verbose_name_plural = _("attachments to referrals")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title
