"""Instruments administered to a person, and their scores.

An administration is one instrument done once, for a person, in the context of their plan (and of an episode
of care at a unit of the health trust, where there is one). Its answers are kept as the FHIR R4
QuestionnaireResponse they were given as; each score the instrument's scoring function gave is a row of its
own, with its code and UCUM unit, so that each can be sent on as an Observation. When, by whom and in what
context belong to the administration every score row points to.

An administration may be tied to one of the plan's measures (the training a physiotherapist gives, say): a
participant with limited access reads only the results tied to the measures they are responsible for.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vegviser.core.models import PersonalDataModel
from vegviser.episodes.models import Episode
from vegviser.plans.models import IndividualPlan, Measure
from vegviser.registry.models import Person

from .library import instruments


def validate_instrument(code: str) -> None:
    if code not in instruments():
        raise ValidationError(_("%(code)s is not an instrument in the library."), params={"code": code})


class Administration(PersonalDataModel):
    """One instrument administered once: the answers as a QuestionnaireResponse, and who, when and where."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="administrations"
    )
    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="administrations"
    )
    episode = models.ForeignKey(
        Episode,
        verbose_name=_("episode of care"),
        on_delete=models.PROTECT,
        related_name="administrations",
        null=True,
        blank=True,
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        related_name="administrations",
        null=True,
        blank=True,
    )
    # The library's code: the Questionnaire's id.
    instrument = models.CharField(_("instrument"), max_length=40, validators=[validate_instrument])
    # The Questionnaire's version when it was answered: the answers are read against it.
    instrument_version = models.CharField(_("version of the instrument"), max_length=20)
    administered_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The name as it was when recorded: the results page shows it without loading the user.
    recorded_by_name = models.CharField(_("recorded by"), max_length=200, blank=True)
    response = models.JSONField(_("answers (FHIR QuestionnaireResponse)"))
    # Answered by the person (or whoever acts for them) in the portal; `recorded_by` is then who answered.
    in_portal = models.BooleanField(_("answered in the portal"), default=False)

    class Meta:
        verbose_name = _("administered instrument")
        verbose_name_plural = _("administered instruments")
        indexes = [models.Index(fields=["plan", "instrument", "administered_on"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.administered_on:%Y-%m-%d}"


class RecordedScore(models.Model):
    """One score of one administration, as the scoring function gave it: one Observation to be."""

    administration = models.ForeignKey(
        Administration,
        verbose_name=_("administered instrument"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    instrument = models.CharField(_("instrument"), max_length=40)
    code = models.CharField(_("score"), max_length=40)
    # What the score is about where the instrument gives several of one kind (an IPLOS variable); else "".
    subject = models.CharField(_("about"), max_length=200, blank=True)
    # A number, or for a score that is a code (the EQ-5D-5L profile) the code; never both.
    value = models.FloatField(_("value"), null=True, blank=True)
    value_code = models.CharField(_("value as a code"), max_length=20, blank=True)
    unit = models.CharField(_("unit (UCUM)"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["administration", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(value__isnull=False) & models.Q(value_code=""))
                | (models.Q(value__isnull=True) & ~models.Q(value_code="")),
                name="recorded_score_number_or_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.value if self.value is not None else self.value_code}"


class Schedule(PersonalDataModel):
    """An instrument sent to the person's portal every so many weeks until a date: each occurrence, when it
    falls due, becomes a :class:`SentQuestionnaire` (made by the first run of ``vegviser remind`` on or after
    the day, or at once when the schedule is set)."""

    plan = models.ForeignKey(
        IndividualPlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        related_name="questionnaire_schedules",
    )
    instrument = models.CharField(_("instrument"), max_length=40, validators=[validate_instrument])
    every_weeks = models.PositiveSmallIntegerField(_("every how many weeks"))
    starts_on = models.DateField(_("first time"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stopped by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("questionnaire schedule")
        verbose_name_plural = _("questionnaire schedules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(every_weeks__gte=1), name="schedule_every_week_or_more"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="schedule_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} / {self.every_weeks}"


class SentQuestionnaire(PersonalDataModel):
    """An instrument sent to the person's portal to answer by a date: by a professional, or by a schedule.

    The answers typed so far are kept as a draft (the fields as typed, nothing scored) so that the person can
    stop and continue; the finished answers become an :class:`Administration`. A newer questionnaire of the
    same instrument for the same plan closes an unanswered older one: two answers for one period would read
    as a change that did not happen."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="sent_questionnaires"
    )
    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="sent_questionnaires"
    )
    schedule = models.ForeignKey(
        Schedule,
        verbose_name=_("schedule"),
        on_delete=models.PROTECT,
        related_name="sent",
        null=True,
        blank=True,
    )
    instrument = models.CharField(_("instrument"), max_length=40, validators=[validate_instrument])
    sent_on = models.DateField(_("sent"))
    due_on = models.DateField(_("answer by"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The fields as typed, by form field name: kept between visits, never scored or shown to professionals.
    draft = models.JSONField(_("answers so far"), default=dict, blank=True)
    administration = models.OneToOneField(
        Administration,
        verbose_name=_("answers"),
        on_delete=models.PROTECT,
        related_name="sent_questionnaire",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent questionnaire")
        verbose_name_plural = _("sent questionnaires")
        indexes = [models.Index(fields=["plan", "instrument", "sent_on"])]
        constraints = [
            # One occurrence of a schedule is sent once, however often the reminders run.
            models.UniqueConstraint(fields=["schedule", "sent_on"], name="one_sent_per_schedule_occurrence")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.administration_id is None and self.closed_at is None

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at.date() > self.due_on
