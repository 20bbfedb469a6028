"""Reports of need (melding om behov) to the coordinating unit, its decisions, and coordinator assignments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.core.models import PersonalDataModel
from vegviser.registry.models import Municipality, Organisation, Person

# The unit must tell the applicant when a report is undecided after this many days.
OVERDUE_AFTER_DAYS = 30
# A second report for the same person and the same need within this time is most likely the same report sent
# again: the reporter is warned and asked to confirm.
LIKELY_DUPLICATE_WITHIN = timedelta(days=14)
NEEDS = ("needs_plan", "needs_coordinator", "needs_child_coordinator")


class ReportChannel(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class ReportConsent(models.TextChoices):
    YES = "yes", _("Yes, the person (or whoever consents for them) agrees to the report")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSESSING = "assessing", _("Being assessed")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    DECLINED = "declined", _("Declined")


class NeedReport(PersonalDataModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="need_reports"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="need_reports"
    )
    needs_plan = models.BooleanField(_("individual plan"), default=False)
    needs_coordinator = models.BooleanField(_("coordinator"), default=False)
    needs_child_coordinator = models.BooleanField(_("child coordinator"), default=False)
    description = models.TextField(
        _("the needs, as the reporter sees them"), validators=[MaxLengthValidator(5000)]
    )
    channel = models.CharField(_("the report was"), max_length=8, choices=ReportChannel.choices)
    is_inpatient = models.BooleanField(_("the person is an inpatient"), default=False)
    consent_to_report = models.CharField(
        _("consent to the report"), max_length=8, choices=ReportConsent.choices
    )
    child_expected = models.BooleanField(_("the child is not yet born"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        # Empty once the reporter's account is deleted: the report stays, with the reporter's name.
        null=True,
        blank=True,
        related_name="need_reports_made",
    )
    reporter_name = models.CharField(_("reporter"), max_length=200)
    # The name as the reporter wrote it: what the reporter is shown, so a report never reveals the registry.
    named_as = models.CharField(_("name given by the reporter"), max_length=200, blank=True)
    reporter_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("reporter's organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="need_reports_made",
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="need_reports_assigned",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    plan_granted = models.BooleanField(_("individual plan granted"), default=False)
    coordinator_granted = models.BooleanField(_("coordinator granted"), default=False)
    child_coordinator_granted = models.BooleanField(_("child coordinator granted"), default=False)
    decision_reasons = models.TextField(_("reasons"), blank=True, validators=[MaxLengthValidator(5000)])
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The case number the letters carry (year/sequence within the municipality), given when the report is
    # stored: never the identity number, and it never changes.
    case_year = models.PositiveSmallIntegerField(_("case year"), blank=True, editable=False)
    case_sequence = models.PositiveIntegerField(_("case sequence"), blank=True, editable=False)

    class Meta:
        verbose_name = _("report of need")
        verbose_name_plural = _("reports of need")
        ordering = ["received_at"]
        indexes = [models.Index(fields=["municipality", "status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(needs_plan=True)
                | models.Q(needs_coordinator=True)
                | models.Q(needs_child_coordinator=True),
                name="intake_report_names_a_need",
                violation_error_message=_(
                    "Say what the person needs: a plan, a coordinator or a child coordinator."
                ),
            ),
            models.UniqueConstraint(
                fields=["municipality", "case_year", "case_sequence"], name="intake_one_case_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.received_at:%d.%m.%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            if self.case_sequence is None:
                self._number_the_case()
            super().save(*args, **kwargs)

    def _number_the_case(self) -> None:
        """The next number of the year in the municipality. The municipality's row is locked till the report
        is stored, so two reports sent at once never get the same number."""
        list(Municipality.objects.select_for_update().filter(pk=self.municipality_id).values_list("pk"))
        self.case_year = timezone.localdate(self.received_at).year
        last = NeedReport.objects.filter(
            municipality_id=self.municipality_id, case_year=self.case_year
        ).aggregate(last=Max("case_sequence"))["last"]
        self.case_sequence = (last or 0) + 1

    @property
    def case_number(self) -> str:
        return f"{self.case_year}/{self.case_sequence:04d}" if self.case_sequence else ""

    def requested(self) -> list[str]:
        """What the report asks for, in the reader's language: the title of the letters names it."""
        asked = [
            (self.needs_plan, _("individual plan")),
            (self.needs_coordinator, _("coordinator")),
            (self.needs_child_coordinator, _("child coordinator")),
        ]
        return [str(label) for wanted, label in asked if wanted]

    def decision_for(self, *, plan: bool, coordinator: bool, child_coordinator: bool) -> str:
        """The decision that granting these means for what the report asks for."""
        granted = [plan, coordinator, child_coordinator]
        requested = [self.needs_plan, self.needs_coordinator, self.needs_child_coordinator]
        if not any(granted):
            return Decision.DECLINED
        if all(g for g, r in zip(granted, requested, strict=True) if r):
            return Decision.GRANTED
        return Decision.PARTLY

    def age_in_days(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        return (today - timezone.localdate(self.received_at)).days

    @property
    def is_open(self) -> bool:
        return self.status in (ReportStatus.RECEIVED, ReportStatus.ASSESSING)

    @property
    def is_decided(self) -> bool:
        return self.status in (ReportStatus.DECIDED, ReportStatus.CLOSED)

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.age_in_days(today) > OVERDUE_AFTER_DAYS


class InterimReply(PersonalDataModel):
    """A reply telling the person why the decision takes time and when it is expected (forvaltningsloven
    § 11 a): sent when a report has waited more than 30 days."""

    report = models.ForeignKey(
        NeedReport, verbose_name=_("report of need"), on_delete=models.CASCADE, related_name="interim_replies"
    )
    reason = models.TextField(
        _("why the decision takes time"),
        validators=[MaxLengthValidator(2000)],
        help_text=_("Written to the person: in plain words, without details they do not know."),
    )
    decision_expected_on = models.DateField(_("decision expected by"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sender_name = models.CharField(_("sender"), max_length=200)

    class Meta:
        verbose_name = _("interim reply")
        verbose_name_plural = _("interim replies")
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.report} {self.sent_at:%d.%m.%Y}"


class CoordinatorKind(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CHILD_COORDINATOR = "child_coordinator", _("Child coordinator")


class CoordinatorAssignment(PersonalDataModel):
    """Who was the person's coordinator (or child coordinator) when. Element c of the plan."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="coordinator_assignments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CoordinatorKind.choices)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinator_assignments",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    person_wishes = models.TextField(
        _("the person's wishes"),
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text=_("What the person said about who should be their coordinator."),
    )
    need_report = models.ForeignKey(
        NeedReport,
        verbose_name=_("report of need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    end_reason = models.CharField(_("reason for ending"), max_length=500, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("coordinator assignment")
        verbose_name_plural = _("coordinator assignments")
        ordering = ["-started_on"]
        constraints = [
            # Exactly one active coordinator of each kind per person.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(active=True),
                name="intake_one_active_coordinator_per_kind",
                violation_error_code="coordinator_exists",
                violation_error_message=_("The person already has an active coordinator of this kind."),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="intake_assignment_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} – {self.get_kind_display()} – {self.person}"
