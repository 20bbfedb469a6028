"""Recording an instrument: the answers scored by the library, kept as a QuestionnaireResponse with one row
per score, in the plan's context."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action, PlanRole, authorise
from vegviser.accounts.models import Notification
from vegviser.audit.models import AuditAction
from vegviser.audit.services import record_change, save_change, save_new, snapshot
from vegviser.episodes.models import Episode
from vegviser.plans import notices
from vegviser.plans.models import OPEN_STATUSES, IndividualPlan, Measure

from .library import Instrument
from .library import instrument as instrument_of
from .models import Administration, RecordedScore, Schedule, SentQuestionnaire
from .scoring import answers_from_response
from .selectors import answerers

if TYPE_CHECKING:
    from vegviser.accounts.models import User

ADMINISTRATION_FIELDS = (
    "person",
    "plan",
    "episode",
    "measure",
    "instrument",
    "instrument_version",
    "administered_on",
    "recorded_by",
    "in_portal",
)


@transaction.atomic
def record_instrument(
    *,
    actor: User | None,
    plan: IndividualPlan,
    instrument: str,
    administered_on: date,
    response: dict[str, Any],
    measure: Measure | None = None,
    episode: Episode | None = None,
) -> Administration:
    """Score the answers with the instrument's scoring function and keep them with their scores.

    Raises :class:`~vegviser.assessments.scoring.ScoreError` for answers that cannot be scored (nothing is
    stored), and ``ValidationError`` for a context that does not belong to the plan. The answers are scored
    from the QuestionnaireResponse itself, so what is kept is exactly what was scored.
    """
    authorise(actor, Action.ASSESSMENT_RECORD, plan)
    found = instrument_of(instrument)
    if measure is not None:
        if measure.plan_id != plan.pk:
            raise ValidationError({"measure": _("Choose a measure of this plan.")})
        authorise(actor, Action.ASSESSMENT_RECORD, measure)
    elif actor is not None and policy.plan_role(actor, plan) == PlanRole.LIMITED:
        # Without the tie a participant with limited access could not read what they recorded.
        raise ValidationError(
            {"measure": _("Choose the measure you are responsible for that this belongs to.")}
        )
    if episode is not None and (
        episode.person_id != plan.person_id
        or (actor is not None and not policy.can(actor, Action.EPISODE_VIEW, episode))
    ):
        raise ValidationError({"episode": _("Choose an episode of care of this person.")})
    return _store(
        actor=actor,
        plan=plan,
        found=found,
        administered_on=administered_on,
        response=response,
        measure=measure,
        episode=episode,
        in_portal=False,
    )


def _store(
    *,
    actor: User | None,
    plan: IndividualPlan,
    found: Instrument,
    administered_on: date,
    response: dict[str, Any],
    measure: Measure | None,
    episode: Episode | None,
    in_portal: bool,
) -> Administration:
    """Score the answers and keep them with one row per score: shared by the professional's recording and
    the person's answers in the portal, each authorised by its own caller."""
    if administered_on > timezone.localdate():
        raise ValidationError({"administered_on": _("The date cannot be in the future.")})
    if response.get("resourceType") != "QuestionnaireResponse" or response.get("questionnaire") != (
        f"Questionnaire/{found.code}"
    ):
        raise ValidationError(_("The answers are not to this instrument."))
    scores = found.score(answers_from_response(response))
    administration = Administration(
        person_id=plan.person_id,
        plan=plan,
        episode=episode,
        measure=measure,
        instrument=found.code,
        instrument_version=str(found.questionnaire.get("version", "")),
        administered_on=administered_on,
        recorded_by=actor,
        recorded_by_name=actor.display_name if actor is not None else "",
        response=response,
        in_portal=in_portal,
    )
    save_new(
        administration,
        actor=actor,
        action=AuditAction.ASSESSMENT_RECORD,
        fields=ADMINISTRATION_FIELDS,
        person_id=plan.person_id,
    )
    RecordedScore.objects.bulk_create(
        RecordedScore(
            administration=administration,
            instrument=found.code,
            code=score.code,
            subject=score.subject,
            value=None if isinstance(score.value, str) else float(score.value),
            value_code=score.value if isinstance(score.value, str) else "",
            unit=score.unit,
            position=position,
        )
        for position, score in enumerate(scores)
    )
    # Recording is work on the plan: the unit's overview finds idle plans by this.
    IndividualPlan.objects.filter(pk=plan.pk).update(last_activity_at=timezone.now())
    return administration


# Sending questionnaires to the person's portal, and schedules that send them.

SENT_FIELDS = ("person", "plan", "schedule", "instrument", "sent_on", "due_on", "sent_by")
SCHEDULE_FIELDS = ("plan", "instrument", "every_weeks", "starts_on", "ends_on", "created_by")
# A questionnaire sent by a schedule is to be answered within a week (by the day before the next one, for a
# schedule of every week): long enough for a busy week, short enough to be about the same weeks as sent.
ANSWER_DAYS = 7


def _sendable(code: str) -> Instrument:
    """An instrument whose own words may be shown to the person: a licensed text is not shipped, so the
    person could not answer it in the portal."""
    found = instrument_of(code)
    if found.licensed_text:
        raise ValidationError(
            {"instrument": _("This instrument's text is licensed, so it cannot be answered in the portal.")}
        )
    return found


def _tell_answerers(sent: SentQuestionnaire, *, reminder: bool) -> int:
    """A notice to whoever answers on the person's side, and an email that says only that there is a notice.
    Returns how many were told."""
    users = answerers(sent.person)
    if not users:
        return 0
    message = (
        _("Reminder: a questionnaire in Vegviser is waiting for an answer (answer by %(date)s).")
        if reminder
        else _("A questionnaire has been sent to you in Vegviser. Please answer it by %(date)s.")
    )
    notices.tell(
        users=users,
        key=f"questionnaire{'-reminder' if reminder else ''}:{sent.pk}",
        message=message,
        params={"date": sent.due_on},
        url=reverse("portal:questionnaire", kwargs={"pk": sent.pk}),
        email=True,
        announce="notice",
    )
    return len(users)


def _close_older(actor: User | None, plan: IndividualPlan, instrument: str) -> None:
    """A newer questionnaire replaces an unanswered one of the same instrument for the same plan."""
    now = timezone.now()
    for older in SentQuestionnaire.objects.select_for_update().filter(
        plan=plan, instrument=instrument, administration__isnull=True, closed_at__isnull=True
    ):
        save_change(
            older,
            actor=actor,
            action=AuditAction.QUESTIONNAIRE_CLOSE,
            fields=("closed_at",),
            person_id=plan.person_id,
            apply=lambda row: setattr(row, "closed_at", now),
            locked=True,
        )


@transaction.atomic
def send_questionnaire(
    *,
    actor: User | None,
    plan: IndividualPlan,
    instrument: str,
    due_on: date,
    schedule: Schedule | None = None,
    sent_on: date | None = None,
) -> SentQuestionnaire:
    """Send an instrument to the person's portal to answer by `due_on`, and tell whoever answers."""
    authorise(actor, Action.ASSESSMENT_SEND, plan)
    found = _sendable(instrument)
    if not plan.is_open:
        raise ValidationError(_("The plan is closed, so nothing can be sent from it."))
    sent_on = sent_on or timezone.localdate()
    if due_on < sent_on:
        raise ValidationError({"due_on": _("The answer-by date cannot be before the day it is sent.")})
    _close_older(actor, plan, found.code)
    sent = SentQuestionnaire(
        person_id=plan.person_id,
        plan=plan,
        schedule=schedule,
        instrument=found.code,
        sent_on=sent_on,
        due_on=due_on,
        sent_by=actor,
    )
    save_new(
        sent, actor=actor, action=AuditAction.QUESTIONNAIRE_SEND, fields=SENT_FIELDS, person_id=plan.person_id
    )
    _tell_answerers(sent, reminder=False)
    return sent


def _open_for_answer(sent: SentQuestionnaire) -> None:
    if sent.administration_id is not None:
        raise ValidationError(
            _("This questionnaire has already been answered. The answers were kept the first time."),
            code="answered",
        )
    if sent.closed_at is not None:
        raise ValidationError(
            _("A newer questionnaire has replaced this one. Answer the newest one on your overview page."),
            code="closed",
        )
    if not sent.plan.is_open:
        raise ValidationError(_("The plan is closed, so the questionnaire can no longer be answered."))


@transaction.atomic
def save_draft(*, actor: User, sent: SentQuestionnaire, draft: dict[str, str]) -> SentQuestionnaire:
    """Keep the answers typed so far, to continue later. The log says a draft was saved, not what it holds."""
    authorise(actor, Action.PORTAL_QUESTIONNAIRE, sent)
    locked = SentQuestionnaire.objects.select_for_update().select_related("plan").get(pk=sent.pk)
    _open_for_answer(locked)
    locked.draft = {str(key): str(value)[:200] for key, value in draft.items()}
    locked.save(update_fields=["draft", "updated_at"])
    record_change(actor=actor, action=AuditAction.QUESTIONNAIRE_DRAFT, obj=locked, person_id=locked.person_id)
    return locked


@transaction.atomic
def answer_questionnaire(*, actor: User, sent: SentQuestionnaire, response: dict[str, Any]) -> Administration:
    """The person's answers, scored and kept as an administration in the portal's context, by whoever
    answered. Answered twice (a second tab, the back button), it is refused and the first answers stand.
    After the due date it is still taken, and shown as answered late: answers a few days late still tell the
    team how things go, and a person who sits down to answer expects to be able to; a newer questionnaire
    closes the old one, so late answers never stand in for a later period."""
    authorise(actor, Action.PORTAL_QUESTIONNAIRE, sent)
    locked = SentQuestionnaire.objects.select_for_update().select_related("plan").get(pk=sent.pk)
    _open_for_answer(locked)
    administration = _store(
        actor=actor,
        plan=locked.plan,
        found=instrument_of(locked.instrument),
        administered_on=timezone.localdate(),
        response=response,
        measure=None,
        episode=None,
        in_portal=True,
    )
    before = snapshot(locked, ("administration", "answered_at"))
    locked.administration = administration
    locked.answered_at = timezone.now()
    locked.draft = {}
    locked.save(update_fields=["administration", "answered_at", "draft", "updated_at"])
    record_change(
        actor=actor,
        action=AuditAction.ASSESSMENT_RECORD,
        obj=locked,
        before=before,
        after=snapshot(locked, ("administration", "answered_at")),
        person_id=locked.person_id,
    )
    sent.administration, sent.answered_at = administration, locked.answered_at
    return administration


def occurrence_due(schedule: Schedule, today: date) -> date | None:
    """The schedule's latest occurrence on or before today, if it has begun, is not stopped and has not ended.
    Occurrences missed while the reminders did not run are not sent after the fact: only the latest."""
    if schedule.stopped_at is not None or today < schedule.starts_on:
        return None
    step = 7 * schedule.every_weeks
    last = min(today, schedule.ends_on)
    return schedule.starts_on + timedelta(days=(last - schedule.starts_on).days // step * step)


def _answer_by(schedule: Schedule, occurrence: date) -> date:
    return occurrence + timedelta(days=min(ANSWER_DAYS, 7 * schedule.every_weeks - 1))


def _unsent_occurrence(schedule: Schedule, today: date) -> date | None:
    """The schedule's occurrence that has fallen due, can still be answered in time, and is not yet sent."""
    occurrence = occurrence_due(schedule, today)
    if occurrence is None or _answer_by(schedule, occurrence) < today:
        return None
    if SentQuestionnaire.objects.filter(schedule=schedule, sent_on=occurrence).exists():
        return None
    return occurrence


def _send_occurrence(schedule: Schedule, today: date) -> SentQuestionnaire | None:
    occurrence = _unsent_occurrence(schedule, today)
    if occurrence is None:
        return None
    try:
        return send_questionnaire(
            actor=None,
            plan=schedule.plan,
            instrument=schedule.instrument,
            due_on=_answer_by(schedule, occurrence),
            schedule=schedule,
            sent_on=occurrence,
        )
    except IntegrityError:
        # Another run of the reminders sent this occurrence at the same moment (its own savepoint is undone).
        return None


@transaction.atomic
def set_schedule(
    *,
    actor: User,
    plan: IndividualPlan,
    instrument: str,
    every_weeks: int,
    starts_on: date,
    ends_on: date,
) -> Schedule:
    """Send the instrument every `every_weeks` weeks from `starts_on` until `ends_on`; the first one at once
    when it starts today."""
    authorise(actor, Action.ASSESSMENT_SEND, plan)
    found = _sendable(instrument)
    if starts_on < timezone.localdate():
        raise ValidationError({"starts_on": _("The first time cannot be in the past.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end must be on or after the first time.")})
    if Schedule.objects.filter(plan=plan, instrument=found.code, stopped_at__isnull=True).exists():
        raise ValidationError(
            {"instrument": _("This questionnaire already has a schedule in this plan. Stop it first.")}
        )
    schedule = Schedule(
        plan=plan,
        instrument=found.code,
        every_weeks=every_weeks,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    save_new(
        schedule,
        actor=actor,
        action=AuditAction.SCHEDULE_SET,
        fields=SCHEDULE_FIELDS,
        person_id=plan.person_id,
    )
    _send_occurrence(schedule, timezone.localdate())
    return schedule


@transaction.atomic
def stop_schedule(*, actor: User, schedule: Schedule) -> Schedule:
    """No more questionnaires from the schedule; those already sent may still be answered."""
    authorise(actor, Action.ASSESSMENT_SEND, schedule)
    if schedule.stopped_at is not None:
        raise ValidationError(_("The schedule has already been stopped."))
    now = timezone.now()

    def stop(row: Schedule) -> None:
        row.stopped_at = now
        row.stopped_by = actor

    return save_change(
        schedule,
        actor=actor,
        action=AuditAction.SCHEDULE_STOP,
        fields=("stopped_at", "stopped_by"),
        person_id=schedule.plan.person_id,
        apply=stop,
    )


def send_due(*, today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """For `vegviser remind`: each schedule's occurrence that has fallen due, sent and told of; and one
    reminder for each questionnaire whose answer-by date has come and that is still open. Idempotent: an
    occurrence is sent once (the unique occurrence), a reminder told once (the notice's key)."""
    today = today or timezone.localdate()
    counts = {"questionnaires": 0, "questionnaire_reminders": 0}
    schedules = Schedule.objects.filter(
        stopped_at__isnull=True, starts_on__lte=today, plan__status__in=OPEN_STATUSES
    ).select_related("plan")
    for schedule in schedules:
        if dry_run:
            counts["questionnaires"] += _unsent_occurrence(schedule, today) is not None
        elif _send_occurrence(schedule, today) is not None:
            counts["questionnaires"] += 1
    waiting = list(
        SentQuestionnaire.objects.filter(
            administration__isnull=True,
            closed_at__isnull=True,
            due_on__lte=today,
            plan__status__in=OPEN_STATUSES,
        ).select_related("person")
    )
    reminded = set(
        Notification.objects.filter(
            key__in=[f"questionnaire-reminder:{sent.pk}" for sent in waiting]
        ).values_list("key", flat=True)
    )
    for sent in waiting:
        if f"questionnaire-reminder:{sent.pk}" in reminded:
            continue
        if dry_run:
            counts["questionnaire_reminders"] += 1
            continue
        with transaction.atomic():
            if _tell_answerers(sent, reminder=True):
                counts["questionnaire_reminders"] += 1
    return counts
