"""Consent (IP element h): to a plan and a coordinator, and to sharing with named services.

No plan is made and no coordinator appointed without consent in force. Withdrawal takes effect at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.core.models import PersonalDataModel
from vegviser.core.uploads import (
    DOCUMENT_EXTENSIONS,
    MAX_DOCUMENT_BYTES,
    anonymous_name,
    check_size,
    is_what_its_name_says,
)
from vegviser.registry.models import Organisation, Person, RelationKind

MAX_EVIDENCE_BYTES = MAX_DOCUMENT_BYTES
EVIDENCE_EXTENSIONS = DOCUMENT_EXTENSIONS


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    PARENT = "parent", _("Parent with parental responsibility")
    GUARDIAN = "guardian", _("Guardian (verge)")
    CHILD_WELFARE = "child_welfare", _("Child welfare service")


class ConsentEvidence(models.TextChoices):
    PORTAL = "portal", _("Given in the portal")
    PAPER = "paper", _("Signed on paper, uploaded")
    ORAL = "oral", _("Given orally, with a journal reference")


def evidence_path(instance: Consent, filename: str) -> str:
    return anonymous_name("consents", instance.pk, filename)


def validate_evidence_size(file: Any) -> None:
    check_size(file, MAX_EVIDENCE_BYTES)


def validate_evidence_content(file: Any) -> None:
    if not is_what_its_name_says(file):
        raise ValidationError(
            _("The file is not a PDF, PNG or JPEG file as its name says. Upload the signed consent as one.")
        )


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, *, covering: str, on: date | None = None) -> ConsentQuerySet:
        """The consents in force that cover `plan` or `coordinator`, newest first (the model's order)."""
        day = on or timezone.localdate()
        field = {"plan": "covers_plan", "coordinator": "covers_coordinator"}[covering]
        return self.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
            withdrawn_at__isnull=True,
            valid_from__lte=day,
            **{field: True},
        )

    def in_force_for(self, person: Person, *, covering: str, on: date | None = None) -> Consent | None:
        """The newest of the person's consents in force that covers `plan` or `coordinator`: one query."""
        return self.in_force(covering=covering, on=on).filter(person_id=person.pk).first()

    def shared_in_force(self, person_ids: Iterable[Any]) -> dict[Any, set[Any]]:
        """For each of these people who has one, the organisations their newest consent to the plan in force
        shares with: the organisations whose participants may open the person's plans today. Two queries."""
        shared: dict[Any, set[Any]] = {}
        consents = (
            self.in_force(covering="plan").filter(person_id__in=person_ids).prefetch_related("shared_with")
        )
        for consent in consents:
            shared.setdefault(
                consent.person_id, {organisation.pk for organisation in consent.shared_with.all()}
            )
        return shared


class Consent(PersonalDataModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="consents"
    )
    given_by = models.CharField(_("consent given by"), max_length=16, choices=ConsentGiver.choices)
    given_by_person = models.ForeignKey(
        Person,
        verbose_name=_("parent or guardian who consented"),
        on_delete=models.PROTECT,
        related_name="consents_given",
        null=True,
        blank=True,
    )
    child_view = models.TextField(
        _("the child's own view"),
        blank=True,
        validators=[MaxLengthValidator(4000)],
        help_text=_("When the person is under 16: what the child said, in the child's words where possible."),
    )
    covers_plan = models.BooleanField(_("making an individual plan"), default=True)
    covers_coordinator = models.BooleanField(_("appointing a coordinator"), default=True)
    shared_with = models.ManyToManyField(
        Organisation,
        verbose_name=_("confidential information may be shared with"),
        related_name="consents",
        blank=True,
    )
    # Kept on each later version, so that the person can give the sharing back one organisation at a time,
    # and giving the whole consent again restores what they chose, not what was left after a withdrawal.
    withdrawn_for = models.ManyToManyField(
        Organisation,
        verbose_name=_("sharing withdrawn for"),
        related_name="+",
        blank=True,
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    evidence = models.CharField(_("how consent was given"), max_length=8, choices=ConsentEvidence.choices)
    evidence_file = models.FileField(
        _("signed consent (PDF or image)"),
        upload_to=evidence_path,
        blank=True,
        validators=[
            FileExtensionValidator(EVIDENCE_EXTENSIONS),
            validate_evidence_size,
            validate_evidence_content,
        ],
    )
    journal_reference = models.CharField(_("journal reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_note = models.TextField(
        _("note on withdrawal"), blank=True, validators=[MaxLengthValidator(2000)]
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-valid_from", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="access_consent_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.valid_from:%d.%m.%Y}"

    def in_force_on(self, day: date) -> bool:
        if self.withdrawn_at is not None and timezone.localdate(self.withdrawn_at) <= day:
            return False
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def in_force(self) -> bool:
        return self.in_force_on(timezone.localdate())

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not (self.covers_plan or self.covers_coordinator):
            errors["covers_plan"] = _("Consent must cover a plan, a coordinator or both.")
        if self.evidence == ConsentEvidence.PAPER and not self.evidence_file:
            errors["evidence_file"] = _("Upload the signed consent.")
        if self.evidence == ConsentEvidence.ORAL and not self.journal_reference.strip():
            errors["journal_reference"] = _("Give the journal reference where the oral consent is recorded.")
        if self.given_by in (ConsentGiver.PARENT, ConsentGiver.GUARDIAN) and self.given_by_person_id is None:
            errors["given_by_person"] = _("Choose the parent or guardian who consented.")
        if self.given_by_person_id is not None and self.person_id and self.valid_from:
            kind = RelationKind.PARENT if self.given_by == ConsentGiver.PARENT else RelationKind.GUARDIAN
            relations = self.person.relations.filter(relative_id=self.given_by_person_id, kind=kind)
            if not any(relation.in_force_on(self.valid_from) for relation in relations):
                errors["given_by_person"] = _("This person is not registered as the parent or guardian.")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date cannot be before the start date.")
        if self.person_id and self.valid_from:
            age = self.person.age_on(self.valid_from)
            # From 16 the person consents themselves (pasient- og brukerrettighetsloven § 4-3).
            if age is not None and age >= 16 and self.given_by == ConsentGiver.PARENT:
                errors["given_by"] = _("From the age of 16 the person consents themselves.")
            if age is not None and age < 16 and self.given_by == ConsentGiver.PERSON:
                errors["given_by"] = _(
                    "Under 16, a parent with parental responsibility or child welfare consents."
                )
        if errors:
            raise ValidationError(errors)


# Emergency access is for hours, never days: at most this long.
EMERGENCY_MAX_HOURS = 4


class EmergencyAccess(PersonalDataModel):
    """Breaking the glass: a professional without access opens a plan for a few hours, giving a reason.
    Granted at once, logged, shown to the person, and listed for the unit until someone has reviewed it."""

    plan = models.ForeignKey(
        "plans.IndividualPlan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="emergency_accesses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    user_name = models.CharField(_("opened by"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), validators=[MaxLengthValidator(2000)])
    granted_at = models.DateTimeField(_("opened"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True, validators=[MaxLengthValidator(2000)])

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "plan", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="access_emergency_expires_after_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_name} {self.granted_at:%d.%m.%Y %H:%M}"

    def clean(self) -> None:
        if (
            self.granted_at
            and self.expires_at
            and self.expires_at - self.granted_at > timedelta(hours=EMERGENCY_MAX_HOURS)
        ):
            raise ValidationError({"expires_at": _("Emergency access lasts at most four hours.")})
        if len(self.reason.strip()) < 10:
            raise ValidationError({"reason": _("Write why you need the plan now, in a sentence or two.")})

    @property
    def in_force(self) -> bool:
        return self.expires_at > timezone.now()
