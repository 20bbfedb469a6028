"""Referrals (henvisninger) to a habilitation or rehabilitation unit of a health trust, and what the unit asks
the referrer for while it assesses them."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce
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
from vegviser.registry.codes import Code, CodesCheckedWhenChanged, CodeSystem, named, validate_codes
from vegviser.registry.models import Organisation, OrganisationKind, Person

# Pasient- og brukerrettighetsloven § 2-2: a referral is assessed within 10 working days of its receipt.
ASSESSMENT_WORKING_DAYS = 10
# The units of a health trust that receive referrals for habilitation or rehabilitation.
RECEIVING_KINDS = (OrganisationKind.HABILITATION_UNIT, OrganisationKind.REHABILITATION_UNIT)
MAX_DIAGNOSES = 20
# Pasient- og brukerrettighetsloven § 2-2 third paragraph: a deadline nearer than this many months from the
# letter gives the person the time they are to come, in the letter itself.
APPOINTMENT_IN_LETTER_MONTHS = 4
# The age at which the adults' habilitation guide takes over from the children's.
ADULT_AGE = 18


def months_after(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where it has no such day (31 January + 1 month is
    28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
    ASSESSED = "assessed", _("Assessed")
    # Sent on to another unit, which receives it as a new referral with the same seniority date.
    FORWARDED = "forwarded", _("Forwarded")


class Referral(CodesCheckedWhenChanged, PersonalDataModel):
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
    # The referral this one was forwarded from: its seniority date carries over.
    forwarded_from = models.OneToOneField(
        "self",
        verbose_name=_("forwarded from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_as",
    )
    # Checked against the code list only when they change, so that a code a later edition of the list drops
    # stays on the referrals that carry it.
    code_fields = ("diagnosis_system", "diagnosis_codes")

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
        elif self.diagnosis_system in DiagnosisSystem.values and self.codes_changed(*self.code_fields):
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


class PriorityGuide(models.TextChoices):
    """Helsedirektoratet's priority guides (prioriteringsveiledere) for habilitation and rehabilitation."""

    HABILITATION_CHILDREN = "habilitation_children", _("Habilitation of children and young people")
    HABILITATION_ADULTS = "habilitation_adults", _("Habilitation of adults")
    PHYSICAL_MEDICINE = "physical_medicine", _("Physical medicine and rehabilitation")


class CareType(models.TextChoices):
    """What the deadline is for: the start of assessment (utredning) or of treatment (behandling)."""

    ASSESSMENT = "assessment", _("Assessment (utredning)")
    TREATMENT = "treatment", _("Treatment (behandling)")


class PriorityGuideCondition(models.Model):
    """A condition (tilstand) in a priority guide with the guide's recommendation, as Helsedirektoratet
    publishes it. Loaded from data by `import_priority_guides`; the published text is kept unchanged in
    `source`, the fields beside it are what the assessment form works with."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    guide = models.CharField(_("priority guide"), max_length=32, choices=PriorityGuide.choices)
    # The id of the item in Helsedirektoratet's content API: an import updates the condition it names.
    source_id = models.CharField(_("source id"), max_length=200, unique=True)
    title = models.CharField(_("condition"), max_length=300)
    # The guide's suggestion: a right to necessary specialist health care, or not; None where it says neither.
    suggests_right = models.BooleanField(_("suggests a right"), null=True)
    suggested_weeks = models.PositiveSmallIntegerField(
        _("suggested deadline in weeks"), null=True, blank=True
    )
    care_type = models.CharField(_("deadline for"), max_length=12, choices=CareType.choices, blank=True)
    source = models.JSONField(_("the published text"), default=dict)
    url = models.URLField(_("source"), max_length=500, blank=True)
    last_changed = models.DateField(_("last professional change"), null=True, blank=True)
    # No longer in the published guide: kept for the assessments that refer to it, offered to none.
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("priority-guide condition")
        verbose_name_plural = _("priority-guide conditions")
        ordering = ["guide", "title"]

    def __str__(self) -> str:
        return self.title

    def deadline_from(self, received_on: date) -> date | None:
        """The deadline the guide suggests, counted from the date the referral was received."""
        if self.suggested_weeks is None:
            return None
        return received_on + timedelta(weeks=self.suggested_weeks)


def guide_for(unit: Organisation, person: Person, on: date) -> str:
    """The priority guide that fits the referral: a habilitation unit follows the children's guide for a
    person under 18 and the adults' from 18; a rehabilitation unit follows physical medicine and
    rehabilitation's."""
    if unit.kind == OrganisationKind.REHABILITATION_UNIT:
        return PriorityGuide.PHYSICAL_MEDICINE
    age = person.age_on(on)
    if age is not None and age < ADULT_AGE:
        return PriorityGuide.HABILITATION_CHILDREN
    return PriorityGuide.HABILITATION_ADULTS


class RightStatus(models.TextChoices):
    """Pasient- og brukerrettighetsloven § 2-1 b: the outcome of the rights assessment."""

    RIGHT = "right", _("Right to necessary specialist health care")
    NO_NEED = "no_need", _("No need for specialist health care")
    # Referrals that are not assessed for a right, such as from another part of the specialist service.
    NOT_SUBJECT = "not_subject", _("Not subject to rights assessment")


class CriterionGrade(models.TextChoices):
    """How a prioritisation criterion (prioriteringsforskriften § 2) is met."""

    NOT_MET = "not_met", _("Not met")
    MET = "met", _("Met")
    CLEARLY_MET = "clearly_met", _("Clearly met")


class AssessmentOutcome(models.TextChoices):
    CALLED_IN = "called_in", _("Called in")
    RIGHT_WAITING = "right_waiting", _("Right; time to follow")
    FORWARDED = "forwarded", _("Forwarded to another unit")
    REJECTED = "rejected", _("Rejected")
    ADVICE = "advice", _("Advice to the referrer")


# What follows a right, and only a right: the person is called in, or told the deadline to follow.
OUTCOMES_OF_A_RIGHT = (AssessmentOutcome.CALLED_IN, AssessmentOutcome.RIGHT_WAITING)


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def still_waiting(self) -> AssessmentQuerySet:
        """The rights with a deadline for the start of care whose wait has not ended, each annotated with
        `deadline_in_force`, the date a breach is counted from (a postponement moves it): what the waiting
        list, the trust's figures and the reminders all count, so that they agree."""
        return (
            self.filter(right=RightStatus.RIGHT, care_deadline__isnull=False)
            .exclude(outcome=AssessmentOutcome.FORWARDED)
            .filter(models.Q(wait__isnull=True) | models.Q(wait__ended_on__isnull=True))
            .annotate(deadline_in_force=Coalesce("wait__postponed_to", "care_deadline"))
        )

    # The states of `waiting.wait_state`, in the database; the tests hold the two together. On the
    # annotation of `still_waiting` (in Q objects, which the type checker does not hold to the fields).
    def breached(self, today: date) -> AssessmentQuerySet:
        return self.filter(models.Q(deadline_in_force__lt=today))

    def breach_expected(self, today: date) -> AssessmentQuerySet:
        """No appointment on or before the deadline in force, which has not passed, and no postponement
        running."""
        return self.filter(models.Q(deadline_in_force__gte=today), wait__postponed_to__isnull=True).filter(
            models.Q(appointment_at__isnull=True)
            | models.Q(appointment_at__date__gt=models.F("deadline_in_force"))
        )

    def helfo_notified(self, notified: bool = True) -> AssessmentQuerySet:
        if notified:
            return self.filter(wait__helfo_notified_on__isnull=False)
        return self.filter(models.Q(wait__isnull=True) | models.Q(wait__helfo_notified_on__isnull=True))


class Assessment(PersonalDataModel):
    """The unit's assessment of a referral (pasient- og brukerrettighetsloven § 2-2): the right, the criteria
    it rests on, the deadline for the start of care, and what happens next."""

    referral = models.OneToOneField(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="assessment"
    )
    right = models.CharField(_("right"), max_length=12, choices=RightStatus.choices)
    benefit = models.CharField(
        _("expected benefit"), max_length=12, choices=CriterionGrade.choices, blank=True
    )
    cost_effectiveness = models.CharField(
        _("cost-effectiveness"), max_length=12, choices=CriterionGrade.choices, blank=True
    )
    severity = models.CharField(_("severity"), max_length=12, choices=CriterionGrade.choices, blank=True)
    condition = models.ForeignKey(
        PriorityGuideCondition,
        verbose_name=_("priority-guide condition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    # The deadline the condition suggests, counted from the date received: kept as it was when assessed.
    suggested_deadline = models.DateField(_("suggested deadline"), null=True, blank=True)
    care_deadline = models.DateField(_("deadline for the start of care"), null=True, blank=True)
    care_type = models.CharField(_("deadline for"), max_length=12, choices=CareType.choices, blank=True)
    individual_reasons = models.TextField(
        _("individual reasons"),
        blank=True,
        validators=[MaxLengthValidator(5000)],
        help_text=_("Why this person's deadline departs from the one the guide suggests."),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=AssessmentOutcome.choices)
    forwarded_to = models.ForeignKey(
        Organisation,
        verbose_name=_("forwarded to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": RECEIVING_KINDS},
    )
    to_referrer = models.TextField(
        _("to the referrer"),
        blank=True,
        validators=[MaxLengthValidator(5000)],
        help_text=_("Advice, or why the referral is rejected."),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assessor_name = models.CharField(_("assessed by"), max_length=200)
    assessed_on = models.DateField(_("assessed"), default=timezone.localdate)
    # The first appointment given, if any: the letter names it, and a deadline with no appointment before it
    # is an expected breach.
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.referral} {self.get_right_display()}"

    @property
    def has_right(self) -> bool:
        return self.right == RightStatus.RIGHT

    def appointment_needed(self) -> bool:
        """Whether the letter to the person must give the time of the appointment: the deadline is nearer
        than four months from the letter, which is dated the day of the assessment."""
        return bool(
            self.has_right
            and self.care_deadline
            and self.care_deadline < months_after(self.assessed_on, APPOINTMENT_IN_LETTER_MONTHS)
        )

    def departs_from_guide(self) -> bool:
        return bool(
            self.suggested_deadline and self.care_deadline and self.care_deadline != self.suggested_deadline
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        received_on = self.referral.received_on if self.referral_id else None
        criteria = {
            "benefit": self.benefit,
            "cost_effectiveness": self.cost_effectiveness,
            "severity": self.severity,
        }
        if self.right == RightStatus.RIGHT:
            if self.outcome and self.outcome not in OUTCOMES_OF_A_RIGHT:
                errors["outcome"] = _(
                    "With a right, the person is called in or given the time to follow: a referral that is "
                    "forwarded, rejected or answered with advice gives no right."
                )
            # Prioriteringsforskriften § 2: a right needs all three criteria met.
            for field, grade in criteria.items():
                if not grade:
                    errors[field] = _("Grade this criterion: a right rests on all three.")
                elif grade == CriterionGrade.NOT_MET:
                    errors[field] = _("A right needs all three criteria met.")
            if not self.care_deadline:
                errors["care_deadline"] = _("Give the deadline for the start of care.")
            if not self.care_type:
                errors["care_type"] = _("Say whether the deadline is for assessment or for treatment.")
        elif self.right == RightStatus.NO_NEED:
            if self.care_deadline:
                errors["care_deadline"] = _("Only a right carries a deadline for the start of care.")
            if self.outcome in OUTCOMES_OF_A_RIGHT:
                errors["outcome"] = _(
                    "Without a right, the referral is rejected, forwarded or answered with advice."
                )
        if self.care_deadline and received_on and self.care_deadline <= received_on:
            errors["care_deadline"] = _("The deadline must be after the date the referral was received.")
        if self.departs_from_guide() and not self.individual_reasons.strip():
            errors["individual_reasons"] = ValidationError(
                _("The deadline departs from the guide's (%(date)s): give the individual reasons."),
                params={"date": f"{self.suggested_deadline:%d.%m.%Y}"},
            )
        if self.outcome == AssessmentOutcome.FORWARDED:
            if self.forwarded_to_id is None:
                errors["forwarded_to"] = _("Choose the unit the referral is forwarded to.")
            elif self.referral_id and self.forwarded_to_id == self.referral.receiving_unit_id:
                errors["forwarded_to"] = _(
                    "A referral is forwarded to another unit than the one that received it."
                )
        elif self.forwarded_to_id is not None:
            errors["forwarded_to"] = _("Choose a unit only when the referral is forwarded.")
        if (
            self.outcome in (AssessmentOutcome.REJECTED, AssessmentOutcome.ADVICE)
            and not self.to_referrer.strip()
        ):
            errors["to_referrer"] = _("Tell the referrer why, or what you advise.")
        if errors:
            raise ValidationError(errors)


class WaitEndCode(models.TextChoices):
    """Why the wait ended: the Norwegian Patient Register's code list 8445 «Ventetid sluttkode»
    (urn:oid:2.16.578.1.12.4.1.1.8445, Direktoratet for e-helse), each code as the register has it."""

    CARE_STARTED = "1", _("Care has started")
    NOT_WANTED = "2", _("The patient does not want care")
    REFERRED_ELSEWHERE = (
        "3",
        _("The patient is referred to another hospital or institution (other than by free choice)"),
    )
    CHOSE_ELSEWHERE = "4", _("The patient has chosen another hospital or institution")
    HELFO_PLACE = "5", _("The patient receives care at another hospital or institution found by Helfo")
    CONTRACT_SPECIALIST = "7", _("The patient is referred to a contract specialist")
    OTHER = "9", _("Another reason the wait ended or care is no longer relevant")


class PostponementCode(models.TextChoices):
    """A postponement the person chose, by its code in the Norwegian Patient Register's code list 8446
    «Utsettelseskode» (urn:oid:2.16.578.1.12.4.1.1.8446, Direktoratet for e-helse). Only the codes for the
    person's own choice: a postponement for the unit's capacity moves no deadline."""

    OWN_WELFARE = "22", _("The patient decided the postponement for welfare reasons")
    DECLINED_TRUST_OFFER = (
        "5",
        _("The patient declined the trust's offer of care at another place than the one first wished for"),
    )
    DECLINED_HELFO_OFFER = (
        "6",
        _("The patient declined Helfo's offer of care at another place than the one first wished for"),
    )


class WaitingTime(PersonalDataModel):
    """The wait for care after a right and its deadline were given (pasient- og brukerrettighetsloven
    § 2-1 b): what the unit did about a breach of the deadline, a postponement the person chose, and how the
    wait ended. Its length is kept for the waiting-time statistics when it ends."""

    assessment = models.OneToOneField(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="wait"
    )
    # § 2-1 b fourth paragraph: on a breach the unit tells Helfo, who finds the person a place.
    helfo_notified_on = models.DateField(_("Helfo notified"), null=True, blank=True)
    helfo_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Helfo notified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    helfo_notifier_name = models.CharField(_("Helfo notified by"), max_length=200, blank=True)
    breach_letter_sent_on = models.DateField(
        _("letter «Notice of a breach of the deadline» sent"), null=True, blank=True
    )
    # A postponement the person chose moves the date a breach is counted from; it is not a breach.
    postponement_code = models.CharField(
        _("postponement"), max_length=4, choices=PostponementCode.choices, blank=True
    )
    postponement_chosen_on = models.DateField(_("postponement chosen"), null=True, blank=True)
    postponed_from = models.DateField(_("deadline before the postponement"), null=True, blank=True)
    postponed_to = models.DateField(_("postponed to"), null=True, blank=True)
    ended_on = models.DateField(_("wait ended (care started)"), null=True, blank=True)
    end_code = models.CharField(
        _("why the wait ended"), max_length=2, choices=WaitEndCode.choices, blank=True
    )
    # Days from the seniority date to the end of the wait, less the days the person postponed: set when the
    # wait ends, for the statistics. The patient register counts a wait from the seniority date, so a
    # forwarded referral's wait includes its time at the first unit.
    wait_days = models.PositiveIntegerField(_("days waited"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("waiting time")
        verbose_name_plural = _("waiting times")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_code="")
                | models.Q(ended_on__isnull=False) & ~models.Q(end_code=""),
                name="referrals_wait_end_has_code",
                violation_error_message=_("A wait that ended needs the code for why."),
            ),
            models.CheckConstraint(
                condition=models.Q(postponement_code="", postponed_to__isnull=True)
                | ~models.Q(postponement_code="") & models.Q(postponed_to__isnull=False),
                name="referrals_postponement_has_code_and_date",
                violation_error_message=_("A postponement needs its code and its new date."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.assessment.referral)

    @property
    def postponed_days(self) -> int:
        if self.postponed_to and self.postponed_from:
            return max((self.postponed_to - self.postponed_from).days, 0)
        return 0

    def clean(self) -> None:
        today = timezone.localdate()
        errors: dict[str, Any] = {}
        for field, message in [
            ("helfo_notified_on", _("The date Helfo was notified cannot be in the future.")),
            ("breach_letter_sent_on", _("The date the letter was sent cannot be in the future.")),
            ("postponement_chosen_on", _("The date the person chose to postpone cannot be in the future.")),
            ("ended_on", _("The date the wait ended cannot be in the future.")),
        ]:
            value = getattr(self, field)
            if value is not None and value > today:
                errors[field] = message
        received = self.assessment.referral.received_on if self.assessment_id else None
        if self.ended_on and received and self.ended_on < received and "ended_on" not in errors:
            errors["ended_on"] = ValidationError(
                _("The wait cannot end before the referral was received (%(date)s)."),
                params={"date": f"{received:%d.%m.%Y}"},
            )
        if self.postponed_to and self.postponed_from and self.postponed_to <= self.postponed_from:
            errors["postponed_to"] = ValidationError(
                _("The new date must be after the deadline it postpones (%(date)s)."),
                params={"date": f"{self.postponed_from:%d.%m.%Y}"},
            )
        if errors:
            raise ValidationError(errors)

    def days_waited(self, ended_on: date) -> int:
        seniority_date = self.assessment.referral.seniority_date
        return max((ended_on - seniority_date).days - self.postponed_days, 0)
