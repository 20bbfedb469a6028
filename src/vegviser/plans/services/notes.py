"""The plan's log: short notes by those who work on the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from vegviser.access.policy import Action
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_new

from ..models import IndividualPlan, PlanNote
from ._write import _plan_write

if TYPE_CHECKING:
    from vegviser.accounts.models import User


@transaction.atomic
def add_note(*, actor: User | None, plan: IndividualPlan, text: str) -> PlanNote:
    with _plan_write(actor, plan, action=Action.PLAN_NOTE):
        name, _role, _organisation = describe_actor(actor)
        note = PlanNote(plan=plan, author=actor, author_name=name, text=text.strip())
        return save_new(
            note, actor=actor, action=AuditAction.PLAN_NOTE_ADD, fields=["text"], person_id=plan.person_id
        )
