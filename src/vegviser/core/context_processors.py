from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest

from vegviser.access import policy
from vegviser.access.policy import Action

if TYPE_CHECKING:
    from vegviser.accounts.models import User


class Menu:
    """What the menu and the home page offer the user, each asked of the policy when a page first shows it:
    the home page's "my data" costs a query (the user's own person) that no other page needs."""

    def __init__(self, user: User) -> None:
        self.user = user

    def _can(self, action: str, obj: Any = None) -> bool:
        return policy.can(self.user, action, obj)

    @cached_property
    def persons(self) -> bool:
        return self._can(Action.PERSON_SEARCH)

    @cached_property
    def organisations(self) -> bool:
        return self._can(Action.ORGANISATION_LIST)

    @cached_property
    def report_need(self) -> bool:
        return self._can(Action.NEED_REPORT_CREATE)

    @cached_property
    def queue(self) -> bool:
        return self._can(Action.NEED_REPORT_QUEUE)

    @cached_property
    def my_plans(self) -> bool:
        return self._can(Action.PLANS_MINE)

    @cached_property
    def overview(self) -> bool:
        return self._can(Action.PLAN_OVERVIEW)

    @cached_property
    def emergency_review(self) -> bool:
        return self._can(Action.EMERGENCY_REVIEW)

    @cached_property
    def audit(self) -> bool:
        return self._can(Action.AUDIT_SEARCH)

    @cached_property
    def my_data(self) -> bool:
        return hasattr(self.user, "person") and self._can(Action.OWN_DATA_EXPORT, self.user.person)


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: the user's organisation and role, and the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = None
    if not user.is_system_admin:
        membership = next(iter(policy.memberships(user)), None)
    return {
        "current_membership": membership,
        "menu": Menu(user),
        "session_seconds": settings.SESSION_COOKIE_AGE,
    }
