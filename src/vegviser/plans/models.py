"""The individual plan (individuell plan) and everything in it: participants, goals, measures, sub-plans, the
plan log, meetings of the responsibility group, evaluations and frozen versions.

The elements a–i named in comments are those of the regulation on habilitation, rehabilitation, individual
plan and coordinator (§ 19) and of the regulation on individual plans in welfare services.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.models import Consent
from vegviser.core.formats import signed_level
from vegviser.core.models import PersonalDataModel
from vegviser.registry.models import Municipality, Organisation, Person

# After this many days without any change or note, the unit's overview flags the plan as idle.
IDLE_AFTER_DAYS = 90
TEXT_LIMIT = 4000


def _text(label: Any, *, limit: int = TEXT_LIMIT, **kwargs: Any) -> models.TextField:
    return models.TextField(label, blank=True, validators=[MaxLengthValidator(limit)], **kwargs)


def _period_in_order(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
        violation_error_message=_("The end date cannot be before the start date."),
    )


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.PAUSED)


class IndividualPlan(PersonalDataModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="plans"
    )
    # The municipality leads the plan, also when the specialist service takes part; its unit keeps the
    # overview.
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("leading municipality"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # IP element a: goals, resources and needs, in the person's own words first.
    what_matters = _text(_("what matters to me"))
    resources = _text(_("resources and strengths"))
    needs = _text(_("needs"))
    # IP element i: collaboration with other service providers, institutions and agencies.
    collaboration = _text(_("collaboration with other services and agencies"))
    # IP element g: plan period and when it is adjusted and revised.
    period_start = models.DateField(_("plan period from"), null=True, blank=True)
    period_end = models.DateField(_("plan period to"), null=True, blank=True)
    next_revision = models.DateField(_("next revision"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    # The decision the last time the plan was made active: the letters of the elements a–i it lacked, and the
    # coordinator's reason for going ahead without them (none when nothing was missing).
    activated_without = models.JSONField(_("made active without the elements"), default=list, blank=True)
    activation_reason = models.CharField(
        _("reason for making the plan active without them"), max_length=500, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    need_report = models.ForeignKey(
        "intake.NeedReport",
        verbose_name=_("report of need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("individual plan")
        verbose_name_plural = _("individual plans")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["municipality", "status"])]
        constraints = [
            # One plan per person across all sectors: at most one that is not closed.
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(status="closed"),
                name="plans_one_open_plan_per_person",
                violation_error_code="plan_exists",
                violation_error_message=_(
                    "The person already has an individual plan. Close it before starting another."
                ),
            ),
            _period_in_order("period_start", "period_end", "plans_plan_period_in_order"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(closed_reason=""),
                name="plans_closed_with_reason",
                violation_error_message=_("Give the reason for closing the plan."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Individual plan for %(name)s") % {"name": self.person.full_name})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def revision_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == PlanStatus.ACTIVE and self.next_revision is not None and self.next_revision < today
        )

    def is_idle(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and (today - timezone.localdate(self.last_activity_at)).days > IDLE_AFTER_DAYS

    def missing_elements(self) -> list[tuple[str, str]]:
        """Each of the elements a–i that the plan still lacks, as (letter, the law's words)."""
        return missing_elements_of(
            self,
            goals=list(self.goals.all()),
            participants=list(self.participants.all()),
            measures=list(self.measures.all()),
            coordinators=list(self.person.coordinator_assignments.filter(active=True)),
            consent=Consent.objects.in_force_for(self.person, covering="plan"),
        )


def missing_elements_of(
    plan: IndividualPlan,
    *,
    goals: list[Any],
    participants: list[Any],
    measures: list[Any],
    coordinators: list[Any],
    consent: Any,
) -> list[tuple[str, str]]:
    """`IndividualPlan.missing_elements` from rows already loaded: a page that has them asks no more."""
    missing: list[tuple[str, str]] = []
    goals = [goal for goal in goals if goal.status != GoalStatus.CANCELLED]
    if not goals or not (plan.resources.strip() or plan.needs.strip()):
        missing.append(("a", str(ELEMENTS["a"])))
    participants = [p for p in participants if p.active]
    if not participants:
        missing.append(("b", str(ELEMENTS["b"])))
    if not coordinators:
        missing.append(("c", str(ELEMENTS["c"])))
    if not participants or not all(p.contribution.strip() for p in participants):
        missing.append(("d", str(ELEMENTS["d"])))
    measures = [m for m in measures if m.status != MeasureStatus.STOPPED]
    if not measures or not all(m.scope.strip() for m in measures):
        missing.append(("e", str(ELEMENTS["e"])))
    if not measures or not all(m.how.strip() for m in measures):
        missing.append(("f", str(ELEMENTS["f"])))
    if plan.period_start is None or plan.next_revision is None:
        missing.append(("g", str(ELEMENTS["g"])))
    if consent is None:
        missing.append(("h", str(ELEMENTS["h"])))
    if not plan.collaboration.strip():
        missing.append(("i", str(ELEMENTS["i"])))
    return missing


# The elements of an individual plan, in the law's words (forskrift om habilitering og rehabilitering,
# individuell plan og koordinator § 19).
ELEMENTS = {
    "a": _("The person's goals, resources and needs for services"),
    "b": _("Who takes part in the work on the plan"),
    "c": _("Who the coordinator is"),
    "d": _("What the person, the service providers and relatives will contribute"),
    "e": _("Which measures are relevant, their scope, and who is responsible for each"),
    "f": _("How the measures are to be carried out"),
    "g": _("The plan period and when the plan is to be adjusted and revised"),
    "h": _("The person's consent to the plan and to participants being given confidential information"),
    "i": _("Collaboration with other service providers, institutions and agencies"),
}


class ParticipantKind(models.TextChoices):
    PERSON = "person", _("The person")
    RELATIVE = "relative", _("Relative")
    PROFESSIONAL = "professional", _("Professional")


class AccessLevel(models.TextChoices):
    FULL = "full", _("Full: reads the plan, edits own measures, writes notes")
    LIMITED = "limited", _("Limited: reads only the goals and measures they are responsible for")


class PlanParticipant(PersonalDataModel):
    """IP elements b and d: who takes part, in what role, and what each will contribute."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("participant"), max_length=16, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_participations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_participations",
    )
    name = models.CharField(_("name"), max_length=200)
    # Blank for the person the plan is for: their role is shown in the reader's language (`role_label`).
    role = models.CharField(
        _("role in the plan"),
        max_length=200,
        blank=True,
        help_text=_("For example physiotherapist, teacher, mother."),
    )
    contribution = _text(_("what they will contribute"), limit=2000)
    access_level = models.CharField(
        _("access"), max_length=8, choices=AccessLevel.choices, default=AccessLevel.FULL
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("from"), default=timezone.localdate)
    left_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=models.Q(active=True, user__isnull=False),
                name="plans_one_active_participation_per_user",
                violation_error_message=_("This user already takes part in the plan."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="professional")
                | models.Q(user__isnull=False, organisation__isnull=False),
                name="plans_professional_has_user_and_organisation",
                violation_error_message=_("A professional takes part as a user of an organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="person") | ~models.Q(role=""),
                name="plans_participant_has_a_role",
                violation_error_message=_("Write the participant's role in the plan."),
            ),
            _period_in_order("joined_on", "left_on", "plans_participation_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role_label})" if self.role_label else self.name

    @property
    def role_label(self) -> str:
        """The role as written, or for the person the plan is for, in the reader's language."""
        if not self.role and self.kind == ParticipantKind.PERSON:
            return str(_("The person the plan is for"))
        return self.role


class LifeArea(models.TextChoices):
    # The ICF components, as used in rehabilitation goal setting.
    BODY_FUNCTIONS = "body_functions", _("Body functions")
    ACTIVITIES = "activities", _("Activities")
    PARTICIPATION = "participation", _("Participation")
    ENVIRONMENT = "environment", _("Environment")


class GoalStatus(models.TextChoices):
    # Lifecycle apart from achievement (as FHIR Goal.lifecycleStatus): active can be far from reached.
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


ATTAINMENT_LEVELS = (-2, -1, 0, 1, 2)
SCALE_FIELDS = {-2: "level_minus_2", -1: "level_minus_1", 0: "level_0", 1: "level_plus_1", 2: "level_plus_2"}


def _rating_field(label: Any, *, low: int, high: int, **kwargs: Any) -> models.SmallIntegerField:
    return models.SmallIntegerField(
        label, validators=[MinValueValidator(low), MaxValueValidator(high)], **kwargs
    )


class Goal(PersonalDataModel):
    """A main goal or sub-goal in the person's own words, with its goal attainment scale (GAS)."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main goal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_goals",
        help_text=_("Leave empty for a main goal."),
    )
    text = models.TextField(_("the goal, in the person's own words"), validators=[MaxLengthValidator(1000)])
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    written_by_name = models.CharField(_("written by"), max_length=200, blank=True)
    life_area = models.CharField(_("life area"), max_length=16, choices=LifeArea.choices, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    level_minus_2 = _text(_("−2: much less than expected"), limit=500)
    level_minus_1 = _text(_("−1: somewhat less than expected"), limit=500)
    level_0 = _text(_("0: the expected outcome"), limit=500)
    level_plus_1 = _text(_("+1: somewhat more than expected"), limit=500)
    level_plus_2 = _text(_("+2: much more than expected"), limit=500)
    baseline = _rating_field(_("level at the start"), low=-2, high=2, default=-1)
    importance = _rating_field(_("importance (0–3)"), low=0, high=3, null=True, blank=True)
    difficulty = _rating_field(_("difficulty (0–3)"), low=0, high=3, null=True, blank=True)
    # From 12 to 15 a young person may keep a goal from their parents (Helsenorge's representation rules).
    private_to_parents = models.BooleanField(_("private: not shown to parents"), default=False)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(baseline__gte=-2, baseline__lte=2), name="plans_goal_baseline_on_scale"
            ),
            models.CheckConstraint(
                condition=models.Q(importance__isnull=True) | models.Q(importance__gte=0, importance__lte=3),
                name="plans_goal_importance_0_3",
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__isnull=True) | models.Q(difficulty__gte=0, difficulty__lte=3),
                name="plans_goal_difficulty_0_3",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_main(self) -> bool:
        return self.parent_id is None

    def scale(self) -> list[tuple[int, str]]:
        return [(level, getattr(self, SCALE_FIELDS[level])) for level in ATTAINMENT_LEVELS]

    @property
    def weight(self) -> int | None:
        if self.importance is None or self.difficulty is None:
            return None
        return self.importance * self.difficulty

    def clean(self) -> None:
        parent = self.parent
        if parent is not None:
            if parent.pk == self.pk:
                raise ValidationError({"parent": _("A goal cannot be its own main goal.")})
            # Two levels only: main goals and their sub-goals.
            has_sub_goals = not self._state.adding and self.sub_goals.exists()
            if parent.plan_id != self.plan_id or parent.parent_id is not None or has_sub_goals:
                raise ValidationError({"parent": _("Choose a main goal of this plan.")})
        if (self.importance is None) != (self.difficulty is None):
            raise ValidationError({"difficulty": _("Give both importance and difficulty, or neither.")})


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class Measure(PersonalDataModel):
    """IP elements e and f: a measure (tiltak), its scope, who is responsible, and how it is carried out."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures"
    )
    title = models.CharField(_("measure"), max_length=300)
    scope = models.CharField(
        _("scope"), max_length=300, blank=True, help_text=_("For example: two sessions a week.")
    )
    responsible_participant = models.ForeignKey(
        PlanParticipant,
        verbose_name=_("responsible participant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_measures",
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    how = _text(_("how it is carried out"), limit=2000)
    goals = models.ManyToManyField(
        Goal, verbose_name=_("goals it serves"), related_name="measures", blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    refusal_note = _text(
        _("refused or appealed"),
        limit=2000,
        help_text=_("If the service was refused or the decision appealed: what happened, and when."),
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        # A measure with no start date last, on SQLite as on PostgreSQL (whose default this is).
        ordering = [models.F("starts_on").asc(nulls_last=True), "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsible_participant__isnull=False)
                | models.Q(responsible_organisation__isnull=False),
                name="plans_measure_has_someone_responsible",
                violation_error_message=_("Say who is responsible: a participant or an organisation."),
            ),
            _period_in_order("starts_on", "ends_on", "plans_measure_period_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def responsible_name(self) -> str:
        if self.responsible_participant_id is not None:
            return str(self.responsible_participant)
        return str(self.responsible_organisation or "")


class SubPlanKind(models.TextChoices):
    EDUCATION = "education", _("Individual education plan (IOP)")
    TREATMENT = "treatment", _("Treatment plan")
    TRAINING = "training", _("Training programme")
    OTHER = "other", _("Other plan")


class SubPlan(PersonalDataModel):
    """A plan kept elsewhere (school, hospital), linked by reference and never copied: one plan per person."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sub_plans"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SubPlanKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_by = models.ForeignKey(
        Organisation,
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(
        _("where it is found"),
        max_length=300,
        blank=True,
        help_text=_("A case number, a system, or a contact."),
    )

    class Meta:
        verbose_name = _("linked plan")
        verbose_name_plural = _("linked plans")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class PlanNote(PersonalDataModel):
    """The plan log: dated notes by participants. Never edited, so the log stays true."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("written by"), max_length=200)
    text = models.TextField(_("note"), validators=[MaxLengthValidator(TEXT_LIMIT)])

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d.%m.%Y}"


MESSAGE_LIMIT = 4000


class PlanMessage(PersonalDataModel):
    """A message between the person's side (the person, parents, guardian) and the professionals in the plan.
    Never edited or deleted by its writer, so the conversation stays true."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("written by"), max_length=200)
    # Whether the writer was on the person's side: shown so, and decides who is told of it.
    from_person_side = models.BooleanField(_("from the person or their family"), default=False)
    text = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_LIMIT)])

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["plan", "created_at"], name="plans_message_plan_time")]

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d.%m.%Y %H:%M}"


class Meeting(PersonalDataModel):
    """A meeting of the responsibility group (ansvarsgruppemøte)."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    invited = models.ManyToManyField(
        PlanParticipant, verbose_name=_("invited"), related_name="meetings", blank=True
    )
    agenda = _text(_("agenda"))
    minutes = _text(_("minutes"), limit=20000)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="plans_meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~models.Q(place="") | ~models.Q(video_link=""),
                name="plans_meeting_has_place_or_link",
                violation_error_message=_("Give a place or a video link."),
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"


class MeetingDecision(PersonalDataModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"), validators=[MaxLengthValidator(2000)])
    goals = models.ManyToManyField(Goal, verbose_name=_("goals"), related_name="decisions", blank=True)
    measures = models.ManyToManyField(
        Measure, verbose_name=_("measures"), related_name="decisions", blank=True
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class MeetingMessage(PersonalDataModel):
    """A message between an invitee and the coordinator about a meeting: how a participant who reads only
    their own part of the plan (and so not the plan's conversation) reaches the coordinator, and is answered.
    Read by the coordinator and that invitee alone."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("written by"), max_length=200)
    # Whose exchange with the coordinator it is: the invitee who wrote, or whom the coordinator answered.
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_LIMIT)])

    class Meta:
        verbose_name = _("message to the coordinator")
        verbose_name_plural = _("messages to the coordinator")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d.%m.%Y %H:%M}"


class PlanVersion(models.Model):
    """An immutable snapshot of the whole plan, frozen at activation, each evaluation and each revision."""

    class Reason(models.TextChoices):
        ACTIVATION = "activation", _("Activated")
        EVALUATION = "evaluation", _("Evaluation")
        REVISION = "revision", _("Revision")
        # The plan as the person read it when they agreed to it, where it had changed since the last version.
        AGREEMENT = "agreement", _("Agreed to")

    # Not a PersonalDataModel (it is never edited, so it has no version), but it holds the whole plan: a UUID
    # key, like every row with personal data, so that its URL reveals neither counts nor order.
    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    snapshot = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("frozen"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_number_unique")]

    def __str__(self) -> str:
        return str(_("Version %(number)s") % {"number": self.number})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("A plan version cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A plan version cannot be deleted."))


class PlanAgreement(PersonalDataModel):
    """The person, or whoever acts for them, confirms having read the plan and agreeing to it. The
    confirmation belongs to the version it was given on: when a later version is frozen, the plan as it now
    stands has not been agreed to until it is confirmed again."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="agreements"
    )
    plan_version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="agreements"
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_by_name = models.CharField(_("confirmed by"), max_length=200)
    # Whether they confirmed for themselves or for the person (a parent, guardian or attorney).
    on_behalf = models.BooleanField(_("on the person's behalf"), default=False)

    class Meta:
        verbose_name = _("agreement to the plan")
        verbose_name_plural = _("agreements to the plan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "agreed_by"], name="plans_agreed_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreed_by_name} {self.created_at:%d.%m.%Y}"


class Evaluation(PersonalDataModel):
    """IP element g in practice: goals rated on their scales, measures reviewed, the next revision set."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluated_on = models.DateField(_("date of evaluation"))
    summary = _text(_("summary"))
    measures_review = _text(_("review of the measures"))
    next_revision = models.DateField(_("next revision"))
    t_score = models.FloatField(_("goal attainment T-score"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_version = models.OneToOneField(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.PROTECT, related_name="evaluation"
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-evaluated_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_revision__gt=models.F("evaluated_on")),
                name="plans_next_revision_after_evaluation",
                violation_error_message=_("The next revision must come after the evaluation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluated_on:%d.%m.%Y}"


class GoalRating(PersonalDataModel):
    """A goal's level on its attainment scale: at an evaluation, or by the person between evaluations."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="ratings")
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
    )
    attainment = _rating_field(_("level reached"), low=-2, high=2)
    comment = _text(_("comment"), limit=2000)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_by_name = models.CharField(_("rated by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("goal rating")
        verbose_name_plural = _("goal ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attainment__gte=-2, attainment__lte=2),
                name="plans_rating_on_scale",
                violation_error_message=_("Choose a level from −2 to +2."),
            ),
            models.UniqueConstraint(
                fields=["evaluation", "goal"],
                condition=models.Q(evaluation__isnull=False),
                name="plans_one_rating_per_goal_per_evaluation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {signed_level(self.attainment)}"


class JoinAnswer(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class JoinRequest(PersonalDataModel):
    """A specialist professional asks the plan's coordinator to take part in the plan. The municipality leads
    the plan and the specialist service takes part (the regulation on habilitation, rehabilitation, individual
    plan and coordinator § 16): the coordinator decides, and the person's consent must cover the asker's
    unit before they are let in."""

    plan = models.ForeignKey(
        IndividualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="plan_join_requests",
    )
    asker_name = models.CharField(_("asked by"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="plan_join_requests"
    )
    message = _text(_("message to the coordinator"), limit=2000)
    answer = models.CharField(
        _("answer"), max_length=8, choices=JoinAnswer.choices, default=JoinAnswer.PENDING
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by_name = models.CharField(_("answered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("request to take part")
        verbose_name_plural = _("requests to take part")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=models.Q(answer="pending"),
                name="plans_one_pending_join_request_per_user",
                violation_error_message=_("You have already asked to take part in this plan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asker_name} ({self.organisation})"

    @property
    def is_pending(self) -> bool:
        return self.answer == JoinAnswer.PENDING
