"""The person's own side (the portal): what matters, proposed goals, progress between evaluations, messages,
and the confirmation that they have read the plan and agree to it.

Each change is told to the coordinator, who answers for the plan and sees it at the next evaluation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import PROFESSIONAL_ROLES, Action, PlanRole
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.core.services import assign

from .. import notices, versions
from ..models import (
    AccessLevel,
    Goal,
    GoalRating,
    GoalStatus,
    IndividualPlan,
    ParticipantKind,
    PlanAgreement,
    PlanMessage,
    PlanStatus,
    PlanVersion,
)
from ._write import _plan_write
from .goals import _next_goal_position
from .plan import _freeze_version

if TYPE_CHECKING:
    from vegviser.accounts.models import User

PERSON_GOAL_FIELDS = ["text", "life_area", "target_date"]
RATING_FIELDS = ["attainment", "comment"]


def _coordinator_users(plan: IndividualPlan) -> list[User]:
    """The person's coordinators who can open the plan: one who no longer works in the organisation they were
    appointed for is not told of it either (as with reminders)."""
    return policy.coordinators_in_office([plan.person_id]).get(plan.person_id, [])


def _professional_readers(plan: IndividualPlan) -> list[User]:
    """The coordinator and the professionals who read the whole plan: who answers a message."""
    users = _coordinator_users(plan)
    participants = plan.participants.filter(
        kind=ParticipantKind.PROFESSIONAL, active=True, access_level=AccessLevel.FULL, user__isnull=False
    ).select_related("user")
    users += [p.user for p in participants if p.user and policy.plan_role(p.user, plan) == PlanRole.FULL]
    return users


def _person_side_users(plan: IndividualPlan) -> list[User]:
    """The person (from 16) and whoever acts for them today, as far as they have a user."""
    person = plan.person
    candidates = [person.user] if person.user is not None else []
    relations = person.relations.filter(relative__user__isnull=False).select_related("relative__user")
    candidates += [relation.relative.user for relation in relations if relation.relative.user is not None]
    return [
        user
        for user in candidates
        if policy.plan_role(user, plan) in policy.MESSAGE_ROLES - PROFESSIONAL_ROLES
    ]


def _tell_coordinators(plan: IndividualPlan, actor: User | None, *, key: str, message: Any) -> None:
    name, _role, _organisation = describe_actor(actor)
    notices.tell(
        users=[user for user in _coordinator_users(plan) if user != actor],
        key=key,
        message=message,
        params={"name": name, "person": plan.person.full_name},
        url=reverse("plans:plan_detail", kwargs={"pk": plan.pk}),
        email=False,
    )


@transaction.atomic
def update_what_matters(
    *, actor: User | None, plan: IndividualPlan, text: str, expected_version: int
) -> IndividualPlan:
    """Element a in the person's own words."""
    with _plan_write(actor, plan, action=Action.PORTAL_CONTRIBUTE):
        plan = save_change(
            plan,
            actor=actor,
            action=AuditAction.PLAN_WHAT_MATTERS_UPDATE,
            fields=["what_matters"],
            data={"what_matters": text.strip()},
            expected_version=expected_version,
            person_id=plan.person_id,
        )
    _tell_coordinators(
        plan,
        actor,
        key=f"what-matters:{plan.pk}:{plan.version}",
        message=_("%(name)s changed “what matters to me” in the plan for %(person)s."),
    )
    return plan


@transaction.atomic
def propose_goal(*, actor: User | None, plan: IndividualPlan, data: dict[str, Any]) -> Goal:
    """A goal in the person's words, proposed: the coordinator agrees its scale with them and makes it
    active."""
    with _plan_write(actor, plan, action=Action.PORTAL_CONTRIBUTE):
        name, _role, _organisation = describe_actor(actor)
        position = _next_goal_position(plan)
        goal = Goal(
            plan=plan, written_by=actor, written_by_name=name, status=GoalStatus.PROPOSED, position=position
        )
        assign(goal, PERSON_GOAL_FIELDS, data)
        save_new(
            goal,
            actor=actor,
            action=AuditAction.PLAN_GOAL_PROPOSE,
            fields=PERSON_GOAL_FIELDS,
            person_id=plan.person_id,
        )
    _tell_coordinators(
        plan,
        actor,
        key=f"goal-proposed:{goal.pk}",
        message=_("%(name)s proposed a new goal in the plan for %(person)s."),
    )
    return goal


@transaction.atomic
def update_own_goal(*, actor: User | None, goal: Goal, data: dict[str, Any], expected_version: int) -> Goal:
    with _plan_write(actor, goal.plan, action=Action.PORTAL_GOAL_EDIT, on=goal):
        updated = save_change(
            goal,
            actor=actor,
            action=AuditAction.PLAN_GOAL_UPDATE_OWN,
            fields=PERSON_GOAL_FIELDS,
            data=data,
            expected_version=expected_version,
            person_id=goal.plan.person_id,
        )
    _tell_coordinators(
        goal.plan,
        actor,
        key=f"goal-changed:{updated.pk}:{updated.version}",
        message=_("%(name)s changed a goal in the plan for %(person)s."),
    )
    return updated


@transaction.atomic
def rate_progress(*, actor: User | None, goal: Goal, attainment: int, comment: str = "") -> GoalRating:
    """The person's own rating between evaluations, on the goal's scale (−2 … +2)."""
    with _plan_write(actor, goal.plan, action=Action.PORTAL_CONTRIBUTE):
        if goal.status != GoalStatus.ACTIVE:
            raise ValidationError(_("Progress can be rated on active goals only."))
        if attainment not in range(-2, 3):
            raise ValidationError({"attainment": _("Choose a level from −2 to +2.")})
        name, _role, _organisation = describe_actor(actor)
        rating = GoalRating(
            goal=goal, attainment=attainment, comment=comment.strip(), rated_by=actor, rated_by_name=name
        )
        save_new(
            rating,
            actor=actor,
            action=AuditAction.PLAN_GOAL_RATE,
            fields=RATING_FIELDS,
            person_id=goal.plan.person_id,
        )
    _tell_coordinators(
        goal.plan,
        actor,
        key=f"goal-rated:{rating.pk}",
        message=_("%(name)s rated the progress on a goal in the plan for %(person)s."),
    )
    return rating


@transaction.atomic
def send_message(*, actor: User | None, plan: IndividualPlan, text: str) -> PlanMessage:
    closed = _("This plan is closed: messages can no longer be sent in it.")
    with _plan_write(actor, plan, action=Action.PLAN_MESSAGES, closed=closed):
        text = text.strip()
        if not text:
            raise ValidationError({"text": _("Write a message before sending it.")})
        name, _role, _organisation = describe_actor(actor)
        from_person_side = policy.plan_role(actor, plan) not in PROFESSIONAL_ROLES
        message = PlanMessage(
            plan=plan, author=actor, author_name=name, from_person_side=from_person_side, text=text
        )
        save_new(
            message,
            actor=actor,
            action=AuditAction.PLAN_MESSAGE_SEND,
            fields=["text"],
            person_id=plan.person_id,
        )
    if from_person_side:
        recipients, url = _professional_readers(plan), reverse("plans:messages", kwargs={"pk": plan.pk})
    else:
        recipients, url = _person_side_users(plan), reverse("portal:messages", kwargs={"pk": plan.person_id})
    notices.tell(
        users=[user for user in recipients if user != actor],
        key=f"message:{message.pk}",
        message=_("New message from %(name)s about the plan for %(person)s."),
        params={"name": name, "person": plan.person.full_name},
        url=url,
        email=True,
    )
    return message


@transaction.atomic
def agree_to_plan(*, actor: User | None, plan: IndividualPlan) -> PlanAgreement:
    """The person, or whoever consents for them, confirms having read the plan as it now stands and agreeing
    to it. The confirmation is given on a version: the newest, or, where the plan has changed since that was
    frozen, a new one of the plan as they read it, so that what they agreed to can always be shown."""
    with _plan_write(actor, plan, action=Action.PORTAL_PLAN_AGREE, lock=True) as plan:
        if plan.status != PlanStatus.ACTIVE:
            raise ValidationError(_("A plan can be agreed to once it is active."))
        latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        if latest is None or versions.compare(latest.snapshot, versions.freeze(plan)):
            latest = _freeze_version(actor=actor, plan=plan, reason=PlanVersion.Reason.AGREEMENT)
        elif PlanAgreement.objects.filter(plan_version=latest, agreed_by=actor).exists():
            raise ValidationError(_("This version of the plan has already been confirmed."))
        name, _role, _organisation = describe_actor(actor)
        agreement = PlanAgreement(
            plan=plan,
            plan_version=latest,
            agreed_by=actor,
            agreed_by_name=name,
            on_behalf=actor is not None and policy.plan_role(actor, plan) != PlanRole.PERSON,
        )
        save_new(
            agreement,
            actor=actor,
            action=AuditAction.PLAN_AGREE,
            fields=["plan_version", "agreed_by_name", "on_behalf"],
            person_id=plan.person_id,
        )
    _tell_coordinators(
        plan,
        actor,
        key=f"plan-agreed:{agreement.pk}",
        message=_("%(name)s confirmed having read and agreed to the plan for %(person)s."),
    )
    return agreement
