"""Episodes of care (forløp, opphold) at a habilitation or rehabilitation unit of a health trust: the stay or
the contacts, what they were coded as for the national patient register (NPR), the discharge summary, and the
handover to the municipality."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.accounts.models import Profession
from vegviser.core.models import PersonalDataModel
from vegviser.intake.models import NeedReport
from vegviser.referrals.models import RECEIVING_KINDS, Referral
from vegviser.registry.codes import CodesCheckedWhenChanged, CodeSystem, validate_codes
from vegviser.registry.models import Organisation, OrganisationKind, Person

MAX_SECONDARY_DIAGNOSES = 20
MAX_PROCEDURES = 20


class LevelOfCare(models.TextChoices):
    """NPR's level of care (omsorgsnivå)."""

    INPATIENT = "inpatient", _("Inpatient (døgn)")
    DAY = "day", _("Day patient (dag)")
    OUTPATIENT = "outpatient", _("Outpatient (poliklinisk)")


class ContactType(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    TREATMENT = "treatment", _("Treatment")
    FOLLOW_UP = "follow_up", _("Follow-up")
    # Work on the patient's behalf without the patient present, such as a meeting with the school.
    INDIRECT = "indirect", _("Indirect (without the patient)")
    VIDEO = "video", _("Video consultation")
    TELEPHONE = "telephone", _("Telephone consultation")
    GROUP = "group", _("Group")


class CarePlace(models.TextChoices):
    HOSPITAL = "hospital", _("At the hospital")
    HOME = "home", _("Ambulant, in the home")
    ELSEWHERE = "elsewhere", _("Ambulant, at another place")


class Specialty(models.TextChoices):
    """The national specialty codes (fagområde) of habilitation and rehabilitation."""

    PHYSICAL_MEDICINE = "230", _("230 Physical medicine and rehabilitation")
    HABILITATION_CHILDREN = "233", _("233 Habilitation of children and young people")
    HABILITATION_ADULTS = "234", _("234 Habilitation of adults")


# Which specialties each kind of unit works in.
UNIT_SPECIALTIES: dict[str, set[str]] = {
    OrganisationKind.REHABILITATION_UNIT: {Specialty.PHYSICAL_MEDICINE},
    OrganisationKind.HABILITATION_UNIT: {Specialty.HABILITATION_CHILDREN, Specialty.HABILITATION_ADULTS},
}


class IndividualPlanStatus(models.TextChoices):
    """Whether the patient has an individual plan, as the national patient register asks at the episode.
    Stored by meaning: the register's own code numbers are given when the report to NPR is made."""

    HAS_PLAN = "has_plan", _("Has an individual plan")
    BEING_MADE = "being_made", _("An individual plan is being made")
    NO_PLAN = "no_plan", _("Has no individual plan")
    NOT_RELEVANT = "not_relevant", _("Not relevant, or offered and declined")


# A rehabilitation stay is coded with a Z50 code as its main diagnosis, the condition as a secondary one.
REHABILITATION_STAY_PREFIX = "Z50"


class Episode(CodesCheckedWhenChanged, PersonalDataModel):
    """One episode of care: an inpatient or day stay, or an outpatient contact, at one unit."""

    # Checked against the code lists only when they change: an episode that holds a code a yearly edition of
    # the list dropped is still changed and discharged.
    code_fields = ("main_diagnosis", "secondary_diagnoses", "procedure_codes")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="episodes"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="episodes",
        limit_choices_to={"kind__in": RECEIVING_KINDS},
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
    )
    level_of_care = models.CharField(_("level of care"), max_length=12, choices=LevelOfCare.choices)
    contact_type = models.CharField(_("contact type"), max_length=12, choices=ContactType.choices)
    place = models.CharField(_("place"), max_length=12, choices=CarePlace.choices, default=CarePlace.HOSPITAL)
    place_detail = models.CharField(
        _("where"),
        max_length=200,
        blank=True,
        help_text=_("For an ambulant contact at another place: which, such as the school."),
    )
    specialty = models.CharField(_("specialty"), max_length=3, choices=Specialty.choices)
    professions = models.JSONField(_("professions involved"), default=list, blank=True)
    admitted_at = models.DateTimeField(_("admission"))
    discharged_at = models.DateTimeField(_("discharge"), null=True, blank=True)
    main_diagnosis = models.CharField(_("main diagnosis (ICD-10)"), max_length=8)
    secondary_diagnoses = models.JSONField(_("secondary diagnoses (ICD-10)"), default=list, blank=True)
    procedure_codes = models.JSONField(_("procedures (NCMP)"), default=list, blank=True)
    plan_status = models.CharField(
        _("individual plan"), max_length=16, choices=IndividualPlanStatus.choices, blank=True
    )
    # The discharge summary (epikrise): written at discharge, read by the GP and the person's coordinator.
    course = models.TextField(
        _("course of the episode"),
        blank=True,
        validators=[MaxLengthValidator(10000)],
        help_text=_("What was done, and how the person is now."),
    )
    recommendations = models.TextField(
        _("recommendations for follow-up"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    # There is no messaging network here: "sent" records to whom and when; the PDF is ready to send.
    summary_sent_to = models.CharField(
        _("discharge summary sent to"),
        max_length=200,
        blank=True,
        help_text=_("The person's GP, or the referrer: name and practice."),
    )
    summary_sent_on = models.DateField(_("discharge summary sent"), null=True, blank=True)
    # The report of need to the municipality's coordinating unit sent at discharge: its state is the
    # handover's.
    handover = models.OneToOneField(
        NeedReport,
        verbose_name=_("report of need sent at discharge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_episode",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    starter_name = models.CharField(_("started by"), max_length=200)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("discharged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    discharger_name = models.CharField(_("discharged by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("episode of care")
        verbose_name_plural = _("episodes of care")
        ordering = ["-admitted_at"]
        indexes = [models.Index(fields=["unit", "discharged_at", "admitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_at__isnull=True)
                | models.Q(discharged_at__gte=models.F("admitted_at")),
                name="episodes_discharge_not_before_admission",
                violation_error_message=_("The discharge cannot be before the admission."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {timezone.localtime(self.admitted_at):%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.discharged_at is None

    @property
    def is_rehabilitation_stay(self) -> bool:
        return self.specialty == Specialty.PHYSICAL_MEDICINE and self.level_of_care in (
            LevelOfCare.INPATIENT,
            LevelOfCare.DAY,
        )

    def diagnoses(self) -> list[str]:
        return [self.main_diagnosis, *self.secondary_diagnoses] if self.main_diagnosis else []

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.admitted_at and self.discharged_at and self.discharged_at < self.admitted_at:
            errors["discharged_at"] = ValidationError(
                _("The discharge cannot be before the admission (%(admitted)s)."),
                params={"admitted": f"{timezone.localtime(self.admitted_at):%d.%m.%Y %H:%M}"},
            )
        if self.discharged_at and self.discharged_at > timezone.now():
            errors["discharged_at"] = _(
                "The discharge is recorded when it has taken place: not in the future."
            )
        self._clean_codes(errors)
        if self.unit_id is not None:
            allowed = UNIT_SPECIALTIES.get(self.unit.kind)
            if allowed is None:
                errors["unit"] = _("Episodes of care are kept by a habilitation or rehabilitation unit.")
            elif self.specialty and self.specialty not in allowed:
                errors["specialty"] = _("Choose a specialty of this unit: %(specialties)s.") % {
                    "specialties": ", ".join(str(Specialty(code).label) for code in sorted(allowed))
                }
        if (
            self.level_of_care in (LevelOfCare.INPATIENT, LevelOfCare.DAY)
            and self.place != CarePlace.HOSPITAL
        ):
            errors["place"] = _(
                "An inpatient or day stay is at the hospital; an ambulant contact is outpatient."
            )
        if self.place == CarePlace.ELSEWHERE and not self.place_detail.strip():
            errors["place_detail"] = _("Say where the ambulant contact took place, such as the school.")
        if not isinstance(self.professions, list) or not all(
            profession in Profession.values for profession in self.professions
        ):
            errors["professions"] = _("Choose the professions from the list.")
        referral = self.referral if self.referral_id is not None else None
        if referral is not None and self.person_id is not None:
            if referral.person_id != self.person_id:
                errors["referral"] = _("The referral is for another person.")
            elif self.unit_id is not None and referral.receiving_unit_id != self.unit_id:
                errors["referral"] = _("The referral was received by another unit.")
        if errors:
            raise ValidationError(errors)

    def _clean_codes(self, errors: dict[str, Any]) -> None:
        """Every code known to its list, written as the list writes it, when it is new or changed (a code a
        later edition of the list dropped stays on the episodes that carry it); a rehabilitation stay's main
        diagnosis a Z50 code (NPR's coding rule: the condition goes among the secondary diagnoses), whatever
        changed, since the level of care or the specialty may have."""
        try:
            main = (
                validate_codes(CodeSystem.ICD10, [self.main_diagnosis])
                if self.main_diagnosis and self.codes_changed("main_diagnosis")
                else [self.main_diagnosis]
            )
        except ValidationError as error:
            errors["main_diagnosis"] = error
        else:
            if len(main) > 1:
                errors["main_diagnosis"] = _("Give one main diagnosis; the others are secondary diagnoses.")
            elif main and main[0]:
                self.main_diagnosis = main[0]
                if self.is_rehabilitation_stay and not self.main_diagnosis.startswith(
                    REHABILITATION_STAY_PREFIX
                ):
                    errors["main_diagnosis"] = _(
                        "A rehabilitation stay has a Z50 code as its main diagnosis, such as Z50.89; "
                        "give the condition (such as I63.5) as a secondary diagnosis."
                    )
        for field, system, most in (
            ("secondary_diagnoses", CodeSystem.ICD10, MAX_SECONDARY_DIAGNOSES),
            ("procedure_codes", CodeSystem.NCMP, MAX_PROCEDURES),
        ):
            codes = getattr(self, field)
            if not isinstance(codes, list):
                errors[field] = _("Give the codes as a list.")
                continue
            if not self.codes_changed(field):
                continue
            try:
                known = validate_codes(system, codes)
            except ValidationError as error:
                errors[field] = error
                continue
            if len(known) > most:
                errors[field] = _("Give at most %(count)d codes.") % {"count": most}
            setattr(self, field, known)
