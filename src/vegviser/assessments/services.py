"""Recording an instrument: the answers scored by the library, kept as a QuestionnaireResponse with one row
per score, in the plan's context."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action, PlanRole, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import save_new
from vegviser.episodes.models import Episode
from vegviser.plans.models import IndividualPlan, Measure

from .library import instrument as instrument_of
from .models import Administration, RecordedScore
from .scoring import answers_from_response

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
