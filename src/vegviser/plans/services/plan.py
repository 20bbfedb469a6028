"""The plan itself: starting it, its own elements (a, g, i), its status, and the versions it keeps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.models import Consent
from vegviser.access.policy import Action, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import save_change, save_new
from vegviser.core.services import assign
from vegviser.intake.models import NeedReport
from vegviser.registry.models import Person

from .. import versions
from ..models import (
    ELEMENTS,
    OPEN_STATUSES,
    AccessLevel,
    IndividualPlan,
    ParticipantKind,
    PlanStatus,
    PlanVersion,
)
from ._write import _plan_write
from .participants import _add_participant_row

if TYPE_CHECKING:
    from vegviser.accounts.models import User

HEADER_FIELDS = [
    "what_matters",
    "resources",
    "needs",
    "collaboration",
    "period_start",
    "period_end",
    "next_revision",
]


# What moving a plan to each status is recorded as.
STATUS_ACTIONS = {
    PlanStatus.ACTIVE: AuditAction.PLAN_ACTIVE,
    PlanStatus.PAUSED: AuditAction.PLAN_PAUSED,
    PlanStatus.CLOSED: AuditAction.PLAN_CLOSED,
}


@transaction.atomic
def create_plan(
    *,
    actor: User | None,
    person: Person,
    need_report: NeedReport | None = None,
    data: dict[str, Any] | None = None,
) -> IndividualPlan:
    """A draft plan, with the person and the coordinator as its first participants. Needs consent in force."""
    authorise(actor, Action.PLAN_CREATE, person)
    if Consent.objects.in_force_for(person, covering="plan") is None:
        raise ValidationError(
            _("A plan can only be made when consent to it is in force. Record the consent first.")
        )
    if person.municipality_id is None:
        raise ValidationError(_("The person's municipality is not known: it leads the plan."))
    if IndividualPlan.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("The person already has an individual plan. Close it before starting another.")
        )
    plan = IndividualPlan(
        person=person, municipality_id=person.municipality_id, need_report=need_report, created_by=actor
    )
    assign(plan, HEADER_FIELDS, data or {})
    try:
        with transaction.atomic():
            save_new(
                plan,
                actor=actor,
                action=AuditAction.PLAN_CREATE,
                fields=["status", *HEADER_FIELDS],
                person_id=person.pk,
            )
    except IntegrityError as error:
        # Two coordinators starting a plan at the same moment: the database's constraint decides.
        raise ValidationError(
            _("The person already has an individual plan. Close it before starting another.")
        ) from error
    _add_participant_row(
        actor=actor,
        plan=plan,
        data={
            "kind": ParticipantKind.PERSON,
            "user": person.user,
            "name": person.full_name,
        },
    )
    for assignment in person.coordinator_assignments.filter(active=True).select_related(
        "coordinator", "organisation"
    ):
        _add_participant_row(
            actor=actor,
            plan=plan,
            data={
                "kind": ParticipantKind.PROFESSIONAL,
                "user": assignment.coordinator,
                "organisation": assignment.organisation,
                "name": assignment.coordinator.display_name,
                "role": assignment.get_kind_display(),
                "email": assignment.coordinator.email,
                "access_level": AccessLevel.FULL,
            },
        )
    return plan


@transaction.atomic
def update_plan(
    *, actor: User | None, plan: IndividualPlan, data: dict[str, Any], expected_version: int
) -> IndividualPlan:
    """Elements a, g and i: what matters, resources, needs, the plan period, revision, collaboration."""
    with _plan_write(actor, plan):
        return save_change(
            plan,
            actor=actor,
            action=AuditAction.PLAN_UPDATE,
            fields=HEADER_FIELDS,
            data=data,
            expected_version=expected_version,
            person_id=plan.person_id,
        )


def activation_problems(*, consent: Consent | None, has_coordinator: bool) -> list[str]:
    """What keeps a plan from being made active, from what the caller has loaded: the plan page has the
    consent in force and the active coordinators already."""
    problems = []
    if consent is None:
        problems.append(str(_("There is no consent in force to the plan.")))
    if not has_coordinator:
        problems.append(str(_("The person has no coordinator.")))
    return problems


def _set_status(
    plan: IndividualPlan,
    *,
    actor: User | None,
    status: PlanStatus,
    allowed_from: Iterable[str],
    reason: str = "",
    missing: list[str] | None = None,
) -> IndividualPlan:
    """Within a plan write, with the plan locked. The `reason` is why the plan is closed, or why it is made
    active without the `missing` elements."""
    if plan.status not in allowed_from:
        raise ValidationError(
            _("A plan that is %(status)s cannot be changed this way.")
            % {"status": plan.get_status_display().lower()}
        )

    def move(plan: IndividualPlan) -> None:
        plan.status = status
        now = timezone.now()
        if status == PlanStatus.ACTIVE:
            if plan.activated_at is None:
                plan.activated_at = now
            plan.activated_without = missing or []
            plan.activation_reason = reason if missing else ""
        if status == PlanStatus.CLOSED:
            plan.closed_at = now
            plan.closed_reason = reason

    return save_change(
        plan,
        actor=actor,
        action=STATUS_ACTIONS[status],
        fields=["status", "closed_reason", "activated_without", "activation_reason"],
        apply=move,
        person_id=plan.person_id,
        locked=True,
    )


def missing_in_words(letters: Iterable[str]) -> str:
    """The missing elements as the regulation names them, each with its letter, for a sentence."""
    return "; ".join(f"{letter}) {ELEMENTS[letter]}" for letter in letters)


@transaction.atomic
def activate_plan(*, actor: User | None, plan: IndividualPlan, reason: str = "") -> IndividualPlan:
    """Draft or paused → active, only with consent and a coordinator. Where some of the elements a–i are
    still missing, only with the reason for going ahead without them: the decision is the coordinator's, made
    knowingly, and kept with the plan and in the audit log. Freezes version 1 the first time."""
    with _plan_write(actor, plan, lock=True) as plan:
        problems = activation_problems(
            consent=Consent.objects.in_force_for(plan.person, covering="plan"),
            has_coordinator=plan.person.coordinator_assignments.filter(active=True).exists(),
        )
        if problems:
            raise ValidationError(problems)
        missing = [letter for letter, _words in plan.missing_elements()]
        reason = reason.strip()
        if missing and not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "The plan still lacks what the regulation requires: %(elements)s. Complete the plan, "
                        "or give the reason for making it active without them."
                    )
                    % {"elements": missing_in_words(missing)}
                }
            )
        first = plan.activated_at is None
        plan = _set_status(
            plan,
            actor=actor,
            status=PlanStatus.ACTIVE,
            allowed_from=[PlanStatus.DRAFT, PlanStatus.PAUSED],
            reason=reason,
            missing=missing,
        )
        if first:
            _freeze_version(
                actor=actor, plan=plan, reason=PlanVersion.Reason.ACTIVATION, note=plan.activation_reason
            )
        return plan


@transaction.atomic
def pause_plan(*, actor: User | None, plan: IndividualPlan) -> IndividualPlan:
    with _plan_write(actor, plan, lock=True) as plan:
        return _set_status(plan, actor=actor, status=PlanStatus.PAUSED, allowed_from=[PlanStatus.ACTIVE])


@transaction.atomic
def close_plan(*, actor: User | None, plan: IndividualPlan, reason: str) -> IndividualPlan:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the plan.")})
    with _plan_write(actor, plan, lock=True) as plan:
        return _set_status(
            plan, actor=actor, status=PlanStatus.CLOSED, allowed_from=OPEN_STATUSES, reason=reason.strip()
        )


def _freeze_version(*, actor: User | None, plan: IndividualPlan, reason: str, note: str = "") -> PlanVersion:
    """An immutable copy of the whole plan. Called inside the caller's transaction, with the plan locked."""
    IndividualPlan.objects.select_for_update().filter(pk=plan.pk).first()
    number = (PlanVersion.objects.filter(plan=plan).aggregate(last=Max("number"))["last"] or 0) + 1
    version = PlanVersion(
        plan=plan, number=number, reason=reason, note=note, snapshot=versions.freeze(plan), created_by=actor
    )
    return save_new(
        version,
        actor=actor,
        action=AuditAction.PLAN_VERSION,
        fields=["number", "reason"],
        person_id=plan.person_id,
    )


@transaction.atomic
def revise_plan(*, actor: User | None, plan: IndividualPlan, note: str) -> PlanVersion:
    """A revision outside an evaluation: freeze the plan as it now stands, with what was revised."""
    with _plan_write(actor, plan):
        if not note.strip():
            raise ValidationError({"note": _("Say briefly what was revised.")})
        return _freeze_version(actor=actor, plan=plan, reason=PlanVersion.Reason.REVISION, note=note.strip())
