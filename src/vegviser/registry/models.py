"""People and their relations, organisations, municipalities, health regions, professionals' memberships."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.core.models import PersonalDataModel
from vegviser.core.request_cache import within_request
from vegviser.core.uploads import anonymous_name, is_what_its_name_says, validate_document_size

from .identity import NationalId, normalise_organisation_number, parse_national_id


class HealthRegion(models.Model):
    """A regional health authority (regionalt helseforetak, RHF)."""

    code = models.SlugField(_("code"), primary_key=True, max_length=32)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("health region")
        verbose_name_plural = _("health regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (kommune) as of 1 January 2024, with its catchment health trust(s)."""

    number = models.CharField(
        _("municipality number"),
        primary_key=True,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("A municipality number has four digits."))],
    )
    name = models.CharField(_("name"), max_length=64)
    alternative_name = models.CharField(
        _("Sami or Kven name"), max_length=64, blank=True, help_text=_("Parallel official name, if any.")
    )
    county_number = models.CharField(_("county number"), max_length=2)
    county_name = models.CharField(_("county"), max_length=64)
    population = models.PositiveIntegerField(_("population 1 January 2024"))
    health_region = models.ForeignKey(
        HealthRegion, verbose_name=_("health region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    health_trusts: models.ManyToManyField[Organisation, Any] = models.ManyToManyField(
        "Organisation",
        verbose_name=_("health trusts"),
        related_name="catchment_municipalities",
        blank=True,
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        if self.alternative_name:
            return f"{self.name} / {self.alternative_name}"
        return self.name


class OrganisationKind(models.TextChoices):
    COORDINATING_UNIT = "coordinating_unit", _("Coordinating unit")
    HOME_SERVICES = "home_services", _("Home services")
    PHYSIOTHERAPY = "physiotherapy", _("Physiotherapy service")
    OCCUPATIONAL_THERAPY = "occupational_therapy", _("Occupational therapy service")
    REHABILITATION_TEAM = "rehabilitation_team", _("Rehabilitation team")
    LEARNING_COPING_CENTRE = "learning_coping_centre", _("Learning and coping centre")
    OTHER_MUNICIPAL_SERVICE = "municipal_service", _("Other municipal service")
    HEALTH_TRUST = "health_trust", _("Health trust")
    HABILITATION_UNIT = "habilitation_unit", _("Habilitation unit (specialist health service)")
    REHABILITATION_UNIT = "rehabilitation_unit", _("Rehabilitation unit (specialist health service)")
    GP_OFFICE = "gp_office", _("GP office")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PPT = "ppt", _("Educational-psychological service (PPT)")
    NAV_OFFICE = "nav_office", _("NAV office")
    CHILD_WELFARE = "child_welfare", _("Child welfare service")
    USER_ORGANISATION = "user_organisation", _("User organisation")
    VOLUNTEER = "volunteer", _("Volunteer organisation")
    PRIVATE_REHABILITATION = "private_rehabilitation", _("Private rehabilitation institution")
    # Where leaders and analysts of a health region or of the nation hold their role (its `health_region` says
    # which region); they see the quality indicators of that area, never a person.
    REGIONAL_HEALTH_AUTHORITY = "regional_health_authority", _("Regional health authority")
    NATIONAL_HEALTH_AUTHORITY = "national_health_authority", _("National health authority")


class Organisation(models.Model):
    """Any organisation that takes part in a person's services, in any sector."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        help_text=_("Nine digits from the Central Coordinating Register for Legal Entities."),
    )
    resh_id = models.CharField(
        _("RESH id"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{1,12}$", _("A RESH id has only digits."))],
        help_text=_("Id in the Register of Reporting Units in the specialist health service."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        related_name="units",
        null=True,
        blank=True,
    )
    health_region = models.ForeignKey(
        HealthRegion,
        verbose_name=_("health region"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~models.Q(organisation_number=""),
                name="registry_organisation_unique_number",
                violation_error_code="duplicate_organisation_number",
                violation_error_message=_("Another organisation already has this organisation number."),
            ),
            models.UniqueConstraint(
                fields=["resh_id"],
                condition=~models.Q(resh_id=""),
                name="registry_organisation_unique_resh",
                violation_error_code="duplicate_resh_id",
                violation_error_message=_("Another organisation already has this RESH id."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValueError as exc:
                raise ValidationError({"organisation_number": exc.args[0]}) from exc
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be part of itself.")})
        if self.kind == OrganisationKind.REGIONAL_HEALTH_AUTHORITY and self.health_region_id is None:
            # Its leaders and analysts see the indicators of its region: without one they would see none.
            raise ValidationError(
                {"health_region": _("Choose the health region of the regional health authority.")}
            )


class MembershipRole(models.TextChoices):
    COORDINATING_UNIT_OFFICER = "ke_officer", _("Coordinating unit officer")
    COORDINATOR = "coordinator", _("Coordinator")
    TEAM_MEMBER = "team_member", _("Team member")
    ORGANISATION_ADMIN = "org_admin", _("Organisation administrator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    # Registers and keeps the referrals a habilitation or rehabilitation unit receives.
    REFERRAL_CLERK = "referral_clerk", _("Referral clerk")
    # Assesses a unit's referrals: the right to necessary specialist health care and its deadline.
    ASSESSING_CLINICIAN = "assessing_clinician", _("Assessing clinician")
    # Works on a unit's episodes of care: admissions, consultations, discharge.
    EPISODE_STAFF = "episode_staff", _("Episode staff")
    # The health trust's coordinating unit: oversees the referrals, waiting lists and breaches of the trust's
    # habilitation and rehabilitation units. Held in the trust itself.
    TRUST_COORDINATING_OFFICER = "trust_ke_officer", _("Trust coordinating unit officer")
    # A leader or analyst: sees the quality indicators of the area of the organisation the role is held in (a
    # municipality's organisation, a health trust, a regional or the national health authority), suppressed,
    # and nothing about any person.
    INDICATOR_ANALYST = "indicator_analyst", _("Leader or analyst (quality indicators)")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def held_by(self, user: Any) -> list[Membership]:
        """The user's active memberships with their organisations, in the registry's order: one query per
        request, from which the header, the record of who acted and every question the access policy asks
        about the user's roles are answered. None for anyone not signed in or deactivated."""
        if user is None or not user.is_authenticated or not user.is_active:
            return []
        return within_request(
            user,
            "memberships",
            lambda: list(self.filter(user=user, active=True).select_related("organisation")),
        )


class Membership(models.Model):
    """A professional's role in an organisation."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=MembershipRole.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(active=True),
                name="registry_membership_unique_active",
                violation_error_message=_("The user already has this role in this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"


class Language(models.TextChoices):
    BOKMAL = "nb", _("Norwegian Bokmål")
    NYNORSK = "nn", _("Norwegian Nynorsk")
    ENGLISH = "en", _("English")
    NORTHERN_SAMI = "se", _("Northern Sami")
    OTHER = "other", _("Other language")


class AddressProtection(models.TextChoices):
    """Codes from the National Population Register: 7 = confidential, 6 = strictly confidential."""

    NONE = "", _("None")
    CONFIDENTIAL = "7", _("Confidential address (code 7)")
    STRICTLY_CONFIDENTIAL = "6", _("Strictly confidential address (code 6)")


class Person(PersonalDataModel):
    """A person who receives services, or a relative of one."""

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    national_id = models.CharField(
        _("national identity number"),
        max_length=11,
        blank=True,
        help_text=_("Fødselsnummer, D-number, H-number or FH-number: 11 digits."),
    )
    national_id_kind = models.CharField(
        _("kind of identity number"), max_length=16, blank=True, editable=False
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("A postal code has four digits."))],
    )
    postal_town = models.CharField(_("postal town"), max_length=64, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="persons",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.BOKMAL
    )
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=64, blank=True)
    address_protection = models.CharField(
        _("address protection"),
        max_length=1,
        choices=AddressProtection.choices,
        blank=True,
        default=AddressProtection.NONE,
        help_text=_("With code 6 or 7 the address is never shown to anyone."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        related_name="person",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~models.Q(national_id=""),
                name="registry_person_unique_national_id",
                violation_error_code="duplicate_national_id",
                violation_error_message=_("A person with this identity number is already registered."),
            )
        ]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def has_confidential_address(self) -> bool:
        return self.address_protection != AddressProtection.NONE

    @property
    def parsed_national_id(self) -> NationalId | None:
        return parse_national_id(self.national_id, allow_synthetic=True) if self.national_id else None

    @property
    def masked_national_id(self) -> str:
        """Birth date part only: enough to tell two people apart on screen without exposing the number."""
        return f"{self.national_id[:6]}*****" if self.national_id else ""

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.national_id:
            try:
                parsed = parse_national_id(self.national_id)
            except ValueError as exc:
                errors["national_id"] = exc.args[0]
            else:
                self.national_id = parsed.value
                self.national_id_kind = parsed.kind
                if parsed.birth_date is not None:
                    if self.birth_date is None:
                        self.birth_date = parsed.birth_date
                    elif self.birth_date != parsed.birth_date:
                        errors["birth_date"] = _("The birth date does not match the identity number.")
        else:
            self.national_id_kind = ""
        if self.birth_date is not None and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The birth date cannot be in the future.")
        if self.needs_interpreter and not self.interpreter_language.strip():
            errors["interpreter_language"] = _("Say which language the interpreter is needed for.")
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class RelationKind(models.TextChoices):
    PARENT = "parent", _("Parent with parental responsibility")
    GUARDIAN = "guardian", _("Guardian (verge)")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")


class PersonRelation(PersonalDataModel):
    """`relative` is the parent, guardian, next of kin or holder of a power of attorney for `person`."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations"
    )
    relative = models.ForeignKey(
        Person, verbose_name=_("relative"), on_delete=models.CASCADE, related_name="relations_as_relative"
    )
    kind = models.CharField(_("relation"), max_length=32, choices=RelationKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # A guardianship or power of attorney may be limited, e.g. to money matters (vergemålsloven § 21): only
    # one that covers health and care lets the holder act for the person in their plan.
    covers_health = models.BooleanField(
        _("the mandate covers health and care services"),
        default=True,
        help_text=_(
            "For a guardian or power of attorney: untick if the mandate is limited to other matters."
        ),
    )
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(1000)])

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="registry_relation_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("relative")),
                name="registry_relation_not_self",
                violation_error_message=_("A person cannot be their own relative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} – {self.get_kind_display()} – {self.person}"

    def clean(self) -> None:
        # A power of attorney is given by someone 16 or older to someone 18 or older (Helsenorge's rules).
        if (
            self.kind == RelationKind.POWER_OF_ATTORNEY
            and self.valid_from
            and self.person_id
            and self.relative_id
        ):
            giver_age = self.person.age_on(self.valid_from)
            holder_age = self.relative.age_on(self.valid_from)
            if giver_age is not None and giver_age < 16:
                raise ValidationError(
                    {"kind": _("A power of attorney can only be given by someone aged 16 or over.")}
                )
            if holder_age is not None and holder_age < 18:
                raise ValidationError(
                    {"relative": _("A power of attorney can only be given to someone aged 18 or over.")}
                )

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def agreement_path(instance: CollaborationAgreement, filename: str) -> str:
    return anonymous_name("agreements", instance.pk, filename)


def validate_agreement_pdf(file: Any) -> None:
    if not is_what_its_name_says(file):
        raise ValidationError(
            _("The file is not a PDF file as its name says. Upload the signed agreement as a PDF."),
            code="content",
        )


class CollaborationAgreementQuerySet(models.QuerySet["CollaborationAgreement"]):
    def in_force(self, on: date | None = None) -> CollaborationAgreementQuerySet:
        day = on or timezone.localdate()
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day), valid_from__lte=day)


class CollaborationAgreement(models.Model):
    """A collaboration agreement (samarbeidsavtale) between a municipality and a health trust, required by the
    health and care services act § 6-1: what the two parties have agreed on habilitation and rehabilitation.
    It holds no health data, so the system administrator registers and keeps it; the professionals of either
    party read it."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="collaboration_agreements",
    )
    health_trust = models.ForeignKey(
        Organisation,
        verbose_name=_("health trust"),
        on_delete=models.PROTECT,
        related_name="collaboration_agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    covers_habilitation = models.BooleanField(_("covers habilitation"), default=False)
    covers_rehabilitation = models.BooleanField(_("covers rehabilitation"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    document = models.FileField(
        _("the agreement (PDF)"),
        upload_to=agreement_path,
        validators=[FileExtensionValidator(["pdf"]), validate_document_size, validate_agreement_pdf],
    )
    registered_by_name = models.CharField(_("registered by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = CollaborationAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("collaboration agreement")
        verbose_name_plural = _("collaboration agreements")
        ordering = ["municipality__name", "health_trust__name", "-valid_from"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.health_trust_id is not None and self.health_trust.kind != OrganisationKind.HEALTH_TRUST:
            errors["health_trust"] = _(
                "Choose a health trust: the agreement is between a municipality and a trust."
            )
        if self.valid_to is not None and self.valid_from is not None and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The agreement cannot end before it begins.")
        if not (self.covers_habilitation or self.covers_rehabilitation):
            errors["covers_habilitation"] = _(
                "Say what the agreement covers: habilitation, rehabilitation or both."
            )
        if errors:
            raise ValidationError(errors)

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    @property
    def coverage(self) -> str:
        covered = [
            str(label)
            for covers, label in (
                (self.covers_habilitation, _("habilitation")),
                (self.covers_rehabilitation, _("rehabilitation")),
            )
            if covers
        ]
        return ", ".join(covered)
