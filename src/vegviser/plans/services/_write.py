"""What every write to a plan does around its change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access.policy import Action, authorise

from ..models import IndividualPlan

if TYPE_CHECKING:
    from vegviser.accounts.models import User


@contextmanager
def _plan_write(
    actor: User | None,
    plan: IndividualPlan,
    *,
    action: Action = Action.PLAN_EDIT,
    on: Any = None,
    lock: bool = False,
    closed: Any = None,
) -> Iterator[IndividualPlan]:
    """Around every write to a plan: the policy is asked (about `on`, an item of the plan, where the action
    concerns the item), the plan is locked when the change depends on its state (`lock`), a closed plan
    refuses the change (with `closed` as the reason, where the general one does not fit), and once the change
    is made the plan is marked active today: the unit's overview finds idle plans by it."""
    authorise(actor, action, plan if on is None else on)
    if lock:
        plan = IndividualPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    if not plan.is_open:
        raise ValidationError(closed or _("This plan is closed and can no longer be changed."))
    yield plan
    now = timezone.now()
    IndividualPlan.objects.filter(pk=plan.pk).update(last_activity_at=now)
    plan.last_activity_at = now
