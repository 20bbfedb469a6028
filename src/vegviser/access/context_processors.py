from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest

from vegviser.registry.models import Membership

from . import policy
from .policy import Action

if TYPE_CHECKING:
    from vegviser.accounts.models import User

# What the menu and the home page may offer, each by the policy's action for it.
MENU_ACTIONS = {
    "persons": Action.PERSON_SEARCH,
    "organisations": Action.ORGANISATION_LIST,
    "report_need": Action.NEED_REPORT_CREATE,
    "queue": Action.NEED_REPORT_QUEUE,
    "referrals": Action.REFERRAL_WORK_LIST,
    "priority_guides": Action.PRIORITY_GUIDE_VIEW,
    "episodes": Action.EPISODE_LIST,
    "my_plans": Action.PLANS_MINE,
    "follow_up": Action.ASSESSMENT_FOLLOW_UP,
    "overview": Action.PLAN_OVERVIEW,
    "emergency_review": Action.EMERGENCY_REVIEW,
    "audit": Action.AUDIT_SEARCH,
    "trust": Action.TRUST_OVERVIEW,
    "agreements": Action.AGREEMENT_MANAGE,
    "indicators": Action.INDICATORS_AREA,
}


class Menu(dict[str, bool]):
    """The menu's questions, each asked of the policy when a page first shows it (a template's `menu.audit`
    looks the name up here): only the home page asks about "my data", which costs a query (the user's own
    person) that no other page needs."""

    def __init__(self, user: User) -> None:
        super().__init__()
        self.user = user

    def __missing__(self, name: str) -> bool:
        if name == "my_data":
            answer = hasattr(self.user, "person") and policy.can(
                self.user, Action.OWN_DATA_EXPORT, self.user.person
            )
        elif name in MENU_ACTIONS:
            answer = policy.can(self.user, MENU_ACTIONS[name])
        else:
            raise KeyError(name)
        self[name] = answer
        return answer


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: the user's organisation and role, and the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = None
    if not user.is_system_admin:
        membership = next(iter(Membership.objects.held_by(user)), None)
    return {
        "current_membership": membership,
        "menu": Menu(user),
        "session_seconds": settings.SESSION_COOKIE_AGE,
    }
